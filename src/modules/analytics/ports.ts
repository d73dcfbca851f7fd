import type { Database, Queryable } from '../../core/db/database.ts'
import { NotFound } from '../../core/errors.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { CoreContext } from '../../core/module.ts'
import { cameraService } from '../cctv/index.ts'
import { incidentsServices } from '../incidents/index.ts'

// What this module asks of other modules, through their services (never their tables).

export const ANALYTICS_ACTOR = 'system:analytics'

export interface CameraRef {
  id: string
  name: string
  location: GeoPoint
}

export interface AnalyticsPorts {
  /** The tenant's IANA zone, read on the caller's handle. */
  timezone(db: Queryable, tenant: string): Promise<string>
  /** A Kendali camera (cctv module); null when the tenant has no such camera (or it was archived). */
  camera(db: Queryable, tenant: string, id: string): Promise<CameraRef | null>
  /** Whether the tenant has this active incident type. */
  hasIncidentType(db: Queryable, tenant: string, code: string): Promise<boolean>
  /** The incident of a detection: created once however often asked (keyed by the alarm id). */
  raiseIncident(
    db: Database,
    tenant: string,
    input: { type: string; priority: 'P1' | 'P2' | 'P3' | 'P4'; location: GeoPoint; address: string; description: string; alarmId: string },
  ): Promise<{ id: string; number: string }>
}

export function analyticsPorts(ctx: CoreContext): AnalyticsPorts {
  const incidents = incidentsServices(ctx).incidents
  const cameras = cameraService(ctx)
  return {
    timezone: (db, tenant) => ctx.tenancy.timeZone(tenant, db),
    camera: async (db, tenant, id) => {
      try {
        const c = await cameras.get(db, tenant, id, 'all')
        return { id: c.id, name: c.name, location: c.location as GeoPoint }
      } catch (err) {
        if (err instanceof NotFound) return null
        throw err
      }
    },
    hasIncidentType: async (db, tenant, code) => (await incidents.types(db, tenant)).some((t) => t.code === code && t.isActive),
    raiseIncident: async (db, tenant, input) => {
      const incident = await incidents.createFromAlarm(db, tenant, { ...input, source: 'cctv' }, ANALYTICS_ACTOR)
      return { id: incident.id, number: incident.number }
    },
  }
}
