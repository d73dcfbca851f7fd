import { countExactly, countOrEstimate } from '../../core/db/count.ts'
import type { Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import { EXACT_TOTAL_UP_TO } from '../../core/http/paging.ts'
import type { IncidentStatus, IncidentType, Priority, Targets, UnitKind, UnitStatus } from './catalogue.ts'
import type { CreateFacility, Dispatch, Facility, Incident, IncidentOrigin, MetricsRow, TimelineEntry, Unit } from './schema.ts'

// This module's SQL and nothing else. Every function takes the handle (database or transaction) first.

const iso = (column: string) => `to_json(${column}) #>> '{}'`
const point = (param: string) => `ST_SetSRID(ST_GeomFromGeoJSON(${param}), 4326)`

export type IncidentRow = Omit<Incident, 'timers'>

const INCIDENT = `i.id, i.number, i.source, i.type, i.priority, i.status, ST_AsGeoJSON(i.location, 7)::json AS location, i.address,
  CASE WHEN i.kelurahan_code IS NULL THEN NULL ELSE json_build_object('code', i.kelurahan_code, 'name', i.kelurahan_name) END AS kelurahan,
  CASE WHEN i.kecamatan_code IS NULL THEN NULL ELSE json_build_object('code', i.kecamatan_code, 'name', i.kecamatan_name) END AS kecamatan,
  CASE WHEN i.caller_name IS NULL AND i.caller_phone IS NULL THEN NULL ELSE json_build_object('name', i.caller_name, 'phone', i.caller_phone) END AS caller,
  i.description, i.agency_ids::text[] AS "agencyIds", i.report_id AS "reportId", i.alarm_id AS "alarmId", i.alert_id AS "alertId",
  i.origin, i.outcome, i.created_by AS "createdBy", ${iso('i.created_at')} AS "createdAt", ${iso('i.dispatched_at')} AS "dispatchedAt",
  ${iso('i.on_scene_at')} AS "onSceneAt", ${iso('i.hospital_at')} AS "hospitalAt", ${iso('i.closed_at')} AS "closedAt",
  ${iso('i.updated_at')} AS "updatedAt"`

// Incident types and targets

interface TypeRow {
  code: string
  label_id: string
  label_en: string
  default_priority: Priority
  unit_kinds: UnitKind[]
  is_active: boolean
}

export async function tenantTypes(db: Queryable, tenant: string): Promise<IncidentType[]> {
  const rows = await db.query<TypeRow>(
    'SELECT code, label_id, label_en, default_priority, unit_kinds, is_active FROM incident_types WHERE tenant = $1 ORDER BY code',
    [tenant],
  )
  return rows.map((r) => ({
    code: r.code,
    label: { id: r.label_id, en: r.label_en },
    defaultPriority: r.default_priority,
    unitKinds: r.unit_kinds,
    isActive: r.is_active,
  }))
}

export async function upsertType(db: Queryable, tenant: string, t: IncidentType): Promise<void> {
  await db.query(
    `INSERT INTO incident_types (tenant, code, label_id, label_en, default_priority, unit_kinds, is_active) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant, code) DO UPDATE SET label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en,
       default_priority = EXCLUDED.default_priority, unit_kinds = EXCLUDED.unit_kinds, is_active = EXCLUDED.is_active`,
    [tenant, t.code, t.label.id, t.label.en, t.defaultPriority, t.unitKinds, t.isActive],
  )
}

export async function tenantTargets(db: Queryable, tenant: string): Promise<Targets[]> {
  return db.query<Targets>(
    'SELECT priority, dispatch_seconds AS "dispatchSeconds", on_scene_seconds AS "onSceneSeconds" FROM incident_targets WHERE tenant = $1',
    [tenant],
  )
}

export async function upsertTargets(db: Queryable, tenant: string, targets: Targets[]): Promise<void> {
  await db.query(
    `INSERT INTO incident_targets (tenant, priority, dispatch_seconds, on_scene_seconds)
     SELECT $1, p, d, o FROM unnest($2::text[], $3::int[], $4::int[]) AS t(p, d, o)
     ON CONFLICT (tenant, priority) DO UPDATE SET dispatch_seconds = EXCLUDED.dispatch_seconds, on_scene_seconds = EXCLUDED.on_scene_seconds`,
    [tenant, targets.map((t) => t.priority), targets.map((t) => t.dispatchSeconds), targets.map((t) => t.onSceneSeconds)],
  )
}

// Incidents

export interface NewIncident {
  number: string
  source: string
  type: string
  priority: Priority
  location: GeoPoint
  address: string | null
  kelurahan: { code: string; name: string } | null
  kecamatan: { code: string; name: string } | null
  callerName: string | null
  callerPhone: string | null
  description: string | null
  agencyIds: string[]
  reportId: string | null
  alarmId: string | null
  alertId: string | null
  origin: IncidentOrigin | null
  createdBy: string | null
  createdAt: Date
}

export async function insertIncident(db: Queryable, tenant: string, n: NewIncident): Promise<IncidentRow> {
  const [row] = await db.query<IncidentRow>(
    `INSERT INTO incidents AS i (tenant, number, source, type, priority, location, address, kelurahan_code, kelurahan_name,
       kecamatan_code, kecamatan_name, caller_name, caller_phone, description, agency_ids, report_id, alarm_id, alert_id, created_by,
       created_at, updated_at, origin)
     VALUES ($1, $2, $3, $4, $5, ${point('$6')}, $7, $8, $9, $10, $11, $12, $13, $14, $15::uuid[], $16, $17, $18, $19, $20, $20, $21)
     RETURNING ${INCIDENT}`,
    [
      tenant,
      n.number,
      n.source,
      n.type,
      n.priority,
      JSON.stringify(n.location),
      n.address,
      n.kelurahan?.code ?? null,
      n.kelurahan?.name ?? null,
      n.kecamatan?.code ?? null,
      n.kecamatan?.name ?? null,
      n.callerName,
      n.callerPhone,
      n.description,
      n.agencyIds,
      n.reportId,
      n.alarmId,
      n.alertId,
      n.createdBy,
      n.createdAt.toISOString(),
      n.origin ? JSON.stringify(n.origin) : null,
    ],
  )
  return row
}

/** One incident; `lock` holds its row until the caller commits (status changes serialise on it). */
export async function findIncident(db: Queryable, tenant: string, id: string, lock = false): Promise<IncidentRow | null> {
  const [row] = await db.query<IncidentRow>(`SELECT ${INCIDENT} FROM incidents i WHERE i.tenant = $1 AND i.id = $2${lock ? ' FOR UPDATE' : ''}`, [tenant, id])
  return row ?? null
}

export async function findIncidentByAlarm(db: Queryable, tenant: string, alarmId: string): Promise<IncidentRow | null> {
  const [row] = await db.query<IncidentRow>(`SELECT ${INCIDENT} FROM incidents i WHERE i.tenant = $1 AND i.alarm_id = $2`, [tenant, alarmId])
  return row ?? null
}

/** The incident another module's record became (see `IncidentOrigin`). */
export async function findIncidentByOrigin(db: Queryable, tenant: string, o: Pick<IncidentOrigin, 'module' | 'kind' | 'id'>): Promise<IncidentRow | null> {
  const [row] = await db.query<IncidentRow>(
    `SELECT ${INCIDENT} FROM incidents i WHERE i.tenant = $1 AND i.origin ->> 'module' = $2 AND i.origin ->> 'kind' = $3 AND i.origin ->> 'id' = $4`,
    [tenant, o.module, o.kind, o.id],
  )
  return row ?? null
}

export interface IncidentChange {
  type?: string
  priority?: Priority
  status?: IncidentStatus
  outcome?: string | null
  address?: string | null
  description?: string | null
  agencyIds?: string[]
}

/** Changes the given fields; a status sets its milestone time once (reopening clears the closing). */
export async function updateIncident(db: Queryable, tenant: string, id: string, c: IncidentChange, at: Date): Promise<IncidentRow> {
  const [row] = await db.query<IncidentRow>(
    `UPDATE incidents i SET
       type = coalesce($3, type), priority = coalesce($4, priority), status = coalesce($5, status),
       outcome = CASE WHEN $6 THEN $7 ELSE outcome END,
       address = CASE WHEN $8 THEN $9 ELSE address END,
       description = CASE WHEN $10 THEN $11 ELSE description END,
       agency_ids = coalesce($12::uuid[], agency_ids),
       dispatched_at = CASE WHEN $5 = 'dispatched' THEN coalesce(dispatched_at, $13) ELSE dispatched_at END,
       on_scene_at = CASE WHEN $5 = 'on_scene' THEN coalesce(on_scene_at, $13) ELSE on_scene_at END,
       closed_at = CASE WHEN $5 IN ('closed', 'cancelled') THEN $13 WHEN $5 = 'new' THEN NULL ELSE closed_at END,
       updated_at = $13
     WHERE i.tenant = $1 AND i.id = $2 RETURNING ${INCIDENT}`,
    [
      tenant,
      id,
      c.type ?? null,
      c.priority ?? null,
      c.status ?? null,
      c.outcome !== undefined,
      c.outcome ?? null,
      c.address !== undefined,
      c.address ?? null,
      c.description !== undefined,
      c.description ?? null,
      c.agencyIds ?? null,
      at.toISOString(),
    ],
  )
  return row
}

/** Records the first arrival at a hospital. */
export async function markHospital(db: Queryable, tenant: string, id: string, at: Date): Promise<void> {
  await db.query('UPDATE incidents SET hospital_at = coalesce(hospital_at, $3), updated_at = $3 WHERE tenant = $1 AND id = $2', [tenant, id, at.toISOString()])
}

export interface IncidentFilter {
  statuses: IncidentStatus[] | null
  types: string[] | null
  priorities: string[] | null
  bbox: [number, number, number, number] | null
  since: string | null
}

const FILTER = `i.tenant = $1 AND ($2::text[] IS NULL OR i.status = ANY($2)) AND ($3::text[] IS NULL OR i.type = ANY($3))
  AND ($4::text[] IS NULL OR i.priority = ANY($4)) AND ($5::timestamptz IS NULL OR i.created_at >= $5)
  AND ($6::float8[] IS NULL OR i.location && ST_MakeEnvelope($6[1], $6[2], $6[3], $6[4], 4326))`
const filterParams = (tenant: string, f: IncidentFilter) => [tenant, f.statuses, f.types, f.priorities, f.since, f.bbox]

/** Newest first; continues strictly after (createdAt, id) of the previous page's last item. */
export async function listIncidents(db: Queryable, tenant: string, f: IncidentFilter, limit: number, after: { at: string; id: string } | null) {
  return db.query<IncidentRow>(
    `SELECT ${INCIDENT} FROM incidents i WHERE ${FILTER}
       AND ($7::timestamptz IS NULL OR (i.created_at, i.id) < ($7::timestamptz, $8::uuid))
     ORDER BY i.created_at DESC, i.id DESC LIMIT $9`,
    [...filterParams(tenant, f), after?.at ?? null, after?.id ?? null, limit],
  )
}

/** The list's total: exact when asked, else exact up to `EXACT_TOTAL_UP_TO` and estimated beyond. */
export function countIncidents(db: Queryable, tenant: string, f: IncidentFilter, isExactAsked: boolean) {
  const from = `FROM incidents i WHERE ${FILTER}`
  return isExactAsked ? countExactly(db, from, filterParams(tenant, f)) : countOrEstimate(db, from, filterParams(tenant, f), EXACT_TOTAL_UP_TO)
}

export interface IncidentFeature {
  id: string
  number: string
  type: string
  priority: Priority
  status: IncidentStatus
  location: GeoPoint
  createdAt: string
  kelurahan: string | null
}

/** Light rows for the map layer. */
export async function incidentFeatures(db: Queryable, tenant: string, f: IncidentFilter, limit: number): Promise<IncidentFeature[]> {
  return db.query<IncidentFeature>(
    `SELECT i.id, i.number, i.type, i.priority, i.status, ST_AsGeoJSON(i.location, 7)::json AS location,
       ${iso('i.created_at')} AS "createdAt", i.kelurahan_name AS kelurahan
     FROM incidents i WHERE ${FILTER} ORDER BY i.created_at DESC LIMIT $7`,
    [...filterParams(tenant, f), limit],
  )
}

/** Incidents of a type within `metres` and `minutes` of a point, nearest first (cancelled ones aside). */
export async function nearbyIncidents(db: Queryable, tenant: string, type: string, lon: number, lat: number, metres: number, since: Date) {
  return db.query<IncidentRow & { distanceM: number }>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($3, $4), 4326) AS g)
     SELECT ${INCIDENT}, round(ST_Distance(i.location::geography, p.g::geography))::int AS "distanceM"
     FROM incidents i, p
     WHERE i.tenant = $1 AND i.type = $2 AND i.status <> 'cancelled' AND i.created_at >= $6
       AND ST_DWithin(i.location::geography, p.g::geography, $5)
     ORDER BY "distanceM" LIMIT 10`,
    [tenant, type, lon, lat, metres, since.toISOString()],
  )
}

// Timeline

export async function addTimeline(
  db: Queryable,
  tenant: string,
  incidentId: string,
  e: { kind: TimelineEntry['kind']; actor: string | null; text: string | null; data?: Record<string, unknown>; at: Date },
): Promise<TimelineEntry> {
  const [row] = await db.query<TimelineEntry>(
    `INSERT INTO incident_timeline (tenant, incident_id, kind, actor, text, data, at) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING id, ${iso('at')} AS at, kind, actor, text, data`,
    [tenant, incidentId, e.kind, e.actor, e.text, JSON.stringify(e.data ?? {}), e.at.toISOString()],
  )
  return row
}

export async function timeline(db: Queryable, tenant: string, incidentId: string): Promise<TimelineEntry[]> {
  return db.query<TimelineEntry>(
    `SELECT id, ${iso('at')} AS at, kind, actor, text, data FROM incident_timeline WHERE tenant = $1 AND incident_id = $2 ORDER BY at, id`,
    [tenant, incidentId],
  )
}

// Facilities

const FACILITY = `f.id, f.code, f.name, f.kind, f.agency_id AS "agencyId", f.address, f.phone, ST_AsGeoJSON(f.location, 7)::json AS location,
  f.has_emergency AS "hasEmergency", f.er_beds AS "erBeds", f.er_beds_available AS "erBedsAvailable", ${iso('f.capacity_updated_at')} AS "capacityUpdatedAt"`

export async function insertFacility(db: Queryable, tenant: string, f: CreateFacility): Promise<Facility | null> {
  const [row] = await db.query<Facility>(
    `INSERT INTO facilities AS f (tenant, code, name, kind, agency_id, address, phone, location, has_emergency, er_beds, er_beds_available, capacity_updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, ${point('$8')}, $9, $10, $11, CASE WHEN $11::int IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (tenant, code) WHERE archived_at IS NULL DO NOTHING
     RETURNING ${FACILITY}`,
    [
      tenant,
      f.code,
      f.name,
      f.kind,
      f.agencyId ?? null,
      f.address ?? null,
      f.phone ?? null,
      JSON.stringify(f.location),
      f.hasEmergency ?? false,
      f.erBeds ?? null,
      f.erBedsAvailable ?? null,
    ],
  )
  return row ?? null
}

export async function findFacility(db: Queryable, tenant: string, id: string): Promise<Facility | null> {
  const [row] = await db.query<Facility>(`SELECT ${FACILITY} FROM facilities f WHERE f.tenant = $1 AND f.id = $2 AND f.archived_at IS NULL`, [tenant, id])
  return row ?? null
}

export async function findFacilityByCode(db: Queryable, tenant: string, code: string): Promise<Facility | null> {
  const [row] = await db.query<Facility>(`SELECT ${FACILITY} FROM facilities f WHERE f.tenant = $1 AND f.code = $2 AND f.archived_at IS NULL`, [tenant, code])
  return row ?? null
}

export async function listFacilities(db: Queryable, tenant: string, kinds: string[] | null, limit: number, afterCode: string | null) {
  return db.query<Facility>(
    `SELECT ${FACILITY} FROM facilities f WHERE f.tenant = $1 AND f.archived_at IS NULL AND ($2::text[] IS NULL OR f.kind = ANY($2))
       AND ($3::text IS NULL OR f.code > $3) ORDER BY f.code LIMIT $4`,
    [tenant, kinds, afterCode, limit],
  )
}

export async function countFacilities(db: Queryable, tenant: string, kinds: string[] | null): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*) AS n FROM facilities WHERE tenant = $1 AND archived_at IS NULL AND ($2::text[] IS NULL OR kind = ANY($2))',
    [tenant, kinds],
  )
  return row.n
}

export async function updateCapacity(db: Queryable, tenant: string, id: string, erBeds: number | null, available: number): Promise<Facility | null> {
  const [row] = await db.query<Facility>(
    `UPDATE facilities f SET er_beds = coalesce($3, er_beds), er_beds_available = $4, capacity_updated_at = now()
     WHERE f.tenant = $1 AND f.id = $2 AND f.archived_at IS NULL RETURNING ${FACILITY}`,
    [tenant, id, erBeds, available],
  )
  return row ?? null
}

// Units

const UNIT = `u.id, u.callsign, u.kind, u.agency_id AS "agencyId", u.home_facility_id AS "homeFacilityId", u.crew, u.status,
  ${iso('u.status_since')} AS "statusSince", u.incident_id AS "incidentId", u.destination_id AS "destinationId",
  ST_AsGeoJSON(u.location, 7)::json AS location, ${iso('u.position_at')} AS "positionAt"`

export interface NewUnit {
  callsign: string
  kind: UnitKind
  agencyId: string | null
  homeFacilityId: string | null
  crew: unknown[]
  location: GeoPoint | null
}

export async function insertUnit(db: Queryable, tenant: string, u: NewUnit): Promise<Unit | null> {
  const [row] = await db.query<Unit>(
    `INSERT INTO units AS u (tenant, callsign, kind, agency_id, home_facility_id, crew, location, position_at)
     VALUES ($1, $2, $3, $4, $5, $6, CASE WHEN $7::text IS NULL THEN NULL ELSE ${point('$7')} END, CASE WHEN $7::text IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (tenant, callsign) WHERE archived_at IS NULL DO NOTHING
     RETURNING ${UNIT}`,
    [tenant, u.callsign, u.kind, u.agencyId, u.homeFacilityId, JSON.stringify(u.crew), u.location ? JSON.stringify(u.location) : null],
  )
  return row ?? null
}

/**
 * Creates units and updates those whose callsign the tenant has (agency, base and crew given replace theirs; a
 * position is set only on a new unit); a callsign held by a unit of another kind is left alone and not returned.
 */
export async function upsertUnits(db: Queryable, tenant: string, units: NewUnit[]): Promise<{ id: string; callsign: string; isCreated: boolean }[]> {
  return db.query(
    `INSERT INTO units AS u (tenant, callsign, kind, agency_id, home_facility_id, crew, location, position_at)
     SELECT $1, x.callsign, x.kind, x.agency_id, x.facility_id, coalesce(x.crew, '[]')::jsonb,
       CASE WHEN x.location IS NULL THEN NULL ELSE ${point('x.location')} END, CASE WHEN x.location IS NULL THEN NULL ELSE now() END
     FROM unnest($2::text[], $3::text[], $4::uuid[], $5::uuid[], $6::text[], $7::text[]) AS x(callsign, kind, agency_id, facility_id, crew, location)
     ON CONFLICT (tenant, callsign) WHERE archived_at IS NULL DO UPDATE SET
       agency_id = coalesce(EXCLUDED.agency_id, u.agency_id), home_facility_id = coalesce(EXCLUDED.home_facility_id, u.home_facility_id),
       crew = CASE WHEN EXCLUDED.crew = '[]'::jsonb THEN u.crew ELSE EXCLUDED.crew END
     WHERE u.kind = EXCLUDED.kind
     RETURNING u.id, u.callsign, (u.xmax = 0) AS "isCreated"`,
    [
      tenant,
      units.map((u) => u.callsign),
      units.map((u) => u.kind),
      units.map((u) => u.agencyId),
      units.map((u) => u.homeFacilityId),
      units.map((u) => (u.crew.length > 0 ? JSON.stringify(u.crew) : null)),
      units.map((u) => (u.location ? JSON.stringify(u.location) : null)),
    ],
  )
}

/** Which of these facility ids the tenant has. */
export async function existingFacilities(db: Queryable, tenant: string, ids: string[]): Promise<Set<string>> {
  if (ids.length === 0) return new Set()
  const rows = await db.query<{ id: string }>('SELECT id FROM facilities WHERE tenant = $1 AND id = ANY($2::uuid[]) AND archived_at IS NULL', [tenant, ids])
  return new Set(rows.map((r) => r.id))
}

export async function findUnit(db: Queryable, tenant: string, id: string, lock = false): Promise<Unit | null> {
  const [row] = await db.query<Unit>(`SELECT ${UNIT} FROM units u WHERE u.tenant = $1 AND u.id = $2 AND u.archived_at IS NULL${lock ? ' FOR UPDATE' : ''}`, [
    tenant,
    id,
  ])
  return row ?? null
}

export async function findUnitByCallsign(db: Queryable, tenant: string, callsign: string): Promise<Unit | null> {
  const [row] = await db.query<Unit>(`SELECT ${UNIT} FROM units u WHERE u.tenant = $1 AND u.callsign = $2 AND u.archived_at IS NULL`, [tenant, callsign])
  return row ?? null
}

export async function listUnits(db: Queryable, tenant: string, kinds: string[] | null, statuses: string[] | null, limit: number, afterCallsign: string | null) {
  return db.query<Unit>(
    `SELECT ${UNIT} FROM units u WHERE u.tenant = $1 AND u.archived_at IS NULL AND ($2::text[] IS NULL OR u.kind = ANY($2))
       AND ($3::text[] IS NULL OR u.status = ANY($3)) AND ($4::text IS NULL OR u.callsign > $4) ORDER BY u.callsign LIMIT $5`,
    [tenant, kinds, statuses, afterCallsign, limit],
  )
}

export async function countUnits(db: Queryable, tenant: string, kinds: string[] | null, statuses: string[] | null): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM units WHERE tenant = $1 AND archived_at IS NULL AND ($2::text[] IS NULL OR kind = ANY($2))
       AND ($3::text[] IS NULL OR status = ANY($3))`,
    [tenant, kinds, statuses],
  )
  return row.n
}

