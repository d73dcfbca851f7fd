import type { Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'

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
  const t = ctx.tenancy
  return {
    organizations: async (db, tenant) =>
      (await t.agencies(db, tenant)).map((a) => ({ id: a.id, tenant, code: a.code, name: a.name, createdAt: new Date(a.createdAt).toISOString() })),
    tenant: async (code) => {
      const found = await t.tenant(code)
      return found ? { code: found.code, name: found.name } : null
    },
    timezone: (code) => t.timeZone(code),
  }
}
