import { randomUUID } from 'node:crypto'
import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { nextSerial } from '../../core/db/serial.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { keysetPage } from '../../core/http/paging.ts'
import type { JobQueue } from '../../core/jobs/jobs.ts'
import { yearInZone } from '../../core/time.ts'
import { type CapArea, type CapMessage, capTime, capXml, exteriorRings } from './cap.ts'
import { type AlertSummary, recordAlertEvent } from './events.ts'
import type { AlarmPort, IncidentPort, TenancyLookups } from './ports.ts'
import type { Alert, AlertStatus, CreateAlert, PatchAlert, PublicAlert } from './schema.ts'
import * as store from './store.ts'

export const JOB_FANOUT = 'alerts.fanout'
export const JOB_EXPIRE = 'alerts.expire'

const DRAWN_AREA_DESC = 'Wilayah yang ditandai di peta'

export type Clock = () => Date

/** Where the alert came from, besides an operator's form. */
export interface AlertOrigin {
  source: 'operator' | 'incident' | 'alarm' | 'bmkg'
  sourceKey?: string
  id?: string
}

function summary(row: store.AlertRow): AlertSummary {
  return {
    identifier: row.identifier,
    thread: row.thread,
    msgType: row.msgType,
    status: row.status,
    event: row.info.event,
    severity: row.info.severity,
    urgency: row.info.urgency,
    headline: row.info.headline,
    expires: row.expires.toISOString(),
    regions: row.regions.map((r) => r.code),
  }
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)

/**
 * Public warnings as CAP 1.2 messages: an operator drafts, a second person approves (publishes); updates
 * and cancels are new messages of the same thread referencing the earlier ones; alerts expire by themselves.
 */
