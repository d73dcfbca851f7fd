import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { DEFAULT_INCIDENT_TYPES, OPEN_STATUSES, UNIT_KINDS, type UnitKind } from './catalogue.ts'
import { recordIncidentEvent } from './events.ts'
import { type Clock, type IncidentService, summary } from './incidents.ts'
import type { Dispatch, Recommendation } from './schema.ts'
import * as store from './store.ts'
import { estimateTravel, type TravelTimes } from './travel.ts'

// Candidates per kind taken from the spatial index before ranking by travel time.
const CANDIDATES_PER_KIND = 10
/** The unit kinds of each default incident type, for a tenant that has not made the type its own. */
const DEFAULT_UNIT_KINDS = Object.fromEntries(DEFAULT_INCIDENT_TYPES.map((t) => [t.code, t.unitKinds]))

/** Recommending the nearest available units for an incident, and sending them. */
export class DispatchService {
  constructor(
    private readonly events: EventLog,
    private readonly incidents: IncidentService,
    private readonly travelTimes: TravelTimes,
    private readonly clock: Clock = () => new Date(),
  ) {}

  /** The available units of the kinds the incident's type needs, fastest first, with distance and ETA. */
  async recommend(db: Queryable, tenant: string, incidentId: string, limit = 5): Promise<Recommendation[]> {
    const nearest = await store.nearestAvailableTo(db, tenant, incidentId, DEFAULT_UNIT_KINDS, UNIT_KINDS, Math.max(limit, CANDIDATES_PER_KIND))
    if (!nearest) throw new NotFound(`There is no incident ${incidentId} in ${tenant}`)
    const { candidates, kinds } = nearest
    const travel = await this.travelTimes.travel(
      candidates.map((c) => ({ straightM: c.straightM, kind: c.kind, from: c.location.coordinates })),
      nearest.to,
    )
    return candidates
      .map((c, i) => ({ ...c, distanceM: travel[i].distanceM, etaSeconds: travel[i].etaSeconds, etaSource: travel[i].source }))
      .sort((a, b) => a.etaSeconds - b.etaSeconds || kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.callsign.localeCompare(b.callsign))
      .slice(0, limit)
  }

  /**
   * Sends an available unit to an open incident. Of two dispatchers sending the same unit at once, one
   * succeeds and the other gets a Conflict naming where the unit went.
   */
  async dispatch(db: Database, tenant: string, actor: string, incidentId: string, unitId: string, destinationId: string | null = null): Promise<Dispatch> {
    const unit = await store.findUnit(db, tenant, unitId)
    if (!unit) throw new NotFound(`There is no unit ${unitId} in ${tenant}`, { field: 'unitId' })
    if (destinationId && !(await store.findFacility(db, tenant, destinationId))) {
      throw new Invalid(`There is no facility ${destinationId} in ${tenant}`, { field: 'destinationId' })
    }
    // Travel is estimated before the transaction, so no row stays locked while a routing service answers.
    const incidentBefore = await this.incidents.get(db, tenant, incidentId)
    const travel = unit.location ? await this.travelFor(db, unit.location.coordinates, incidentBefore.location.coordinates, unit.kind) : null
    const now = this.clock()
    return db.transaction(async (tx) => {
      // Lock order everywhere: the incident, then its units.
      const incident = await store.findIncident(tx, tenant, incidentId, true)
      if (!incident) throw new NotFound(`There is no incident ${incidentId} in ${tenant}`)
      if (!OPEN_STATUSES.includes(incident.status)) throw new Conflict(`Incident ${incident.number} is ${incident.status}; reopen it first`)
      const claimed = await store.claimUnit(tx, tenant, unitId, incidentId, destinationId, now)
      if (!claimed) throw await this.unavailable(tx, tenant, unitId)
      const dispatch = await store.insertDispatch(tx, tenant, {
        incidentId,
        unitId,
        assignedBy: actor,
        etaSeconds: travel?.etaSeconds ?? null,
        distanceM: travel?.distanceM ?? null,
        at: now,
      })
      const row = incident.status === 'new' ? await store.updateIncident(tx, tenant, incidentId, { status: 'dispatched' }, now) : incident
      await store.addTimeline(tx, tenant, incidentId, {
        kind: 'dispatch',
        actor,
        text: null,
        data: { unitId, callsign: claimed.callsign, kind: claimed.kind, etaSeconds: dispatch.etaSeconds, distanceM: dispatch.distanceM },
        at: now,
      })
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'units',
        type: 'unit.status_changed',
        entity: unitId,
        data: {
          callsign: claimed.callsign,
          kind: claimed.kind,
          status: claimed.status,
          incidentId,
          location: claimed.location,
          from: 'available',
          destinationId: claimed.destinationId,
        },
      })
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'incidents',
        type: 'incident.dispatched',
        entity: incidentId,
        data: { ...summary(row), unitId, callsign: claimed.callsign, etaSeconds: dispatch.etaSeconds },
      })
      return dispatch
    })
  }

  private async travelFor(db: Queryable, from: [number, number], to: [number, number], kind: UnitKind) {
    const [row] = await db.query<{ m: number }>(
      'SELECT ST_Distance(ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography) AS m',
      [...from, ...to],
    )
    const [travel] = await this.travelTimes.travel([{ straightM: row.m, kind, from }], to)
    return travel ?? estimateTravel(row.m, kind)
  }

  /** Why a unit could not be claimed, in words a dispatcher can act on. */
  private async unavailable(db: Queryable, tenant: string, unitId: string): Promise<Conflict> {
    const unit = await store.findUnit(db, tenant, unitId)
    if (!unit) return new Conflict(`Unit ${unitId} no longer exists`)
    if (unit.incidentId) {
      const other = await store.findIncident(db, tenant, unit.incidentId)
      return new Conflict(`Unit ${unit.callsign} was just dispatched to incident ${other?.number ?? unit.incidentId}; choose another unit`, {
        unitId,
        status: unit.status,
        incidentId: unit.incidentId,
        incidentNumber: other?.number ?? null,
      })
    }
    return new Conflict(`Unit ${unit.callsign} is ${unit.status}, not available`, { unitId, status: unit.status })
  }
}
