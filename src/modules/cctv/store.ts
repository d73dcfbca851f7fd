import { type Acknowledged, acknowledgeActive } from '../../core/db/acknowledge.ts'
import type { Queryable } from '../../core/db/database.ts'
import type { SealedColumn, Secrets } from '../../core/secrets.ts'
import type { Camera, CameraAlarm, CreateCamera } from './schema.ts'

// This module's SQL and nothing else.

/** Source URLs may carry a camera's login: stored sealed, opened only here. */
export const SEALED_COLUMNS: SealedColumn[] = ['snapshot_url', 'mjpeg_url', 'hls_url', 'rtsp_url'].map((column) => ({ table: 'cameras', column }))

const seal = (secrets: Secrets, url: string | null | undefined) => (url ? secrets.seal(url) : null)
const open = (secrets: Secrets, url: string | null) => (url ? secrets.open(url) : url)

function openSources<T extends { snapshot_url: string | null; mjpeg_url: string | null; hls_url: string | null; rtsp_url: string | null }>(
  secrets: Secrets,
  row: T,
): T {
  return {
    ...row,
    snapshot_url: open(secrets, row.snapshot_url),
    mjpeg_url: open(secrets, row.mjpeg_url),
    hls_url: open(secrets, row.hls_url),
    rtsp_url: open(secrets, row.rtsp_url),
  }
}

const iso = (column: string) => `to_json(${column}) #>> '{}'`
/**
 * The share of the last 30 days (or of the camera's life, when shorter) it was not in an outage: its offline
 * alarms are its outages, from the check that found it down to the one that found it back.
 */
const UPTIME = `round((1 - coalesce((
    SELECT sum(extract(epoch FROM coalesce(a.cleared_at, now()) - greatest(a.raised_at, w.since)))
    FROM camera_alarms a
    WHERE a.tenant = c.tenant AND a.camera_id = c.id AND a.kind = 'offline' AND coalesce(a.cleared_at, now()) > w.since
  ), 0) / greatest(extract(epoch FROM now() - w.since), 1))::numeric, 4)::float8
  FROM (SELECT greatest(now() - interval '30 days', c.created_at) AS since) w`
const CAMERA = `c.id, c.name, ST_AsGeoJSON(c.location, 7)::json AS location, c.agency_id AS "agencyId", c.is_public AS "isPublic",
  json_build_object('snapshot', c.snapshot_url IS NOT NULL OR c.rtsp_url IS NOT NULL, 'mjpeg', c.mjpeg_url IS NOT NULL, 'hls', c.hls_url IS NOT NULL,
    'rtsp', c.rtsp_url IS NOT NULL) AS views,
  c.status, ${iso('c.last_seen_at')} AS "lastSeenAt", c.response_ms AS "responseMs",
  CASE WHEN c.last_checked_at IS NOT NULL THEN (SELECT ${UPTIME}) END AS "uptime30d"`

export interface CameraRow {
  name: string
  location: unknown
  agency_id: string | null
  is_public: boolean
  snapshot_url: string | null
  mjpeg_url: string | null
  hls_url: string | null
  rtsp_url: string | null
  transcode: boolean
}

export async function cameraRow(db: Queryable, secrets: Secrets, tenant: string, id: string): Promise<CameraRow | null> {
  const [row] = await db.query<CameraRow>(
    `SELECT name, ST_AsGeoJSON(location, 7)::json AS location, agency_id, is_public, snapshot_url, mjpeg_url, hls_url, rtsp_url, transcode
     FROM cameras WHERE tenant = $1 AND id = $2 AND archived_at IS NULL FOR UPDATE`,
    [tenant, id],
  )
  return row ? openSources(secrets, row) : null
}

export async function updateCamera(db: Queryable, secrets: Secrets, tenant: string, id: string, c: CameraRow): Promise<void> {
  await db.query(
    `UPDATE cameras SET name = $3, location = ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), agency_id = $5, is_public = $6,
       snapshot_url = $7, mjpeg_url = $8, hls_url = $9, rtsp_url = $10, transcode = $11
     WHERE tenant = $1 AND id = $2`,
    [
      tenant,
      id,
      c.name,
      JSON.stringify(c.location),
      c.agency_id,
      c.is_public,
      seal(secrets, c.snapshot_url),
      seal(secrets, c.mjpeg_url),
      seal(secrets, c.hls_url),
      seal(secrets, c.rtsp_url),
      c.transcode,
    ],
  )
}

