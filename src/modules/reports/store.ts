import type { Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { ChannelKind } from '../../core/messaging/channel.ts'
import type { SealedColumn, Secrets } from '../../core/secrets.ts'
import type { Category, PhotoInfo, Settings, TimelineEntry } from './schema.ts'
import type { ReportStatus } from './workflow.ts'

// This module's SQL and nothing else. Every function takes the handle (database or transaction) first.

const iso = (column: string) => `to_json(${column}) #>> '{}'`
const point = (param: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${param}), 4326)`

// Categories

export type CategoryRow = Omit<Category, 'agency'>

const CATEGORY = `code, service_code AS "serviceCode", json_build_object('id', label_id, 'en', label_en) AS label, description,
  group_code AS "group", keywords, agency_id::text AS "agencyId", is_public AS "isPublic", is_active AS "isActive",
  sla_hours AS "slaHours", total_sla_hours AS "totalSlaHours", calendar, notice`

export async function listCategories(db: Queryable, tenant: string): Promise<CategoryRow[]> {
  return db.query<CategoryRow>(`SELECT ${CATEGORY} FROM report_categories WHERE tenant = $1 ORDER BY group_code NULLS LAST, code`, [tenant])
}

export async function findCategory(db: Queryable, tenant: string, code: string): Promise<CategoryRow | null> {
  const [row] = await db.query<CategoryRow>(`SELECT ${CATEGORY} FROM report_categories WHERE tenant = $1 AND code = $2`, [tenant, code])
  return row ?? null
}

export async function findCategoryByServiceCode(db: Queryable, tenant: string, serviceCode: string): Promise<CategoryRow | null> {
  const [row] = await db.query<CategoryRow>(`SELECT ${CATEGORY} FROM report_categories WHERE tenant = $1 AND service_code = $2`, [tenant, serviceCode])
  return row ?? null
}

export async function serviceCodeTaken(db: Queryable, tenant: string, serviceCode: string, exceptCode: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM report_categories WHERE tenant = $1 AND service_code = $2 AND code <> $3', [tenant, serviceCode, exceptCode])
  return rows.length > 0
}

export async function upsertCategory(db: Queryable, tenant: string, c: CategoryRow): Promise<void> {
  await db.query(
    `INSERT INTO report_categories (tenant, code, service_code, label_id, label_en, description, group_code, keywords, agency_id, is_public,
       is_active, sla_hours, total_sla_hours, calendar, notice, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, now())
     ON CONFLICT (tenant, code) DO UPDATE SET service_code = EXCLUDED.service_code, label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en,
       description = EXCLUDED.description, group_code = EXCLUDED.group_code, keywords = EXCLUDED.keywords, agency_id = EXCLUDED.agency_id,
       is_public = EXCLUDED.is_public, is_active = EXCLUDED.is_active, sla_hours = EXCLUDED.sla_hours,
       total_sla_hours = EXCLUDED.total_sla_hours, calendar = EXCLUDED.calendar, notice = EXCLUDED.notice, updated_at = now()`,
    [
      tenant,
      c.code,
      c.serviceCode,
      c.label.id,
      c.label.en,
      c.description,
      c.group,
      c.keywords,
      c.agencyId,
      c.isPublic,
      c.isActive,
      JSON.stringify(c.slaHours),
      c.totalSlaHours,
      c.calendar,
      c.notice,
    ],
  )
}

// Settings and officers

export type SettingsRow = Settings & { webhookSecret: string | null }

/** The webhook secret is stored sealed. */
export const SEALED_COLUMNS: SealedColumn[] = [{ table: 'report_settings', column: 'webhook_secret' }]

export async function findSettings(db: Queryable, secrets: Secrets, tenant: string): Promise<SettingsRow | null> {
  const [row] = await db.query<SettingsRow>(
    `SELECT reopen_days AS "reopenDays", working_days AS "workingDays", work_start AS "workStart", work_end AS "workEnd",
       ARRAY(SELECT to_char(d, 'YYYY-MM-DD') FROM unnest(holidays) AS d ORDER BY d) AS holidays,
       webhook_url AS "webhookUrl", webhook_secret AS "webhookSecret"
     FROM report_settings WHERE tenant = $1`,
    [tenant],
  )
  return row ? { ...row, webhookSecret: row.webhookSecret === null ? null : secrets.open(row.webhookSecret) } : null
}

export async function upsertSettings(db: Queryable, secrets: Secrets, tenant: string, s: SettingsRow): Promise<void> {
  await db.query(
    `INSERT INTO report_settings (tenant, reopen_days, working_days, work_start, work_end, holidays, webhook_url, webhook_secret, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6::date[], $7, $8, now())
     ON CONFLICT (tenant) DO UPDATE SET reopen_days = EXCLUDED.reopen_days, working_days = EXCLUDED.working_days, work_start = EXCLUDED.work_start,
       work_end = EXCLUDED.work_end, holidays = EXCLUDED.holidays, webhook_url = EXCLUDED.webhook_url, webhook_secret = EXCLUDED.webhook_secret,
       updated_at = now()`,
    [tenant, s.reopenDays, s.workingDays, s.workStart, s.workEnd, s.holidays, s.webhookUrl, s.webhookSecret === null ? null : secrets.seal(s.webhookSecret)],
  )
}

// Reports

export interface ReportRow {
  id: string
  number: string
  code: string
  category: string
  status: ReportStatus
  source: string
  location: GeoPoint
  address: string | null
  kelurahan: { code: string; name: string } | null
  kecamatan: { code: string; name: string } | null
  description: string
  agencyId: string | null
  isPublic: boolean
  attributes: Record<string, unknown>
  reporter: { name: string | null; phone: string | null; email: string | null } | null
  mediaUrl: string | null
  mergedInto: string | null
  incidentId: string | null
  supporters: number
  statusNote: string | null
  statusSince: string
  statusVersion: number
  statusDueAt: string | null
  dueAt: string | null
  escalationLevel: number
  resolvedAt: string | null
  closedAt: string | null
  createdAt: string
  updatedAt: string
}

const REPORT = `r.id, r.number, r.code, r.category, r.status, r.source, ST_AsGeoJSON(r.location, 7)::json AS location, r.address,
  CASE WHEN r.kelurahan_code IS NULL THEN NULL ELSE json_build_object('code', r.kelurahan_code, 'name', r.kelurahan_name) END AS kelurahan,
  CASE WHEN r.kecamatan_code IS NULL THEN NULL ELSE json_build_object('code', r.kecamatan_code, 'name', r.kecamatan_name) END AS kecamatan,
  r.description, r.agency_id::text AS "agencyId", r.is_public AS "isPublic", r.attributes,
  CASE WHEN r.reporter_name IS NULL AND r.reporter_phone IS NULL AND r.reporter_email IS NULL THEN NULL
       ELSE json_build_object('name', r.reporter_name, 'phone', r.reporter_phone, 'email', r.reporter_email) END AS reporter,
  r.media_url AS "mediaUrl", r.merged_into::text AS "mergedInto", r.incident_id AS "incidentId", r.supporters, r.status_note AS "statusNote",
  ${iso('r.status_since')} AS "statusSince", r.status_version AS "statusVersion", ${iso('r.status_due_at')} AS "statusDueAt",
  ${iso('r.due_at')} AS "dueAt", r.escalation_level AS "escalationLevel", ${iso('r.resolved_at')} AS "resolvedAt",
  ${iso('r.closed_at')} AS "closedAt", ${iso('r.created_at')} AS "createdAt", ${iso('r.updated_at')} AS "updatedAt"`

export interface NewReport {
  number: string
  code: string
  category: string
  source: string
  location: GeoPoint
  address: string | null
  kelurahan: { code: string; name: string } | null
  kecamatan: { code: string; name: string } | null
  description: string
  agencyId: string | null
  isPublic: boolean
  reporterName: string | null
  reporterPhone: string | null
  reporterEmail: string | null
  reporterIpHash: string | null
  /** Where the reporter wants status updates (a normalised number or chat id), and in which language. */
  updates: { channel: ChannelKind; to: string } | null
  language: 'id' | 'en'
  consentAt: Date | null
  mediaUrl: string | null
  attributes: Record<string, unknown>
  statusDueAt: Date | null
  dueAt: Date | null
  at: Date
}

export async function insertReport(db: Queryable, tenant: string, n: NewReport): Promise<ReportRow> {
  const [row] = await db.query<ReportRow>(
    `INSERT INTO reports AS r (tenant, number, code, category, source, location, address, kelurahan_code, kelurahan_name, kecamatan_code,
       kecamatan_name, description, agency_id, is_public, reporter_name, reporter_phone, reporter_email, reporter_ip_hash, consent_at, media_url,
       attributes, status_since, status_due_at, due_at, created_at, updated_at, updates_channel, updates_to, language)
     VALUES ($1, $2, $3, $4, $5, ${point('$6')}, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $22, $22,
       $25, $26, $27)
     RETURNING ${REPORT}`,
    [
      tenant,
      n.number,
      n.code,
      n.category,
      n.source,
      JSON.stringify(n.location),
      n.address,
      n.kelurahan?.code ?? null,
      n.kelurahan?.name ?? null,
      n.kecamatan?.code ?? null,
      n.kecamatan?.name ?? null,
      n.description,
      n.agencyId,
      n.isPublic,
      n.reporterName,
      n.reporterPhone,
      n.reporterEmail,
      n.reporterIpHash,
      n.consentAt?.toISOString() ?? null,
      n.mediaUrl,
      JSON.stringify(n.attributes),
      n.at.toISOString(),
      n.statusDueAt?.toISOString() ?? null,
      n.dueAt?.toISOString() ?? null,
      n.updates?.channel ?? null,
      n.updates?.to ?? null,
      n.language,
    ],
  )
  return row
}

/** One report; `lock` holds its row until the caller commits (every change serialises on it). */
export async function findReport(db: Queryable, tenant: string, id: string, lock = false): Promise<ReportRow | null> {
  const [row] = await db.query<ReportRow>(`SELECT ${REPORT} FROM reports r WHERE r.tenant = $1 AND r.id = $2${lock ? ' FOR UPDATE' : ''}`, [tenant, id])
  return row ?? null
}

export async function findReportByCode(db: Queryable, tenant: string, code: string, lock = false): Promise<ReportRow | null> {
  const [row] = await db.query<ReportRow>(`SELECT ${REPORT} FROM reports r WHERE r.tenant = $1 AND r.code = $2${lock ? ' FOR UPDATE' : ''}`, [tenant, code])
  return row ?? null
}

export async function findReportByNumber(db: Queryable, tenant: string, number: string): Promise<ReportRow | null> {
  const [row] = await db.query<ReportRow>(`SELECT ${REPORT} FROM reports r WHERE r.tenant = $1 AND r.number = $2`, [tenant, number])
  return row ?? null
}

export interface StatusChange {
  status: ReportStatus
  agencyId?: string | null
  statusNote?: string | null
  statusDueAt: Date | null
  mergedInto?: string
  at: Date
}

/** Moves a report to a status: a new SLA clock, escalation reset, milestone times set. */
export async function changeStatus(db: Queryable, tenant: string, id: string, c: StatusChange): Promise<ReportRow> {
  const [row] = await db.query<ReportRow>(
    `UPDATE reports r SET status = $3, agency_id = CASE WHEN $4 THEN $5::uuid ELSE agency_id END,
       status_note = CASE WHEN $6 THEN $7 ELSE status_note END,
       status_since = $8, status_due_at = $9, status_version = status_version + 1, escalation_level = 0,
       merged_into = coalesce($10::uuid, merged_into),
       resolved_at = CASE WHEN $3 = 'resolved' THEN $8 WHEN $3 = 'reopened' THEN NULL ELSE resolved_at END,
       closed_at = CASE WHEN $3 IN ('closed', 'rejected', 'merged') THEN $8 ELSE closed_at END,
       updated_at = $8
     WHERE r.tenant = $1 AND r.id = $2 RETURNING ${REPORT}`,
    [
      tenant,
      id,
      c.status,
      c.agencyId !== undefined,
      c.agencyId ?? null,
      c.statusNote !== undefined,
      c.statusNote ?? null,
      c.at.toISOString(),
      c.statusDueAt?.toISOString() ?? null,
      c.mergedInto ?? null,
    ],
  )
  return row
}

export async function setEscalation(db: Queryable, tenant: string, id: string, level: number): Promise<ReportRow> {
  const [row] = await db.query<ReportRow>(
    `UPDATE reports r SET escalation_level = greatest(escalation_level, $3) WHERE r.tenant = $1 AND r.id = $2 RETURNING ${REPORT}`,
    [tenant, id, level],
  )
  return row
}

export async function touch(db: Queryable, tenant: string, id: string, at: Date): Promise<void> {
  await db.query('UPDATE reports SET updated_at = $3 WHERE tenant = $1 AND id = $2', [tenant, id, at.toISOString()])
}

export async function addSupporters(db: Queryable, tenant: string, id: string, count: number, at: Date): Promise<ReportRow> {
  const [row] = await db.query<ReportRow>(
    `UPDATE reports r SET supporters = supporters + $3, updated_at = $4 WHERE r.tenant = $1 AND r.id = $2 RETURNING ${REPORT}`,
    [tenant, id, count, at.toISOString()],
  )
  return row
}

/** Links the incident raised from a report, unless one already is (two operators at once: one wins). */
export async function linkIncident(db: Queryable, tenant: string, id: string, incidentId: string, at: Date): Promise<ReportRow | null> {
  const [row] = await db.query<ReportRow>(
    `UPDATE reports r SET incident_id = $3, updated_at = $4 WHERE r.tenant = $1 AND r.id = $2 AND incident_id IS NULL RETURNING ${REPORT}`,
    [tenant, id, incidentId, at.toISOString()],
  )
  return row ?? null
}

export interface ReportFilter {
  statuses: ReportStatus[] | null
  categories: string[] | null
  agencyIds: string[] | null
  overdueAt: Date | null
  bbox: [number, number, number, number] | null
  publicOnly: boolean
}

const filterSql = (first: number) => `
  ($${first}::text[] IS NULL OR r.status = ANY($${first}::text[]))
  AND ($${first + 1}::text[] IS NULL OR r.category = ANY($${first + 1}::text[]))
  AND ($${first + 2}::uuid[] IS NULL OR r.agency_id = ANY($${first + 2}::uuid[]))
  AND ($${first + 3}::timestamptz IS NULL OR r.status_due_at < $${first + 3} OR (r.due_at < $${first + 3} AND r.status NOT IN ('resolved', 'closed', 'rejected', 'merged')))
  AND ($${first + 4}::float8[] IS NULL OR r.location && ST_MakeEnvelope(($${first + 4}::float8[])[1], ($${first + 4}::float8[])[2], ($${first + 4}::float8[])[3], ($${first + 4}::float8[])[4], 4326))
  AND (NOT $${first + 5}::boolean OR r.is_public)`
const filterParams = (f: ReportFilter) => [f.statuses, f.categories, f.agencyIds, f.overdueAt?.toISOString() ?? null, f.bbox, f.publicOnly]

export async function listReports(
  db: Queryable,
  tenant: string,
  f: ReportFilter,
  limit: number,
  after: { at: string; id: string } | null,
): Promise<ReportRow[]> {
  return db.query<ReportRow>(
    `SELECT ${REPORT} FROM reports r WHERE r.tenant = $1 AND ${filterSql(2)}
       AND ($8::timestamptz IS NULL OR (r.created_at, r.id) < ($8::timestamptz, $9::uuid))
     ORDER BY r.created_at DESC, r.id DESC LIMIT $10`,
    [tenant, ...filterParams(f), after?.at ?? null, after?.id ?? null, limit],
  )
}

export async function countReports(db: Queryable, tenant: string, f: ReportFilter): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM reports r WHERE r.tenant = $1 AND ${filterSql(2)}`, [tenant, ...filterParams(f)])
  return row.n
}

