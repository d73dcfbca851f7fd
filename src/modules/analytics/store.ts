import { type Acknowledged, acknowledgeActive } from '../../core/db/acknowledge.ts'
import type { Queryable } from '../../core/db/database.ts'
import type { SealedColumn, Secrets } from '../../core/secrets.ts'
import type { Observation } from './observation.ts'
import { clockOf, minuteOf } from './rules.ts'
import type { AnalyticsRule, CameraMapping, Detection, RuleBody } from './schema.ts'

// This module's SQL and nothing else.

export const SEALED_COLUMNS: SealedColumn[] = ['broker_url', 'api_url', 'webhook_secret'].map((column) => ({ table: 'analytics_sources', column }))

export interface StoredSource {
  tenant: string
  id: string
  kind: 'frigate' | 'webhook'
  name: string
  brokerUrl: string | null
  topicPrefix: string
  apiUrl: string | null
  webhookSecret: string | null
  isActive: boolean
  createdAt: Date
}

interface SourceRow {
  tenant: string
  id: string
  kind: 'frigate' | 'webhook'
  name: string
  broker_url: string | null
  topic_prefix: string
  api_url: string | null
  webhook_secret: string | null
  is_active: boolean
  created_at: Date
}

const open = (secrets: Secrets, v: string | null) => (v ? secrets.open(v) : null)
const seal = (secrets: Secrets, v: string | null | undefined) => (v ? secrets.seal(v) : null)

function sourceOf(secrets: Secrets, r: SourceRow): StoredSource {
  return {
    tenant: r.tenant,
    id: r.id,
    kind: r.kind,
    name: r.name,
    brokerUrl: open(secrets, r.broker_url),
    topicPrefix: r.topic_prefix,
    apiUrl: open(secrets, r.api_url),
    webhookSecret: open(secrets, r.webhook_secret),
    isActive: r.is_active,
    createdAt: new Date(r.created_at),
  }
}

export async function insertSource(
  db: Queryable,
  secrets: Secrets,
  tenant: string,
  s: { kind: string; name: string; brokerUrl: string | null; topicPrefix: string; apiUrl: string | null; webhookSecret: string | null },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO analytics_sources (tenant, kind, name, broker_url, topic_prefix, api_url, webhook_secret)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [tenant, s.kind, s.name, seal(secrets, s.brokerUrl), s.topicPrefix, seal(secrets, s.apiUrl), seal(secrets, s.webhookSecret)],
  )
  return row.id
}

export async function updateSource(
  db: Queryable,
  secrets: Secrets,
  tenant: string,
  id: string,
  s: { name: string; brokerUrl: string | null; topicPrefix: string; apiUrl: string | null; isActive: boolean },
): Promise<void> {
  await db.query(`UPDATE analytics_sources SET name = $3, broker_url = $4, topic_prefix = $5, api_url = $6, is_active = $7 WHERE tenant = $1 AND id = $2`, [
    tenant,
    id,
    s.name,
    seal(secrets, s.brokerUrl),
    s.topicPrefix,
    seal(secrets, s.apiUrl),
    s.isActive,
  ])
}

export async function findSource(db: Queryable, secrets: Secrets, tenant: string, id: string): Promise<StoredSource | null> {
  const [row] = await db.query<SourceRow>('SELECT * FROM analytics_sources WHERE tenant = $1 AND id = $2', [tenant, id])
  return row ? sourceOf(secrets, row) : null
}

export async function listSources(db: Queryable, secrets: Secrets, tenant: string): Promise<StoredSource[]> {
  const rows = await db.query<SourceRow>('SELECT * FROM analytics_sources WHERE tenant = $1 ORDER BY name, id', [tenant])
  return rows.map((r) => sourceOf(secrets, r))
}

/** Every tenant's active Frigate sources: what the listeners subscribe to. */
export async function activeFrigateSources(db: Queryable, secrets: Secrets): Promise<StoredSource[]> {
  const rows = await db.query<SourceRow>(`SELECT * FROM analytics_sources WHERE kind = 'frigate' AND is_active ORDER BY tenant, id`)
  return rows.map((r) => sourceOf(secrets, r))
}

interface MappingRow {
  camera: string
  zone: string
  camera_id: string
  zone_label: string | null
}

export async function listMappings(db: Queryable, tenant: string, sourceId: string): Promise<CameraMapping[]> {
  const rows = await db.query<MappingRow>(
    'SELECT camera, zone, camera_id, zone_label FROM analytics_cameras WHERE tenant = $1 AND source_id = $2 ORDER BY camera, zone',
    [tenant, sourceId],
  )
  return rows.map((r) => ({ camera: r.camera, zone: r.zone === '' ? null : r.zone, cameraId: r.camera_id, zoneLabel: r.zone_label }))
}