export async function archiveCamera(db: Queryable, tenant: string, id: string): Promise<string | null> {
  const [row] = await db.query<{ name: string }>(
    'UPDATE cameras SET archived_at = now() WHERE tenant = $1 AND id = $2 AND archived_at IS NULL RETURNING name',
    [tenant, id],
  )
  return row?.name ?? null
}

export interface CameraSources {
  id: string
  tenant: string
  name: string
  is_public: boolean
  status: string
  snapshot_url: string | null
  mjpeg_url: string | null
  hls_url: string | null
  rtsp_url: string | null
  transcode: boolean
}

export async function insertCamera(db: Queryable, secrets: Secrets, tenant: string, c: CreateCamera): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO cameras (tenant, name, location, agency_id, is_public, snapshot_url, mjpeg_url, hls_url, rtsp_url, transcode)
     VALUES ($1, $2, ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [
      tenant,
      c.name,
      JSON.stringify(c.location),
      c.agencyId ?? null,
      c.isPublic ?? false,
      seal(secrets, c.snapshotUrl),
      seal(secrets, c.mjpegUrl),
      seal(secrets, c.hlsUrl),
      seal(secrets, c.rtspUrl),
      c.transcode ?? false,
    ],
  )
  return row.id
}

export async function findCamera(db: Queryable, tenant: string, id: string): Promise<Camera | null> {
  const [row] = await db.query<Camera>(`SELECT ${CAMERA} FROM cameras c WHERE c.tenant = $1 AND c.id = $2 AND c.archived_at IS NULL`, [tenant, id])
  return row ?? null
}

export async function cameraSources(db: Queryable, secrets: Secrets, tenant: string, id: string): Promise<CameraSources | null> {
  const [row] = await db.query<CameraSources>(
    'SELECT id, tenant, name, is_public, status, snapshot_url, mjpeg_url, hls_url, rtsp_url, transcode FROM cameras WHERE tenant = $1 AND id = $2 AND archived_at IS NULL',
    [tenant, id],
  )
  return row ? openSources(secrets, row) : null
}

/** Cameras by name, or nearest first when a point is given; `publicOnly` for the public portal. */
export async function listCameras(
  db: Queryable,
  tenant: string,
  opts: { near: [number, number] | null; publicOnly: boolean; limit: number; after: string | null },
) {
  return db.query<Camera & { distanceM: number | null }>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($4::float8, $5::float8), 4326) AS g)
     SELECT ${CAMERA}, CASE WHEN $6 THEN ST_Distance(c.location::geography, p.g::geography) END AS "distanceM"
     FROM cameras c, p
     WHERE c.tenant = $1 AND c.archived_at IS NULL AND (NOT $2 OR c.is_public)
       AND ($3::text IS NULL OR c.name || '|' || c.id > $3)
     ORDER BY CASE WHEN $6 THEN c.location <-> p.g END, c.name, c.id
     LIMIT $7`,
    [tenant, opts.publicOnly, opts.after, opts.near?.[0] ?? 0, opts.near?.[1] ?? 0, opts.near !== null, opts.limit],
  )
}

export async function countCameras(db: Queryable, tenant: string, publicOnly: boolean): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM cameras WHERE tenant = $1 AND archived_at IS NULL AND (NOT $2 OR is_public)', [
    tenant,
    publicOnly,
  ])
  return row.n
}

export async function allCameraSources(db: Queryable, secrets: Secrets): Promise<CameraSources[]> {
  const rows = await db.query<CameraSources>(
    'SELECT id, tenant, name, is_public, status, snapshot_url, mjpeg_url, hls_url, rtsp_url, transcode FROM cameras WHERE archived_at IS NULL ORDER BY tenant, id',
  )
  return rows.map((row) => openSources(secrets, row))
}

/** Records a health check; returns the status before it, to tell a change. */
export async function recordCheck(db: Queryable, tenant: string, id: string, online: boolean, responseMs: number | null): Promise<string> {
  const [before] = await db.query<{ status: string }>('SELECT status FROM cameras WHERE tenant = $1 AND id = $2 FOR UPDATE', [tenant, id])
  await db.query(
    `UPDATE cameras SET status = $3, response_ms = $4, last_checked_at = now(), last_seen_at = CASE WHEN $3 = 'online' THEN now() ELSE last_seen_at END
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, online ? 'online' : 'offline', responseMs],
  )
  return before?.status ?? 'unknown'
}

