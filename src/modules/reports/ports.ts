import type { Database, Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { Principal } from '../../core/http/access.ts'
import type { TenantInfo } from '../../core/http/identity.ts'
import type { CoreContext } from '../../core/module.ts'
import { incidentsServices } from '../incidents/index.ts'

// What this module asks of other modules, through their services (never their tables).

export interface AgencyRef {
  id: string
  code: string
  name: string
}

export interface TenancyLookups {
  /** The tenant (cached briefly by tenancy); not for use inside a transaction, see `timezone`. */
  tenant(code: string): Promise<TenantInfo | null>
  /** The tenant's IANA zone, read on the caller's handle (safe inside a transaction). */
  timezone(db: Queryable, tenant: string): Promise<string>
  /** The kelurahan and kecamatan of a point; null outside the tenant. */
  regionAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ kelurahan: Ref; kecamatan: Ref | null } | null>
  /** The tenant's active agencies (OPD) by id. */
  agencies(db: Queryable, tenant: string): Promise<Map<string, AgencyRef>>
  /** The caller of an Open311 api_key (a tenancy API token). */
  principalFromApiToken(db: Queryable, token: string): Promise<Principal | null>
}

export interface IncidentRaiser {
  raise(
    db: Database,
    tenant: string,
    actor: string,
    input: {
      type: string
      priority?: 'P1' | 'P2' | 'P3' | 'P4'
      location: GeoPoint
      address?: string
      description: string
      agencyIds: string[]
      reportId: string
    },
  ): Promise<{ id: string; number: string }>
}

interface Ref {
  code: string
  name: string
}

export function tenancyLookups(ctx: CoreContext): TenancyLookups {
  const t = ctx.tenancy
  return {
    tenant: (code) => t.tenant(code),
    timezone: (db, tenant) => t.timeZone(tenant, db),
    regionAt: (db, tenant, lon, lat) => t.regionAt(db, tenant, lon, lat),
    agencies: async (db, tenant) => new Map((await t.agencies(db, tenant)).map((a) => [a.id, { id: a.id, code: a.code, name: a.name }])),
    principalFromApiToken: (db, token) => t.principalFromApiToken(db, token),
  }
}

export function incidentRaiser(ctx: CoreContext): IncidentRaiser {
  const incidents = incidentsServices(ctx).incidents
  return {
    raise: async (db, tenant, actor, input) => {
      const incident = await incidents.create(db, tenant, actor, { ...input, source: 'report' })
      return { id: incident.id, number: incident.number }
    },
  }
}
