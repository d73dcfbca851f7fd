import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'

/** Topics of this module and who may read them (checked on the event log and the live channel). */
export const INCIDENT_TOPICS = {
  /** Incidents, their changes, notes and dispatches. Callers' names and phones never travel in events. */
  incidents: ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'executive'],
  /** Units' status and positions, for the live map. */
  units: ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'executive'],
  /** Facilities and their emergency capacity. */
  facilities: ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'executive'],
} as const

/** What an incident event carries: enough for a map and a queue to update without asking again. */
export type IncidentSummary = {
  number: string
  type: string
  priority: string
  status: string
  location: GeoPoint
  kelurahan: string | null
}

export type UnitSummary = {
  callsign: string
  kind: string
  status: string
  incidentId: string | null
  location: GeoPoint | null
}

export type IncidentEvent =
  | { topic: 'incidents'; type: 'incident_callers.erased'; entity: null; data: { incidents: number; closedBefore: string } }
  | {
      topic: 'incidents'
      type: 'incident.created' | 'incident.updated' | 'incident.status_changed' | 'incident.reopened'
      entity: string
      data: IncidentSummary & { from?: string; changes?: string[] }
    }
  | { topic: 'incidents'; type: 'incident.noted' | 'incident.call_attached'; entity: string; data: IncidentSummary & { text: string | null } }
  | {
      topic: 'incidents'
      type: 'incident.dispatched'
      entity: string
      data: IncidentSummary & { unitId: string; callsign: string; etaSeconds: number | null }
    }
  | { topic: 'units'; type: 'unit.created' | 'unit.updated'; entity: string; data: UnitSummary }
  // One event for a bulk load: the console reloads its units instead of taking a thousand events.
  | { topic: 'units'; type: 'unit.bulk_saved'; entity: null; data: { created: number; updated: number } }
  | { topic: 'units'; type: 'unit.status_changed'; entity: string; data: UnitSummary & { from: string; destinationId: string | null } }
  | {
      topic: 'facilities'
      type: 'facility.created' | 'facility.capacity_changed'
      entity: string
      data: { code: string; name: string; kind: string; erBedsAvailable: number | null }
    }
  | { topic: 'incidents'; type: 'incident_types.changed' | 'incident_targets.changed'; entity: string | null; data: Record<string, unknown> }

export function recordIncidentEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: IncidentEvent) {
  return log.record(tx, tenant, actor, event)
}

/** A unit's new position: volatile (live map only); the track is kept in the unit's own positions table. */
export function announceUnitMoved(log: EventLog, tx: Tx, tenant: string, actor: string | null, unitId: string, data: UnitSummary) {
  return log.announce(tx, tenant, actor, { topic: 'units', type: 'unit.moved', entity: unitId, data })
}