// Alarms of cameras that stop answering.

const ALARM = `a.id, a.camera_id AS "cameraId", c.name AS "cameraName", a.kind, a.severity, a.status,
  ST_AsGeoJSON(c.location, 7)::json AS location, ${iso('a.raised_at')} AS "raisedAt", ${iso('a.acknowledged_at')} AS "acknowledgedAt",
  a.acknowledged_by AS "acknowledgedBy", ${iso('a.cleared_at')} AS "clearedAt"`
const ALARM_FROM = 'camera_alarms a JOIN cameras c ON c.tenant = a.tenant AND c.id = a.camera_id'
// The keyset of alarm lists: newest first.
const ALARM_KEY = `${iso('a.raised_at')} || a.id::text`

/** Opens the camera's offline alarm at `at`; null when one is already open. */
export async function raiseOfflineAlarm(db: Queryable, tenant: string, cameraId: string, at: Date): Promise<CameraAlarm | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO camera_alarms (tenant, camera_id, kind, severity, raised_at) VALUES ($1, $2, 'offline', 'waspada', $3)
     ON CONFLICT (tenant, camera_id, kind) WHERE status <> 'cleared' DO NOTHING RETURNING id`,
    [tenant, cameraId, at],
  )
  return row ? findAlarm(db, tenant, row.id) : null
}

/** Clears the camera's open offline alarm; null when none was open. */
export async function clearOfflineAlarm(db: Queryable, tenant: string, cameraId: string, at: Date): Promise<CameraAlarm | null> {
  const [row] = await db.query<{ id: string }>(
    `UPDATE camera_alarms SET status = 'cleared', cleared_at = $3 WHERE tenant = $1 AND camera_id = $2 AND kind = 'offline' AND status <> 'cleared' RETURNING id`,
    [tenant, cameraId, at],
  )
  return row ? findAlarm(db, tenant, row.id) : null
}

/** Clears every open alarm of a camera (it is archived); gives them. */
export async function clearCameraAlarms(db: Queryable, tenant: string, cameraId: string): Promise<CameraAlarm[]> {
  const rows = await db.query<{ id: string }>(
    `UPDATE camera_alarms SET status = 'cleared', cleared_at = now() WHERE tenant = $1 AND camera_id = $2 AND status <> 'cleared' RETURNING id`,
    [tenant, cameraId],
  )
  return Promise.all(rows.map(async (r) => (await findAlarm(db, tenant, r.id)) as CameraAlarm))
}

export function acknowledgeAlarm(db: Queryable, tenant: string, id: string, by: string): Promise<Acknowledged> {
  return acknowledgeActive(db, 'camera_alarms', tenant, id, by)
}

export async function findAlarm(db: Queryable, tenant: string, id: string): Promise<CameraAlarm | null> {
  const [row] = await db.query<CameraAlarm>(`SELECT ${ALARM} FROM ${ALARM_FROM} WHERE a.tenant = $1 AND a.id = $2`, [tenant, id])
  return row ?? null
}

/** Alarms newest first, of the tenant or of one camera (its history), in the given statuses. */
export async function listAlarms(
  db: Queryable,
  tenant: string,
  opts: { statuses: string[]; cameraId: string | null; limit: number; after: string | null },
): Promise<(CameraAlarm & { key: string })[]> {
  return db.query<CameraAlarm & { key: string }>(
    `SELECT ${ALARM}, ${ALARM_KEY} AS key FROM ${ALARM_FROM}
     WHERE a.tenant = $1 AND a.status = ANY($2::text[]) AND ($3::uuid IS NULL OR a.camera_id = $3) AND ($4::text IS NULL OR ${ALARM_KEY} < $4)
     ORDER BY ${ALARM_KEY} DESC LIMIT $5`,
    [tenant, opts.statuses, opts.cameraId, opts.after, opts.limit],
  )
}

export async function countAlarms(db: Queryable, tenant: string, statuses: string[], cameraId: string | null): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM camera_alarms WHERE tenant = $1 AND status = ANY($2::text[]) AND ($3::uuid IS NULL OR camera_id = $3)',
    [tenant, statuses, cameraId],
  )
  return row.n
}
