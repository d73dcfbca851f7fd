import type { Queryable } from '../../core/db/database.ts'
import { GEOM_FROM_GEOJSON, GEOM_TO_GEOJSON, type GeoPoint } from '../../core/geo/geojson.ts'
import type { FindingKind, FindingStatus, FindingType } from './catalogue.ts'

// This module's SQL and nothing else. Every function takes the handle (database or transaction) first.

const iso = (column: string) => `to_json(${column}) #>> '{}'`
type Ref = { code: string; name: string }
/** Where a newest-first list continues: the sort time and id of the last item given out. */
export type Keyset = { t: string; id: string }

// Finding types and settings

const TYPE = `code, json_build_object('id', label_id, 'en', label_en) AS label, kind, report_category AS "reportCategory", incident_type AS "incidentType",
  retired_at IS NOT NULL AS retired`

export async function listTypes(db: Queryable, tenant: string, withRetired = true): Promise<FindingType[]> {
  return db.query<FindingType>(`SELECT ${TYPE} FROM patrol_finding_types WHERE tenant = $1 AND ($2 OR retired_at IS NULL) ORDER BY position, code`, [
    tenant,
    withRetired,
  ])
}

export async function findType(db: Queryable, tenant: string, code: string, forUpdate = false): Promise<FindingType | null> {
  const [row] = await db.query<FindingType>(`SELECT ${TYPE} FROM patrol_finding_types WHERE tenant = $1 AND code = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
    tenant,
    code,
  ])
  return row ?? null
}

/** Adds the default types a tenant does not have yet (a tenant's own changes are kept). */
export async function seedTypes(db: Queryable, tenant: string, types: FindingType[]): Promise<void> {
  for (const [position, t] of types.entries()) {
    await db.query(
      `INSERT INTO patrol_finding_types (tenant, code, label_id, label_en, kind, report_category, incident_type, position)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (tenant, code) DO NOTHING`,
      [tenant, t.code, t.label.id, t.label.en, t.kind, t.reportCategory, t.incidentType, position],
    )
  }
}

/** A new type at the end of the list; false when the code is taken. */
export async function insertType(db: Queryable, tenant: string, t: Omit<FindingType, 'retired'>): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO patrol_finding_types (tenant, code, label_id, label_en, kind, report_category, incident_type, position)
     SELECT $1, $2, $3, $4, $5, $6, $7, COALESCE(max(position) + 1, 0) FROM patrol_finding_types WHERE tenant = $1
     ON CONFLICT (tenant, code) DO NOTHING RETURNING code`,
    [tenant, t.code, t.label.id, t.label.en, t.kind, t.reportCategory, t.incidentType],
  )
  return rows.length > 0
}

export async function updateType(db: Queryable, tenant: string, t: FindingType, at: Date): Promise<void> {
  await db.query(
    `UPDATE patrol_finding_types SET label_id = $3, label_en = $4, kind = $5, report_category = $6, incident_type = $7,
       retired_at = CASE WHEN NOT $8 THEN NULL ELSE COALESCE(retired_at, $9) END
     WHERE tenant = $1 AND code = $2`,
    [tenant, t.code, t.label.id, t.label.en, t.kind, t.reportCategory, t.incidentType, t.retired, at],
  )
}

type SettingsRow = { days: number; escalationDays: number[] | null; inspectorateAgencyId: string | null }

export async function followUpSettings(db: Queryable, tenant: string): Promise<SettingsRow | null> {
  const [row] = await db.query<SettingsRow>(
    `SELECT follow_up_days AS days, escalation_days AS "escalationDays", inspectorate_agency_id::text AS "inspectorateAgencyId"
     FROM patrol_settings WHERE tenant = $1`,
    [tenant],
  )
  return row ?? null
}

export async function putFollowUpSettings(db: Queryable, tenant: string, days: number, escalationDays: number[], inspectorate: string | null): Promise<void> {
  await db.query(
    `INSERT INTO patrol_settings (tenant, follow_up_days, escalation_days, inspectorate_agency_id) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant) DO UPDATE SET follow_up_days = EXCLUDED.follow_up_days, escalation_days = EXCLUDED.escalation_days,
       inspectorate_agency_id = EXCLUDED.inspectorate_agency_id`,
    [tenant, days, escalationDays, inspectorate],
  )
}

// Patrols

export interface Checkpoint {
  id: string
  name: string
  location: GeoPoint
  radiusM: number
}

export interface PatrolRow {
  id: string
  name: string
  startsAt: string
  endsAt: string
  team: string[]
  area: string[]
  status: 'planned' | 'active' | 'finished'
  startedAt: string | null
  finishedAt: string | null
  createdBy: string
  createdAt: string
  checkpoints: Checkpoint[]
}