/** Units a field crew member is listed on. */
export async function unitsOfCrew(db: Queryable, tenant: string, username: string): Promise<Unit[]> {
  return db.query<Unit>(`SELECT ${UNIT} FROM units u WHERE u.tenant = $1 AND u.archived_at IS NULL AND u.crew @> $2::jsonb ORDER BY u.callsign`, [
    tenant,
    JSON.stringify([{ username }]),
  ])
}

export async function updateUnitDetails(
  db: Queryable,
  tenant: string,
  id: string,
  u: { callsign: string; agencyId: string | null; homeFacilityId: string | null; crew: unknown[] },
): Promise<Unit> {
  const [row] = await db.query<Unit>(
    `UPDATE units u SET callsign = $3, agency_id = $4, home_facility_id = $5, crew = $6 WHERE u.tenant = $1 AND u.id = $2 RETURNING ${UNIT}`,
    [tenant, id, u.callsign, u.agencyId, u.homeFacilityId, JSON.stringify(u.crew)],
  )
  return row
}

/**
 * Takes an available unit for an incident in one conditional UPDATE: of two dispatchers racing for the
 * same unit, the second waits on the row lock, then finds it no longer available and gets nothing back.
 */
export async function claimUnit(db: Queryable, tenant: string, id: string, incidentId: string, destinationId: string | null, at: Date): Promise<Unit | null> {
  const [row] = await db.query<Unit>(
    `UPDATE units u SET status = 'dispatched', status_since = $5, incident_id = $3, destination_id = $4
     WHERE u.tenant = $1 AND u.id = $2 AND u.status = 'available' AND u.archived_at IS NULL RETURNING ${UNIT}`,
    [tenant, id, incidentId, destinationId, at.toISOString()],
  )
  return row ?? null
}

