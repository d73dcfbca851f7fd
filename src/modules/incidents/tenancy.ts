import type { Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'

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
  const t = ctx.tenancy
  return {
    regionAt: (db, tenant, lon, lat) => t.regionAt(db, tenant, lon, lat),
    timezone: (tenant) => t.timeZone(tenant),
    agencyExists: (db, tenant, id) => t.hasAgency(db, tenant, id),
    agencyIdsByCode: async (db, tenant) => new Map((await t.agencies(db, tenant)).map((a) => [a.code, a.id])),
  }
}
