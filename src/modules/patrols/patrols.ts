import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { decodeCursor, encodeCursor } from '../../core/http/paging.ts'
import { type PatrolSummary, recordPatrolEvent } from './events.ts'
import type { PatrolPorts } from './ports.ts'
import type { CheckIn, PatrolQuery, PlanPatrol } from './schema.ts'
import * as store from './store.ts'

// Devices may be a little ahead; anything later than this is refused as a wrong clock.
const MAX_FUTURE_MS = 5 * 60_000

/** Who is acting, as the patrol rules see it. */
export interface PatrolCaller {
  actor: string
  /** Admins act for every team and every OPD. */
  isAdmin: boolean
  /** Rojak teams: record findings; see every finding and NIP. */
  isPatrolOfficer: boolean
  /** Admins and the people who work for the inspectorate OPD of the follow-up settings: close and reopen findings. */
  isInspectorate: boolean
  /** Reads every finding of the tenant: admin, operator, executive, patrol officers, the inspectorate. */
  seesAllFindings: boolean
  /** The OPDs whose agency officer the caller is (tenancy's link of people to OPDs): their ASN findings, their people's NIPs. */
  officerOf: string[]
}

/** A member of a Rojak team acting from code (the demo seed, jobs' tests): records, but is not the inspectorate. */
export function teamMember(actor: string): PatrolCaller {
  return { actor, isAdmin: false, isPatrolOfficer: true, isInspectorate: false, seesAllFindings: true, officerOf: [] }
}

/** An admin of the tenant acting from code: every team, every OPD, the inspectorate. */
export function tenantAdmin(actor: string): PatrolCaller {
  return { actor, isAdmin: true, isPatrolOfficer: false, isInspectorate: true, seesAllFindings: true, officerOf: [] }
}

/** NIPs show whole to admins, Rojak teams and the employee's own OPD's agency officer; masked to everyone else. */
export function seesNipOf(caller: PatrolCaller, agencyId: string | null): boolean {
  return caller.isAdmin || caller.isPatrolOfficer || (agencyId !== null && caller.officerOf.includes(agencyId))
}

export function summaryOf(p: store.PatrolRow): PatrolSummary {
  return { name: p.name, status: p.status, team: p.team }
}

export function checkinOut(c: store.CheckinRow) {
  return { ...c, withinCheckpoint: c.isWithin }
}

/** When the device says it happened: not in the future (give or take a wrong clock). */
export function eventTime(at: string | undefined, now: Date): Date {
  if (!at) return now
  const t = new Date(at)
  if (t.getTime() > now.getTime() + MAX_FUTURE_MS) throw new Invalid('The time lies in the future; check the device clock', { field: 'at' })
  return t
}

/** Patrol plans, their start and finish, and the check-ins that make their track. */
export class PatrolService {
  constructor(
    private readonly events: EventLog,
    private readonly ports: PatrolPorts,
  ) {}