export async function setUnitStatus(
  db: Queryable,
  tenant: string,
  id: string,
  status: UnitStatus,
  incidentId: string | null,
  destinationId: string | null,
  at: Date,
): Promise<Unit> {
  const [row] = await db.query<Unit>(
    `UPDATE units u SET status = $3, status_since = $6, incident_id = $4, destination_id = $5 WHERE u.tenant = $1 AND u.id = $2 RETURNING ${UNIT}`,
    [tenant, id, status, incidentId, destinationId, at.toISOString()],
  )
  return row
}

/** Stores a position in the track; moves the unit only if it is newer than what it has. Returns the unit when moved. */
export async function recordPosition(
  db: Queryable,
  tenant: string,
  id: string,
  p: { location: GeoPoint; at: Date; speedKmh: number | null; heading: number | null },
): Promise<Unit | null> {
  await db.query(
    `INSERT INTO unit_positions (tenant, unit_id, at, location, speed_kmh, heading) VALUES ($1, $2, $3, ${point('$4')}, $5, $6)
     ON CONFLICT DO NOTHING`,
    [tenant, id, p.at.toISOString(), JSON.stringify(p.location), p.speedKmh, p.heading],
  )
  const [row] = await db.query<Unit>(
    `UPDATE units u SET location = ${point('$3')}, position_at = $4
     WHERE u.tenant = $1 AND u.id = $2 AND (u.position_at IS NULL OR u.position_at < $4) RETURNING ${UNIT}`,
    [tenant, id, JSON.stringify(p.location), p.at.toISOString()],
  )
  return row ?? null
}