const PATROL = `p.id::text, p.name, ${iso('p.starts_at')} AS "startsAt", ${iso('p.ends_at')} AS "endsAt", p.team, p.area, p.status,
  ${iso('p.started_at')} AS "startedAt", ${iso('p.finished_at')} AS "finishedAt", p.created_by AS "createdBy", ${iso('p.created_at')} AS "createdAt",
  COALESCE((SELECT json_agg(json_build_object('id', c.id, 'name', c.name, 'location', ${GEOM_TO_GEOJSON('c.location')}, 'radiusM', c.radius_m) ORDER BY c.position)
    FROM patrol_checkpoints c WHERE c.tenant = p.tenant AND c.patrol_id = p.id), '[]'::json) AS checkpoints`

export async function insertPatrol(
  db: Queryable,
  tenant: string,
  p: { name: string; startsAt: string; endsAt: string; team: string[]; area: string[]; createdBy: string },
  checkpoints: { name: string; location: GeoPoint; radiusM: number }[],
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO patrols (tenant, name, starts_at, ends_at, team, area, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id::text`,
    [tenant, p.name, p.startsAt, p.endsAt, p.team, p.area, p.createdBy],
  )
  for (const [position, c] of checkpoints.entries()) {
    await db.query(
      `INSERT INTO patrol_checkpoints (tenant, patrol_id, name, location, radius_m, position) VALUES ($1, $2, $3, ${GEOM_FROM_GEOJSON('$4')}, $5, $6)`,
      [tenant, row.id, c.name, JSON.stringify(c.location), c.radiusM, position],
    )
  }
  return row.id
}

export async function findPatrol(db: Queryable, tenant: string, id: string, forUpdate = false): Promise<PatrolRow | null> {
  if (!isUuid(id)) return null
  const [row] = await db.query<PatrolRow>(`SELECT ${PATROL} FROM patrols p WHERE p.tenant = $1 AND p.id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [tenant, id])
  return row ?? null
}

export async function listPatrols(
  db: Queryable,
  tenant: string,
  q: { from: string | null; to: string | null; status: string | null; member: string | null; limit: number; after: Keyset | null },
): Promise<{ items: PatrolRow[]; total: number }> {
  const where = `p.tenant = $1 AND ($2::timestamptz IS NULL OR p.ends_at >= $2) AND ($3::timestamptz IS NULL OR p.starts_at < $3)
    AND ($4::text IS NULL OR p.status = $4) AND ($5::text IS NULL OR $5 = ANY(p.team))`
  const params = [tenant, q.from, q.to, q.status, q.member]
  const items = await db.query<PatrolRow>(
    `SELECT ${PATROL} FROM patrols p WHERE ${where} AND ($6::timestamptz IS NULL OR (p.starts_at, p.id) < ($6, $7::uuid))
     ORDER BY p.starts_at DESC, p.id DESC LIMIT $8`,
    [...params, q.after?.t ?? null, q.after?.id ?? null, q.limit],
  )
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM patrols p WHERE ${where}`, params)
  return { items, total }
}

export async function setPatrolStatus(db: Queryable, tenant: string, id: string, status: 'active' | 'finished', at: Date): Promise<void> {
  await db.query(
    `UPDATE patrols SET status = $3, started_at = CASE WHEN $3 = 'active' THEN $4 ELSE started_at END,
       finished_at = CASE WHEN $3 = 'finished' THEN $4 ELSE finished_at END WHERE tenant = $1 AND id = $2`,
    [tenant, id, status, at],
  )
}

// Check-ins

export interface CheckinRow {
  id: string
  patrolId: string
  clientId: string
  actor: string
  location: GeoPoint
  accuracy: number | null
  at: string
  checkpoint: { id: string; name: string } | null
  distanceM: number | null
  isWithin: boolean
  kelurahan: Ref | null
}

const CHECKIN = `k.id::text, k.patrol_id::text AS "patrolId", k.client_id AS "clientId", k.actor, ${GEOM_TO_GEOJSON('k.location')} AS location,
  k.accuracy_m AS accuracy, ${iso('k.at')} AS at,
  (SELECT json_build_object('id', c.id, 'name', c.name) FROM patrol_checkpoints c WHERE c.tenant = k.tenant AND c.id = k.checkpoint_id) AS checkpoint,
  k.distance_m AS "distanceM", k.is_within AS "isWithin",
  CASE WHEN k.kelurahan_code IS NULL THEN NULL ELSE json_build_object('code', k.kelurahan_code, 'name', k.kelurahan_name) END AS kelurahan`

/** The patrol's checkpoint nearest to a point, with its distance in metres (geodesic). */
export async function nearestCheckpoint(
  db: Queryable,
  tenant: string,
  patrolId: string,
  location: GeoPoint,
): Promise<{ id: string; name: string; radiusM: number; distanceM: number } | null> {
  const [row] = await db.query<{ id: string; name: string; radiusM: number; distanceM: number }>(
    `SELECT id::text, name, radius_m AS "radiusM", ST_Distance(location::geography, ${GEOM_FROM_GEOJSON('$3')}::geography)::float8 AS "distanceM"
     FROM patrol_checkpoints WHERE tenant = $1 AND patrol_id = $2 ORDER BY 4 LIMIT 1`,
    [tenant, patrolId, JSON.stringify(location)],
  )
  return row ?? null
}

/** Inserts a check-in unless its clientId is known; answers null when it was (the caller reads the first). */
export async function insertCheckin(
  db: Queryable,
  tenant: string,
  c: {
    patrolId: string
    clientId: string
    actor: string
    location: GeoPoint
    accuracy: number | null
    at: Date
    checkpointId: string | null
    distanceM: number | null
    isWithin: boolean
    kelurahan: Ref | null
  },
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO patrol_checkins (tenant, patrol_id, client_id, actor, location, accuracy_m, at, checkpoint_id, distance_m, is_within, kelurahan_code, kelurahan_name)
     VALUES ($1, $2, $3, $4, ${GEOM_FROM_GEOJSON('$5')}, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (tenant, client_id) DO NOTHING RETURNING id::text`,
    [
      tenant,
      c.patrolId,
      c.clientId,
      c.actor,
      JSON.stringify(c.location),
      c.accuracy,
      c.at,
      c.checkpointId,
      c.distanceM === null ? null : Math.round(c.distanceM),
      c.isWithin,
      c.kelurahan?.code ?? null,
      c.kelurahan?.name ?? null,
    ],
  )
  return row?.id ?? null
}