export class AlertService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly tenancy: TenancyLookups,
    private readonly incidents: IncidentPort,
    private readonly alarms: AlarmPort,
    /** The CAP sender's domain, e.g. the host of PUBLIC_URL. */
    private readonly senderDomain: string,
    private readonly clock: Clock = () => new Date(),
  ) {}

  sender(tenant: string): string {
    return `${tenant}@${this.senderDomain}`
  }

  toAlert(tenant: string, row: store.AlertRow): Alert {
    return {
      id: row.id,
      identifier: row.identifier,
      thread: row.thread,
      msgType: row.msgType,
      status: row.status,
      sender: this.sender(tenant),
      sent: iso(row.sentAt),
      references: row.refs,
      ...row.info,
      effective: iso(row.effective),
      onset: iso(row.onset),
      expires: row.expires.toISOString(),
      english: row.english,
      regions: row.regions.map(({ code, name, level }) => ({ code, name, level })),
      area: row.area,
      areaDesc: row.areaDesc,
      source: row.source,
      incidentId: row.incidentId,
      alarmId: row.alarmId,
      author: row.author,
      approver: row.approver,
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
    }
  }

  toPublic(row: store.AlertRow, capUrl: string): PublicAlert {
    return {
      id: row.id,
      identifier: row.identifier,
      msgType: row.msgType,
      sent: iso(row.sentAt),
      event: row.info.event,
      category: row.info.category,
      urgency: row.info.urgency,
      severity: row.info.severity,
      certainty: row.info.certainty,
      headline: row.info.headline,
      description: row.info.description,
      instruction: row.info.instruction,
      contact: row.info.contact,
      effective: iso(row.effective),
      onset: iso(row.onset),
      expires: row.expires.toISOString(),
      english: row.english,
      regions: row.regions.map(({ code, name, level }) => ({ code, name, level })),
      areaDesc: row.areaDesc,
      capUrl,
    }
  }

  // Reading

  async get(db: Queryable, tenant: string, id: string): Promise<store.AlertRow> {
    const row = await store.findAlert(db, tenant, id)
    if (!row) throw new NotFound(`There is no alert ${id} in ${tenant}`)
    return row
  }

  async list(db: Queryable, tenant: string, status: AlertStatus | undefined, limit: number, before: string | null) {
    const page = await store.listAlerts(db, tenant, status, limit, before)
    return keysetPage(
      page.items.map((r) => this.toAlert(tenant, r)),
      page.total,
      limit,
      (a) => a.identifier,
    )
  }

  /** Published, unexpired alerts (no Cancel messages): the public's list, map and Atom index. */
  active(db: Queryable, tenant: string) {
    return store.activeAlerts(db, tenant, this.clock())
  }

  /** The CAP XML of a message that has been sent; drafts are never public. */
  async capDocument(db: Queryable, tenant: string, identifier: string): Promise<string> {
    const row = await store.findByIdentifier(db, tenant, identifier)
    if (!row?.sentAt || row.status === 'discarded') throw new NotFound(`There is no alert ${identifier} in ${tenant}`)
    return capXml(await this.capMessage(db, tenant, row))
  }

  async capMessage(db: Queryable, tenant: string, row: store.AlertRow, sent: Date = row.sentAt ?? this.clock()): Promise<CapMessage> {
    const areas: CapArea[] = row.regions.map((r) => ({
      areaDesc: r.name,
      polygons: exteriorRings(r.geometry),
      circles: [],
      geocodes: [{ valueName: 'KEMENDAGRI', value: r.code }],
    }))
    if (row.area) {
      const areaDesc = row.regions.length > 0 ? DRAWN_AREA_DESC : row.areaDesc
      areas.push(
        row.area.type === 'Feature'
          ? { areaDesc, polygons: [], circles: [{ center: row.area.geometry.coordinates, radiusKm: row.area.properties.radius / 1000 }], geocodes: [] }
          : { areaDesc, polygons: exteriorRings(row.area), circles: [], geocodes: [] },
      )
    }
    return {
      identifier: row.identifier,
      sender: this.sender(tenant),
      sent,
      msgType: row.msgType,
      references: row.refs,
      note: null,
      incidents: row.incidentId,
      info: { ...row.info, effective: row.effective, onset: row.onset, expires: row.expires },
      english: row.english,
      areas,
      timeZone: await this.tenancy.timezone(db, tenant),
    }
  }

  // Drafting

  private async write(db: Queryable, tenant: string, input: CreateAlert): Promise<store.AlertWrite & { footprint: string }> {
    const now = this.clock()
    const expires = new Date(input.expires)
    if (expires <= now) throw new Invalid('expires must lie in the future', { field: 'expires' })
    for (const field of ['effective', 'onset'] as const) {
      const at = input[field]
      if (at && new Date(at) >= expires) throw new Invalid(`${field} must come before expires`, { field })
    }
    const codes = input.regions ?? []
    if (codes.length === 0 && !input.area) throw new Invalid('Choose kecamatan/kelurahan in regions or draw an area', { field: 'regions' })
    const known = new Map((await this.tenancy.regions(db, tenant)).map((r) => [r.code, r]))
    const regions: store.StoredRegion[] = []
    for (const code of codes) {
      const region = known.get(code)
      if (!region) throw new Invalid(`${code} is not a kecamatan or kelurahan of ${tenant}`, { field: 'regions', code })
      regions.push({ code, name: region.name, level: region.level, geometry: await store.simplify(db, JSON.stringify(region.geometry)) })
    }
    if (input.area && input.area.type !== 'Feature') {
      const problem = await store.areaProblem(db, JSON.stringify(input.area))
      if (problem) throw new Invalid(`The drawn area is not a valid polygon: ${problem}`, { field: 'area' })
    }
    const area = input.area ?? null
    const write: store.AlertWrite = {
      info: {
        event: input.event,
        category: input.category,
        responseType: input.responseType ?? [],
        urgency: input.urgency,
        severity: input.severity,
        certainty: input.certainty,
        senderName: input.senderName ?? null,
        headline: input.headline ?? null,
        description: input.description ?? null,
        instruction: input.instruction ?? null,
        contact: input.contact ?? null,
        web: input.web ?? null,
      },
      english: input.english ?? null,
      regions,
      area,
      areaDesc: input.areaDesc ?? (regions.length > 0 ? regions.map((r) => r.name).join(', ') : DRAWN_AREA_DESC),
      effective: input.effective ? new Date(input.effective) : null,
      onset: input.onset ? new Date(input.onset) : null,
      expires,
    }
    return { ...write, footprint: await store.footprintParts(db, write) }
  }

  private async identifier(tx: Tx, tenant: string): Promise<string> {
    const year = yearInZone(this.clock(), await this.tenancy.timezone(tx, tenant))
    return `${tenant}-${year}-${String(await nextSerial(tx, 'alert_counters', tenant, year)).padStart(5, '0')}`
  }

  /** A new draft (msgType Alert); with an origin's key, at most one per key (BMKG events). */
  async create(db: Database, tenant: string, actor: string, input: CreateAlert, origin: AlertOrigin = { source: 'operator' }): Promise<store.AlertRow> {
    const write = await this.write(db, tenant, input)
    const id = origin.id ?? randomUUID()
    return db.transaction(async (tx) => {
      const row = await store.insertAlert(tx, tenant, {
        ...write,
        id,
        identifier: await this.identifier(tx, tenant),
        thread: id,
        msgType: 'Alert',
        refs: [],
        source: origin.source,
        incidentId: input.incidentId ?? null,
        alarmId: input.alarmId ?? null,
        sourceKey: origin.sourceKey ?? null,
        author: actor,
      })
      if (!row) throw new Conflict('This alert exists already', { sourceKey: origin.sourceKey })
      await recordAlertEvent(this.events, tx, tenant, actor, { topic: 'alerts', type: 'alert.drafted', entity: row.id, data: summary(row) })
      return row
    })
  }

  /** Changes a draft; a sent message never changes (send an update instead). */
  async patch(db: Database, tenant: string, actor: string, id: string, input: PatchAlert): Promise<store.AlertRow> {
    const current = await this.get(db, tenant, id)
    if (current.status !== 'draft') throw new Conflict('Only a draft can be changed; send an update of a published alert', { status: current.status })
    const merged: CreateAlert = {
      ...this.asInput(current),
      ...input,
    }
    const write = await this.write(db, tenant, merged)
    return db.transaction(async (tx) => {
      const locked = await store.findAlert(tx, tenant, id, true)
      if (locked?.status !== 'draft') throw new Conflict('The draft was approved or discarded meanwhile')
      const row = await store.updateDraft(tx, tenant, id, actor, write)
      await recordAlertEvent(this.events, tx, tenant, actor, { topic: 'alerts', type: 'alert.changed', entity: id, data: summary(row) })
      return row
    })
  }

  /** The input that would recreate a message, to be merged with changes. */
  private asInput(row: store.AlertRow): CreateAlert {
    const i = row.info
    const optional = <T>(v: T | null) => v ?? undefined
    return {
      event: i.event,
      category: i.category as CreateAlert['category'],
      responseType: i.responseType as CreateAlert['responseType'],
      urgency: i.urgency as CreateAlert['urgency'],
      severity: i.severity as CreateAlert['severity'],
      certainty: i.certainty as CreateAlert['certainty'],
      senderName: optional(i.senderName),
      headline: optional(i.headline),
      description: optional(i.description),
      instruction: optional(i.instruction),
      contact: optional(i.contact),
      web: optional(i.web),
      effective: optional(iso(row.effective)),
      onset: optional(iso(row.onset)),
      expires: row.expires.toISOString(),
      english: optional(row.english),
      regions: row.regions.map((r) => r.code),
      area: optional(row.area),
      areaDesc: row.areaDesc,
    }
  }

  /**
   * The second person's approval publishes a draft: never its author. Publishing an update or a cancel
   * retires the thread's earlier messages; every publication is delivered to the regions' subscribers.
   */
  async approve(db: Database, tenant: string, actor: string, id: string): Promise<store.AlertRow> {
    return db.transaction(async (tx) => {
      const draft = await store.findAlert(tx, tenant, id, true)
      if (!draft) throw new NotFound(`There is no alert ${id} in ${tenant}`)
      if (draft.status !== 'draft') throw new Conflict(`Only a draft can be approved; this one is ${draft.status}`, { status: draft.status })
      if (draft.author === actor || draft.editors.includes(actor)) {
        throw new Forbidden('A second person must approve: no one who wrote or changed the draft may approve it', {
          reason: 'second_approver',
          author: draft.author,
          editors: draft.editors,
        })
      }
      if (draft.expires <= this.clock()) throw new Conflict('The draft has expired already; change expires first', { field: 'expires' })
      const row = await store.setStatus(tx, tenant, id, 'published', { approver: actor, sentAt: this.clock() })
      for (const earlier of await store.publishedOfThread(tx, tenant, row.thread, row.id)) {
        const retired = await store.setStatus(tx, tenant, earlier.id, row.msgType === 'Cancel' ? 'cancelled' : 'superseded')
        await recordAlertEvent(this.events, tx, tenant, actor, {
          topic: 'alerts',
          type: row.msgType === 'Cancel' ? 'alert.cancelled' : 'alert.superseded',
          entity: earlier.id,
          data: { ...summary(retired), by: row.identifier },
        })
      }
      await recordAlertEvent(this.events, tx, tenant, actor, { topic: 'alerts', type: 'alert.published', entity: row.id, data: summary(row) })
      await this.jobs.enqueue(tx, tenant, JOB_FANOUT, { alertId: row.id }, { dedupeKey: row.id })
      return row
    })
  }

  /** References of every message of the thread sent so far, in CAP's `sender,identifier,sent` form. */
  private async references(db: Queryable, tenant: string, thread: string): Promise<string[]> {
    const timeZone = await this.tenancy.timezone(db, tenant)
    return (await store.threadOf(db, tenant, thread))
      .filter((m) => m.sentAt && m.status !== 'discarded')
      .map((m) => `${this.sender(tenant)},${m.identifier},${capTime(m.sentAt as Date, timeZone)}`)
  }

  private async follow(db: Database, tenant: string, actor: string, id: string, msgType: 'Update' | 'Cancel', changes: PatchAlert): Promise<store.AlertRow> {
    const current = await this.get(db, tenant, id)
    if (current.status !== 'published')
      throw new Conflict(`Only a published alert can be ${msgType === 'Update' ? 'updated' : 'cancelled'}`, { status: current.status })
    const write = await this.write(db, tenant, { ...this.asInput(current), ...changes })
    const refs = await this.references(db, tenant, current.thread)
    return db.transaction(async (tx) => {
      const row = await store.insertAlert(tx, tenant, {
        ...write,
        id: randomUUID(),
        identifier: await this.identifier(tx, tenant),
        thread: current.thread,
        msgType,
        refs,
        source: current.source,
        incidentId: current.incidentId,
        alarmId: current.alarmId,
        sourceKey: null,
        author: actor,
      })
      if (!row) throw new Error('a new alert identifier collided')
      await recordAlertEvent(this.events, tx, tenant, actor, { topic: 'alerts', type: 'alert.drafted', entity: row.id, data: summary(row) })
      return row
    })
  }

  /** A draft Update of a published alert; published on approval, it supersedes the earlier messages. */
  update(db: Database, tenant: string, actor: string, id: string, changes: PatchAlert): Promise<store.AlertRow> {
    return this.follow(db, tenant, actor, id, 'Update', changes)
  }

  /**
   * Cancelling a draft discards it (it was never public). Cancelling a published alert makes a draft Cancel
   * message; approved by a second person, it withdraws the thread.
   */
  async cancel(db: Database, tenant: string, actor: string, id: string, note: string | undefined): Promise<store.AlertRow> {
    const current = await this.get(db, tenant, id)
    if (current.status === 'draft') {
      return db.transaction(async (tx) => {
        const locked = await store.findAlert(tx, tenant, id, true)
        if (locked?.status !== 'draft') throw new Conflict('The draft was approved meanwhile; cancel the published alert')
        const row = await store.setStatus(tx, tenant, id, 'discarded')
        await recordAlertEvent(this.events, tx, tenant, actor, { topic: 'alerts', type: 'alert.discarded', entity: id, data: summary(row) })
        return row
      })
    }
    return this.follow(db, tenant, actor, id, 'Cancel', {
      headline: `DIBATALKAN: ${current.info.headline ?? current.info.event}`.slice(0, 160),
      ...(note ? { description: note } : {}),
      responseType: ['AllClear'],
    })
  }

  /** Marks every alert past its expiry (all tenants), one event each. */
  async expireDue(db: Database): Promise<number> {
    return db.transaction(async (tx) => {
      const expired = await store.expire(tx, this.clock())
      for (const row of expired) {
        await recordAlertEvent(this.events, tx, row.tenant, 'system:alerts', { topic: 'alerts', type: 'alert.expired', entity: row.id, data: summary(row) })
      }
      return expired.length
    })
  }

  // Prefilled drafts

  /** A draft from an incident: its type as the event, its kelurahan as the area. */
  async draftFromIncident(db: Database, tenant: string, actor: string, incidentId: string): Promise<store.AlertRow> {
    const incident = await this.incidents.get(db, tenant, incidentId)
    const [lon, lat] = incident.location.coordinates
    const kind = EVENT_BY_INCIDENT_TYPE[incident.type] ?? { event: 'Kejadian darurat', category: ['Safety'] as CreateAlert['category'] }
    return this.create(
      db,
      tenant,
      actor,
      {
        event: kind.event,
        category: kind.category,
        urgency: 'Immediate',
        severity: SEVERITY_BY_PRIORITY[incident.priority] ?? 'Moderate',
        certainty: 'Observed',
        headline: `${kind.event}${incident.kelurahan ? ` di ${incident.kelurahan.name}` : ''}`.slice(0, 160),
        description: incident.description ?? undefined,
        instruction: 'Hindari lokasi kejadian dan ikuti arahan petugas.',
        expires: new Date(this.clock().getTime() + DEFAULT_HOURS * 3_600_000).toISOString(),
        ...(incident.kelurahan
          ? { regions: [incident.kelurahan.code] }
          : { area: { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { radius: 1000 } } }),
        incidentId: incident.id,
      },
      { source: 'incident' },
    )
  }

  /** A draft from a sensor alarm: what tripped, where, how severe. */
  async draftFromAlarm(db: Database, tenant: string, actor: string, alarmId: string, origin: AlertOrigin = { source: 'alarm' }): Promise<store.AlertRow> {
    const alarm = await this.alarms.find(db, tenant, alarmId)
    if (!alarm) throw new NotFound(`There is no open alarm ${alarmId} in ${tenant}`)
    const [lon, lat] = alarm.location.coordinates
    const region = await this.tenancy.regionAt(db, tenant, lon, lat)
    const isWater = alarm.metric === 'water_level' || alarm.metric === 'rainfall'
    return this.create(
      db,
      tenant,
      actor,
      {
        event: isWater ? 'Banjir' : 'Peringatan sensor',
        category: [isWater ? 'Met' : 'Env'],
        urgency: 'Expected',
        severity: SEVERITY_BY_ALARM[alarm.severity] ?? 'Moderate',
        certainty: 'Likely',
        headline: `${isWater ? 'Potensi banjir' : 'Peringatan'}: ${alarm.deviceName}`.slice(0, 160),
        description: `${alarm.deviceName}: ${alarm.metric ?? ''} ${alarm.value ?? ''} (ambang ${alarm.threshold ?? '-'}, status ${alarm.severity})`,
        instruction: isWater ? 'Waspada kenaikan air, amankan barang berharga dan siapkan evakuasi.' : 'Ikuti informasi resmi berikutnya.',
        expires: new Date(this.clock().getTime() + DEFAULT_HOURS * 3_600_000).toISOString(),
        ...(region
          ? { regions: [region.kelurahan.code] }
          : { area: { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: { radius: 2000 } } }),
        alarmId: alarm.id,
      },
      origin,
    )
  }
}

// A prefilled draft is valid this long unless the operator changes it.
const DEFAULT_HOURS = 6

const SEVERITY_BY_PRIORITY: Record<string, CreateAlert['severity']> = { P1: 'Severe', P2: 'Moderate', P3: 'Minor', P4: 'Minor' }
const SEVERITY_BY_ALARM: Record<string, CreateAlert['severity']> = { awas: 'Extreme', siaga: 'Severe', waspada: 'Moderate', info: 'Minor' }
const EVENT_BY_INCIDENT_TYPE: Record<string, { event: string; category: CreateAlert['category'] }> = {
  flood: { event: 'Banjir', category: ['Met'] },
  landslide: { event: 'Tanah longsor', category: ['Geo'] },
  fire: { event: 'Kebakaran', category: ['Fire'] },
  fallen_tree: { event: 'Pohon tumbang', category: ['Safety'] },
  traffic_accident: { event: 'Kecelakaan lalu lintas', category: ['Transport'] },
  crime: { event: 'Gangguan keamanan', category: ['Security'] },
  public_order: { event: 'Gangguan ketertiban', category: ['Security'] },
  medical: { event: 'Kegawatdaruratan medis', category: ['Health'] },
  other_disaster: { event: 'Bencana', category: ['Geo'] },
}