/** Tenants with incidents closed before `before` that still hold a caller's contact. */
export async function tenantsWithExpiredCallers(db: Queryable, before: Date): Promise<string[]> {
  const rows = await db.query<{ tenant: string }>(
    `SELECT DISTINCT i.tenant FROM incidents i
     WHERE i.closed_at < $1 AND (i.caller_name IS NOT NULL OR i.caller_phone IS NOT NULL
       OR EXISTS (SELECT 1 FROM incident_timeline t WHERE t.tenant = i.tenant AND t.incident_id = i.id AND t.kind = 'call' AND t.data->'caller' IS NOT NULL))`,
    [before.toISOString()],
  )
  return rows.map((r) => r.tenant)
}

/** Erases the callers of a tenant's incidents closed before `before` (the incident's and its later calls'); returns how many incidents. */
export async function eraseCallers(db: Queryable, tenant: string, before: Date): Promise<number> {
  const params = [tenant, before.toISOString()]
  const incidents = await db.query<{ id: string }>(
    `UPDATE incidents SET caller_name = NULL, caller_phone = NULL
     WHERE tenant = $1 AND closed_at < $2 AND (caller_name IS NOT NULL OR caller_phone IS NOT NULL) RETURNING id`,
    params,
  )
  const calls = await db.query<{ id: string }>(
    `UPDATE incident_timeline t SET data = t.data - 'caller' FROM incidents i
     WHERE t.tenant = $1 AND i.tenant = t.tenant AND i.id = t.incident_id AND i.closed_at < $2 AND t.kind = 'call' AND t.data->'caller' IS NOT NULL
     RETURNING t.incident_id AS id`,
    params,
  )
  return new Set([...incidents, ...calls].map((r) => r.id)).size
}

