import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { BulkOutcome, problem } from '../../core/http/bulk.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { UNIT_KINDS, UNIT_STATUSES } from './catalogue.ts'
import { announceUnitMoved, recordIncidentEvent, type UnitSummary } from './events.ts'
import { type Clock, summary } from './incidents.ts'
import type { CreateUnit, PositionBody, Unit, UnitStatusBody, UpdateUnit } from './schema.ts'
import { canMoveUnit, releasesIncident } from './status.ts'
import * as store from './store.ts'
import type { TenancyLookups } from './tenancy.ts'

// Positions from further ahead than this are refused (a phone with a wrong clock).
const FUTURE_SKEW_MS = 5 * 60_000

/** Who is moving a unit: dispatchers and operators may move any; field crews only units they are listed on. */
export interface UnitCaller {
  actor: string
  username: string | null
  mayMoveAnyUnit: boolean
}

export const unitSummary = (u: Unit): UnitSummary => ({ callsign: u.callsign, kind: u.kind, status: u.status, incidentId: u.incidentId, location: u.location })

function csvOf(value: string | undefined, allowed: readonly string[], field: string): string[] | null {
  if (!value) return null
  const items = [...new Set(value.split(','))]
  for (const item of items) if (!allowed.includes(item)) throw new Invalid(`${item} is not one of ${allowed.join(', ')}`, { field })
  return items
}

/** Units: their register, status moves (which drive their incident) and positions. */
export class UnitService {
  constructor(
    private readonly events: EventLog,
    private readonly tenancy: TenancyLookups,
    private readonly clock: Clock = () => new Date(),
  ) {}

  async get(db: Queryable, tenant: string, id: string): Promise<Unit> {
    const unit = await store.findUnit(db, tenant, id)
    if (!unit) throw new NotFound(`There is no unit ${id} in ${tenant}`)
    return unit
  }

  async list(db: Queryable, tenant: string, q: { kind?: string; status?: string; limit?: number; cursor?: string }) {
    const limit = q.limit ?? 50
    const kinds = csvOf(q.kind, UNIT_KINDS, 'kind')
    const statuses = csvOf(q.status, UNIT_STATUSES, 'status')
    const items = await store.listUnits(db, tenant, kinds, statuses, limit, cursorKey(q.cursor))
    return keysetPage(items, await store.countUnits(db, tenant, kinds, statuses), limit, (u) => u.callsign)
  }

  /** Every unit with a position, as GeoJSON for the map. */
  async features(db: Queryable, tenant: string) {
    const items = await store.listUnits(db, tenant, null, null, 10_000, null)
    return {
      type: 'FeatureCollection' as const,
      features: items
        .filter((u) => u.location)
        .map((u) => ({
          type: 'Feature' as const,
          id: u.id,
          geometry: u.location,
          properties: { id: u.id, callsign: u.callsign, kind: u.kind, status: u.status, incidentId: u.incidentId, positionAt: u.positionAt },
        })),
    }
  }

  mine(db: Queryable, tenant: string, username: string): Promise<Unit[]> {
    return store.unitsOfCrew(db, tenant, username)
  }

  async create(db: Database, tenant: string, actor: string, input: CreateUnit): Promise<Unit> {
    await this.checkRefs(db, tenant, input.agencyId ?? null, input.homeFacilityId ?? null)
    return db.transaction(async (tx) => {
      const unit = await store.insertUnit(tx, tenant, {
        callsign: input.callsign,
        kind: input.kind,
        agencyId: input.agencyId ?? null,
        homeFacilityId: input.homeFacilityId ?? null,
        crew: input.crew ?? [],
        location: input.location ?? null,
      })
      if (!unit) throw new Conflict(`Callsign ${input.callsign} is taken`, { field: 'callsign' })
      await recordIncidentEvent(this.events, tx, tenant, actor, { topic: 'units', type: 'unit.created', entity: unit.id, data: unitSummary(unit) })
      return unit
    })
  }

