import { addSlaHours, type WorkCalendar } from '../../core/calendar.ts'
import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { nextSerial } from '../../core/db/serial.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { decodeCursor, encodeCursor } from '../../core/http/paging.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import { type EncodedPhoto, MAX_PHOTOS_PER_REPORT } from '../../core/media/photos.ts'
import { yearInZone } from '../../core/time.ts'
import { DEFAULT_FINDING_TYPES, DEFAULT_FOLLOW_UP_DAYS, FINDING_STATUSES, type FindingStatus, type FindingType, type ResponseAction } from './catalogue.ts'
import { type FindingSummary, recordPatrolEvent } from './events.ts'
import { checkNip, maskNip } from './nip.ts'
import { eventTime, type PatrolCaller, type PatrolService, seesNipOf } from './patrols.ts'
import type { AgencyRef, PatrolPorts } from './ports.ts'
import type { AddFindingType, ChangeFindingType, FindingQuery, FollowUpSettings, RecordFinding } from './schema.ts'
import * as store from './store.ts'

export const JOB_HANDOFF = 'patrols.handoff'
export const JOB_FOLLOW_UP = 'patrols.follow_up_due'
export const SYSTEM_ACTOR = 'system:patrols'

/** Thrown inside the insert transaction when a concurrent send of the same clientId won: rolls back its serial. */
class AlreadyRecorded extends Error {
  constructor(readonly row: store.FindingRow) {
    super('already recorded')
  }
}

export function findingSummary(f: store.FindingRow): FindingSummary {
  return {
    number: f.number,
    patrolId: f.patrolId,
    type: f.type,
    kind: f.kind,
    status: f.status,
    location: f.location,
    agencyId: f.agencyId,
    dueAt: f.dueAt,
    escalationLevel: f.escalationLevel,
  }
}

/** `workingDays` of the tenant's working time after `from` (a finding at 09:00 on Wednesday, 3 days: Monday 09:00). */
export function addWorkingDays(from: Date, workingDays: number, calendar: WorkCalendar): Date {
  const [sh, sm] = calendar.workStart.split(':').map(Number)
  const [eh, em] = calendar.workEnd.split(':').map(Number)
  const hoursPerDay = (eh * 60 + em - (sh * 60 + sm)) / 60
  return addSlaHours(from, workingDays * hoursPerDay, calendar, 'working')
}

function yearIn(at: Date, calendar: WorkCalendar): number {
  return yearInZone(at, calendar.timezone)
}