/** Open reports of a category within `metres` of a point since a time, nearest first. */
export async function nearbyOpen(
  db: Queryable,
  tenant: string,
  category: string,
  lon: number,
  lat: number,
  metres: number,
  since: Date,
): Promise<(ReportRow & { distanceM: number })[]> {
  return db.query(
    `SELECT ${REPORT}, round(ST_Distance(r.location::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography))::int AS "distanceM"
     FROM reports r
     WHERE r.tenant = $1 AND r.category = $2 AND r.status IN ('submitted', 'verified', 'assigned', 'in_progress', 'reopened') AND r.created_at >= $6
       AND ST_DWithin(r.location::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography, $5)
     ORDER BY "distanceM", r.created_at DESC LIMIT 20`,
    [tenant, category, lon, lat, metres, since.toISOString()],
  )
}

/** Reports and supports from an address hash or a phone since a time (rate limits). */
export async function recentSubmissions(db: Queryable, tenant: string, ipHash: string | null, phone: string | null, since: Date) {
  const [row] = await db.query<{ by_ip: number; by_phone: number }>(
    `SELECT
       (SELECT count(*) FROM reports WHERE tenant = $1 AND $2::text IS NOT NULL AND reporter_ip_hash = $2 AND created_at >= $4)
         + (SELECT count(*) FROM report_supporters WHERE tenant = $1 AND $2::text IS NOT NULL AND ip_hash = $2 AND created_at >= $4) AS by_ip,
       (SELECT count(*) FROM reports WHERE tenant = $1 AND $3::text IS NOT NULL AND reporter_phone = $3 AND created_at >= $4) AS by_phone`,
    [tenant, ipHash, phone, since.toISOString()],
  )
  return { byIp: row.by_ip, byPhone: row.by_phone }
}