  /**
   * Creates units and updates those whose callsign exists, each item answered on its own: an unknown agency or
   * base, a callsign twice in the request or held by a unit of another kind fails that item only.
   */
  async bulkSave(db: Database, tenant: string, actor: string, items: CreateUnit[]) {
    const out = new BulkOutcome()
    const agencyIds = [...new Set(items.flatMap((i) => (i.agencyId ? [i.agencyId] : [])))]
    const agencies = new Set<string>()
    for (const id of agencyIds) if (await this.tenancy.agencyExists(db, tenant, id)) agencies.add(id)
    const facilities = await store.existingFacilities(db, tenant, [...new Set(items.flatMap((i) => (i.homeFacilityId ? [i.homeFacilityId] : [])))])
    items.forEach((item, index) => {
      if (item.agencyId && !agencies.has(item.agencyId))
        out.fail(index, problem('invalid', 'agencyId', `OPD ${item.agencyId} tidak ada di ${tenant}`, `There is no agency ${item.agencyId} in ${tenant}`))
      else if (item.homeFacilityId && !facilities.has(item.homeFacilityId))
        out.fail(
          index,
          problem(
            'invalid',
            'homeFacilityId',
            `Fasilitas ${item.homeFacilityId} tidak ada di ${tenant}`,
            `There is no facility ${item.homeFacilityId} in ${tenant}`,
          ),
        )
    })
    out.firstOfEach(
      items.map((i) => i.callsign),
      'callsign',
      { id: 'Kode panggil', en: 'Callsign' },
    )
    const rows = items.flatMap((item, index) => (out.isFailed(index) ? [] : [{ index, item }]))
    if (rows.length === 0) return out.answer(items.length)
    await db.transaction(async (tx) => {
      const saved = new Map(
        (
          await store.upsertUnits(
            tx,
            tenant,
            rows.map(({ item }) => ({
              callsign: item.callsign,
              kind: item.kind,
              agencyId: item.agencyId ?? null,
              homeFacilityId: item.homeFacilityId ?? null,
              crew: item.crew ?? [],
              location: item.location ?? null,
            })),
          )
        ).map((u) => [u.callsign, u]),
      )
      for (const { index, item } of rows) {
        const unit = saved.get(item.callsign)
        if (unit) out.stored(index, unit.id, unit.isCreated)
        else
          out.fail(
            index,
            problem('conflict', 'kind', `Kode panggil ${item.callsign} dipakai unit jenis lain`, `Callsign ${item.callsign} belongs to a unit of another kind`),
          )
      }
      const answer = out.answer(items.length)
      if (answer.created + answer.updated > 0) {
        await recordIncidentEvent(this.events, tx, tenant, actor, {
          topic: 'units',
          type: 'unit.bulk_saved',
          entity: null,
          data: { created: answer.created, updated: answer.updated },
        })
      }
    })
    return out.answer(items.length)
  }

  async update(db: Database, tenant: string, actor: string, id: string, input: UpdateUnit): Promise<Unit> {
    await this.checkRefs(db, tenant, input.agencyId ?? null, input.homeFacilityId ?? null)
    return db.transaction(async (tx) => {
      const current = await store.findUnit(tx, tenant, id, true)
      if (!current) throw new NotFound(`There is no unit ${id} in ${tenant}`)
      const callsign = input.callsign ?? current.callsign
      if (callsign !== current.callsign && (await store.findUnitByCallsign(tx, tenant, callsign))) {
        throw new Conflict(`Callsign ${callsign} is taken`, { field: 'callsign' })
      }
      const unit = await store.updateUnitDetails(tx, tenant, id, {
        callsign,
        agencyId: input.agencyId === undefined ? current.agencyId : input.agencyId,
        homeFacilityId: input.homeFacilityId === undefined ? current.homeFacilityId : input.homeFacilityId,
        crew: input.crew ?? current.crew,
      })
      await recordIncidentEvent(this.events, tx, tenant, actor, { topic: 'units', type: 'unit.updated', entity: id, data: unitSummary(unit) })
      return unit
    })
  }