/** Drops track points older than `days`; returns how many. */
export async function pruneTracks(db: Queryable, days: number): Promise<number> {
  const rows = await db.query('DELETE FROM unit_positions WHERE at < now() - make_interval(days => $1) RETURNING 1', [days])
  return rows.length
}

export async function track(db: Queryable, tenant: string, id: string, from: Date, to: Date) {
  return db.query<{ at: string; location: GeoPoint; speedKmh: number | null }>(
    `SELECT ${iso('at')} AS at, ST_AsGeoJSON(location, 7)::json AS location, speed_kmh AS "speedKmh" FROM unit_positions
     WHERE tenant = $1 AND unit_id = $2 AND at >= $3 AND at < $4 ORDER BY at LIMIT 10000`,
    [tenant, id, from.toISOString(), to.toISOString()],
  )
}

export interface Candidate {
  unitId: string
  callsign: string
  kind: UnitKind
  status: UnitStatus
  location: GeoPoint
  straightM: number
}

/** Where an incident is, the unit kinds it needs (in order of preference), and the nearest available units of those kinds. */
export interface NearestUnits {
  to: [number, number]
  kinds: UnitKind[]
  candidates: Candidate[]
}

/**
 * In one statement: the incident's point, the unit kinds of its type (the tenant's own type, else the default
 * `defaultKinds`, else every kind) and, per kind, the `perKind` nearest available units by KNN on the partial
 * GiST index of available units, with their straight-line distance on the spheroid. Null: no such incident.
 */