export interface Open311Filter {
  numbers: string[] | null
  categories: string[] | null
  start: Date | null
  end: Date | null
  statuses: ReportStatus[] | null
}

/** Public reports for Open311, newest first, at most `limit`. */
export async function open311Requests(db: Queryable, tenant: string, f: Open311Filter, limit: number): Promise<ReportRow[]> {
  return db.query<ReportRow>(
    `SELECT ${REPORT} FROM reports r
     WHERE r.tenant = $1 AND r.is_public AND ($2::text[] IS NULL OR r.number = ANY($2::text[]))
       AND ($3::text[] IS NULL OR r.category = ANY($3::text[]))
       AND ($4::timestamptz IS NULL OR r.created_at >= $4) AND ($5::timestamptz IS NULL OR r.created_at <= $5)
       AND ($6::text[] IS NULL OR r.status = ANY($6::text[]))
     ORDER BY r.created_at DESC, r.id DESC LIMIT $7`,
    [tenant, f.numbers, f.categories, f.start?.toISOString() ?? null, f.end?.toISOString() ?? null, f.statuses, limit],
  )
}

// Timeline

export interface NewTimelineEntry {
  kind: string
  actor: string | null
  isPublic: boolean
  text?: string | null
  data?: Record<string, unknown>
  at: Date
}