export async function findCheckinByClientId(db: Queryable, tenant: string, clientId: string): Promise<CheckinRow | null> {
  const [row] = await db.query<CheckinRow>(`SELECT ${CHECKIN} FROM patrol_checkins k WHERE k.tenant = $1 AND k.client_id = $2`, [tenant, clientId])
  return row ?? null
}

export async function checkinsOf(db: Queryable, tenant: string, patrolId: string): Promise<CheckinRow[]> {
  return db.query<CheckinRow>(`SELECT ${CHECKIN} FROM patrol_checkins k WHERE k.tenant = $1 AND k.patrol_id = $2 ORDER BY k.at, k.created_at`, [
    tenant,
    patrolId,
  ])
}

/** The last check-in of every active patrol (the console's live layer on first load). */
export async function lastCheckins(db: Queryable, tenant: string): Promise<(CheckinRow & { name: string })[]> {
  return db.query<CheckinRow & { name: string }>(
    `SELECT DISTINCT ON (k.patrol_id) ${CHECKIN}, p.name FROM patrol_checkins k
     JOIN patrols p ON p.tenant = k.tenant AND p.id = k.patrol_id
     WHERE k.tenant = $1 AND p.status = 'active' ORDER BY k.patrol_id, k.at DESC, k.created_at DESC`,
    [tenant],
  )
}

// Findings

export interface FindingRow {
  id: string
  number: string
  clientId: string
  patrolId: string
  type: string
  kind: FindingKind
  location: GeoPoint
  at: string
  description: string
  kelurahan: Ref | null
  nip: string | null
  asnName: string | null
  agencyId: string | null
  status: FindingStatus
  statusVersion: number
  dueAt: string | null
  escalationLevel: number
  response: { action: string; note: string | null; by: string; at: string } | null
  closedBy: string | null
  closedAt: string | null
  reportId: string | null
  reportNumber: string | null
  incidentId: string | null
  incidentNumber: string | null
  createdBy: string
  createdAt: string
  photoIds: string[]
}