export async function replaceMappings(db: Queryable, tenant: string, sourceId: string, items: readonly CameraMapping[]): Promise<void> {
  await db.query('DELETE FROM analytics_cameras WHERE tenant = $1 AND source_id = $2', [tenant, sourceId])
  if (items.length === 0) return
  await db.query(
    `INSERT INTO analytics_cameras (tenant, source_id, camera, zone, camera_id, zone_label)
     SELECT $1, $2, m.camera, m.zone, m.camera_id, m.zone_label
     FROM unnest($3::text[], $4::text[], $5::uuid[], $6::text[]) AS m(camera, zone, camera_id, zone_label)`,
    [tenant, sourceId, items.map((m) => m.camera), items.map((m) => m.zone ?? ''), items.map((m) => m.cameraId), items.map((m) => m.zoneLabel)],
  )
}

interface RuleRow {
  id: string
  name: string
  label: string
  zone: string | null
  camera_id: string | null
  min_score: number
  from_minute: number | null
  to_minute: number | null
  action: AnalyticsRule['action']
  severity: AnalyticsRule['severity']
  incident_type: string | null
  is_active: boolean
}

const ruleOf = (r: RuleRow): AnalyticsRule => ({
  id: r.id,
  name: r.name,
  label: r.label,
  zone: r.zone,
  cameraId: r.camera_id,
  minScore: Number(r.min_score),
  from: r.from_minute === null ? null : clockOf(r.from_minute),
  to: r.to_minute === null ? null : clockOf(r.to_minute),
  action: r.action,
  severity: r.severity,
  incidentType: r.incident_type,
  isActive: r.is_active,
})

export async function listRules(db: Queryable, tenant: string): Promise<AnalyticsRule[]> {
  return (await db.query<RuleRow>('SELECT * FROM analytics_rules WHERE tenant = $1 ORDER BY name, id', [tenant])).map(ruleOf)
}

export async function findRule(db: Queryable, tenant: string, id: string): Promise<AnalyticsRule | null> {
  const [row] = await db.query<RuleRow>('SELECT * FROM analytics_rules WHERE tenant = $1 AND id = $2', [tenant, id])
  return row ? ruleOf(row) : null
}

const ruleParams = (r: Required<RuleBody>) => [
  r.name,
  r.label,
  r.zone,
  r.cameraId,
  r.minScore,
  r.from === null ? null : minuteOf(r.from),
  r.to === null ? null : minuteOf(r.to),
  r.action,
  r.severity,
  r.incidentType,
  r.isActive,
]

export async function insertRule(db: Queryable, tenant: string, r: Required<RuleBody>): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO analytics_rules (tenant, name, label, zone, camera_id, min_score, from_minute, to_minute, action, severity, incident_type, is_active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
    [tenant, ...ruleParams(r)],
  )
  return row.id
}

export async function updateRule(db: Queryable, tenant: string, id: string, r: Required<RuleBody>): Promise<boolean> {
  const rows = await db.query(
    `UPDATE analytics_rules SET name = $3, label = $4, zone = $5, camera_id = $6, min_score = $7, from_minute = $8, to_minute = $9,
       action = $10, severity = $11, incident_type = $12, is_active = $13
     WHERE tenant = $1 AND id = $2 RETURNING id`,
    [tenant, id, ...ruleParams(r)],
  )
  return rows.length > 0
}

export async function deleteRule(db: Queryable, tenant: string, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM analytics_rules WHERE tenant = $1 AND id = $2 RETURNING id', [tenant, id])).length > 0
}

interface DetectionRow {
  id: string
  source_id: string
  event_id: string
  rule_name: string
  action: Detection['action']
  severity: Detection['severity']
  incident_type: string | null
  camera_id: string
  camera_name: string
  location: Detection['location']
  camera: string
  label: string
  zones: string[]
  zone_label: string | null
  score: number
  started_at: Date
  last_seen_at: Date
  ended_at: Date | null
  status: Detection['status']
  acknowledged_by: string | null
  has_snapshot: boolean
  incident_id: string | null
  incident_number: string | null
}

export type StoredDetection = Detection & { incidentType: string | null }

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString())

const detectionOf = (r: DetectionRow): StoredDetection => ({
  id: r.id,
  sourceId: r.source_id,
  eventId: r.event_id,
  ruleName: r.rule_name,
  action: r.action,
  severity: r.severity,
  incidentType: r.incident_type,
  cameraId: r.camera_id,
  cameraName: r.camera_name,
  location: r.location,
  camera: r.camera,
  label: r.label,
  zones: r.zones,
  zoneLabel: r.zone_label,
  score: Number(r.score),
  startedAt: new Date(r.started_at).toISOString(),
  lastSeenAt: new Date(r.last_seen_at).toISOString(),
  endedAt: iso(r.ended_at),
  status: r.status,
  acknowledgedBy: r.acknowledged_by,
  hasSnapshot: r.has_snapshot,
  incidentId: r.incident_id,
  incidentNumber: r.incident_number,
})

const DETECTION_COLUMNS = `id, source_id, event_id, rule_name, action, severity, incident_type, camera_id, camera_name, location, camera, label,
  zones, zone_label, score, started_at, last_seen_at, ended_at, status, acknowledged_by, snapshot IS NOT NULL AS has_snapshot, incident_id, incident_number`