export async function addTimeline(db: Queryable, tenant: string, reportId: string, e: NewTimelineEntry): Promise<TimelineEntry> {
  const [row] = await db.query<TimelineEntry>(
    `INSERT INTO report_timeline (tenant, report_id, at, kind, actor, is_public, text, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING id::int AS id, ${iso('at')} AS at, kind, actor, is_public AS "isPublic", text, data`,
    [tenant, reportId, e.at.toISOString(), e.kind, e.actor, e.isPublic, e.text ?? null, JSON.stringify(e.data ?? {})],
  )
  return row
}

export async function timeline(db: Queryable, tenant: string, reportId: string, publicOnly: boolean): Promise<TimelineEntry[]> {
  return db.query<TimelineEntry>(
    `SELECT id::int AS id, ${iso('at')} AS at, kind, actor, is_public AS "isPublic", text, data FROM report_timeline
     WHERE tenant = $1 AND report_id = $2 AND (NOT $3 OR is_public) ORDER BY id`,
    [tenant, reportId, publicOnly],
  )
}

// Supporters

export async function insertSupporter(
  db: Queryable,
  tenant: string,
  reportId: string,
  s: { name: string | null; phone: string | null; email: string | null; ipHash: string | null; at: Date },
): Promise<void> {
  await db.query('INSERT INTO report_supporters (tenant, report_id, name, phone, email, ip_hash, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    tenant,
    reportId,
    s.name,
    s.phone,
    s.email,
    s.ipHash,
    s.at.toISOString(),
  ])
}