const FINDING = `f.id::text, f.number, f.client_id AS "clientId", f.patrol_id::text AS "patrolId", f.type, f.kind, ${GEOM_TO_GEOJSON('f.location')} AS location,
  ${iso('f.at')} AS at, f.description,
  CASE WHEN f.kelurahan_code IS NULL THEN NULL ELSE json_build_object('code', f.kelurahan_code, 'name', f.kelurahan_name) END AS kelurahan,
  f.nip, f.asn_name AS "asnName", f.agency_id::text AS "agencyId", f.status, f.status_version AS "statusVersion", ${iso('f.due_at')} AS "dueAt",
  f.escalation_level AS "escalationLevel",
  CASE WHEN f.response_action IS NULL THEN NULL ELSE json_build_object('action', f.response_action, 'note', f.response_note, 'by', f.responded_by,
    'at', ${iso('f.responded_at')}) END AS response,
  f.closed_by AS "closedBy", ${iso('f.closed_at')} AS "closedAt", f.report_id AS "reportId", f.report_number AS "reportNumber",
  f.incident_id AS "incidentId", f.incident_number AS "incidentNumber", f.created_by AS "createdBy", ${iso('f.created_at')} AS "createdAt",
  ARRAY(SELECT ph.id::text FROM patrol_finding_photos ph WHERE ph.tenant = f.tenant AND ph.finding_id = f.id ORDER BY ph.created_at) AS "photoIds"`

export async function insertFinding(
  db: Queryable,
  tenant: string,
  f: {
    number: string
    clientId: string
    patrolId: string
    type: string
    kind: FindingKind
    location: GeoPoint
    at: Date
    description: string
    kelurahan: Ref | null
    nip: string | null
    asnName: string | null
    agencyId: string | null
    status: FindingStatus
    dueAt: Date | null
    createdBy: string
  },
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO patrol_findings (tenant, number, client_id, patrol_id, type, kind, location, at, description, kelurahan_code, kelurahan_name,
       nip, asn_name, agency_id, status, due_at, created_by, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, ${GEOM_FROM_GEOJSON('$7')}, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $8, $8)
     ON CONFLICT (tenant, client_id) DO NOTHING RETURNING id::text`,
    [
      tenant,
      f.number,
      f.clientId,
      f.patrolId,
      f.type,
      f.kind,
      JSON.stringify(f.location),
      f.at,
      f.description,
      f.kelurahan?.code ?? null,
      f.kelurahan?.name ?? null,
      f.nip,
      f.asnName,
      f.agencyId,
      f.status,
      f.dueAt,
      f.createdBy,
    ],
  )
  return row?.id ?? null
}

export async function findFinding(db: Queryable, tenant: string, id: string, forUpdate = false): Promise<FindingRow | null> {
  if (!isUuid(id)) return null
  const [row] = await db.query<FindingRow>(`SELECT ${FINDING} FROM patrol_findings f WHERE f.tenant = $1 AND f.id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [
    tenant,
    id,
  ])
  return row ?? null
}

export async function findFindingByClientId(db: Queryable, tenant: string, clientId: string): Promise<FindingRow | null> {
  const [row] = await db.query<FindingRow>(`SELECT ${FINDING} FROM patrol_findings f WHERE f.tenant = $1 AND f.client_id = $2`, [tenant, clientId])
  return row ?? null
}

export async function findingsOfPatrol(db: Queryable, tenant: string, patrolId: string): Promise<FindingRow[]> {
  return db.query<FindingRow>(`SELECT ${FINDING} FROM patrol_findings f WHERE f.tenant = $1 AND f.patrol_id = $2 ORDER BY f.at`, [tenant, patrolId])
}

export async function listFindings(
  db: Queryable,
  tenant: string,
  q: { statuses: string[] | null; agencyIds: string[] | null; kind: string | null; overdueAt: Date | null; limit: number; after: Keyset | null },
): Promise<{ items: FindingRow[]; total: number }> {
  const where = `f.tenant = $1 AND ($2::text[] IS NULL OR f.status = ANY($2)) AND ($3::uuid[] IS NULL OR f.agency_id = ANY($3))
    AND ($4::text IS NULL OR f.kind = $4) AND ($5::timestamptz IS NULL OR (f.status = 'open' AND f.due_at < $5))`
  const params = [tenant, q.statuses, q.agencyIds, q.kind, q.overdueAt]
  const items = await db.query<FindingRow>(
    `SELECT ${FINDING} FROM patrol_findings f WHERE ${where} AND ($6::timestamptz IS NULL OR (f.created_at, f.id) < ($6, $7::uuid))
     ORDER BY f.created_at DESC, f.id DESC LIMIT $8`,
    [...params, q.after?.t ?? null, q.after?.id ?? null, q.limit],
  )
  const [{ total }] = await db.query<{ total: number }>(`SELECT count(*)::int AS total FROM patrol_findings f WHERE ${where}`, params)
  return { items, total }
}

