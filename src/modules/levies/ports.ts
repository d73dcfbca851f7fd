import type { Database, Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'
import { zoneOrDefault } from '../../core/time.ts'
import { tenancyServices } from '../tenancy/index.ts'

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
  const s = tenancyServices(ctx)
  const agencies = async (db: Queryable, tenant: string) => (await s.agencies.list(db, tenant, 1000)).items
  return {
    timezone: async (db, tenant) => zoneOrDefault((await s.tenants.get(db, tenant))?.timezone),
    kelurahanAt: async (db, tenant, lon, lat) => (await s.regions.at(db, tenant, lon, lat))?.kelurahan ?? null,
    hasAgency: async (db, tenant, id) => (await agencies(db, tenant)).some((a) => a.id === id),
    agencyByCode: async (db, tenant, code) => (await agencies(db, tenant)).find((a) => a.code === code)?.id ?? null,
    addOfficer: async (db, tenant, p) => {
      await s.accounts.createUser(db, tenant, 'system:demo', {
        username: p.username,
        name: p.name,
        password: p.password,
        roles: ['agency_officer'],
        agencies: [p.agencyId],
      })
    },
  }
}