export async function findDetection(db: Queryable, tenant: string, id: string): Promise<StoredDetection | null> {
  const [row] = await db.query<DetectionRow>(`SELECT ${DETECTION_COLUMNS} FROM analytics_detections WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ? detectionOf(row) : null
}

export async function findDetectionByEvent(db: Queryable, tenant: string, sourceId: string, eventId: string): Promise<StoredDetection | null> {
  const [row] = await db.query<DetectionRow>(`SELECT ${DETECTION_COLUMNS} FROM analytics_detections WHERE tenant = $1 AND source_id = $2 AND event_id = $3`, [
    tenant,
    sourceId,
    eventId,
  ])
  return row ? detectionOf(row) : null
}

export async function listDetections(db: Queryable, tenant: string, statuses: readonly string[], limit: number): Promise<StoredDetection[]> {
  const rows = await db.query<DetectionRow>(
    `SELECT ${DETECTION_COLUMNS} FROM analytics_detections WHERE tenant = $1 AND status = ANY($2::text[]) ORDER BY started_at DESC, id LIMIT $3`,
    [tenant, statuses, limit],
  )
  return rows.map(detectionOf)
}

/**
 * Inserts the detection of a source event unless one exists (the unique key decides between racing deliveries);
 * null when another delivery got there first.
 */
export async function insertDetection(
  db: Queryable,
  tenant: string,
  d: {
    sourceId: string
    seen: Observation
    rule: AnalyticsRule
    cameraId: string
    cameraName: string
    location: unknown
    zoneLabel: string | null
  },
): Promise<StoredDetection | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO analytics_detections (tenant, source_id, event_id, rule_id, rule_name, action, severity, incident_type, camera_id, camera_name,
       location, camera, label, zones, zone_label, score, started_at, ended_at, status, cleared_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
       CASE WHEN $18::timestamptz IS NULL THEN 'active' ELSE 'cleared' END, CASE WHEN $18::timestamptz IS NULL THEN NULL ELSE now() END)
     ON CONFLICT (tenant, source_id, event_id) DO NOTHING RETURNING id`,
    [
      tenant,
      d.sourceId,
      d.seen.eventId,
      d.rule.id,
      d.rule.name,
      d.rule.action,
      d.rule.severity,
      d.rule.incidentType,
      d.cameraId,
      d.cameraName,
      JSON.stringify(d.location),
      d.seen.camera,
      d.seen.label,
      d.seen.zones,
      d.zoneLabel,
      d.seen.score,
      d.seen.startedAt,
      d.seen.endedAt,
    ],
  )
  return row ? findDetection(db, tenant, row.id) : null
}

/** A later message of the same event: the best score and the zones so far; `ended` clears an open alarm. */
export async function updateDetection(db: Queryable, tenant: string, id: string, seen: Observation, ended: boolean): Promise<boolean> {
  const rows = await db.query<{ was: string }>(
    `UPDATE analytics_detections d SET score = greatest(d.score, $3), zones = ARRAY(SELECT DISTINCT unnest(d.zones || $4::text[]) ORDER BY 1),
       last_seen_at = now(),
       ended_at = CASE WHEN $5 THEN coalesce($6, now()) ELSE d.ended_at END,
       status = CASE WHEN $5 THEN 'cleared' ELSE d.status END,
       cleared_at = CASE WHEN $5 AND d.status <> 'cleared' THEN now() ELSE d.cleared_at END
     FROM (SELECT status AS was FROM analytics_detections WHERE tenant = $1 AND id = $2 FOR UPDATE) before
     WHERE d.tenant = $1 AND d.id = $2 RETURNING before.was`,
    [tenant, id, seen.score, seen.zones, ended, seen.endedAt],
  )
  return ended && rows[0]?.was !== undefined && rows[0].was !== 'cleared'
}

export async function saveSnapshot(db: Queryable, tenant: string, id: string, body: Buffer, contentType: string): Promise<void> {
  await db.query('UPDATE analytics_detections SET snapshot = $3, snapshot_type = $4 WHERE tenant = $1 AND id = $2', [tenant, id, body, contentType])
}

export async function snapshotOf(db: Queryable, tenant: string, id: string): Promise<{ body: Buffer; contentType: string } | null> {
  const [row] = await db.query<{ snapshot: Uint8Array | null; snapshot_type: string | null }>(
    'SELECT snapshot, snapshot_type FROM analytics_detections WHERE tenant = $1 AND id = $2',
    [tenant, id],
  )
  return row?.snapshot && row.snapshot_type ? { body: Buffer.from(row.snapshot), contentType: row.snapshot_type } : null
}

export async function linkIncident(db: Queryable, tenant: string, id: string, incident: { id: string; number: string }): Promise<void> {
  await db.query('UPDATE analytics_detections SET incident_id = $3, incident_number = $4 WHERE tenant = $1 AND id = $2', [
    tenant,
    id,
    incident.id,
    incident.number,
  ])
}

/** Acknowledges an active detection alarm, as sensor and camera alarms are. */
export function acknowledgeDetection(db: Queryable, tenant: string, id: string, actor: string): Promise<Acknowledged> {
  return acknowledgeActive(db, 'analytics_detections', tenant, id, actor)
}