export async function nearestAvailableTo(
  db: Queryable,
  tenant: string,
  incidentId: string,
  defaultKinds: Readonly<Record<string, readonly UnitKind[]>>,
  allKinds: readonly UnitKind[],
  perKind: number,
): Promise<NearestUnits | null> {
  const rows = await db.query<{ lon: number; lat: number; kinds: UnitKind[] } & ({ [K in keyof Candidate]: Candidate[K] } | { [K in keyof Candidate]: null })>(
    `WITH i AS (
       SELECT n.location AS g, ST_X(n.location) AS lon, ST_Y(n.location) AS lat,
         coalesce(nullif(coalesce(
           (SELECT t.unit_kinds FROM incident_types t WHERE t.tenant = n.tenant AND t.code = n.type),
           ARRAY(SELECT jsonb_array_elements_text($3::jsonb -> n.type))), '{}'), $4::text[]) AS kinds
       FROM incidents n WHERE n.tenant = $1 AND n.id = $2)
     SELECT i.lon, i.lat, i.kinds, c.* FROM i LEFT JOIN LATERAL (
       SELECT u.* FROM unnest(i.kinds) AS k(kind) CROSS JOIN LATERAL (
         SELECT u.id AS "unitId", u.callsign, u.kind, u.status, ST_AsGeoJSON(u.location, 7)::json AS location,
           round(ST_Distance(u.location::geography, i.g::geography))::int AS "straightM"
         FROM units u
         WHERE u.tenant = $1 AND u.status = 'available' AND u.archived_at IS NULL AND u.kind = k.kind AND u.location IS NOT NULL
         ORDER BY u.location <-> i.g LIMIT $5) u) c ON true`,
    [tenant, incidentId, JSON.stringify(defaultKinds), allKinds, perKind],
  )
  if (rows.length === 0) return null
  const candidates: Candidate[] = []
  for (const r of rows) {
    if (r.unitId !== null)
      candidates.push({ unitId: r.unitId, callsign: r.callsign, kind: r.kind, status: r.status, location: r.location, straightM: r.straightM })
  }
  return { to: [rows[0].lon, rows[0].lat], kinds: rows[0].kinds, candidates }
}

