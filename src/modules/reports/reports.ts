import { randomInt } from 'node:crypto'
import { addSlaHours, type WorkCalendar } from '../../core/calendar.ts'
import { maskContact } from '../../core/contacts.ts'
import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { nextSerial } from '../../core/db/serial.ts'
import { Conflict, Forbidden, Invalid, NotFound, RateLimited } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, encodeCursor } from '../../core/http/paging.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import { type EncodedPhoto, MAX_PHOTOS_PER_REPORT } from '../../core/media/photos.ts'
import type { Messaging } from '../../core/messaging/messaging.ts'
import type { OutboundPolicy } from '../../core/outbound/policy.ts'
import type { Secrets } from '../../core/secrets.ts'
import { yearInZone } from '../../core/time.ts'
import { CHANNEL_NAMES, chatTopicPrefix } from './chat-updates.ts'
import { type ReportSummary, recordReportEvent } from './events.ts'
import type { AgencyRef, IncidentRaiser, TenancyLookups } from './ports.ts'
import type { Category, PhotoInfo, PublicReport, PutCategory, PutSettings, Report, ReportQuery, Settings, SubmitReport, TimelineEntry } from './schema.ts'
import * as store from './store.ts'
import {
  canMoveReport,
  clockOf,
  FINAL_STATUSES,
  type Mover,
  OPEN_STATUSES,
  REPORT_STATUSES,
  type ReportStatus,
  STATUS_LABELS,
  showsContent,
} from './workflow.ts'

// Duplicates: the same category this close, this recently.
export const DUPLICATE_METRES = 100
export const DUPLICATE_DAYS = 7
// Abuse control: submissions and supports per address per hour, reports per phone per day.
export const MAX_PER_ADDRESS_PER_HOUR = 10
export const MAX_PER_PHONE_PER_DAY = 5
// Citizens may add photos to a new report for this long after submitting it.
const PHOTO_WINDOW_MINUTES = 60

export const JOB_SLA = 'reports.sla'
export const JOB_AUTO_CLOSE = 'reports.auto_close'
export const JOB_NOTIFY = 'reports.notify'
export const JOB_RETENTION = 'reports.retention'
/** Address hashes outlive the hourly submission limit by a day, no more. */
const ADDRESS_HASH_HOURS = 24
export const SYSTEM_ACTOR = 'system:reports'

const DEFAULT_SETTINGS: store.SettingsRow = {
  reopenDays: 7,
  workingDays: [1, 2, 3, 4, 5],
  workStart: '07:30',
  workEnd: '16:00',
  holidays: [],
  webhookUrl: null,
  webhookSecret: null,
}

/** How reporters are told: by e-mail when SMTP is configured; links to the tracking page when the public address is known. */
export interface Notifier {
  canEmail: boolean
  publicUrl: string | null
  /** Checks the gateway's URL when it is saved (it is checked again at every call). */
  outbound: OutboundPolicy
  /** Status updates by WhatsApp, Telegram or SMS, when the reporter chose one. */
  messaging: Messaging
}

/** Who is acting on a report: the command center (operators, admins) and/or officers of some OPDs. */
export interface ReportCaller {
  actor: string
  /** Operators and admins act for the command center. */
  isOperator: boolean
  /** Operators, admins and executives (also of the province) read every report of the tenant. */
  seesAll: boolean
  /** The OPDs whose reports the caller may work on: `all` for admins. */
  agencyIds: string[] | 'all'
}

/** Where a submission came from: the web form, an Open311 client, or an operator taking a phone call. */
export interface Origin {
  source: 'web' | 'open311' | 'operator'
  actor: string | null
  ip: string | null
  mediaUrl?: string | null
  attributes?: Record<string, unknown>
  /** Open311 clients with an api_key are trusted systems: no per-address limit. */
  isTrusted?: boolean
}

// Unambiguous letters and digits (no 0/O, 1/I/L) for codes people read out and type on phones.
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
export function newTrackingCode(): string {
  const pick = () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]
  const part = () => Array.from({ length: 4 }, pick).join('')
  return `${part()}-${part()}`
}

/** Tracking codes are typed by people: case and the dash do not matter. */
export function normaliseCode(code: string): string {
  const plain = code.toUpperCase().replace('-', '')
  return `${plain.slice(0, 4)}-${plain.slice(4)}`
}

function slaOf(row: store.ReportRow, now: Date): Report['sla'] {
  const { statusDueAt, dueAt, escalationLevel } = row
  const isOpen = !FINAL_STATUSES.includes(row.status) && row.status !== 'resolved'
  const overdue = isOpen && ((statusDueAt !== null && Date.parse(statusDueAt) < now.getTime()) || (dueAt !== null && Date.parse(dueAt) < now.getTime()))
  return { statusDueAt, dueAt, overdue, escalationLevel }
}

function csv(value: string | undefined): string[] | null {
  return value ? [...new Set(value.split(',').filter(Boolean))] : null
}

export function parseStatuses(value: string | undefined): ReportStatus[] | null {
  const items = csv(value)
  if (!items) return null
  const statuses = new Set<ReportStatus>()
  for (const item of items) {
    if (item === 'open') for (const s of OPEN_STATUSES) statuses.add(s)
    else if ((REPORT_STATUSES as readonly string[]).includes(item)) statuses.add(item as ReportStatus)
    else throw new Invalid(`${item} is not a report status`, { field: 'status' })
  }
  return [...statuses]
}

function parseBbox(value: string | undefined): [number, number, number, number] | null {
  if (!value) return null
  const parts = value.split(',').map(Number)
  const [minLon, minLat, maxLon, maxLat] = parts
  if (parts.length !== 4 || parts.some(Number.isNaN) || minLon > maxLon || minLat > maxLat) {
    throw new Invalid('bbox must be minLon,minLat,maxLon,maxLat in WGS84', { field: 'bbox' })
  }
  return [minLon, minLat, maxLon, maxLat]
}