  /**
   * Moves a unit through its statuses. Arriving on scene puts a dispatched incident on scene; arriving at
   * hospital records that time; leaving the assigned statuses ends the dispatch, and with an outcome
   * closes an incident no other unit still serves.
   */
  async setStatus(db: Database, tenant: string, caller: UnitCaller, id: string, body: UnitStatusBody): Promise<Unit> {
    const before = await this.get(db, tenant, id)
    this.mayMove(caller, before)
    const to = body.status
    if (to === 'dispatched') throw new Invalid('Units are dispatched from an incident (POST …/incidents/{id}/dispatch)', { field: 'status' })
    if (body.destinationId) {
      const facility = await store.findFacility(db, tenant, body.destinationId)
      if (!facility) throw new Invalid(`There is no facility ${body.destinationId} in ${tenant}`, { field: 'destinationId' })
    }
    const now = this.clock()
    return db.transaction(async (tx) => {
      // Lock order everywhere: the incident, then its units.
      const incident = before.incidentId ? await store.findIncident(tx, tenant, before.incidentId, true) : null
      const unit = await store.findUnit(tx, tenant, id, true)
      if (!unit) throw new NotFound(`There is no unit ${id} in ${tenant}`)
      if (unit.incidentId !== before.incidentId) throw new Conflict(`Unit ${unit.callsign} changed meanwhile; look again`)
      if (!canMoveUnit(unit.status, to)) throw new Conflict(`A unit that is ${unit.status} cannot become ${to}`, { field: 'status', status: unit.status })
      const destinationId = body.destinationId ?? unit.destinationId
      if (to === 'transporting' && !destinationId) throw new Invalid('Name the hospital the patient goes to', { field: 'destinationId' })
      const released = releasesIncident(to)
      if (released && unit.incidentId) await store.releaseDispatch(tx, tenant, id, now)
      const moved = await store.setUnitStatus(tx, tenant, id, to, released ? null : unit.incidentId, released ? null : destinationId, now)
      await recordIncidentEvent(this.events, tx, tenant, caller.actor, {
        topic: 'units',
        type: 'unit.status_changed',
        entity: id,
        data: { ...unitSummary(moved), from: unit.status, destinationId: moved.destinationId },
      })
      if (!incident) return moved
      await store.addTimeline(tx, tenant, incident.id, {
        kind: 'unit_status',
        actor: caller.actor,
        text: body.note ?? null,
        data: { unitId: id, callsign: unit.callsign, from: unit.status, to, destinationId: moved.destinationId },
        at: now,
      })
      let row = incident
      if (to === 'on_scene' && incident.status === 'dispatched') row = await store.updateIncident(tx, tenant, incident.id, { status: 'on_scene' }, now)
      if (to === 'at_hospital') await store.markHospital(tx, tenant, incident.id, now)
      if (released && body.outcome && (await store.activeUnitsOf(tx, tenant, incident.id)).length === 0) {
        // The last unit leaving with an outcome closes the incident (arrival is implied if it was not pressed).
        if (row.status === 'dispatched') row = await store.updateIncident(tx, tenant, incident.id, { status: 'on_scene' }, now)
        if (row.status === 'on_scene') row = await store.updateIncident(tx, tenant, incident.id, { status: 'closed', outcome: body.outcome }, now)
      }
      if (row.status !== incident.status) {
        await store.addTimeline(tx, tenant, incident.id, {
          kind: 'status',
          actor: caller.actor,
          text: null,
          data: { from: incident.status, to: row.status, outcome: row.outcome },
          at: now,
        })
        await recordIncidentEvent(this.events, tx, tenant, caller.actor, {
          topic: 'incidents',
          type: 'incident.status_changed',
          entity: incident.id,
          data: { ...summary(row), from: incident.status },
        })
      }
      return moved
    })
  }

  /** A position from the field page, a tracker or the simulator; it moves the unit on the map if it is the newest. */
  async position(db: Database, tenant: string, caller: UnitCaller, id: string, body: PositionBody): Promise<Unit> {
    const unit = await this.get(db, tenant, id)
    this.mayMove(caller, unit)
    const now = this.clock()
    const at = body.at ? new Date(body.at) : now
    if (at.getTime() > now.getTime() + FUTURE_SKEW_MS) throw new Invalid('at lies in the future; check the clock', { field: 'at' })
    return db.transaction(async (tx) => {
      const moved = await store.recordPosition(tx, tenant, id, { location: body.location, at, speedKmh: body.speedKmh ?? null, heading: body.heading ?? null })
      if (!moved) return unit
      announceUnitMoved(this.events, tx, tenant, caller.actor, id, unitSummary(moved))
      return moved
    })
  }

  async track(db: Queryable, tenant: string, id: string, from: Date, to: Date) {
    await this.get(db, tenant, id)
    if (from >= to) throw new Invalid('from must be before to', { field: 'from' })
    return store.track(db, tenant, id, from, to)
  }

  private mayMove(caller: UnitCaller, unit: Unit): void {
    if (caller.mayMoveAnyUnit) return
    if (caller.username && unit.crew.some((c) => c.username === caller.username)) return
    throw new Forbidden(`Only the crew of ${unit.callsign} or a dispatcher may move it`)
  }

  private async checkRefs(db: Queryable, tenant: string, agencyId: string | null, facilityId: string | null): Promise<void> {
    if (agencyId && !(await this.tenancy.agencyExists(db, tenant, agencyId)))
      throw new Invalid(`There is no agency ${agencyId} in ${tenant}`, { field: 'agencyId' })
    if (facilityId && !(await store.findFacility(db, tenant, facilityId))) {
      throw new Invalid(`There is no facility ${facilityId} in ${tenant}`, { field: 'homeFacilityId' })
    }
  }
}