  async plan(db: Database, tenant: string, caller: PatrolCaller, input: PlanPatrol): Promise<store.PatrolRow> {
    if (Date.parse(input.endsAt) <= Date.parse(input.startsAt)) throw new Invalid('endsAt must come after startsAt', { field: 'endsAt' })
    const officers = await this.ports.usersWithRole(db, tenant, 'patrol_officer')
    const outsiders = input.team.filter((u) => !officers.has(u))
    if (outsiders.length > 0) throw new Invalid(`Not patrol officers of ${tenant}: ${outsiders.join(', ')}`, { field: 'team', usernames: outsiders })
    const regions = input.area && input.area.length > 0 ? await this.ports.regionCodes(db, tenant) : new Set<string>()
    const elsewhere = (input.area ?? []).filter((code) => !regions.has(code))
    if (elsewhere.length > 0) throw new Invalid(`Not kecamatan or kelurahan of ${tenant}: ${elsewhere.join(', ')}`, { field: 'area', codes: elsewhere })
    return db.transaction(async (tx) => {
      const id = await store.insertPatrol(
        tx,
        tenant,
        { name: input.name, startsAt: input.startsAt, endsAt: input.endsAt, team: input.team, area: input.area ?? [], createdBy: caller.actor },
        input.checkpoints ?? [],
      )
      const row = await this.get(tx, tenant, id)
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, { topic: 'patrols', type: 'patrol.planned', entity: id, data: summaryOf(row) })
      return row
    })
  }

  async get(db: Queryable, tenant: string, id: string, forUpdate = false): Promise<store.PatrolRow> {
    const row = await store.findPatrol(db, tenant, id, forUpdate)
    if (!row) throw new NotFound(`There is no patrol ${id} in ${tenant}`)
    return row
  }

  async list(db: Queryable, tenant: string, caller: PatrolCaller, q: PatrolQuery) {
    const limit = q.limit ?? 50
    const after = decodeCursor<store.Keyset>(q.cursor, ['t', 'id'])
    const { items, total } = await store.listPatrols(db, tenant, {
      from: q.from ?? null,
      to: q.to ?? null,
      status: q.status ?? null,
      member: q.mine ? caller.actor : null,
      limit,
      after,
    })
    const last = items.at(-1)
    return { items, total, next: items.length === limit && last ? encodeCursor({ t: last.startsAt, id: last.id }) : null }
  }

  async checkins(db: Queryable, tenant: string, patrolId: string) {
    return (await store.checkinsOf(db, tenant, patrolId)).map(checkinOut)
  }

  /** Where every active patrol was last seen (the console layer before live events arrive). */
  async live(db: Queryable, tenant: string) {
    return (await store.lastCheckins(db, tenant)).map((c) => ({
      patrolId: c.patrolId,
      name: c.name,
      actor: c.actor,
      location: c.location,
      at: c.at,
      isWithin: c.isWithin,
      kelurahan: c.kelurahan?.name ?? null,
    }))
  }

  requireMember(caller: PatrolCaller, patrol: store.PatrolRow): void {
    if (!caller.isAdmin && !patrol.team.includes(caller.actor)) throw new Forbidden(`Only the team of ${patrol.name} may do this`)
  }

  async start(db: Database, tenant: string, caller: PatrolCaller, id: string, now = new Date()) {
    return this.move(db, tenant, caller, id, 'active', now)
  }

  async finish(db: Database, tenant: string, caller: PatrolCaller, id: string, now = new Date()) {
    return this.move(db, tenant, caller, id, 'finished', now)
  }

  private async move(db: Database, tenant: string, caller: PatrolCaller, id: string, to: 'active' | 'finished', now: Date) {
    return db.transaction(async (tx) => {
      const current = await this.get(tx, tenant, id, true)
      this.requireMember(caller, current)
      const from = to === 'active' ? 'planned' : 'active'
      if (current.status !== from) throw new Conflict(`Patrol ${current.name} is ${current.status}`, { from: current.status, to })
      await store.setPatrolStatus(tx, tenant, id, to, now)
      const row = await this.get(tx, tenant, id)
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
        topic: 'patrols',
        type: to === 'active' ? 'patrol.started' : 'patrol.finished',
        entity: id,
        data: summaryOf(row),
      })
      return row
    })
  }

  /** Whether a patrol takes a check-in or finding made at `at`: it is under way, or it was when the phone recorded it. */
  requireUnderWay(patrol: store.PatrolRow, at: Date): void {
    if (patrol.status === 'active') return
    if (patrol.status === 'finished' && patrol.finishedAt && at.getTime() <= Date.parse(patrol.finishedAt)) return
    throw new Conflict(`Patrol ${patrol.name} is ${patrol.status}: start it first`, { status: patrol.status })
  }

  /** Records where the team is; the same clientId again answers the first check-in (`isNew` false). */
  async checkIn(db: Database, tenant: string, caller: PatrolCaller, patrolId: string, input: CheckIn, now = new Date()) {
    const known = await store.findCheckinByClientId(db, tenant, input.clientId)
    if (known) return { isNew: false, checkin: this.sameOrConflict(known, patrolId) }
    const patrol = await this.get(db, tenant, patrolId)
    this.requireMember(caller, patrol)
    const at = eventTime(input.at, now)
    this.requireUnderWay(patrol, at)
    const [lon, lat] = input.location.coordinates
    const region = await this.ports.regionAt(db, tenant, lon, lat)
    if (!region) throw new Invalid(`The location lies outside ${tenant}`, { field: 'location' })
    const nearest = await store.nearestCheckpoint(db, tenant, patrolId, input.location)
    const isWithin = nearest !== null && nearest.distanceM <= nearest.radiusM
    const isNew = await db.transaction(async (tx) => {
      const id = await store.insertCheckin(tx, tenant, {
        patrolId,
        clientId: input.clientId,
        actor: caller.actor,
        location: input.location,
        accuracy: input.accuracy ?? null,
        at,
        checkpointId: isWithin ? (nearest?.id ?? null) : null,
        distanceM: nearest?.distanceM ?? null,
        isWithin,
        kelurahan: region.kelurahan,
      })
      if (!id) return false
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
        topic: 'patrols',
        type: 'patrol.checked_in',
        entity: patrolId,
        data: {
          patrolId,
          name: patrol.name,
          actor: caller.actor,
          location: input.location,
          at: at.toISOString(),
          isWithin,
          checkpoint: isWithin ? (nearest?.name ?? null) : null,
          kelurahan: region.kelurahan.name,
        },
      })
      return true
    })
    const row = await store.findCheckinByClientId(db, tenant, input.clientId)
    if (!row) throw new Error(`check-in ${input.clientId} is missing after its insert`)
    return { isNew, checkin: this.sameOrConflict(row, patrolId) }
  }

  private sameOrConflict(row: store.CheckinRow, patrolId: string) {
    if (row.patrolId !== patrolId) throw new Conflict('This clientId was used for a check-in of another patrol', { field: 'clientId' })
    return checkinOut(row)
  }
}
