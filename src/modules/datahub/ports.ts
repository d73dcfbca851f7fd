import type { Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'
import { zoneOrDefault } from '../../core/time.ts'
import { tenancyServices } from '../tenancy/index.ts'

// What the data hub asks of other modules, through their services (never their tables).

/** An organisation of the data hub: an agency (OPD) of the tenancy module. */
export interface Organization {
  id: string
  tenant: string
  code: string
  name: string
  createdAt: string
}

export interface TenantRef {
  code: string
  name: string
}

export interface Lookups {
  /** The tenant's active agencies. */
  organizations(db: Queryable, tenant: string): Promise<Organization[]>
  tenant(code: string): Promise<TenantRef | null>
  timezone(code: string): Promise<string>
}

export function tenancyLookups(ctx: CoreContext): Lookups {
  const s = tenancyServices(ctx)
  return {
    organizations: async (db, tenant) => {
      const page = await s.agencies.list(db, tenant, 1000)
      return page.items.map((a) => ({ id: a.id, tenant, code: a.code, name: a.name, createdAt: new Date(a.createdAt).toISOString() }))
    },
    tenant: async (code) => {
      const t = await s.tenants.info(code)
      return t ? { code: t.code, name: t.name } : null
    },
    timezone: async (code) => zoneOrDefault((await s.tenants.info(code))?.timezone),
  }
}
