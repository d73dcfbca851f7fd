import type { Database, Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { CoreContext } from '../../core/module.ts'
import { incidentsServices } from '../incidents/index.ts'
import { sensorsService } from '../sensors/index.ts'

// What this module asks of other modules, through their services (never their tables).

export interface RegionShape {
  code: string
  name: string
  level: string
  parent: string | null
  geometry: { type: string; coordinates: unknown }
}

export interface TenancyLookups {
  /** Every tenant that is a city or regency (BMKG events are judged for each). */
  cities(db: Queryable): Promise<{ code: string; name: string; timezone: string }[]>
  timezone(db: Queryable, tenant: string): Promise<string>
  /** The tenant's kecamatan and kelurahan/desa with their boundaries. */
  regions(db: Queryable, tenant: string): Promise<RegionShape[]>
  regionAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ kelurahan: { code: string; name: string } } | null>
}

export interface IncidentSummary {
  id: string
  number: string
  type: string
  priority: string
  location: GeoPoint
  address: string | null
  description: string | null
  kelurahan: { code: string; name: string } | null
}

export interface IncidentPort {
  get(db: Queryable, tenant: string, id: string): Promise<IncidentSummary>
  /** An incident raised by a BMKG event, linked to the draft alert made for it. */
  raiseFromBmkg(
    db: Database,
    tenant: string,
    input: { type: string; location: GeoPoint; description: string; alertId: string },
  ): Promise<{ id: string; number: string }>
  /** The incident raised for an alert id since a moment (a BMKG event resumed after a failure); null if none. */
  raisedFor(db: Queryable, tenant: string, alertId: string, since: Date): Promise<{ id: string } | null>
}

export interface AlarmSummary {
  id: string
  deviceName: string
  metric: string | null
  value: number | null
  threshold: number | null
  severity: string
  location: GeoPoint
}

export interface AlarmPort {
  /** A sensor alarm of the tenant; null when there is none. */
  find(db: Queryable, tenant: string, id: string): Promise<AlarmSummary | null>
}

export function tenancyLookups(ctx: CoreContext): TenancyLookups {
  const t = ctx.tenancy
  return {
    cities: async (db) => (await t.tenants(db)).filter((c) => c.kind !== 'provinsi').map((c) => ({ code: c.code, name: c.name, timezone: c.timezone })),
    timezone: (db, tenant) => t.timeZone(tenant, db),
    regions: async (db, tenant) =>
      (await t.regions(db, tenant))
        .filter((f) => ['kecamatan', 'kelurahan', 'desa'].includes(f.properties.level))
        .map((f) => ({ ...f.properties, geometry: f.geometry as RegionShape['geometry'] })),
    regionAt: (db, tenant, lon, lat) => t.regionAt(db, tenant, lon, lat),
  }
}

const RAISED_PAGE = 200

export function incidentPort(ctx: CoreContext): IncidentPort {
  const incidents = incidentsServices(ctx).incidents
  return {
    get: (db, tenant, id) => incidents.get(db, tenant, id),
    raiseFromBmkg: async (db, tenant, input) => {
      const incident = await incidents.create(db, tenant, 'system:bmkg', { ...input, source: 'bmkg' })
      return { id: incident.id, number: incident.number }
    },
    raisedFor: async (db, tenant, alertId, since) => {
      // Only the few incidents created since the event was claimed are looked at.
      let cursor: string | undefined
      do {
        const page = await incidents.list(db, tenant, { since: since.toISOString(), limit: RAISED_PAGE, cursor }, false)
        const found = page.items.find((i) => i.alertId === alertId)
        if (found) return { id: found.id }
        cursor = page.next ?? undefined
      } while (cursor)
      return null
    },
  }
}

// Alarms are few while open; the sensors service lists them (it has no single-alarm read yet).
const ALARM_PAGE = 1000

export function alarmPort(ctx: CoreContext): AlarmPort {
  const sensors = sensorsService(ctx)
  return {
    find: async (db, tenant, id) => {
      const page = await sensors.listAlarms(db, tenant, undefined, ALARM_PAGE)
      return page.items.find((a) => a.id === id) ?? null
    },
  }
}