export async function hasSupporter(db: Queryable, tenant: string, reportId: string, phone: string | null, email: string | null): Promise<boolean> {
  if (!phone && !email) return false
  const rows = await db.query(
    `SELECT 1 FROM report_supporters WHERE tenant = $1 AND report_id = $2 AND (phone = $3 OR lower(email) = lower($4))
     UNION ALL SELECT 1 FROM reports WHERE tenant = $1 AND id = $2 AND (reporter_phone = $3 OR lower(reporter_email) = lower($4))`,
    [tenant, reportId, phone, email],
  )
  return rows.length > 0
}

/** Moves the supporters of a merged report to the report it was merged into. */
export async function moveSupporters(db: Queryable, tenant: string, from: string, to: string): Promise<void> {
  await db.query('UPDATE report_supporters SET report_id = $3 WHERE tenant = $1 AND report_id = $2', [tenant, from, to])
}

// Photos

type PhotoRow = Omit<PhotoInfo, 'url'>

export async function insertPhoto(
  db: Queryable,
  tenant: string,
  reportId: string,
  p: { kind: 'report' | 'proof'; mime: string; width: number; height: number; bytes: Buffer; createdBy: string | null; at: Date },
): Promise<PhotoRow> {
  const [row] = await db.query<PhotoRow>(
    `INSERT INTO report_photos (tenant, report_id, kind, mime, width, height, bytes, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     RETURNING id::text, kind, width, height, ${iso('created_at')} AS "createdAt"`,
    [tenant, reportId, p.kind, p.mime, p.width, p.height, p.bytes, p.createdBy, p.at.toISOString()],
  )
  return row
}