export function summary(r: store.ReportRow): ReportSummary {
  return {
    number: r.number,
    category: r.category,
    status: r.status,
    location: r.location,
    kelurahan: r.kelurahan?.name ?? null,
    agencyId: r.agencyId,
    escalationLevel: r.escalationLevel,
  }
}

const photoUrl = (tenant: string, reportId: string, photoId: string) => `/api/t/${tenant}/reports/${reportId}/photos/${photoId}`

/** Citizen reports: catalogue, submission, tracking, the workflow, duplicates, SLAs and escalation. */
export class ReportService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly tenancy: TenancyLookups,
    private readonly incidents: IncidentRaiser,
    private readonly secrets: Secrets,
    private readonly notifier: Notifier,
  ) {}

  /** A reporter's address as a keyed hash: enough to count recent submissions, no way back to the address without the instance key. */
  private addressHash(tenant: string, ip: string | null): string | null {
    return ip ? this.secrets.keyedHash('report-address', `${tenant}|${ip}`).slice(0, 32) : null
  }

  // Catalogue and settings

  async categories(db: Queryable, tenant: string): Promise<Category[]> {
    const agencies = await this.tenancy.agencies(db, tenant)
    return (await store.listCategories(db, tenant)).map((c) => this.withAgency(c, agencies))
  }

  private withAgency(c: store.CategoryRow, agencies: Map<string, AgencyRef>): Category {
    return { ...c, agency: c.agencyId ? (agencies.get(c.agencyId) ?? null) : null }
  }

  async category(db: Queryable, tenant: string, code: string): Promise<store.CategoryRow> {
    const found = await store.findCategory(db, tenant, code)
    if (!found) throw new NotFound(`There is no report category ${code} in ${tenant}`, { field: 'category' })
    return found
  }

  async putCategory(db: Database, tenant: string, actor: string, code: string, input: PutCategory): Promise<Category> {
    const agencies = await this.tenancy.agencies(db, tenant)
    if (input.agencyId && !agencies.has(input.agencyId)) throw new Invalid(`There is no agency ${input.agencyId} in ${tenant}`, { field: 'agencyId' })
    const current = await store.findCategory(db, tenant, code)
    const row: store.CategoryRow = {
      code,
      serviceCode: input.serviceCode ?? current?.serviceCode ?? code,
      label: input.label,
      description: input.description ?? null,
      group: input.group ?? null,
      keywords: input.keywords ?? [],
      agencyId: input.agencyId,
      isPublic: input.isPublic ?? true,
      isActive: input.isActive ?? true,
      slaHours: input.slaHours,
      totalSlaHours: input.totalSlaHours,
      calendar: input.calendar ?? 'working',
      notice: input.notice ?? null,
    }
    await db.transaction(async (tx) => {
      if (await store.serviceCodeTaken(tx, tenant, row.serviceCode, code))
        throw new Conflict(`service_code ${row.serviceCode} is taken`, { field: 'serviceCode' })
      await store.upsertCategory(tx, tenant, row)
      await recordReportEvent(this.events, tx, tenant, actor, { topic: 'report_config', type: 'report_category.changed', entity: code, data: { code } })
    })
    return this.withAgency(row, agencies)
  }

  async settings(db: Queryable, tenant: string): Promise<store.SettingsRow> {
    return (await store.findSettings(db, this.secrets, tenant)) ?? DEFAULT_SETTINGS
  }

  publicSettings(s: store.SettingsRow): Settings & { hasWebhookSecret: boolean } {
    const { webhookSecret, ...rest } = s
    return { ...rest, hasWebhookSecret: webhookSecret !== null }
  }

  async putSettings(db: Database, tenant: string, actor: string, input: PutSettings): Promise<store.SettingsRow> {
    return db.transaction(async (tx) => {
      const next = { ...(await this.settings(tx, tenant)), ...input }
      if (next.workEnd <= next.workStart) throw new Invalid('workEnd must come after workStart', { field: 'workEnd' })
      if (next.webhookUrl !== null) {
        this.notifier.outbound.checkUrl(next.webhookUrl, 'webhookUrl')
        // Every webhook is signed (README, "Webhooks"): a gateway without a secret could not tell Kendali from anyone.
        if (next.webhookSecret === null)
          throw new Invalid('A webhook needs webhookSecret (16 characters or more) to sign each POST', { field: 'webhookSecret' })
      }
      await store.upsertSettings(tx, this.secrets, tenant, next)
      await recordReportEvent(this.events, tx, tenant, actor, {
        topic: 'report_config',
        type: 'report_settings.changed',
        entity: tenant,
        data: { fields: Object.keys(input).filter((k) => k !== 'webhookSecret') },
      })
      return next
    })
  }

  async calendar(db: Queryable, tenant: string): Promise<WorkCalendar> {
    const s = await this.settings(db, tenant)
    return { workingDays: s.workingDays, workStart: s.workStart, workEnd: s.workEnd, holidays: s.holidays, timezone: await this.tenancy.timezone(db, tenant) }
  }

  // Submission

  async submit(db: Database, tenant: string, input: SubmitReport, origin: Origin, now = new Date()): Promise<store.ReportRow> {
    if (!input.consent) throw new Invalid('The reporter must agree to the consent text', { field: 'consent' })
    const category = await this.category(db, tenant, input.category)
    if (!category.isActive) throw new Invalid(`Category ${input.category} no longer takes reports`, { field: 'category' })
    const [lon, lat] = input.location.coordinates
    const region = await this.tenancy.regionAt(db, tenant, lon, lat)
    const info = await this.tenancy.tenant(tenant)
    if (!region) throw new Invalid(`The location lies outside ${info?.name ?? tenant}`, { field: 'location' })
    const phone = input.reporter?.phone?.replace(/[^0-9+]/g, '') ?? null
    const updates = input.updates ? await this.chatUpdates(db, tenant, input.updates) : null
    const ipHash = this.addressHash(tenant, origin.ip)
    await this.checkRate(db, tenant, origin.isTrusted ? null : ipHash, phone, now)
    const calendar = await this.calendar(db, tenant)
    const year = yearInZone(now, calendar.timezone)
    return db.transaction(async (tx) => {
      const serial = await nextSerial(tx, 'report_counters', tenant, year)
      const row = await store.insertReport(tx, tenant, {
        number: `R-${year}-${String(serial).padStart(5, '0')}`,
        code: newTrackingCode(),
        category: category.code,
        source: origin.source,
        location: input.location,
        address: input.address ?? null,
        kelurahan: region.kelurahan,
        kecamatan: region.kecamatan,
        description: input.description,
        // The OPD gets it at disposition (the category's by default), after the command center verified it.
        agencyId: null,
        isPublic: category.isPublic,
        reporterName: input.reporter?.name ?? null,
        reporterPhone: phone,
        reporterEmail: input.reporter?.email ?? null,
        reporterIpHash: ipHash,
        updates,
        language: input.language ?? 'id',
        consentAt: now,
        mediaUrl: origin.mediaUrl ?? null,
        attributes: origin.attributes ?? {},
        statusDueAt: this.statusDue(category, 'submitted', now, calendar),
        dueAt: addSlaHours(now, category.totalSlaHours, calendar, category.calendar),
        at: now,
      })
      await store.addTimeline(tx, tenant, row.id, { kind: 'submitted', actor: origin.actor, isPublic: true, data: { source: origin.source }, at: now })
      await recordReportEvent(this.events, tx, tenant, origin.actor, { topic: 'reports', type: 'report.submitted', entity: row.id, data: summary(row) })
      await this.scheduleClock(tx, tenant, row)
      if (row.dueAt)
        await this.jobs.enqueue(tx, tenant, JOB_SLA, { reportId: row.id, clock: 'total', level: 2, dueAt: row.dueAt }, { runAt: new Date(row.dueAt) })
      return row
    })
  }

  /** A chat channel the city offers, and a number (E.164) or chat id it can address; refused in words otherwise. */
  private async chatUpdates(db: Queryable, tenant: string, input: NonNullable<SubmitReport['updates']>) {
    const offered = await this.notifier.messaging.enabledKinds(db, tenant)
    if (!offered.includes(input.channel)) {
      const choice = offered.length > 0 ? `choose ${offered.join(', ')}` : 'leave updates out and follow the report by its tracking code'
      throw new Invalid(`This city sends no report updates by ${CHANNEL_NAMES[input.channel]}: ${choice}`, { field: 'updates.channel' })
    }
    return { channel: input.channel, to: this.notifier.messaging.recipient(input.channel, input.to, 'updates.to') }
  }

  private async checkRate(db: Queryable, tenant: string, ipHash: string | null, phone: string | null, now: Date): Promise<void> {
    if (ipHash) {
      const { byIp } = await store.recentSubmissions(db, tenant, ipHash, null, new Date(now.getTime() - 3_600_000))
      if (byIp >= MAX_PER_ADDRESS_PER_HOUR) throw new RateLimited(`At most ${MAX_PER_ADDRESS_PER_HOUR} reports an hour from one address; try again later`, 3600)
    }
    if (phone) {
      const { byPhone } = await store.recentSubmissions(db, tenant, null, phone, new Date(now.getTime() - 86_400_000))
      if (byPhone >= MAX_PER_PHONE_PER_DAY) throw new RateLimited(`At most ${MAX_PER_PHONE_PER_DAY} reports a day from one phone number`, 86_400)
    }
  }

  private statusDue(category: store.CategoryRow, status: ReportStatus, from: Date, calendar: WorkCalendar): Date | null {
    const clock = clockOf(status)
    const hours = clock ? category.slaHours[clock] : undefined
    return hours ? addSlaHours(from, hours, calendar, category.calendar) : null
  }

  private async scheduleClock(tx: Tx, tenant: string, row: store.ReportRow): Promise<void> {
    const clock = clockOf(row.status)
    if (!row.statusDueAt || !clock) return
    await this.jobs.enqueue(
      tx,
      tenant,
      JOB_SLA,
      { reportId: row.id, version: row.statusVersion, clock, level: 1, dueAt: row.statusDueAt },
      { runAt: new Date(row.statusDueAt) },
    )
  }

  async addPhoto(db: Database, tenant: string, row: store.ReportRow, kind: 'report' | 'proof', photo: EncodedPhoto, actor: string | null, now = new Date()) {
    return db.transaction(async (tx) => {
      const locked = await this.locked(tx, tenant, row.id)
      const existing = (await store.photosOf(tx, tenant, row.id)).filter((p) => p.kind === kind)
      if (kind === 'report' && existing.length >= MAX_PHOTOS_PER_REPORT) {
        throw new Conflict(`A report has at most ${MAX_PHOTOS_PER_REPORT} photos`, { field: 'photo' })
      }
      const saved = await store.insertPhoto(tx, tenant, row.id, { kind, ...photo, createdBy: actor, at: now })
      await store.addTimeline(tx, tenant, row.id, { kind: 'photo', actor, isPublic: false, data: { photoId: saved.id, kind }, at: now })
      await store.touch(tx, tenant, row.id, now)
      await recordReportEvent(this.events, tx, tenant, actor, { topic: 'reports', type: 'report.photo_added', entity: row.id, data: summary(locked) })
      return { ...saved, url: photoUrl(tenant, row.id, saved.id) }
    })
  }

  /** A citizen adds a photo to the report just submitted, by its tracking code. */
  async addCitizenPhoto(db: Database, tenant: string, code: string, photo: EncodedPhoto, now = new Date()): Promise<PhotoInfo> {
    const row = await this.byCode(db, tenant, code)
    if (row.status !== 'submitted' || now.getTime() - Date.parse(row.createdAt) > PHOTO_WINDOW_MINUTES * 60_000) {
      throw new Conflict(`Photos can be added within ${PHOTO_WINDOW_MINUTES} minutes of submitting, while the report is not yet verified`)
    }
    return this.addPhoto(db, tenant, row, 'report', photo, null, now)
  }

  async photo(db: Queryable, tenant: string, reportId: string, photoId: string, mayReadAll: boolean) {
    const row = await store.findReport(db, tenant, reportId)
    const found = row ? await store.photoBytes(db, tenant, reportId, photoId) : null
    if (!row || !found || (!mayReadAll && !showsContent(row))) throw new NotFound('There is no such photo')
    return found
  }

  // Reading

  async byCode(db: Queryable, tenant: string, code: string): Promise<store.ReportRow> {
    const row = await store.findReportByCode(db, tenant, normaliseCode(code))
    if (!row) throw new NotFound(`There is no report with tracking code ${code}`)
    return row
  }

  /** The report as staff see it: its SLA state, and the reporter whole only for those who handle it. */
  withSla(row: store.ReportRow, caller: ReportCaller, now = new Date()): Report {
    const { code: _code, statusVersion: _v, mediaUrl: _m, statusDueAt: _s, dueAt: _d, escalationLevel: _e, reporter, ...rest } = row
    return { ...rest, reporter: reporter && !this.handles(caller, row) ? maskContact(reporter) : reporter, sla: slaOf(row, now) }
  }

  /** The command center and the officers of the OPD it is assigned to handle a report; executives and the province only read it. */
  private handles(caller: ReportCaller, row: store.ReportRow): boolean {
    return caller.isOperator || caller.agencyIds === 'all' || (row.agencyId !== null && caller.agencyIds.includes(row.agencyId))
  }

  async get(db: Queryable, tenant: string, id: string, caller: ReportCaller): Promise<store.ReportRow> {
    const row = await store.findReport(db, tenant, id)
    if (!row || !this.maySee(caller, row)) throw new NotFound(`There is no report ${id} in ${tenant}`)
    return row
  }

  private maySee(caller: ReportCaller, row: store.ReportRow): boolean {
    return caller.seesAll || caller.agencyIds === 'all' || (row.agencyId !== null && caller.agencyIds.includes(row.agencyId))
  }

  async detail(db: Queryable, tenant: string, id: string, caller: ReportCaller, now = new Date()) {
    const row = await this.get(db, tenant, id, caller)
    const photos = (await store.photosOf(db, tenant, id)).map((p) => ({ ...p, url: photoUrl(tenant, id, p.id) }))
    const deliveries = (await store.deliveriesOf(db, tenant, id)).map(({ reportId: _r, payload: _p, ...d }) => d)
    return { ...this.withSla(row, caller, now), timeline: await store.timeline(db, tenant, id, false), photos, deliveries }
  }

  /** Newest first, filtered; agency officers see the reports of their OPDs only. */
  async list(db: Queryable, tenant: string, q: ReportQuery, caller: ReportCaller, now = new Date()) {
    const limit = q.limit ?? 50
    let agencyIds = q.agencyId ? [q.agencyId] : null
    if (!caller.seesAll && caller.agencyIds !== 'all') {
      agencyIds = agencyIds ? agencyIds.filter((a) => (caller.agencyIds as string[]).includes(a)) : caller.agencyIds
    }
    const f: store.ReportFilter = {
      statuses: parseStatuses(q.status),
      categories: csv(q.category),
      agencyIds,
      overdueAt: q.overdue ? now : null,
      bbox: parseBbox(q.bbox),
      publicOnly: false,
    }
    const key = cursorKey(q.cursor)
    const [at, id] = key ? key.split('|') : []
    const rows = await store.listReports(db, tenant, f, limit, key ? { at, id } : null)
    const last = rows[rows.length - 1]
    return {
      items: rows.map((r) => this.withSla(r, caller, now)),
      total: await store.countReports(db, tenant, f),
      next: rows.length === limit && last ? encodeCursor({ k: `${last.createdAt}|${last.id}` }) : null,
    }
  }

  /** Reports as GeoJSON points for a map: open ones for staff, or the public ones of the last 90 days for anyone. */
  async features(db: Queryable, tenant: string, opts: { publicOnly: boolean; status?: string; bbox?: string; caller?: ReportCaller }, now = new Date()) {
    const agencyIds = opts.caller && !opts.caller.seesAll && opts.caller.agencyIds !== 'all' ? opts.caller.agencyIds : null
    const f: store.ReportFilter = {
      statuses: parseStatuses(opts.status ?? (opts.publicOnly ? undefined : 'open')),
      categories: null,
      agencyIds,
      overdueAt: null,
      bbox: parseBbox(opts.bbox),
      publicOnly: opts.publicOnly,
    }
    const rows = await store.listReports(db, tenant, f, 5000, null)
    const since = now.getTime() - 90 * 86_400_000
    return {
      type: 'FeatureCollection' as const,
      features: rows
        .filter((r) => !opts.publicOnly || Date.parse(r.createdAt) >= since)
        .filter((r) => !opts.publicOnly || r.status !== 'merged')
        .map((r) => {
          const sla = slaOf(r, now)
          return {
            type: 'Feature' as const,
            id: r.id,
            geometry: r.location,
            properties: {
              id: r.id,
              number: r.number,
              category: r.category,
              status: r.status,
              createdAt: r.createdAt,
              supporters: r.supporters,
              overdue: opts.publicOnly ? false : sla.overdue,
              escalationLevel: opts.publicOnly ? 0 : r.escalationLevel,
            },
          }
        }),
    }
  }

  async publicView(db: Queryable, tenant: string, row: store.ReportRow, settings?: store.SettingsRow): Promise<PublicReport> {
    const category = await store.findCategory(db, tenant, row.category)
    const agencies = await this.tenancy.agencies(db, tenant)
    const reopenDays = (settings ?? (await this.settings(db, tenant))).reopenDays
    return {
      id: row.id,
      number: row.number,
      category: row.category,
      categoryLabel: category?.label ?? { id: row.category, en: row.category },
      status: row.status,
      statusLabel: STATUS_LABELS[row.status],
      statusNote: row.statusNote,
      location: row.isPublic ? row.location : null,
      kelurahan: row.kelurahan,
      kecamatan: row.kecamatan,
      description: showsContent(row) ? row.description : null,
      agency: row.agencyId ? (agencies.get(row.agencyId)?.name ?? null) : null,
      supporters: row.supporters,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
      dueAt: row.dueAt,
      mayReopenUntil: row.status === 'resolved' && row.resolvedAt ? new Date(Date.parse(row.resolvedAt) + reopenDays * 86_400_000).toISOString() : null,
    }
  }

  /** What the reporter sees by tracking code: the public status history and the photos. */
  async track(db: Queryable, tenant: string, code: string) {
    const row = await this.byCode(db, tenant, code)
    const history = (await store.timeline(db, tenant, row.id, true)).map((e) => ({
      at: e.at,
      kind: e.kind,
      status: (e.kind === 'submitted' ? 'submitted' : ((e.data.to as ReportStatus | undefined) ?? null)) as ReportStatus | null,
      text: e.text,
    }))
    const photos = showsContent(row)
      ? (await store.photosOf(db, tenant, row.id)).map((p) => ({ ...p, url: `/api/t/${tenant}/reports/track/${row.code}/photos/${p.id}` }))
      : []
    return { ...(await this.publicView(db, tenant, row)), history, photos }
  }

  /** Possible duplicates of a new report: open reports of the category within 100 m and 7 days, nearest first. */
  async nearby(db: Queryable, tenant: string, category: string, lon: number, lat: number, now = new Date()) {
    await this.category(db, tenant, category)
    const since = new Date(now.getTime() - DUPLICATE_DAYS * 86_400_000)
    const rows = (await store.nearbyOpen(db, tenant, category, lon, lat, DUPLICATE_METRES, since)).filter((r) => r.isPublic)
    const settings = await this.settings(db, tenant)
    const items = []
    for (const { distanceM, ...r } of rows) items.push({ ...(await this.publicView(db, tenant, r, settings)), distanceM })
    return { items, total: items.length, next: null }
  }

  // Retention

  /**
   * Erases the contacts of reporters, supporters and notifications of reports closed more than `retentionDays`
   * ago, one event per tenant saying how many; address hashes go once no submission limit needs them.
   */
  async eraseExpiredContacts(db: Database, retentionDays: number, now = new Date()): Promise<void> {
    const closedBefore = new Date(now.getTime() - retentionDays * 86_400_000)
    for (const tenant of await store.tenantsWithExpiredContacts(db, closedBefore)) {
      await db.transaction(async (tx) => {
        const { reportIds, ...erased } = await store.eraseContacts(tx, tenant, closedBefore)
        // The updates sent by chat held the number too.
        for (const id of reportIds) await this.notifier.messaging.forgetTopic(tx, tenant, chatTopicPrefix(id))
        await recordReportEvent(this.events, tx, tenant, null, {
          topic: 'report_config',
          type: 'report_contacts.erased',
          entity: null,
          data: { ...erased, closedBefore: closedBefore.toISOString() },
        })
      })
    }
    await store.eraseAddressHashes(db, new Date(now.getTime() - ADDRESS_HASH_HOURS * 3_600_000))
  }

  // Supporters and merging

  /** "Saya juga mengalami ini": counted on an open report instead of a new one. */
  async support(
    db: Database,
    tenant: string,
    id: string,
    input: { reporter?: SubmitReport['reporter']; consent: boolean },
    ip: string | null,
    now = new Date(),
  ) {
    if (!input.consent) throw new Invalid('The supporter must agree to the consent text', { field: 'consent' })
    const ipHash = this.addressHash(tenant, ip)
    await this.checkRate(db, tenant, ipHash, null, now)
    const phone = input.reporter?.phone?.replace(/[^0-9+]/g, '') ?? null
    return db.transaction(async (tx) => {
      const current = await store.findReport(tx, tenant, id, true)
      if (!current?.isPublic) throw new NotFound(`There is no report ${id} in ${tenant}`)
      if (!OPEN_STATUSES.includes(current.status)) throw new Conflict(`This report is ${current.status}; support an open one or make a new report`)
      if (await store.hasSupporter(tx, tenant, id, phone, input.reporter?.email ?? null)) throw new Conflict('You already support this report')
      await store.insertSupporter(tx, tenant, id, { name: input.reporter?.name ?? null, phone, email: input.reporter?.email ?? null, ipHash, at: now })
      const row = await store.addSupporters(tx, tenant, id, 1, now)
      await store.addTimeline(tx, tenant, id, { kind: 'supported', actor: null, isPublic: false, data: { supporters: row.supporters }, at: now })
      await recordReportEvent(this.events, tx, tenant, null, {
        topic: 'reports',
        type: 'report.supported',
        entity: id,
        data: { ...summary(row), supporters: row.supporters },
      })
      return { id, number: row.number, supporters: row.supporters }
    })
  }

  /** An operator merges a duplicate into another open report: its reporter and supporters count there. */
  async merge(db: Database, tenant: string, caller: ReportCaller, id: string, intoId: string, now = new Date()) {
    this.requireOperator(caller)
    if (id === intoId) throw new Invalid('A report cannot be merged into itself', { field: 'into' })
    return db.transaction(async (tx) => {
      // Lock in id order, so two merges of the same pair cannot deadlock.
      const [first, second] = [id, intoId].sort()
      const a = await this.locked(tx, tenant, first)
      const b = await this.locked(tx, tenant, second)
      const [source, target] = a.id === id ? [a, b] : [b, a]
      if (!OPEN_STATUSES.includes(target.status)) throw new Conflict(`Report ${target.number} is ${target.status}: merge into an open one`, { field: 'into' })
      if (!canMoveReport(source.status, 'merged', 'operator')) throw new Conflict(`Report ${source.number} is ${source.status} and cannot be merged`)
      await store.moveSupporters(tx, tenant, source.id, target.id)
      if (source.reporter) {
        await store.insertSupporter(tx, tenant, target.id, {
          name: source.reporter.name,
          phone: source.reporter.phone,
          email: source.reporter.email,
          ipHash: null,
          at: now,
        })
      }
      const moved = await this.move(tx, tenant, caller.actor, source, 'merged', { note: `Digabung ke ${target.number}`, at: now, mergedInto: target.id })
      const grown = await store.addSupporters(tx, tenant, target.id, source.supporters + 1, now)
      await store.addTimeline(tx, tenant, target.id, {
        kind: 'merged',
        actor: caller.actor,
        isPublic: false,
        data: { from: source.id, fromNumber: source.number },
        at: now,
      })
      await recordReportEvent(this.events, tx, tenant, caller.actor, {
        topic: 'reports',
        type: 'report.merged',
        entity: source.id,
        data: { ...summary(moved), into: target.id, intoNumber: target.number },
      })
      await recordReportEvent(this.events, tx, tenant, caller.actor, {
        topic: 'reports',
        type: 'report.supported',
        entity: target.id,
        data: { ...summary(grown), supporters: grown.supporters },
      })
      return this.withSla(moved, caller, now)
    })
  }

  // The workflow

  async verify(db: Database, tenant: string, caller: ReportCaller, id: string, note: string | undefined, now = new Date()) {
    this.requireOperator(caller)
    return this.transition(db, tenant, caller, id, 'verified', 'operator', { note: note ?? null, at: now })
  }

  async reject(db: Database, tenant: string, caller: ReportCaller, id: string, reason: string, now = new Date()) {
    this.requireOperator(caller)
    return this.transition(db, tenant, caller, id, 'rejected', 'operator', { note: reason, at: now })
  }

  /** Disposition to an OPD (the category's unless another is named); on an assigned report this re-routes it. */
  async assign(db: Database, tenant: string, caller: ReportCaller, id: string, input: { agencyId?: string; note?: string }, now = new Date()) {
    this.requireOperator(caller)
    const agencies = await this.tenancy.agencies(db, tenant)
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      const category = await this.category(tx, tenant, current.category)
      const agencyId = input.agencyId ?? (current.status === 'verified' ? category.agencyId : null)
      if (!canMoveReport(current.status, 'assigned', 'operator')) throw new Conflict(`A report that is ${current.status} cannot be assigned to an OPD`)
      if (!agencyId) throw new Invalid('Name the OPD (agencyId): this category has none, or the report is being re-routed', { field: 'agencyId' })
      if (!agencies.has(agencyId)) throw new Invalid(`There is no agency ${agencyId} in ${tenant}`, { field: 'agencyId' })
      if (['assigned', 'in_progress', 'reopened'].includes(current.status) && agencyId === current.agencyId) {
        throw new Conflict(`The report is already with ${agencies.get(agencyId)?.name}`, { field: 'agencyId' })
      }
      const row = await this.move(tx, tenant, caller.actor, current, 'assigned', {
        agencyId,
        note: input.note ?? null,
        at: now,
        publicNote: `Diteruskan ke ${agencies.get(agencyId)?.name}`,
      })
      await store.addTimeline(tx, tenant, id, {
        kind: 'routed',
        actor: caller.actor,
        isPublic: false,
        text: input.note ?? null,
        data: { from: current.agencyId, to: agencyId },
        at: now,
      })
      await recordReportEvent(this.events, tx, tenant, caller.actor, {
        topic: 'reports',
        type: 'report.routed',
        entity: id,
        data: { ...summary(row), fromAgencyId: current.agencyId, note: input.note ?? null },
      })
      return this.withSla(row, caller, now)
    })
  }

  async start(db: Database, tenant: string, caller: ReportCaller, id: string, note: string | undefined, now = new Date()) {
    return this.transition(db, tenant, caller, id, 'in_progress', 'agency', { note: note ?? null, at: now })
  }

  /** The OPD hands a report back to the command center (not ours, wrong place…) with a reason. */
  async handBack(db: Database, tenant: string, caller: ReportCaller, id: string, reason: string, now = new Date()) {
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      this.requireAgency(caller, current)
      if (!canMoveReport(current.status, 'verified', 'agency')) throw new Conflict(`A report that is ${current.status} cannot be handed back`)
      const row = await this.move(tx, tenant, caller.actor, current, 'verified', { agencyId: null, note: reason, at: now, isPublicStep: false })
      await store.addTimeline(tx, tenant, id, {
        kind: 'handed_back',
        actor: caller.actor,
        isPublic: false,
        text: reason,
        data: { from: current.agencyId },
        at: now,
      })
      await recordReportEvent(this.events, tx, tenant, caller.actor, {
        topic: 'reports',
        type: 'report.handed_back',
        entity: id,
        data: { ...summary(row), fromAgencyId: current.agencyId, note: reason },
      })
      return this.withSla(row, caller, now)
    })
  }

  /** The OPD resolves a report with a note and a proof photo it uploaded before. */
  async resolve(db: Database, tenant: string, caller: ReportCaller, id: string, input: { note: string; proofPhotoId: string }, now = new Date()) {
    const photos = await store.photosOf(db, tenant, id)
    if (!photos.some((p) => p.id === input.proofPhotoId && p.kind === 'proof')) {
      throw new Invalid('Resolving needs a proof photo of this report (upload it first)', { field: 'proofPhotoId' })
    }
    return this.transition(db, tenant, caller, id, 'resolved', 'agency', { note: input.note, at: now, data: { proofPhotoId: input.proofPhotoId } })
  }

  async close(db: Database, tenant: string, caller: ReportCaller, id: string, note: string | undefined, now = new Date()) {
    this.requireOperator(caller)
    return this.transition(db, tenant, caller, id, 'closed', 'operator', { note: note ?? null, at: now })
  }

  /** The reporter reopens a resolved report (by tracking code) within the tenant's window. */
  async reopen(db: Database, tenant: string, code: string, reason: string, now = new Date()) {
    const settings = await this.settings(db, tenant)
    return db.transaction(async (tx) => {
      const found = await store.findReportByCode(tx, tenant, normaliseCode(code), true)
      if (!found) throw new NotFound(`There is no report with tracking code ${code}`)
      if (!canMoveReport(found.status, 'reopened', 'reporter')) throw new Conflict(`Only a resolved report can be reopened; this one is ${found.status}`)
      const until = Date.parse(found.resolvedAt ?? found.statusSince) + settings.reopenDays * 86_400_000
      if (now.getTime() > until) throw new Conflict(`A report can be reopened within ${settings.reopenDays} days of being resolved`)
      const row = await this.move(tx, tenant, 'reporter', found, 'reopened', { note: reason, at: now, eventType: 'report.reopened' })
      return this.publicView(tx, tenant, row, settings)
    })
  }

  async note(db: Database, tenant: string, caller: ReportCaller, id: string, text: string, isPublic: boolean, now = new Date()): Promise<TimelineEntry> {
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      if (!this.maySee(caller, current)) throw new NotFound(`There is no report ${id} in ${tenant}`)
      const entry = await store.addTimeline(tx, tenant, id, { kind: 'note', actor: caller.actor, isPublic, text, at: now })
      await store.touch(tx, tenant, id, now)
      await recordReportEvent(this.events, tx, tenant, caller.actor, { topic: 'reports', type: 'report.noted', entity: id, data: summary(current) })
      return entry
    })
  }

  /** An operator raises an incident from a report; the two point at each other. */
  async raiseIncident(
    db: Database,
    tenant: string,
    caller: ReportCaller,
    id: string,
    input: { type: string; priority?: 'P1' | 'P2' | 'P3' | 'P4' },
    now = new Date(),
  ) {
    this.requireOperator(caller)
    const current = await this.get(db, tenant, id, caller)
    if (current.incidentId) throw new Conflict(`Report ${current.number} already has an incident`, { incidentId: current.incidentId })
    if (FINAL_STATUSES.includes(current.status)) throw new Conflict(`Report ${current.number} is ${current.status}`)
    const incident = await this.incidents.raise(db, tenant, caller.actor, {
      type: input.type,
      priority: input.priority,
      location: current.location,
      address: current.address ?? undefined,
      description: `${current.number}: ${current.description}`.slice(0, 4000),
      agencyIds: current.agencyId ? [current.agencyId] : [],
      reportId: current.id,
    })
    return db.transaction(async (tx) => {
      const row = await store.linkIncident(tx, tenant, id, incident.id, now)
      if (!row) throw new Conflict(`Report ${current.number} got an incident from someone else meanwhile`, { incidentId: incident.id })
      await store.addTimeline(tx, tenant, id, {
        kind: 'incident',
        actor: caller.actor,
        isPublic: false,
        data: { incidentId: incident.id, number: incident.number },
        at: now,
      })
      await recordReportEvent(this.events, tx, tenant, caller.actor, {
        topic: 'reports',
        type: 'report.incident_raised',
        entity: id,
        data: { ...summary(row), incidentId: incident.id, incidentNumber: incident.number },
      })
      return { report: this.withSla(row, caller, now), incident }
    })
  }

  private requireOperator(caller: ReportCaller): void {
    if (!caller.isOperator) throw new Forbidden('Only the command center (operators) may do this')
  }

  private requireAgency(caller: ReportCaller, row: store.ReportRow): void {
    if (caller.agencyIds === 'all') return
    if (!row.agencyId || !caller.agencyIds.includes(row.agencyId)) {
      if (caller.isOperator) throw new Forbidden('Only the OPD the report is assigned to may do this')
      throw new NotFound(`There is no report ${row.id} of your OPD`)
    }
  }

  private async transition(
    db: Database,
    tenant: string,
    caller: ReportCaller,
    id: string,
    to: ReportStatus,
    as: Mover,
    opts: { note: string | null; at: Date; data?: Record<string, unknown> },
  ) {
    return db.transaction(async (tx) => {
      const current = await this.locked(tx, tenant, id)
      if (as === 'agency') this.requireAgency(caller, current)
      if (!canMoveReport(current.status, to, as)) throw new Conflict(`A report that is ${current.status} cannot become ${to}`, { from: current.status, to })
      return this.withSla(await this.move(tx, tenant, caller.actor, current, to, opts), caller, opts.at)
    })
  }

  /**
   * The one place a status changes: row, SLA clock, public timeline entry, event, SLA job, auto-close
   * and the reporter's notification, in the caller's transaction.
   */
  private async move(
    tx: Tx,
    tenant: string,
    actor: string,
    current: store.ReportRow,
    to: ReportStatus,
    opts: {
      note?: string | null
      publicNote?: string
      at: Date
      agencyId?: string | null
      mergedInto?: string
      data?: Record<string, unknown>
      isPublicStep?: boolean
      eventType?: 'report.status_changed' | 'report.reopened'
    },
  ): Promise<store.ReportRow> {
    const category = await this.category(tx, tenant, current.category)
    const calendar = await this.calendar(tx, tenant)
    const isPublicStep = opts.isPublicStep ?? true
    const statusNote = isPublicStep ? (opts.publicNote ?? opts.note ?? null) : undefined
    const row = await store.changeStatus(tx, tenant, current.id, {
      status: to,
      agencyId: opts.agencyId,
      statusNote: to === 'assigned' && opts.publicNote ? opts.publicNote : statusNote,
      statusDueAt: this.statusDue(category, to, opts.at, calendar),
      mergedInto: opts.mergedInto,
      at: opts.at,
    })
    await store.addTimeline(tx, tenant, current.id, {
      kind: 'status',
      actor,
      isPublic: isPublicStep,
      text: to === 'assigned' ? (opts.publicNote ?? null) : (opts.note ?? null),
      data: { from: current.status, to, ...(opts.data ?? {}), ...(to === 'assigned' && opts.note ? { note: opts.note } : {}) },
      at: opts.at,
    })
    await recordReportEvent(this.events, tx, tenant, actor, {
      topic: 'reports',
      type: opts.eventType ?? 'report.status_changed',
      entity: current.id,
      data: { ...summary(row), from: current.status, note: opts.note ?? null },
    })
    await this.scheduleClock(tx, tenant, row)
    if (to === 'resolved' && row.resolvedAt) {
      const settings = await this.settings(tx, tenant)
      const closeAt = new Date(Date.parse(row.resolvedAt) + settings.reopenDays * 86_400_000)
      await this.jobs.enqueue(tx, tenant, JOB_AUTO_CLOSE, { reportId: row.id, version: row.statusVersion, at: closeAt.toISOString() }, { runAt: closeAt })
    }
    if (isPublicStep) await this.notifyReporter(tx, tenant, row, opts.at)
    return row
  }

  private async locked(tx: Tx, tenant: string, id: string): Promise<store.ReportRow> {
    const row = await store.findReport(tx, tenant, id, true)
    if (!row) throw new NotFound(`There is no report ${id} in ${tenant}`)
    return row
  }

  // Notifications

  /**
   * Queues the reporter's notification: an e-mail when SMTP is configured and they left an address, and a
   * signed webhook to the tenant's SMS/WhatsApp gateway when one is set; each a delivery with its own retries.
   */
  private async notifyReporter(tx: Tx, tenant: string, row: store.ReportRow, at: Date): Promise<void> {
    if (!row.reporter?.phone && !row.reporter?.email) return
    const settings = await this.settings(tx, tenant)
    const channels = [...(this.notifier.canEmail && row.reporter.email ? (['email'] as const) : []), ...(settings.webhookUrl ? (['webhook'] as const) : [])]
    if (channels.length === 0) return
    const label = STATUS_LABELS[row.status]
    const track = this.notifier.publicUrl ? `\nLacak: ${this.notifier.publicUrl.replace(/\/$/, '')}/p/${tenant}/reports/track/${row.code}` : ''
    const payload = {
      type: 'report.status_changed',
      tenant,
      to: { name: row.reporter.name, phone: row.reporter.phone, email: row.reporter.email },
      report: { number: row.number, code: row.code, status: row.status, statusLabel: label, note: row.statusNote, at: at.toISOString() },
      subject: `Laporan ${row.number}: ${label.id}`,
      message: `Laporan ${row.number} (${row.code}): ${label.id}${row.statusNote ? ` — ${row.statusNote}` : ''}${track}`,
    }
    for (const channel of channels) {
      const delivery = await store.insertDelivery(tx, tenant, row.id, channel, payload, at)
      await this.jobs.enqueue(tx, tenant, JOB_NOTIFY, { deliveryId: delivery.id }, { maxAttempts: 6 })
    }
  }

  // Jobs

  /** An SLA deadline passed: escalate if the report is still where the clock started (stale jobs do nothing). */
  async onSlaDue(db: Database, job: Job): Promise<void> {
    const { reportId, version, clock, level, dueAt } = job.payload as { reportId: string; version?: number; clock: string; level: number; dueAt: string }
    const tenant = job.tenant
    const at = new Date(dueAt)
    await db.transaction(async (tx) => {
      const current = await store.findReport(tx, tenant, reportId, true)
      if (!current) return
      if (clock === 'total') {
        if (current.status === 'resolved' || FINAL_STATUSES.includes(current.status) || current.escalationLevel >= 2) return
      } else if (current.statusVersion !== version || current.escalationLevel >= level) return
      const to = level === 1 && current.agencyId && clock !== 'submitted' && clock !== 'verified' ? 'agency_head' : 'command_center'
      const effective = to === 'command_center' ? 2 : 1
      if (current.escalationLevel >= effective) return
      const row = await store.setEscalation(tx, tenant, reportId, effective)
      await store.addTimeline(tx, tenant, reportId, {
        kind: 'escalated',
        actor: SYSTEM_ACTOR,
        isPublic: false,
        data: { level: effective, to, clock, dueAt },
        at,
      })
      await recordReportEvent(this.events, tx, tenant, SYSTEM_ACTOR, {
        topic: 'reports',
        type: 'report.escalated',
        entity: reportId,
        data: { ...summary(row), level: effective, to, clock, dueAt },
      })
      if (effective === 1) {
        // Still not moved one more SLA period later: the command center takes it up.
        const category = await this.category(tx, tenant, current.category)
        const hours = category.slaHours[clock as keyof typeof category.slaHours] ?? 0
        const next = addSlaHours(at, hours, await this.calendar(tx, tenant), category.calendar)
        await this.jobs.enqueue(tx, tenant, JOB_SLA, { reportId, version, clock, level: 2, dueAt: next.toISOString() }, { runAt: next })
      }
    })
  }

  /** The reopen window of a resolved report passed: it closes. */
  async onAutoClose(db: Database, job: Job): Promise<void> {
    const { reportId, version, at } = job.payload as { reportId: string; version: number; at: string }
    await db.transaction(async (tx) => {
      const current = await store.findReport(tx, job.tenant, reportId, true)
      if (current?.status !== 'resolved' || current.statusVersion !== version) return
      await this.move(tx, job.tenant, SYSTEM_ACTOR, current, 'closed', { note: null, at: new Date(at) })
    })
  }
}