/** Open and overdue ASN follow-ups per OPD (the leaders' page). */
export async function followUpsByAgency(db: Queryable, tenant: string, now: Date) {
  return db.query<{ agencyId: string; open: number; overdue: number; responded: number; closed: number }>(
    `SELECT agency_id::text AS "agencyId", count(*) FILTER (WHERE status = 'open')::int AS open,
       count(*) FILTER (WHERE status = 'open' AND due_at < $2)::int AS overdue,
       count(*) FILTER (WHERE status = 'responded')::int AS responded, count(*) FILTER (WHERE status = 'closed')::int AS closed
     FROM patrol_findings WHERE tenant = $1 AND kind = 'asn' AND agency_id IS NOT NULL GROUP BY agency_id ORDER BY 2 DESC, 1`,
    [tenant, now],
  )
}

/** ASN findings per OPD whose due date fell in [from, to) and has passed, and how many were answered by it and closed. */
export function dueByAgency(db: Queryable, tenant: string, from: Date, to: Date, now: Date) {
  return db.query<{ agencyId: string; due: number; closedOnTime: number }>(
    `SELECT agency_id::text AS "agencyId", count(*)::int AS due,
       count(*) FILTER (WHERE status = 'closed' AND responded_at <= due_at)::int AS "closedOnTime"
     FROM patrol_findings WHERE tenant = $1 AND kind = 'asn' AND agency_id IS NOT NULL AND due_at >= $2 AND due_at < LEAST($3::timestamptz, $4::timestamptz)
     GROUP BY agency_id ORDER BY agency_id`,
    [tenant, from, to, now],
  )
}

export async function updateFinding(
  db: Queryable,
  tenant: string,
  id: string,
  change: {
    status?: FindingStatus
    dueAt?: Date | null
    escalationLevel?: number
    response?: { action: string; note: string | null; by: string; at: Date }
    closed?: { by: string; at: Date } | null
    report?: { id: string; number: string }
    incident?: { id: string; number: string }
    at: Date
  },
): Promise<void> {
  const sets: string[] = ['updated_at = $3']
  const params: unknown[] = [tenant, id, change.at]
  const set = (column: string, value: unknown) => {
    params.push(value)
    sets.push(`${column} = $${params.length}`)
  }
  if (change.status) {
    set('status', change.status)
    sets.push('status_version = status_version + 1')
  }
  if (change.dueAt !== undefined) set('due_at', change.dueAt)
  if (change.escalationLevel !== undefined) set('escalation_level', change.escalationLevel)
  if (change.response) {
    set('response_action', change.response.action)
    set('response_note', change.response.note)
    set('responded_by', change.response.by)
    set('responded_at', change.response.at)
  }
  if (change.closed !== undefined) {
    set('closed_by', change.closed?.by ?? null)
    set('closed_at', change.closed?.at ?? null)
  }
  if (change.report) {
    set('report_id', change.report.id)
    set('report_number', change.report.number)
  }
  if (change.incident) {
    set('incident_id', change.incident.id)
    set('incident_number', change.incident.number)
  }
  await db.query(`UPDATE patrol_findings SET ${sets.join(', ')} WHERE tenant = $1 AND id = $2`, params)
}

// Photos

export async function countPhotos(db: Queryable, tenant: string, findingId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM patrol_finding_photos WHERE tenant = $1 AND finding_id = $2', [tenant, findingId])
  return row.n
}

export async function insertPhoto(
  db: Queryable,
  tenant: string,
  p: { findingId: string; clientId: string | null; mime: string; width: number; height: number; bytes: Buffer; createdBy: string },
): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO patrol_finding_photos (tenant, finding_id, client_id, mime, width, height, bytes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     ON CONFLICT (tenant, client_id) DO NOTHING RETURNING id::text`,
    [tenant, p.findingId, p.clientId, p.mime, p.width, p.height, p.bytes, p.createdBy],
  )
  return row?.id ?? null
}

export async function findPhotoByClientId(db: Queryable, tenant: string, clientId: string): Promise<{ id: string; findingId: string } | null> {
  const [row] = await db.query<{ id: string; findingId: string }>(
    'SELECT id::text, finding_id::text AS "findingId" FROM patrol_finding_photos WHERE tenant = $1 AND client_id = $2',
    [tenant, clientId],
  )
  return row ?? null
}

export async function findPhoto(db: Queryable, tenant: string, findingId: string, photoId: string): Promise<{ mime: string; bytes: Buffer } | null> {
  if (!isUuid(findingId) || !isUuid(photoId)) return null
  const [row] = await db.query<{ mime: string; bytes: Uint8Array }>(
    'SELECT mime, bytes FROM patrol_finding_photos WHERE tenant = $1 AND finding_id = $2 AND id = $3',
    [tenant, findingId, photoId],
  )
  return row ? { mime: row.mime, bytes: Buffer.from(row.bytes) } : null
}

function isUuid(id: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
}