// Dispatches

const DISPATCH = `d.id, d.incident_id AS "incidentId", d.unit_id AS "unitId", u.callsign, u.kind, u.status AS "unitStatus",
  d.assigned_by AS "assignedBy", ${iso('d.assigned_at')} AS "assignedAt", d.eta_seconds AS "etaSeconds", d.distance_m AS "distanceM",
  ${iso('d.released_at')} AS "releasedAt"`

export async function insertDispatch(
  db: Queryable,
  tenant: string,
  d: { incidentId: string; unitId: string; assignedBy: string | null; etaSeconds: number | null; distanceM: number | null; at: Date },
): Promise<Dispatch> {
  const [{ id }] = await db.query<{ id: string }>(
    `INSERT INTO dispatches (tenant, incident_id, unit_id, assigned_by, eta_seconds, distance_m, assigned_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [tenant, d.incidentId, d.unitId, d.assignedBy, d.etaSeconds, d.distanceM, d.at.toISOString()],
  )
  const [row] = await db.query<Dispatch>(
    `SELECT ${DISPATCH} FROM dispatches d JOIN units u ON u.tenant = d.tenant AND u.id = d.unit_id WHERE d.tenant = $1 AND d.id = $2`,
    [tenant, id],
  )
  return row
}

export async function dispatchesOf(db: Queryable, tenant: string, incidentId: string): Promise<Dispatch[]> {
  return db.query<Dispatch>(
    `SELECT ${DISPATCH} FROM dispatches d JOIN units u ON u.tenant = d.tenant AND u.id = d.unit_id
     WHERE d.tenant = $1 AND d.incident_id = $2 ORDER BY d.assigned_at, d.id`,
    [tenant, incidentId],
  )
}

/** Ends a unit's active dispatch; returns the incident it served. */
export async function releaseDispatch(db: Queryable, tenant: string, unitId: string, at: Date): Promise<string | null> {
  const [row] = await db.query<{ incident_id: string }>(
    'UPDATE dispatches SET released_at = $3 WHERE tenant = $1 AND unit_id = $2 AND released_at IS NULL RETURNING incident_id',
    [tenant, unitId, at.toISOString()],
  )
  return row?.incident_id ?? null
}

/** Units still serving an incident, locked for the caller's transaction. */
export async function activeUnitsOf(db: Queryable, tenant: string, incidentId: string): Promise<Unit[]> {
  return db.query<Unit>(`SELECT ${UNIT} FROM units u WHERE u.tenant = $1 AND u.incident_id = $2 AND u.archived_at IS NULL ORDER BY u.callsign FOR UPDATE`, [
    tenant,
    incidentId,
  ])
}

// Metrics

const stat = (from: string, to: string) => `json_build_object(
    'count', count(${to} - ${from}),
    'median', percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ${to} - ${from})),
    'p90', percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM ${to} - ${from})))`

/** Counts and median/p90 of each interval, per type and priority, per type, per priority and overall. */
export async function metrics(db: Queryable, tenant: string, from: Date, to: Date): Promise<MetricsRow[]> {
  return db.query<MetricsRow>(
    `SELECT type, priority, count(*) AS count,
       count(*) FILTER (WHERE status IN ('new', 'dispatched', 'on_scene')) AS open,
       count(*) FILTER (WHERE status = 'closed') AS closed,
       count(*) FILTER (WHERE status = 'cancelled') AS cancelled,
       ${stat('created_at', 'dispatched_at')} AS "callToDispatch",
       ${stat('dispatched_at', 'on_scene_at')} AS "dispatchToOnScene",
       ${stat('on_scene_at', 'hospital_at')} AS "onSceneToHospital",
       ${stat('created_at', "CASE WHEN status = 'closed' THEN closed_at END")} AS total
     FROM incidents WHERE tenant = $1 AND created_at >= $2 AND created_at < $3
     GROUP BY GROUPING SETS ((type, priority), (type), (priority), ())
     ORDER BY type NULLS FIRST, priority NULLS FIRST`,
    [tenant, from.toISOString(), to.toISOString()],
  )
}