export async function photosOf(db: Queryable, tenant: string, reportId: string): Promise<PhotoRow[]> {
  return db.query<PhotoRow>(
    `SELECT id::text, kind, width, height, ${iso('created_at')} AS "createdAt" FROM report_photos WHERE tenant = $1 AND report_id = $2 ORDER BY created_at, id`,
    [tenant, reportId],
  )
}

export async function photoBytes(db: Queryable, tenant: string, reportId: string, id: string): Promise<{ mime: string; bytes: Buffer; kind: string } | null> {
  const [row] = await db.query<{ mime: string; bytes: Buffer | Uint8Array; kind: string }>(
    'SELECT mime, bytes, kind FROM report_photos WHERE tenant = $1 AND report_id = $2 AND id = $3',
    [tenant, reportId, id],
  )
  return row ? { mime: row.mime, kind: row.kind, bytes: Buffer.from(row.bytes) } : null
}

// Deliveries

export interface DeliveryRow {
  id: string
  reportId: string
  channel: 'webhook' | 'email'
  status: 'pending' | 'delivered' | 'failed'
  payload: Record<string, unknown>
  attempts: number
  lastError: string | null
  createdAt: string
  deliveredAt: string | null
}

const DELIVERY = `id::text, report_id::text AS "reportId", channel, status, payload, attempts, last_error AS "lastError",
  ${iso('created_at')} AS "createdAt", ${iso('delivered_at')} AS "deliveredAt"`

export async function insertDelivery(
  db: Queryable,
  tenant: string,
  reportId: string,
  channel: 'webhook' | 'email',
  payload: Record<string, unknown>,
  at: Date,
): Promise<DeliveryRow> {
  const [row] = await db.query<DeliveryRow>(
    `INSERT INTO report_deliveries (tenant, report_id, channel, payload, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING ${DELIVERY}`,
    [tenant, reportId, channel, JSON.stringify(payload), at.toISOString()],
  )
  return row
}

export async function findDelivery(db: Queryable, tenant: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.query<DeliveryRow>(`SELECT ${DELIVERY} FROM report_deliveries WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ?? null
}

export async function recordAttempt(
  db: Queryable,
  tenant: string,
  id: string,
  outcome: { status: DeliveryRow['status']; error: string | null },
): Promise<void> {
  await db.query(
    `UPDATE report_deliveries SET attempts = attempts + 1, status = $3, last_error = $4,
       delivered_at = CASE WHEN $3 = 'delivered' THEN now() ELSE delivered_at END
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, outcome.status, outcome.error],
  )
}

