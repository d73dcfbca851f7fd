import type { Database, Queryable } from './db/database.ts'
import type { Principal, Role } from './http/access.ts'
import type { TenantInfo } from './http/identity.ts'

// What every module may read of tenants, their regions, OPDs and people: one port, provided by the tenancy module
// (as it provides the identity) and built once per context (`ctx.tenancy`). A module's own `ports.ts` says which of
// these it uses; no module builds the tenancy services itself.

export interface TenantSummary {
  code: string
  name: string
  kind: TenantInfo['kind']
  parent: string | null
  timezone: string
  /** [minLon, minLat, maxLon, maxLat] of its regions; null before boundaries are imported. */
  bbox: [number, number, number, number] | null
}

export interface RegionRef {
  code: string
  name: string
}

export interface RegionFeature {
  type: 'Feature'
  id: string
  /** GeoJSON geometry. */
  geometry: unknown
  properties: { code: string; name: string; level: string; parent: string | null }
}

export interface AgencySummary {
  id: string
  code: string
  name: string
  shortName: string | null
  createdAt: string
}

export interface NewPerson {
  username: string
  name: string
  password: string
  roles: Role[]
  agencies?: string[]
}

export interface TenancyPort {
  /** A tenant (cached briefly); not for use inside a transaction, see `tenantOn`. */
  tenant(code: string): Promise<TenantInfo | null>
  /** A tenant read on the caller's handle (safe inside a transaction), with its extent. */
  tenantOn(db: Queryable, code: string): Promise<TenantSummary | null>
  /** Every tenant of the install. */
  tenants(db: Queryable): Promise<TenantSummary[]>
  /** The tenant's IANA zone, WIB when it has none; read on `db` when given (inside a transaction), else cached. */
  timeZone(tenant: string, db?: Queryable): Promise<string>
  /** The kelurahan (or desa) and kecamatan of a point; null outside the tenant. */
  regionAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ kelurahan: RegionRef; kecamatan: RegionRef | null } | null>
  /** The tenant's regions with their boundaries, of one level or all. */
  regions(db: Queryable, tenant: string, level?: 'kecamatan' | 'kelurahan' | 'desa'): Promise<RegionFeature[]>
  /** Every active agency (OPD) of the tenant. */
  agencies(db: Queryable, tenant: string): Promise<AgencySummary[]>
  /** Whether an agency id belongs to the tenant. */
  hasAgency(db: Queryable, tenant: string, id: string): Promise<boolean>
  /** Usernames of the tenant's active people holding a role. */
  usersWithRole(db: Queryable, tenant: string, role: Role): Promise<Set<string>>
  /** The caller of an API token (Open311's api_key). */
  principalFromApiToken(db: Queryable, token: string): Promise<Principal | null>
  /** Adds a person (the demo seeds' staff). */
  addPerson(db: Database, tenant: string, actor: string, person: NewPerson): Promise<void>
}
