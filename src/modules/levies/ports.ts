import type { Database, Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'

// What this module asks of tenancy, through its services (never its tables).

export interface TenancyLookups {
  /** The tenant's IANA zone (safe inside a transaction). */
  timezone(db: Queryable, tenant: string): Promise<string>
  /** The kelurahan of a point; null outside the tenant. */
  kelurahanAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ code: string; name: string } | null>
  /** Whether an agency (OPD) id belongs to the tenant. */
  hasAgency(db: Queryable, tenant: string, id: string): Promise<boolean>
  /** The id of an agency by its code (the demo seed names OPDs by code). */
  agencyByCode(db: Queryable, tenant: string, code: string): Promise<string | null>
  /** Adds an agency officer working for one OPD (the demo city's market office). */
  addOfficer(db: Database, tenant: string, person: { username: string; name: string; password: string; agencyId: string }): Promise<void>
}

export function tenancyLookups(ctx: CoreContext): TenancyLookups {
  const t = ctx.tenancy
  return {
    timezone: (db, tenant) => t.timeZone(tenant, db),
    kelurahanAt: async (db, tenant, lon, lat) => (await t.regionAt(db, tenant, lon, lat))?.kelurahan ?? null,
    hasAgency: (db, tenant, id) => t.hasAgency(db, tenant, id),
    agencyByCode: async (db, tenant, code) => (await t.agencies(db, tenant)).find((a) => a.code === code)?.id ?? null,
    addOfficer: async (db, tenant, p) => {
      await t.addPerson(db, tenant, 'system:demo', {
        username: p.username,
        name: p.name,
        password: p.password,
        roles: ['agency_officer'],
        agencies: [p.agencyId],
      })
    },
  }
}