export async function deliveriesOf(db: Queryable, tenant: string, reportId: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(`SELECT ${DELIVERY} FROM report_deliveries WHERE tenant = $1 AND report_id = $2 ORDER BY created_at, id`, [tenant, reportId])
}

// Retention (UU 27/2022): contacts go once a closed report is old enough; address hashes once no limit needs them.

/** Tenants with closed reports, closed before `before`, that still hold someone's contact. */
export async function tenantsWithExpiredContacts(db: Queryable, before: Date): Promise<string[]> {
  const rows = await db.query<{ tenant: string }>(
    `SELECT DISTINCT r.tenant FROM reports r
     WHERE r.closed_at < $1 AND (r.reporter_name IS NOT NULL OR r.reporter_phone IS NOT NULL OR r.reporter_email IS NOT NULL OR r.updates_to IS NOT NULL
       OR EXISTS (SELECT 1 FROM report_supporters s WHERE s.tenant = r.tenant AND s.report_id = r.id
                  AND (s.name IS NOT NULL OR s.phone IS NOT NULL OR s.email IS NOT NULL))
       OR EXISTS (SELECT 1 FROM report_deliveries d WHERE d.tenant = r.tenant AND d.report_id = r.id AND d.payload->'to' IS NOT NULL))`,
    [before.toISOString()],
  )
  return rows.map((r) => r.tenant)
}

/** Erases the reporter, supporter and notification contacts of a tenant's reports closed before `before`. */
export async function eraseContacts(db: Queryable, tenant: string, before: Date): Promise<{ reports: number; supporters: number; reportIds: string[] }> {
  const params = [tenant, before.toISOString()]
  const reports = await db.query<{ id: string }>(
    `UPDATE reports SET reporter_name = NULL, reporter_phone = NULL, reporter_email = NULL, updates_channel = NULL, updates_to = NULL
     WHERE tenant = $1 AND closed_at < $2
       AND (reporter_name IS NOT NULL OR reporter_phone IS NOT NULL OR reporter_email IS NOT NULL OR updates_to IS NOT NULL) RETURNING id`,
    params,
  )
  const supporters = await db.query(
    `UPDATE report_supporters s SET name = NULL, phone = NULL, email = NULL FROM reports r
     WHERE s.tenant = $1 AND r.tenant = s.tenant AND r.id = s.report_id AND r.closed_at < $2
       AND (s.name IS NOT NULL OR s.phone IS NOT NULL OR s.email IS NOT NULL) RETURNING s.id`,
    params,
  )
  await db.query(
    `UPDATE report_deliveries d SET payload = d.payload - 'to' FROM reports r
     WHERE d.tenant = $1 AND r.tenant = d.tenant AND r.id = d.report_id AND r.closed_at < $2 AND d.payload->'to' IS NOT NULL`,
    params,
  )
  return { reports: reports.length, supporters: supporters.length, reportIds: reports.map((r) => r.id) }
}

/** Where a report's status updates go by chat (null when the reporter chose none, or retention erased it). */
export async function chatUpdatesOf(
  db: Queryable,
  tenant: string,
  id: string,
): Promise<{ number: string; code: string; language: 'id' | 'en'; channel: ChannelKind; to: string } | null> {
  const [row] = await db.query<{ number: string; code: string; language: 'id' | 'en'; channel: ChannelKind; to: string }>(
    `SELECT number, code, language, updates_channel AS channel, updates_to AS "to" FROM reports
     WHERE tenant = $1 AND id = $2 AND updates_channel IS NOT NULL AND updates_to IS NOT NULL`,
    [tenant, id],
  )
  return row ?? null
}

/** Address hashes only serve the hourly submission limits: gone after `before`. */
export async function eraseAddressHashes(db: Queryable, before: Date): Promise<void> {
  await db.query('UPDATE reports SET reporter_ip_hash = NULL WHERE created_at < $1 AND reporter_ip_hash IS NOT NULL', [before.toISOString()])
  await db.query('UPDATE report_supporters SET ip_hash = NULL WHERE created_at < $1 AND ip_hash IS NOT NULL', [before.toISOString()])
}
