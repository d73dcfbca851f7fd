import type { Queryable } from '../../core/db/database.ts'
import { NotFound } from '../../core/errors.ts'
import type { CoreContext } from '../../core/module.ts'
import { zoneOrDefault } from '../../core/time.ts'
import { tenancyServices } from '../tenancy/index.ts'

/** What this module asks of the tenancy module, through its services (never its tables). */
export interface TenancyLookups {
  /** The kelurahan and kecamatan of a point; null outside the tenant. */
  regionAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ kelurahan: Ref; kecamatan: Ref | null } | null>
  /** The tenant's IANA zone, for the year in incident numbers. */
  timezone(tenant: string): Promise<string>
  agencyExists(db: Queryable, tenant: string, id: string): Promise<boolean>
  /** Agency ids by code, for the demo seed. */
  agencyIdsByCode(db: Queryable, tenant: string): Promise<Map<string, string>>
}

interface Ref {
  code: string
  name: string
}

export function tenancyLookups(ctx: CoreContext): TenancyLookups {
  const s = tenancyServices(ctx)
  return {
    regionAt: (db, tenant, lon, lat) => s.regions.at(db, tenant, lon, lat),
    timezone: async (tenant) => zoneOrDefault((await s.tenants.info(tenant))?.timezone),
    agencyExists: async (db, tenant, id) => {
      try {
        await s.agencies.get(db, tenant, id)
        return true
      } catch (err) {
        if (err instanceof NotFound) return false
        throw err
      }
    },
    agencyIdsByCode: async (db, tenant) => {
      const page = await s.agencies.list(db, tenant, 1000)
      return new Map(page.items.map((a) => [a.code, a.id]))
    },
  }
}