/** Findings of patrols: recording (idempotent by clientId), photos, hand-off to reports/incidents, ASN follow-up. */
export class FindingService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly ports: PatrolPorts,
    private readonly patrols: PatrolService,
  ) {}

  /** The tenant's finding types in use (or all, retired ones too); a tenant without any gets the defaults. */
  async types(db: Queryable, tenant: string, withRetired = false): Promise<FindingType[]> {
    const own = await store.listTypes(db, tenant)
    if (own.length === 0) await store.seedTypes(db, tenant, DEFAULT_FINDING_TYPES)
    return store.listTypes(db, tenant, withRetired)
  }

  private async type(db: Queryable, tenant: string, code: string): Promise<FindingType> {
    await this.types(db, tenant)
    const found = await store.findType(db, tenant, code)
    if (!found) throw new Invalid(`There is no finding type ${code} in ${tenant}`, { field: 'type' })
    if (found.retired) throw new Invalid(`The finding type ${code} is retired`, { field: 'type' })
    return found
  }

  /** City types hand to exactly one place that exists; the others hand to none. */
  private async handOffOf(db: Queryable, tenant: string, t: Omit<FindingType, 'retired'>): Promise<Pick<FindingType, 'reportCategory' | 'incidentType'>> {
    if (t.kind !== 'city') {
      if (t.reportCategory || t.incidentType) throw new Invalid('Only city findings hand to a report category or an incident type', { field: 'kind' })
      return { reportCategory: null, incidentType: null }
    }
    if (Boolean(t.reportCategory) === Boolean(t.incidentType)) {
      throw new Invalid('A city finding type hands to either a report category or an incident type', { field: 'reportCategory' })
    }
    await this.ports.checkHandOff(db, tenant, { reportCategory: t.reportCategory, incidentType: t.incidentType })
    return { reportCategory: t.reportCategory, incidentType: t.incidentType }
  }

  async addType(db: Database, tenant: string, input: AddFindingType): Promise<FindingType> {
    await this.types(db, tenant)
    const t = { code: input.code, label: input.label, kind: input.kind, reportCategory: input.reportCategory ?? null, incidentType: input.incidentType ?? null }
    const handOff = await this.handOffOf(db, tenant, t)
    if (!(await store.insertType(db, tenant, { ...t, ...handOff }))) throw new Conflict(`The finding type ${input.code} exists`, { field: 'code' })
    return this.typeRow(db, tenant, input.code)
  }

  /** Renames, re-routes, retires or brings back a type; findings already recorded keep what they were. */
  async changeType(db: Database, tenant: string, code: string, input: ChangeFindingType, now = new Date()): Promise<FindingType> {
    await this.types(db, tenant)
    return db.transaction(async (tx) => {
      const current = await store.findType(tx, tenant, code, true)
      if (!current) throw new NotFound(`There is no finding type ${code} in ${tenant}`)
      const kind = input.kind ?? current.kind
      // Moving to another kind drops the old hand-off unless a new one is given.
      const keep = kind === current.kind
      const next = {
        code,
        label: input.label ?? current.label,
        kind,
        reportCategory: input.reportCategory !== undefined ? input.reportCategory : keep && !input.incidentType ? current.reportCategory : null,
        incidentType: input.incidentType !== undefined ? input.incidentType : keep && !input.reportCategory ? current.incidentType : null,
      }
      const handOff = await this.handOffOf(tx, tenant, next)
      await store.updateType(tx, tenant, { ...next, ...handOff, retired: input.retired ?? current.retired }, now)
      return this.typeRow(tx, tenant, code)
    })
  }

  private async typeRow(db: Queryable, tenant: string, code: string): Promise<FindingType> {
    const row = await store.findType(db, tenant, code)
    if (!row) throw new NotFound(`There is no finding type ${code} in ${tenant}`)
    return row
  }

  /** Working days to answer an ASN finding, the escalation steps after its due date, and the inspectorate OPD. */
  async followUpSettings(db: Queryable, tenant: string): Promise<Required<FollowUpSettings>> {
    const row = await store.followUpSettings(db, tenant)
    const followUpDays = row?.days ?? DEFAULT_FOLLOW_UP_DAYS
    return { followUpDays, escalationDays: row?.escalationDays ?? [0, followUpDays], inspectorateAgencyId: row?.inspectorateAgencyId ?? null }
  }

  /** New settings count for findings recorded or reopened from now on; pending due dates stay. Without an inspectorate given, it stays. */
  async putFollowUpSettings(db: Database, tenant: string, input: FollowUpSettings): Promise<Required<FollowUpSettings>> {
    if (input.escalationDays.some((d, i) => i > 0 && d <= input.escalationDays[i - 1])) {
      throw new Invalid('Escalation steps must come one after another (rising working days)', { field: 'escalationDays' })
    }
    const inspectorate = input.inspectorateAgencyId === undefined ? (await this.followUpSettings(db, tenant)).inspectorateAgencyId : input.inspectorateAgencyId
    if (inspectorate !== null && !(await this.ports.agencies(db, tenant)).has(inspectorate)) {
      throw new Invalid(`There is no OPD ${inspectorate} in ${tenant}`, { field: 'inspectorateAgencyId' })
    }
    await store.putFollowUpSettings(db, tenant, input.followUpDays, input.escalationDays, inspectorate)
    return this.followUpSettings(db, tenant)
  }

  /** Whether someone acting for these OPDs is the inspectorate: admins and operators, and the people of its OPD. */
  async isInspectorate(db: Queryable, tenant: string, agencies: 'all' | string[]): Promise<boolean> {
    if (agencies === 'all') return true
    if (agencies.length === 0) return false
    const { inspectorateAgencyId } = await this.followUpSettings(db, tenant)
    return inspectorateAgencyId !== null && agencies.includes(inspectorateAgencyId)
  }

  private async dueFrom(db: Queryable, tenant: string, from: Date): Promise<Date> {
    const { followUpDays } = await this.followUpSettings(db, tenant)
    return addWorkingDays(from, followUpDays, await this.ports.calendar(db, tenant))
  }

  /** Records a finding; the same clientId again answers the first record (`isNew` false). */
  async record(db: Database, tenant: string, caller: PatrolCaller, input: RecordFinding, now = new Date()) {
    const known = await store.findFindingByClientId(db, tenant, input.clientId)
    if (known) return { isNew: false, finding: this.sameOrConflict(known, input) }
    const patrol = await this.patrols.get(db, tenant, input.patrolId)
    this.patrols.requireMember(caller, patrol)
    const at = eventTime(input.at, now)
    this.patrols.requireUnderWay(patrol, at)
    const type = await this.type(db, tenant, input.type)
    const [lon, lat] = input.location.coordinates
    const region = await this.ports.regionAt(db, tenant, lon, lat)
    if (!region) throw new Invalid(`The location lies outside ${tenant}`, { field: 'location' })
    const asn = type.kind === 'asn' ? await this.asnOf(db, tenant, input) : null
    const calendar = await this.ports.calendar(db, tenant)
    const dueAt = asn ? await this.dueFrom(db, tenant, at) : null
    const status: FindingStatus = asn ? 'open' : 'recorded'
    try {
      const id = await db.transaction(async (tx) => {
        // The serial's row lock orders concurrent sends; the one that comes second sees the first's row.
        const serial = await nextSerial(tx, 'patrol_finding_counters', tenant, yearIn(at, calendar))
        const first = await store.findFindingByClientId(tx, tenant, input.clientId)
        if (first) throw new AlreadyRecorded(first)
        const id = await store.insertFinding(tx, tenant, {
          number: `T-${yearIn(at, calendar)}-${String(serial).padStart(5, '0')}`,
          clientId: input.clientId,
          patrolId: patrol.id,
          type: type.code,
          kind: type.kind,
          location: input.location,
          at,
          description: input.description,
          kelurahan: region.kelurahan,
          nip: asn?.nip ?? null,
          asnName: asn?.name ?? null,
          agencyId: asn?.agency.id ?? null,
          status,
          dueAt,
          createdBy: caller.actor,
        })
        if (!id) {
          const winner = await store.findFindingByClientId(tx, tenant, input.clientId)
          if (winner) throw new AlreadyRecorded(winner)
          throw new Error(`finding ${input.clientId} was neither inserted nor found`)
        }
        const row = await this.locked(tx, tenant, id)
        await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
          topic: 'patrol_findings',
          type: 'finding.recorded',
          entity: id,
          data: findingSummary(row),
        })
        if (dueAt) await this.scheduleFollowUp(tx, tenant, row, 1)
        if (type.kind === 'city') await this.jobs.enqueue(tx, tenant, JOB_HANDOFF, { findingId: id }, { maxAttempts: 8 })
        return id
      })
      return { isNew: true, finding: await this.get(db, tenant, id) }
    } catch (err) {
      if (err instanceof AlreadyRecorded) return { isNew: false, finding: this.sameOrConflict(err.row, input) }
      throw err
    }
  }

  private sameOrConflict(row: store.FindingRow, input: RecordFinding): store.FindingRow {
    if (row.patrolId !== input.patrolId) throw new Conflict('This clientId was used for a finding of another patrol', { field: 'clientId' })
    return row
  }

  private async asnOf(db: Queryable, tenant: string, input: RecordFinding): Promise<{ nip: string; name: string; agency: AgencyRef }> {
    if (!input.nip) throw new Invalid('An ASN finding needs the NIP', { field: 'nip' })
    const nip = input.nip.replace(/\s/g, '')
    const check = checkNip(nip)
    if (!check.isValid) throw new Invalid(check.message, { field: 'nip', part: check.part })
    if (!input.name) throw new Invalid('An ASN finding needs the name of the employee', { field: 'name' })
    if (!input.agency) throw new Invalid('An ASN finding needs the OPD of the employee', { field: 'agency' })
    const agencies = await this.ports.agencies(db, tenant)
    const agency = agencies.get(input.agency) ?? [...agencies.values()].find((a) => a.code === input.agency)
    if (!agency) throw new Invalid(`There is no OPD ${input.agency} in ${tenant}`, { field: 'agency' })
    return { nip, name: input.name, agency }
  }

  async get(db: Queryable, tenant: string, id: string): Promise<store.FindingRow> {
    const row = await store.findFinding(db, tenant, id)
    if (!row) throw new NotFound(`There is no finding ${id} in ${tenant}`)
    return row
  }

  private async locked(tx: Tx, tenant: string, id: string): Promise<store.FindingRow> {
    const row = await store.findFinding(tx, tenant, id, true)
    if (!row) throw new NotFound(`There is no finding ${id} in ${tenant}`)
    return row
  }

  mayRead(caller: PatrolCaller, row: store.FindingRow): boolean {
    return caller.seesAllFindings || (row.agencyId !== null && caller.officerOf.includes(row.agencyId))
  }

  /** A finding the caller may read (others' look absent). */
  async visible(db: Queryable, tenant: string, caller: PatrolCaller, id: string): Promise<store.FindingRow> {
    const row = await this.get(db, tenant, id)
    if (!this.mayRead(caller, row)) throw new NotFound(`There is no finding ${id} in ${tenant}`)
    return row
  }

  /** The API's view: NIP masked unless the caller is admin, a patrol officer or the officer of the employee's OPD; what the caller may do. */
  view(tenant: string, caller: PatrolCaller, row: store.FindingRow, now = new Date()) {
    const { photoIds, statusVersion: _version, ...rest } = row
    return {
      ...rest,
      nip: row.nip && !seesNipOf(caller, row.agencyId) ? maskNip(row.nip) : row.nip,
      mayRespond: row.status === 'open' && this.mayRespond(caller, row),
      mayClose: caller.isInspectorate && (row.status === 'responded' || row.status === 'recorded'),
      mayReopen: caller.isInspectorate && row.kind === 'asn' && (row.status === 'responded' || row.status === 'closed'),
      overdue: row.status === 'open' && row.dueAt !== null && Date.parse(row.dueAt) < now.getTime(),
      photos: photoIds.map((id) => ({ id, url: `/api/t/${tenant}/findings/${row.id}/photos/${id}` })),
    }
  }

  async list(db: Queryable, tenant: string, caller: PatrolCaller, q: FindingQuery, now = new Date()) {
    const limit = q.limit ?? 50
    const wanted = q.status ? [...new Set(q.status.split(','))] : null
    for (const s of wanted ?? []) {
      if (s !== 'overdue' && !(FINDING_STATUSES as readonly string[]).includes(s)) throw new Invalid(`${s} is not a finding status`, { field: 'status' })
    }
    const isOverdue = wanted?.includes('overdue') ?? false
    const statuses = wanted?.filter((s) => s !== 'overdue') ?? []
    let agencyIds: string[] | null = q.agency ? [q.agency] : null
    if (!caller.seesAllFindings) agencyIds = (agencyIds ?? caller.officerOf).filter((a) => caller.officerOf.includes(a))
    const { items, total } = await store.listFindings(db, tenant, {
      statuses: statuses.length > 0 ? statuses : null,
      agencyIds,
      kind: q.kind ?? null,
      overdueAt: isOverdue ? now : null,
      limit,
      after: decodeCursor<store.Keyset>(q.cursor, ['t', 'id']),
    })
    const last = items.at(-1)
    return {
      items: items.map((f) => this.view(tenant, caller, f, now)),
      total,
      next: items.length === limit && last ? encodeCursor({ t: last.createdAt, id: last.id }) : null,
    }
  }

  async ofPatrol(db: Queryable, tenant: string, caller: PatrolCaller, patrolId: string, now = new Date()) {
    return (await store.findingsOfPatrol(db, tenant, patrolId)).filter((f) => this.mayRead(caller, f)).map((f) => this.view(tenant, caller, f, now))
  }

  /** Open, overdue, answered and closed ASN follow-ups per OPD. */
  async followUps(db: Queryable, tenant: string, now = new Date()) {
    const agencies = await this.ports.agencies(db, tenant)
    const rows = await store.followUpsByAgency(db, tenant, now)
    return { items: rows.map((r) => ({ ...r, agency: agencies.get(r.agencyId)?.name ?? null })) }
  }

  // Photos

  /** ASN follow-ups per OPD due in [from, to) (and already due), and how many were answered on time and closed. */
  async dueIn(db: Queryable, tenant: string, from: Date, to: Date, now = new Date()) {
    return store.dueByAgency(db, tenant, from, to, now)
  }

  async addPhoto(
    db: Database,
    tenant: string,
    caller: PatrolCaller,
    findingId: string,
    photo: EncodedPhoto,
    clientId: string | null,
  ): Promise<{ isNew: boolean; photo: { id: string; url: string } }> {
    if (clientId) {
      const known = await store.findPhotoByClientId(db, tenant, clientId)
      if (known) {
        if (known.findingId !== findingId) throw new Conflict('This clientId was used for a photo of another finding', { field: 'clientId' })
        return { isNew: false, photo: { id: known.id, url: this.photoUrl(tenant, findingId, known.id) } }
      }
    }
    const id = await db.transaction(async (tx) => {
      const row = await this.locked(tx, tenant, findingId)
      if (!caller.isAdmin && row.createdBy !== caller.actor) {
        const patrol = await this.patrols.get(tx, tenant, row.patrolId)
        this.patrols.requireMember(caller, patrol)
      }
      if ((await store.countPhotos(tx, tenant, findingId)) >= MAX_PHOTOS_PER_REPORT) {
        throw new Conflict(`A finding has at most ${MAX_PHOTOS_PER_REPORT} photos`, { field: 'photo' })
      }
      const id = await store.insertPhoto(tx, tenant, { findingId, clientId, ...photo, createdBy: caller.actor })
      if (!id) return null
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
        topic: 'patrol_findings',
        type: 'finding.photo_added',
        entity: findingId,
        data: findingSummary(row),
      })
      return id
    })
    if (id) return { isNew: true, photo: { id, url: this.photoUrl(tenant, findingId, id) } }
    // A concurrent send of the same photo won.
    return this.addPhoto(db, tenant, caller, findingId, photo, clientId)
  }

  private photoUrl(tenant: string, findingId: string, photoId: string) {
    return `/api/t/${tenant}/findings/${findingId}/photos/${photoId}`
  }

  async photo(db: Queryable, tenant: string, caller: PatrolCaller, findingId: string, photoId: string) {
    await this.visible(db, tenant, caller, findingId)
    const photo = await store.findPhoto(db, tenant, findingId, photoId)
    if (!photo) throw new NotFound(`There is no photo ${photoId} of finding ${findingId}`)
    return photo
  }

  // Follow-up of ASN findings

  /** The head of the employee's OPD answers with what was done. */
  async respond(db: Database, tenant: string, caller: PatrolCaller, id: string, input: { action: ResponseAction; note: string }, now = new Date()) {
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      if (!this.mayRespond(caller, current)) throw new Forbidden('Only the officers of the employee’s OPD answer this finding')
      if (current.status !== 'open') throw new Conflict(`Finding ${current.number} is ${current.status}`, { status: current.status })
      await store.updateFinding(tx, tenant, id, { status: 'responded', response: { ...input, by: caller.actor, at: now }, at: now })
      const row = await this.locked(tx, tenant, id)
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
        topic: 'patrol_findings',
        type: 'finding.responded',
        entity: id,
        data: { ...findingSummary(row), action: input.action },
      })
      return row
    })
  }

  /** Admins, and the agency officers who work for the employee's OPD. */
  private mayRespond(caller: PatrolCaller, row: store.FindingRow): boolean {
    return caller.isAdmin || (row.agencyId !== null && caller.officerOf.includes(row.agencyId))
  }

  private requireInspectorate(caller: PatrolCaller): void {
    if (!caller.isInspectorate) throw new Forbidden('Only the inspectorate (the people of the OPD named in the patrol settings) may do this')
  }

  /** The inspectorate accepts the answer (or closes a finding that needed none). */
  async close(db: Database, tenant: string, caller: PatrolCaller, id: string, now = new Date()) {
    this.requireInspectorate(caller)
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      if (current.status !== 'responded' && current.status !== 'recorded') {
        throw new Conflict(`A finding that is ${current.status} cannot be closed`, { status: current.status })
      }
      await store.updateFinding(tx, tenant, id, { status: 'closed', closed: { by: caller.actor, at: now }, at: now })
      const row = await this.locked(tx, tenant, id)
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
        topic: 'patrol_findings',
        type: 'finding.closed',
        entity: id,
        data: findingSummary(row),
      })
      return row
    })
  }

  /** The answer does not satisfy the inspectorate: the OPD head gets it back with a new due date. */
  async reopen(db: Database, tenant: string, caller: PatrolCaller, id: string, now = new Date()) {
    this.requireInspectorate(caller)
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      if (current.kind !== 'asn' || (current.status !== 'responded' && current.status !== 'closed')) {
        throw new Conflict(`A finding that is ${current.status} cannot be reopened`, { status: current.status })
      }
      const dueAt = await this.dueFrom(tx, tenant, now)
      await store.updateFinding(tx, tenant, id, { status: 'open', dueAt, escalationLevel: 0, closed: null, at: now })
      const row = await this.locked(tx, tenant, id)
      await recordPatrolEvent(this.events, tx, tenant, caller.actor, {
        topic: 'patrol_findings',
        type: 'finding.reopened',
        entity: id,
        data: findingSummary(row),
      })
      await this.scheduleFollowUp(tx, tenant, row, 1)
      return row
    })
  }

  /** Queues the escalation step `level` of an open finding; false when the tenant has no such step. */
  private async scheduleFollowUp(tx: Tx, tenant: string, row: store.FindingRow, level: number): Promise<boolean> {
    const { escalationDays } = await this.followUpSettings(tx, tenant)
    const after = escalationDays[level - 1]
    if (after === undefined || !row.dueAt) return false
    const due = new Date(row.dueAt)
    const runAt = after === 0 ? due : addWorkingDays(due, after, await this.ports.calendar(tx, tenant))
    await this.jobs.enqueue(tx, tenant, JOB_FOLLOW_UP, { findingId: row.id, version: row.statusVersion, level, dueAt: runAt.toISOString() }, { runAt })
    return true
  }

  // Jobs

  /** A follow-up passed its due date unanswered: the inspectorate, then the command center, hear of it. */
  async onFollowUpDue(db: Database, job: Job): Promise<void> {
    const { findingId, version, level, dueAt } = job.payload as { findingId: string; version: number; level: number; dueAt: string }
    const tenant = job.tenant
    const at = new Date(dueAt)
    await db.transaction(async (tx) => {
      const current = await store.findFinding(tx, tenant, findingId, true)
      if (current?.status !== 'open' || current.statusVersion !== version || current.escalationLevel >= level) return
      await store.updateFinding(tx, tenant, findingId, { escalationLevel: level, at })
      const row = await this.locked(tx, tenant, findingId)
      await recordPatrolEvent(this.events, tx, tenant, SYSTEM_ACTOR, {
        topic: 'patrol_findings',
        type: 'finding.escalated',
        entity: findingId,
        data: { ...findingSummary(row), level, to: level === 1 ? 'inspectorate' : 'command_center' },
      })
      // Still unanswered at the next step: the command center takes it up.
      await this.scheduleFollowUp(tx, tenant, row, level + 1)
    })
  }

  /**
   * A city finding becomes a report routed to its OPD (or an incident); the two point at each other. Each
   * step is kept before the next, so a retried job neither makes a second report nor skips the routing.
   */
  async onHandOff(db: Database, job: Job): Promise<void> {
    const { findingId } = job.payload as { findingId: string }
    const tenant = job.tenant
    let row = await store.findFinding(db, tenant, findingId)
    if (row?.status !== 'recorded') return
    try {
      if (!row.reportId && !row.incidentId) row = await this.createCase(db, tenant, row)
      if (row.reportId) await this.ports.routeReport(db, tenant, row.reportId, row.number)
    } catch (err) {
      // The last attempt tells people; earlier ones retry quietly.
      if (job.attempts >= job.maxAttempts) {
        const failed = row
        await db.transaction((tx) =>
          recordPatrolEvent(this.events, tx, tenant, SYSTEM_ACTOR, {
            topic: 'patrol_findings',
            type: 'finding.handoff_failed',
            entity: findingId,
            data: { ...findingSummary(failed), error: err instanceof Error ? err.message : String(err) },
          }),
        )
      }
      throw err
    }
    if (!row.reportId && !row.incidentId) return
    await db.transaction(async (tx) => {
      await store.updateFinding(tx, tenant, findingId, { status: 'handed_off', at: new Date() })
      const linked = await this.locked(tx, tenant, findingId)
      await recordPatrolEvent(this.events, tx, tenant, SYSTEM_ACTOR, {
        topic: 'patrol_findings',
        type: 'finding.handed_off',
        entity: findingId,
        data: {
          ...findingSummary(linked),
          reportId: linked.reportId,
          reportNumber: linked.reportNumber,
          incidentId: linked.incidentId,
          incidentNumber: linked.incidentNumber,
        },
      })
    })
  }

  private async createCase(db: Database, tenant: string, row: store.FindingRow): Promise<store.FindingRow> {
    const type = await this.type(db, tenant, row.type)
    const handOff = { location: row.location, description: row.description, findingId: row.id, findingNumber: row.number }
    const now = new Date()
    if (type.reportCategory) {
      const report = await this.ports.submitReport(db, tenant, row.createdBy, { ...handOff, category: type.reportCategory })
      await store.updateFinding(db, tenant, row.id, { report, at: now })
    } else if (type.incidentType) {
      const incident = await this.ports.raiseIncident(db, tenant, row.createdBy, { ...handOff, type: type.incidentType })
      await store.updateFinding(db, tenant, row.id, { incident, at: now })
    }
    return this.get(db, tenant, row.id)
  }
}
