import { type Contact, maskContact } from '../../core/contacts.ts'
import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { nextSerial } from '../../core/db/serial.ts'
import { Conflict, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { yearInZone } from '../../core/time.ts'
import {
  DEFAULT_INCIDENT_TYPES,
  DEFAULT_TARGETS,
  INCIDENT_STATUSES,
  type IncidentStatus,
  type IncidentType,
  OPEN_STATUSES,
  type Priority,
  type Targets,
} from './catalogue.ts'
import { type IncidentSummary, recordIncidentEvent } from './events.ts'
import type {
  AttachCall,
  CreateIncident,
  Incident,
  IncidentOrigin,
  IncidentQuery,
  MetricsRow,
  PutIncidentType,
  TimelineEntry,
  UpdateIncident,
} from './schema.ts'
import { canMoveIncident, isReopening } from './status.ts'
import * as store from './store.ts'
import type { TenancyLookups } from './tenancy.ts'
import { timersOf } from './timers.ts'

// A possible duplicate: the same type this close, this recently.
export const DUPLICATE_METRES = 300
export const DUPLICATE_MINUTES = 30

export type Clock = () => Date

/** The actor of incidents made from sensor alarms. */
export const SENSOR_ACTOR = 'system:sensors'

export function summary(i: store.IncidentRow): IncidentSummary {
  return { number: i.number, type: i.type, priority: i.priority, status: i.status, location: i.location, kelurahan: i.kelurahan?.name ?? null }
}

function csv<T extends string>(value: string | undefined, allowed?: readonly T[]): T[] | null {
  if (!value) return null
  const items = [...new Set(value.split(','))]
  if (allowed) for (const item of items) if (!allowed.includes(item as T)) throw new Invalid(`${item} is not one of ${allowed.join(', ')}`)
  return items as T[]
}

export function parseBbox(value: string | undefined): [number, number, number, number] | null {
  if (!value) return null
  const [minLon, minLat, maxLon, maxLat] = value.split(',').map(Number)
  if ([minLon, maxLon].some((v) => v < -180 || v > 180) || [minLat, maxLat].some((v) => v < -90 || v > 90) || minLon > maxLon || minLat > maxLat) {
    throw new Invalid('bbox must be minLon,minLat,maxLon,maxLat in WGS84', { field: 'bbox' })
  }
  return [minLon, minLat, maxLon, maxLat]
}

/** `open` stands for the three open statuses. */
export function parseStatuses(value: string | undefined): IncidentStatus[] | null {
  const items = csv(value)
  if (!items) return null
  const statuses = new Set<IncidentStatus>()
  for (const item of items) {
    if (item === 'open') for (const s of OPEN_STATUSES) statuses.add(s)
    else if ((INCIDENT_STATUSES as readonly string[]).includes(item)) statuses.add(item as IncidentStatus)
    else throw new Invalid(`${item} is not an incident status`, { field: 'status' })
  }
  return [...statuses]
}

/** Incidents: intake, the status machine, the timeline, duplicates, timers and metrics. */
function withCaller<I extends { caller: Contact | null }>(incident: I, showsCallers: boolean): I {
  return showsCallers || !incident.caller ? incident : { ...incident, caller: maskContact(incident.caller) }
}

function isContact(value: unknown): value is Contact {
  return typeof value === 'object' && value !== null && 'name' in value
}

export class IncidentService {
  constructor(
    private readonly events: EventLog,
    private readonly tenancy: TenancyLookups,
    private readonly clock: Clock = () => new Date(),
  ) {}

  /** Erases the callers of incidents closed more than `retentionDays` ago, one event per tenant saying how many. */
  async eraseExpiredCallers(db: Database, retentionDays: number, now = this.clock()): Promise<void> {
    const closedBefore = new Date(now.getTime() - retentionDays * 86_400_000)
    for (const tenant of await store.tenantsWithExpiredCallers(db, closedBefore)) {
      await db.transaction(async (tx) => {
        const incidents = await store.eraseCallers(tx, tenant, closedBefore)
        await recordIncidentEvent(this.events, tx, tenant, null, {
          topic: 'incidents',
          type: 'incident_callers.erased',
          entity: null,
          data: { incidents, closedBefore: closedBefore.toISOString() },
        })
      })
    }
  }

  // Catalogue and targets

  /** The built-in types, changed or extended by the tenant's own. */
  async types(db: Queryable, tenant: string): Promise<IncidentType[]> {
    const own = new Map((await store.tenantTypes(db, tenant)).map((t) => [t.code, t]))
    const merged = DEFAULT_INCIDENT_TYPES.map((t) => own.get(t.code) ?? t)
    for (const t of own.values()) if (!DEFAULT_INCIDENT_TYPES.some((d) => d.code === t.code)) merged.push(t)
    return merged
  }

  async type(db: Queryable, tenant: string, code: string): Promise<IncidentType> {
    const found = (await this.types(db, tenant)).find((t) => t.code === code && t.isActive)
    if (!found) throw new Invalid(`${code} is not an incident type of ${tenant} (see /incident-types)`, { field: 'type' })
    return found
  }

  async putType(db: Database, tenant: string, actor: string, code: string, input: PutIncidentType): Promise<IncidentType> {
    const type: IncidentType = {
      code,
      label: input.label,
      defaultPriority: input.defaultPriority,
      unitKinds: input.unitKinds,
      isActive: input.isActive ?? true,
    }
    await db.transaction(async (tx) => {
      await store.upsertType(tx, tenant, type)
      await recordIncidentEvent(this.events, tx, tenant, actor, { topic: 'incidents', type: 'incident_types.changed', entity: code, data: { code } })
    })
    return type
  }

  async targets(db: Queryable, tenant: string): Promise<Targets[]> {
    const own = new Map((await store.tenantTargets(db, tenant)).map((t) => [t.priority, t]))
    return DEFAULT_TARGETS.map((t) => own.get(t.priority) ?? t)
  }

  async putTargets(db: Database, tenant: string, actor: string, targets: Targets[]): Promise<Targets[]> {
    for (const t of targets) {
      if (t.onSceneSeconds < t.dispatchSeconds) throw new Invalid(`${t.priority}: on scene cannot come before dispatch`, { field: 'onSceneSeconds' })
    }
    await db.transaction(async (tx) => {
      await store.upsertTargets(tx, tenant, targets)
      await recordIncidentEvent(this.events, tx, tenant, actor, { topic: 'incidents', type: 'incident_targets.changed', entity: null, data: { targets } })
    })
    return this.targets(db, tenant)
  }

  /** Adds the timers (against the priority's targets, at the service's clock) to stored rows. */
  async withTimers(db: Queryable, tenant: string, rows: store.IncidentRow[]): Promise<Incident[]> {
    if (rows.length === 0) return []
    const targets = new Map((await this.targets(db, tenant)).map((t) => [t.priority, t]))
    const now = this.clock()
    return rows.map((row) => ({ ...row, timers: timersOf(row, targets.get(row.priority) ?? DEFAULT_TARGETS[3], now) }))
  }

  // Reading

  async get(db: Queryable, tenant: string, id: string): Promise<Incident> {
    const row = await store.findIncident(db, tenant, id)
    if (!row) throw new NotFound(`There is no incident ${id} in ${tenant}`)
    return (await this.withTimers(db, tenant, [row]))[0]
  }

  /** `showsCallers`: the people who handle calls see callers whole; other readers see them masked. */
  async detail(db: Queryable, tenant: string, id: string, showsCallers: boolean) {
    const incident = await this.get(db, tenant, id)
    const timeline = await store.timeline(db, tenant, id)
    return {
      ...withCaller(incident, showsCallers),
      timeline: showsCallers
        ? timeline
        : timeline.map((e) => (isContact(e.data.caller) ? { ...e, data: { ...e.data, caller: maskContact(e.data.caller) } } : e)),
      dispatches: await store.dispatchesOf(db, tenant, id),
    }
  }

  filter(q: Pick<IncidentQuery, 'status' | 'type' | 'priority' | 'bbox' | 'since'>): store.IncidentFilter {
    return {
      statuses: parseStatuses(q.status),
      types: csv(q.type),
      priorities: csv<Priority>(q.priority, ['P1', 'P2', 'P3', 'P4']),
      bbox: parseBbox(q.bbox),
      since: q.since ?? null,
    }
  }

  /**
   * Newest first, filtered, in keyset pages. The total is exact on a first page that holds everything, and
   * otherwise counted up to EXACT_TOTAL_UP_TO then estimated, unless the caller asks for the exact count.
   */
  async list(db: Queryable, tenant: string, q: IncidentQuery, showsCallers: boolean) {
    const limit = q.limit ?? 50
    const f = this.filter(q)
    const key = cursorKey(q.cursor)
    const [at, id] = key ? key.split('|') : []
    const rows = await store.listIncidents(db, tenant, f, limit, key ? { at, id } : null)
    const items = (await this.withTimers(db, tenant, rows)).map((i) => withCaller(i, showsCallers))
    const isAll = !key && items.length < limit && q.total !== 'exact'
    const { total, isExact } = isAll ? { total: items.length, isExact: true } : await store.countIncidents(db, tenant, f, q.total === 'exact')
    return { ...keysetPage(items, total, limit, (i) => `${i.createdAt}|${i.id}`), totalIsExact: isExact }
  }

  /** Incidents as a GeoJSON FeatureCollection for the map (open ones unless asked otherwise). */
  async features(db: Queryable, tenant: string, q: { bbox?: string; status?: string; limit?: number }) {
    const f = { ...this.filter({ bbox: q.bbox, status: q.status ?? 'open' }) }
    const rows = await store.incidentFeatures(db, tenant, f, q.limit ?? 5000)
    const targets = new Map((await this.targets(db, tenant)).map((t) => [t.priority, t]))
    const now = this.clock().getTime()
    return {
      type: 'FeatureCollection' as const,
      features: rows.map(({ location, id, ...p }) => {
        const target = targets.get(p.priority) ?? DEFAULT_TARGETS[3]
        const due = Date.parse(p.createdAt) + target.dispatchSeconds * 1000
        return { type: 'Feature' as const, id, geometry: location, properties: { id, ...p, overdue: p.status === 'new' && now > due } }
      }),
    }
  }

  /** Possible duplicates of a new call: the same type within 300 m and 30 minutes, nearest first. */
  async duplicates(db: Queryable, tenant: string, type: string, lon: number, lat: number) {
    const since = new Date(this.clock().getTime() - DUPLICATE_MINUTES * 60_000)
    const rows = await store.nearbyIncidents(db, tenant, type, lon, lat, DUPLICATE_METRES, since)
    const distances = new Map(rows.map((r) => [r.id, r.distanceM]))
    const items = (
      await this.withTimers(
        db,
        tenant,
        rows.map(({ distanceM: _, ...r }) => r),
      )
    ).map((i) => ({ ...i, distanceM: distances.get(i.id) ?? 0 }))
    return { items, total: items.length, next: null }
  }

  async metrics(db: Queryable, tenant: string, from: Date, to: Date): Promise<{ from: string; to: string; rows: MetricsRow[] }> {
    if (from >= to) throw new Invalid('from must be before to', { field: 'from' })
    if (to.getTime() - from.getTime() > 366 * 86_400_000) throw new Invalid('Ask for at most a year at a time', { field: 'to' })
    return { from: from.toISOString(), to: to.toISOString(), rows: await store.metrics(db, tenant, from, to) }
  }

  // Changing

  async create(db: Database, tenant: string, actor: string | null, input: CreateIncident, origin: IncidentOrigin | null = null): Promise<Incident> {
    const type = await this.type(db, tenant, input.type)
    const [lon, lat] = input.location.coordinates
    const region = await this.tenancy.regionAt(db, tenant, lon, lat)
    await this.checkAgencies(db, tenant, input.agencyIds ?? [])
    const now = this.clock()
    const year = yearInZone(now, await this.tenancy.timezone(tenant))
    return db.transaction(async (tx) => {
      const serial = await nextSerial(tx, 'incident_counters', tenant, year)
      const row = await store.insertIncident(tx, tenant, {
        number: `${tenant}-${year}-${String(serial).padStart(5, '0')}`,
        source: input.source,
        type: type.code,
        priority: input.priority ?? type.defaultPriority,
        location: input.location,
        address: input.address ?? null,
        kelurahan: region?.kelurahan ?? null,
        kecamatan: region?.kecamatan ?? null,
        callerName: input.caller?.name ?? null,
        callerPhone: input.caller?.phone ?? null,
        description: input.description ?? null,
        agencyIds: input.agencyIds ?? [],
        reportId: input.reportId ?? null,
        alarmId: input.alarmId ?? null,
        alertId: input.alertId ?? null,
        origin,
        createdBy: actor,
        createdAt: now,
      })
      await store.addTimeline(tx, tenant, row.id, { kind: 'created', actor, text: input.description ?? null, data: { source: input.source }, at: now })
      await recordIncidentEvent(this.events, tx, tenant, actor, { topic: 'incidents', type: 'incident.created', entity: row.id, data: summary(row) })
      return (await this.withTimers(tx, tenant, [row]))[0]
    })
  }

  /** The incident of an alarm (a sensor's, a video detection's): created once, however often the alarm is heard of. */
  async createFromAlarm(db: Database, tenant: string, input: CreateIncident & { alarmId: string }, actor = SENSOR_ACTOR): Promise<Incident> {
    const existing = await store.findIncidentByAlarm(db, tenant, input.alarmId)
    if (existing) return (await this.withTimers(db, tenant, [existing]))[0]
    try {
      return await this.create(db, tenant, actor, input)
    } catch (err) {
      // Another instance created it between the look and the insert.
      const raced = await store.findIncidentByAlarm(db, tenant, input.alarmId)
      if (raced) return (await this.withTimers(db, tenant, [raced]))[0]
      throw err
    }
  }

  /** The incident of a Rojak finding, linked to it by its origin: created once, however often the hand-off is retried. */
  async createFromFinding(db: Database, tenant: string, actor: string, input: CreateIncident, finding: { id: string; number: string }): Promise<Incident> {
    const origin: IncidentOrigin = { module: 'patrols', kind: 'finding', ...finding }
    const existing = await store.findIncidentByOrigin(db, tenant, origin)
    if (existing) return (await this.withTimers(db, tenant, [existing]))[0]
    try {
      return await this.create(db, tenant, actor, input, origin)
    } catch (err) {
      // Another attempt created it between the look and the insert.
      const raced = await store.findIncidentByOrigin(db, tenant, origin)
      if (raced) return (await this.withTimers(db, tenant, [raced]))[0]
      throw err
    }
  }

  async update(db: Database, tenant: string, actor: string, id: string, input: UpdateIncident): Promise<Incident> {
    if (input.type) await this.type(db, tenant, input.type)
    await this.checkAgencies(db, tenant, input.agencyIds ?? [])
    const now = this.clock()
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      const to = input.status
      if (to && to !== current.status) {
        if (!canMoveIncident(current.status, to)) throw new Conflict(`An incident that is ${current.status} cannot become ${to}`, { field: 'status' })
        if (to === 'closed' && !input.outcome) throw new Invalid('Closing an incident records its outcome', { field: 'outcome' })
      }
      const statusChanged = to !== undefined && to !== current.status
      // An outcome given with a status change belongs to that change's timeline entry.
      const changes = (['type', 'priority', 'address', 'description', 'agencyIds', 'outcome'] as const).filter(
        (k) => input[k] !== undefined && !(k === 'outcome' && statusChanged),
      )
      const row = await store.updateIncident(tx, tenant, id, { ...input, status: statusChanged ? to : undefined }, now)
      if (changes.length > 0) {
        await store.addTimeline(tx, tenant, id, {
          kind: 'update',
          actor,
          text: statusChanged ? null : (input.note ?? null),
          data: pick(input, changes),
          at: now,
        })
        await recordIncidentEvent(this.events, tx, tenant, actor, {
          topic: 'incidents',
          type: 'incident.updated',
          entity: id,
          data: { ...summary(row), changes },
        })
      }
      if (statusChanged) {
        await store.addTimeline(tx, tenant, id, {
          kind: 'status',
          actor,
          text: input.note ?? null,
          data: { from: current.status, to, outcome: input.outcome },
          at: now,
        })
        await recordIncidentEvent(this.events, tx, tenant, actor, {
          topic: 'incidents',
          type: 'incident.status_changed',
          entity: id,
          data: { ...summary(row), from: current.status },
        })
        if (to === 'closed' || to === 'cancelled') await this.releaseUnits(tx, tenant, actor, row, now)
      }
      return (await this.withTimers(tx, tenant, [row]))[0]
    })
  }

  /** Operators reopen a closed or cancelled incident; it starts over as new, its history kept. */
  async reopen(db: Database, tenant: string, actor: string, id: string, note: string): Promise<Incident> {
    const now = this.clock()
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      if (!isReopening(current.status, 'new')) throw new Conflict(`Only a closed or cancelled incident can be reopened; this one is ${current.status}`)
      const row = await store.updateIncident(tx, tenant, id, { status: 'new', outcome: null }, now)
      await store.addTimeline(tx, tenant, id, { kind: 'status', actor, text: note, data: { from: current.status, to: 'new' }, at: now })
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'incidents',
        type: 'incident.reopened',
        entity: id,
        data: { ...summary(row), from: current.status },
      })
      return (await this.withTimers(tx, tenant, [row]))[0]
    })
  }

  async note(db: Database, tenant: string, actor: string, id: string, text: string): Promise<TimelineEntry> {
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      const entry = await store.addTimeline(tx, tenant, id, { kind: 'note', actor, text, at: this.clock() })
      await recordIncidentEvent(this.events, tx, tenant, actor, { topic: 'incidents', type: 'incident.noted', entity: id, data: { ...summary(current), text } })
      return entry
    })
  }

  /** Another call about the same incident: kept in its timeline instead of a duplicate incident. */
  async attachCall(db: Database, tenant: string, actor: string, id: string, call: AttachCall): Promise<TimelineEntry> {
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      const entry = await store.addTimeline(tx, tenant, id, {
        kind: 'call',
        actor,
        text: call.description ?? null,
        data: { source: call.source, caller: call.caller ?? null },
        at: this.clock(),
      })
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'incidents',
        type: 'incident.call_attached',
        entity: id,
        data: { ...summary(current), text: call.description ?? null },
      })
      return entry
    })
  }

  private async locked(tx: Tx, tenant: string, id: string): Promise<store.IncidentRow> {
    const row = await store.findIncident(tx, tenant, id, true)
    if (!row) throw new NotFound(`There is no incident ${id} in ${tenant}`)
    return row
  }

  private async checkAgencies(db: Queryable, tenant: string, ids: string[]): Promise<void> {
    for (const id of ids) {
      if (!(await this.tenancy.agencyExists(db, tenant, id))) throw new Invalid(`There is no agency ${id} in ${tenant}`, { field: 'agencyIds' })
    }
  }

  /** A closed or cancelled incident lets its units go: those still at base become available, the others return. */
  private async releaseUnits(tx: Tx, tenant: string, actor: string, incident: store.IncidentRow, now: Date): Promise<void> {
    for (const unit of await store.activeUnitsOf(tx, tenant, incident.id)) {
      await store.releaseDispatch(tx, tenant, unit.id, now)
      const to = unit.status === 'dispatched' ? 'available' : 'returning'
      const moved = await store.setUnitStatus(tx, tenant, unit.id, to, null, null, now)
      await store.addTimeline(tx, tenant, incident.id, {
        kind: 'unit_status',
        actor,
        text: null,
        data: { unitId: unit.id, callsign: unit.callsign, from: unit.status, to },
        at: now,
      })
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'units',
        type: 'unit.status_changed',
        entity: unit.id,
        data: { callsign: moved.callsign, kind: moved.kind, status: to, incidentId: null, location: moved.location, from: unit.status, destinationId: null },
      })
    }
  }
}

function pick(input: UpdateIncident, keys: readonly (keyof UpdateIncident)[]): Record<string, unknown> {
  return Object.fromEntries(keys.map((k) => [k, input[k]]))
}
