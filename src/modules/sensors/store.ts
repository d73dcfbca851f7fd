import { type Acknowledged, acknowledgeActive } from '../../core/db/acknowledge.ts'
import type { Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { DeviceKind, KindIcon, KindMetric, KindRule } from './catalogue.ts'
import type { Reading } from './payload.ts'
import type { Comparison } from './rules.ts'
import type { Alarm, CreateRule, Device, Rule, UpdateDevice, UpdateRule } from './schema.ts'

// This module's SQL and nothing else.

const iso = (column: string) => `to_json(${column}) #>> '{}'`

const DEVICE = `d.id, d.name, d.kind, d.metrics, ST_AsGeoJSON(d.location, 7)::json AS location, d.agency_id AS "agencyId",
  d.interval_seconds AS "intervalSeconds", d.status, ${iso('d.last_seen_at')} AS "lastSeenAt", ${iso('d.created_at')} AS "createdAt",
  coalesce((SELECT json_object_agg(l.metric, json_build_object('value', l.value, 'at', ${iso('l.at')}))
            FROM latest_values l WHERE l.tenant = d.tenant AND l.device_id = d.id), '{}'::json) AS latest`

export interface DeviceRow {
  tenant: string
  id: string
  kind: string
  metrics: { name: string; unit: string }[]
  status: 'unknown' | 'online' | 'offline'
  token_hash: string
}

export async function insertDevice(
  db: Queryable,
  tenant: string,
  d: { id: string; name: string; kind: string; metrics: unknown; location: GeoPoint; agencyId: string | null; intervalSeconds: number; tokenHash: string },
): Promise<void> {
  await db.query(
    `INSERT INTO devices (tenant, id, name, kind, metrics, location, agency_id, interval_seconds, token_hash)
     VALUES ($1, $2, $3, $4, $5, ST_SetSRID(ST_GeomFromGeoJSON($6), 4326), $7, $8, $9)`,
    [tenant, d.id, d.name, d.kind, JSON.stringify(d.metrics), JSON.stringify(d.location), d.agencyId, d.intervalSeconds, d.tokenHash],
  )
}

export interface NewDevice {
  id: string
  name: string
  kind: string
  metrics: unknown
  location: GeoPoint
  agencyId: string | null
  intervalSeconds: number
  tokenHash: string
}

/** Registers many devices in one statement. */
export async function insertDevices(db: Queryable, tenant: string, d: NewDevice[]): Promise<void> {
  await db.query(
    `INSERT INTO devices (tenant, id, name, kind, metrics, location, agency_id, interval_seconds, token_hash)
     SELECT $1, x.id, x.name, x.kind, x.metrics::jsonb, ST_SetSRID(ST_GeomFromGeoJSON(x.location), 4326), x.agency_id, x.interval_seconds, x.token_hash
     FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::uuid[], $8::int[], $9::text[])
       AS x(id, name, kind, metrics, location, agency_id, interval_seconds, token_hash)`,
    [
      tenant,
      d.map((x) => x.id),
      d.map((x) => x.name),
      d.map((x) => x.kind),
      d.map((x) => JSON.stringify(x.metrics)),
      d.map((x) => JSON.stringify(x.location)),
      d.map((x) => x.agencyId),
      d.map((x) => x.intervalSeconds),
      d.map((x) => x.tokenHash),
    ],
  )
}

/** The kinds of the tenant's devices among these ids (archived ones aside). */
export async function kindsOfDevices(db: Queryable, tenant: string, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map()
  const rows = await db.query<{ id: string; kind: string }>('SELECT id, kind FROM devices WHERE tenant = $1 AND id = ANY($2::text[]) AND archived_at IS NULL', [
    tenant,
    ids,
  ])
  return new Map(rows.map((r) => [r.id, r.kind]))
}

/** Changes the name, place, agency and interval of many devices in one statement. */
export async function updateDevices(
  db: Queryable,
  tenant: string,
  d: { id: string; name: string; location: GeoPoint; agencyId: string | null; intervalSeconds: number }[],
): Promise<void> {
  await db.query(
    `UPDATE devices SET name = x.name, location = ST_SetSRID(ST_GeomFromGeoJSON(x.location), 4326), agency_id = x.agency_id, interval_seconds = x.interval_seconds
     FROM unnest($2::text[], $3::text[], $4::text[], $5::uuid[], $6::int[]) AS x(id, name, location, agency_id, interval_seconds)
     WHERE devices.tenant = $1 AND devices.id = x.id AND devices.archived_at IS NULL`,
    [tenant, d.map((x) => x.id), d.map((x) => x.name), d.map((x) => JSON.stringify(x.location)), d.map((x) => x.agencyId), d.map((x) => x.intervalSeconds)],
  )
}

export async function findDevice(db: Queryable, tenant: string, id: string): Promise<Device | null> {
  const [row] = await db.query<Device>(`SELECT ${DEVICE} FROM devices d WHERE d.tenant = $1 AND d.id = $2 AND d.archived_at IS NULL`, [tenant, id])
  return row ?? null
}

export async function listDevices(db: Queryable, tenant: string, limit: number, afterId: string | null): Promise<Device[]> {
  return db.query<Device>(
    `SELECT ${DEVICE} FROM devices d WHERE d.tenant = $1 AND d.archived_at IS NULL AND ($2::text IS NULL OR d.id > $2) ORDER BY d.id LIMIT $3`,
    [tenant, afterId, limit],
  )
}

export async function countDevices(db: Queryable, tenant: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM devices WHERE tenant = $1 AND archived_at IS NULL', [tenant])
  return row.n
}

export async function updateDevice(db: Queryable, tenant: string, id: string, d: UpdateDevice): Promise<boolean> {
  const rows = await db.query(
    `UPDATE devices SET name = coalesce($3, name),
       location = CASE WHEN $4::text IS NULL THEN location ELSE ST_SetSRID(ST_GeomFromGeoJSON($4), 4326) END,
       agency_id = CASE WHEN $5 THEN $6::uuid ELSE agency_id END, interval_seconds = coalesce($7, interval_seconds)
     WHERE tenant = $1 AND id = $2 AND archived_at IS NULL RETURNING id`,
    [tenant, id, d.name ?? null, d.location ? JSON.stringify(d.location) : null, d.agencyId !== undefined, d.agencyId ?? null, d.intervalSeconds ?? null],
  )
  return rows.length === 1
}

/** Archives a device (it no longer logs in); returns its name. */
export async function archiveDevice(db: Queryable, tenant: string, id: string): Promise<string | null> {
  const [row] = await db.query<{ name: string }>(
    'UPDATE devices SET archived_at = now() WHERE tenant = $1 AND id = $2 AND archived_at IS NULL RETURNING name',
    [tenant, id],
  )
  return row?.name ?? null
}

/** A device by its install-wide id, for credentials that carry no tenant (MQTT). */
export async function deviceForAuth(db: Queryable, id: string): Promise<DeviceRow | null> {
  const [row] = await db.query<DeviceRow>('SELECT tenant, id, kind, metrics, status, token_hash FROM devices WHERE id = $1 AND archived_at IS NULL', [id])
  return row ?? null
}

export async function setTokenHash(db: Queryable, tenant: string, id: string, tokenHash: string): Promise<boolean> {
  return (
    (await db.query('UPDATE devices SET token_hash = $3 WHERE tenant = $1 AND id = $2 AND archived_at IS NULL RETURNING id', [tenant, id, tokenHash]))
      .length === 1
  )
}

/** A reading of one device, as a batch of many devices' readings carries it. */
export interface DeviceReading extends Reading {
  tenant: string
  deviceId: string
}

/** The devices a batch names, by install-wide id (archived ones are left out). */
export async function devicesForIngest(db: Queryable, ids: string[]): Promise<DeviceRow[]> {
  return db.query<DeviceRow>('SELECT tenant, id, kind, metrics, status, token_hash FROM devices WHERE id = ANY($1::text[]) AND archived_at IS NULL', [ids])
}

const column = <T, V>(rows: T[], pick: (row: T) => V) => rows.map(pick)

/**
 * Many devices' readings in one statement. `skipStored`: a reading already stored (same device, metric and time)
 * is kept as it is; without it such a reading fails the statement (unique_violation).
 */
export async function insertReadings(db: Queryable, readings: DeviceReading[], skipStored: boolean): Promise<void> {
  await db.query(
    `INSERT INTO readings (tenant, device_id, metric, at, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[])${skipStored ? ' ON CONFLICT DO NOTHING' : ''}`,
    [
      column(readings, (r) => r.tenant),
      column(readings, (r) => r.deviceId),
      column(readings, (r) => r.metric),
      column(readings, (r) => r.at.toISOString()),
      column(readings, (r) => r.value),
    ],
  )
}

/** The latest value per device and metric, from a batch's newest of each (one row per device and metric). */
export async function upsertLatest(db: Queryable, latest: DeviceReading[]): Promise<void> {
  await db.query(
    `INSERT INTO latest_values (tenant, device_id, metric, at, value)
     SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::timestamptz[], $5::float8[])
     ON CONFLICT (tenant, device_id, metric) DO UPDATE SET at = EXCLUDED.at, value = EXCLUDED.value
       WHERE latest_values.at < EXCLUDED.at`,
    [
      column(latest, (r) => r.tenant),
      column(latest, (r) => r.deviceId),
      column(latest, (r) => r.metric),
      column(latest, (r) => r.at.toISOString()),
      column(latest, (r) => r.value),
    ],
  )
}

/**
 * Marks devices seen (each once, with its newest reading); returns those that were offline before, to tell them
 * coming back. Rows are locked in key order so concurrent batches cannot deadlock.
 */
export async function markSeen(db: Queryable, seen: { tenant: string; id: string; at: Date }[]): Promise<{ tenant: string; id: string }[]> {
  const rows = await db.query<{ tenant: string; id: string; was_offline: boolean }>(
    `WITH seen AS (SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS s(tenant, id, at)),
     before AS (SELECT d.tenant, d.id, d.status FROM devices d JOIN seen s ON s.tenant = d.tenant AND s.id = d.id ORDER BY d.tenant, d.id FOR UPDATE OF d)
     UPDATE devices d SET status = 'online', last_seen_at = greatest(coalesce(d.last_seen_at, s.at), s.at)
     FROM seen s, before b
     WHERE d.tenant = s.tenant AND d.id = s.id AND b.tenant = d.tenant AND b.id = d.id
     RETURNING d.tenant, d.id, b.status = 'offline' AS was_offline`,
    [column(seen, (r) => r.tenant), column(seen, (r) => r.id), column(seen, (r) => r.at.toISOString())],
  )
  return rows.filter((r) => r.was_offline)
}

/** Adds to the per-device, day and reason counts of refused readings (one row per device and reason). */
export async function countRejections(
  db: Queryable,
  day: string,
  counts: { tenant: string; deviceId: string; reason: string; count: number }[],
): Promise<void> {
  if (counts.length === 0) return
  await db.query(
    `INSERT INTO ingest_rejections (tenant, device_id, day, reason, count)
     SELECT t, d, $1::date, r, c FROM unnest($2::text[], $3::text[], $4::text[], $5::bigint[]) AS x(t, d, r, c)
     ON CONFLICT (tenant, device_id, day, reason) DO UPDATE SET count = ingest_rejections.count + EXCLUDED.count`,
    [day, column(counts, (c) => c.tenant), column(counts, (c) => c.deviceId), column(counts, (c) => c.reason), column(counts, (c) => c.count)],
  )
}

export async function rejectionCounts(db: Queryable, tenant: string, deviceId: string): Promise<Record<string, number>> {
  const rows = await db.query<{ reason: string; n: number }>(
    'SELECT reason, sum(count) AS n FROM ingest_rejections WHERE tenant = $1 AND device_id = $2 GROUP BY reason',
    [tenant, deviceId],
  )
  return Object.fromEntries(rows.map((r) => [r.reason, r.n]))
}

export async function rawHistory(db: Queryable, tenant: string, deviceId: string, metric: string, from: Date, to: Date) {
  return db.query<{ t: string; value: number }>(
    `SELECT ${iso('at')} AS t, value FROM readings WHERE tenant = $1 AND device_id = $2 AND metric = $3 AND at >= $4 AND at < $5 ORDER BY at LIMIT 10000`,
    [tenant, deviceId, metric, from.toISOString(), to.toISOString()],
  )
}

export async function bucketHistory(db: Queryable, tenant: string, deviceId: string, metric: string, from: Date, to: Date, bucketSeconds: number) {
  return db.query<{ t: string; count: number; min: number; max: number; avg: number }>(
    `SELECT ${iso("date_bin(make_interval(secs => $6), at, '2000-01-01T00:00:00Z')")} AS t, count(*) AS count, min(value) AS min, max(value) AS max, avg(value) AS avg
     FROM readings WHERE tenant = $1 AND device_id = $2 AND metric = $3 AND at >= $4 AND at < $5
     GROUP BY 1 ORDER BY 1`,
    [tenant, deviceId, metric, from.toISOString(), to.toISOString(), bucketSeconds],
  )
}

// Rules and their running state

const RULE = `id, name, device_kind AS "deviceKind", device_id AS "deviceId", metric, comparison, threshold,
  duration_seconds AS "durationSeconds", hysteresis, severity, action, enabled`

export async function insertRule(db: Queryable, tenant: string, r: CreateRule): Promise<Rule> {
  const [row] = await db.query<Rule>(
    `INSERT INTO rules (tenant, name, device_kind, device_id, metric, comparison, threshold, duration_seconds, hysteresis, severity, action)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${RULE}`,
    [
      tenant,
      r.name,
      r.deviceKind ?? null,
      r.deviceId ?? null,
      r.metric,
      r.comparison,
      r.threshold,
      r.durationSeconds ?? 0,
      r.hysteresis ?? 0,
      r.severity,
      r.action ?? 'alarm',
    ],
  )
  return row
}

export async function updateRule(db: Queryable, tenant: string, id: string, r: UpdateRule): Promise<Rule | null> {
  const [row] = await db.query<Rule>(
    `UPDATE rules SET name = coalesce($3, name), comparison = coalesce($4, comparison), threshold = coalesce($5, threshold),
       duration_seconds = coalesce($6, duration_seconds), hysteresis = coalesce($7, hysteresis), severity = coalesce($8, severity),
       action = coalesce($9, action), enabled = coalesce($10, enabled)
     WHERE tenant = $1 AND id = $2 RETURNING ${RULE}`,
    [
      tenant,
      id,
      r.name ?? null,
      r.comparison ?? null,
      r.threshold ?? null,
      r.durationSeconds ?? null,
      r.hysteresis ?? null,
      r.severity ?? null,
      r.action ?? null,
      r.enabled ?? null,
    ],
  )
  return row ?? null
}

/** Deletes a rule with its running state. */
export async function deleteRule(db: Queryable, tenant: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM rules WHERE tenant = $1 AND id = $2 RETURNING id', [tenant, id])
  if (rows.length === 0) return false
  await db.query('DELETE FROM rule_states WHERE tenant = $1 AND rule_id = $2', [tenant, id])
  return true
}

/** Open alarms of a device or of a rule. */
export async function openAlarmIds(db: Queryable, tenant: string, of: { deviceId: string } | { ruleId: string }): Promise<string[]> {
  const [column, value] = 'deviceId' in of ? ['device_id', of.deviceId] : ['rule_id::text', of.ruleId]
  const rows = await db.query<{ id: string }>(`SELECT id FROM alarms WHERE tenant = $1 AND ${column} = $2 AND status <> 'cleared'`, [tenant, value])
  return rows.map((r) => r.id)
}

export async function listRules(db: Queryable, tenant: string): Promise<Rule[]> {
  return db.query<Rule>(`SELECT ${RULE} FROM rules WHERE tenant = $1 ORDER BY name, id`, [tenant])
}

export interface RuleWithState {
  id: string
  name: string
  metric: string
  comparison: Comparison
  threshold: number
  duration_seconds: number
  hysteresis: number
  severity: string
  action: string
  breach_since: Date | null
  open_alarm: string | null
}

/** The enabled rules that watch a batch's devices (by id or kind), with their state for each device. */
export async function rulesForDevices(
  db: Queryable,
  devices: { tenant: string; id: string; kind: string }[],
): Promise<(RuleWithState & { device_id: string })[]> {
  return db.query<RuleWithState & { device_id: string }>(
    `SELECT x.device_id, r.id, r.name, r.metric, r.comparison, r.threshold, r.duration_seconds, r.hysteresis, r.severity, r.action,
       s.breach_since,
       (SELECT a.id FROM alarms a WHERE a.tenant = r.tenant AND a.device_id = x.device_id AND a.rule_id = r.id AND a.status <> 'cleared') AS open_alarm
     FROM unnest($1::text[], $2::text[], $3::text[]) AS x(tenant, device_id, kind)
     JOIN rules r ON r.tenant = x.tenant AND r.enabled AND (r.device_id = x.device_id OR r.device_kind = x.kind)
     LEFT JOIN rule_states s ON s.tenant = r.tenant AND s.rule_id = r.id AND s.device_id = x.device_id
     ORDER BY x.device_id, r.id`,
    [column(devices, (d) => d.tenant), column(devices, (d) => d.id), column(devices, (d) => d.kind)],
  )
}

export async function saveRuleState(db: Queryable, tenant: string, ruleId: string, deviceId: string, breachSince: Date | null): Promise<void> {
  await db.query(
    `INSERT INTO rule_states (tenant, rule_id, device_id, breach_since) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, rule_id, device_id) DO UPDATE SET breach_since = EXCLUDED.breach_since`,
    [tenant, ruleId, deviceId, breachSince?.toISOString() ?? null],
  )
}

// Alarms

const ALARM = `a.id, a.kind, a.rule_id AS "ruleId", a.device_id AS "deviceId", d.name AS "deviceName", a.severity, a.status, a.metric,
  a.value, a.threshold, ST_AsGeoJSON(d.location, 7)::json AS location, ${iso('a.raised_at')} AS "raisedAt",
  ${iso('a.acknowledged_at')} AS "acknowledgedAt", a.acknowledged_by AS "acknowledgedBy", ${iso('a.cleared_at')} AS "clearedAt"`

export async function insertAlarm(
  db: Queryable,
  tenant: string,
  a: {
    kind: 'threshold' | 'offline'
    ruleId: string | null
    deviceId: string
    severity: string
    metric: string | null
    value: number | null
    threshold: number | null
    at: Date
  },
): Promise<Alarm | null> {
  const [inserted] = await db.query<{ id: string }>(
    `INSERT INTO alarms (tenant, kind, rule_id, device_id, severity, metric, value, threshold, raised_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (tenant, device_id, coalesce(rule_id::text, kind)) WHERE status <> 'cleared' DO NOTHING RETURNING id`,
    [tenant, a.kind, a.ruleId, a.deviceId, a.severity, a.metric, a.value, a.threshold, a.at.toISOString()],
  )
  return inserted ? findAlarm(db, tenant, inserted.id) : null
}

export async function findAlarm(db: Queryable, tenant: string, id: string): Promise<Alarm | null> {
  const [row] = await db.query<Alarm>(
    `SELECT ${ALARM} FROM alarms a JOIN devices d ON d.tenant = a.tenant AND d.id = a.device_id WHERE a.tenant = $1 AND a.id = $2`,
    [tenant, id],
  )
  return row ?? null
}

export async function clearAlarm(db: Queryable, tenant: string, id: string, at: Date): Promise<Alarm | null> {
  const rows = await db.query(`UPDATE alarms SET status = 'cleared', cleared_at = $3 WHERE tenant = $1 AND id = $2 AND status <> 'cleared' RETURNING id`, [
    tenant,
    id,
    at.toISOString(),
  ])
  return rows.length ? findAlarm(db, tenant, id) : null
}

export async function openOfflineAlarm(db: Queryable, tenant: string, deviceId: string): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(`SELECT id FROM alarms WHERE tenant = $1 AND device_id = $2 AND kind = 'offline' AND status <> 'cleared'`, [
    tenant,
    deviceId,
  ])
  return row?.id ?? null
}

export function acknowledgeAlarm(db: Queryable, tenant: string, id: string, by: string): Promise<Acknowledged> {
  return acknowledgeActive(db, 'alarms', tenant, id, by)
}

export async function listAlarms(db: Queryable, tenant: string, statuses: string[], limit: number, before: string | null): Promise<Alarm[]> {
  return db.query<Alarm>(
    `SELECT ${ALARM} FROM alarms a JOIN devices d ON d.tenant = a.tenant AND d.id = a.device_id
     WHERE a.tenant = $1 AND a.status = ANY($2::text[]) AND ($3::text IS NULL OR (${iso('a.raised_at')} || a.id::text) < $3)
     ORDER BY a.raised_at DESC, a.id DESC LIMIT $4`,
    [tenant, statuses, before, limit],
  )
}

export async function countAlarms(db: Queryable, tenant: string, statuses: string[]): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM alarms WHERE tenant = $1 AND status = ANY($2::text[])', [tenant, statuses])
  return row.n
}

/** Devices silent for longer than twice their interval that are not yet marked offline, across tenants. */
export async function silentDevices(db: Queryable, now: Date): Promise<{ tenant: string; id: string }[]> {
  return db.query<{ tenant: string; id: string }>(
    `SELECT tenant, id FROM devices
     WHERE archived_at IS NULL AND status <> 'offline'
       AND coalesce(last_seen_at, created_at) < $1::timestamptz - make_interval(secs => interval_seconds * 2)`,
    [now.toISOString()],
  )
}

export async function markOffline(db: Queryable, tenant: string, id: string): Promise<boolean> {
  return (await db.query(`UPDATE devices SET status = 'offline' WHERE tenant = $1 AND id = $2 AND status <> 'offline' RETURNING id`, [tenant, id])).length === 1
}

/** Creates the month partitions of readings from this month to `monthsAhead` later (idempotent). */
export async function ensureReadingPartitions(db: Queryable, now: Date, monthsAhead: number): Promise<void> {
  for (let i = 0; i <= monthsAhead; i++) {
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + i, 1))
    const end = new Date(Date.UTC(start.getUTCFullYear(), start.getUTCMonth() + 1, 1))
    const name = `readings_${start.getUTCFullYear()}_${String(start.getUTCMonth() + 1).padStart(2, '0')}`
    const exists = await db.query('SELECT 1 FROM pg_class WHERE relname = $1', [name])
    if (exists.length) continue
    // Rows already in the default partition for that month must move into the new one.
    await db.query(`CREATE TABLE ${name} (LIKE readings INCLUDING ALL)`)
    await db.query(`WITH moved AS (DELETE FROM readings_default WHERE at >= $1 AND at < $2 RETURNING *) INSERT INTO ${name} SELECT * FROM moved`, [
      start.toISOString(),
      end.toISOString(),
    ])
    await db.query(`ALTER TABLE readings ATTACH PARTITION ${name} FOR VALUES FROM ('${start.toISOString()}') TO ('${end.toISOString()}')`)
  }
}

/** Drops month partitions that end before the retention horizon; returns their names. */
export async function dropOldPartitions(db: Queryable, horizon: Date): Promise<string[]> {
  const rows = await db.query<{
    name: string
  }>(`SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
     WHERE p.relname = 'readings' AND c.relname ~ '^readings_[0-9]{4}_[0-9]{2}$'`)
  const dropped: string[] = []
  for (const { name } of rows) {
    const [, year, month] = name.split('_')
    const end = new Date(Date.UTC(Number(year), Number(month), 1))
    if (end <= horizon) {
      await db.query(`DROP TABLE ${name}`)
      dropped.push(name)
    }
  }
  await db.query('DELETE FROM readings_default WHERE at < $1', [horizon.toISOString()])
  return dropped
}

// Device kinds a tenant changed or added (the built-in ones are in catalogue.ts)

interface KindRow {
  code: string
  label_id: string
  label_en: string
  metrics: KindMetric[]
  default_rules: KindRule[]
  icon: KindIcon
  color: string
  is_active: boolean
}

export async function tenantKinds(db: Queryable, tenant: string): Promise<DeviceKind[]> {
  const rows = await db.query<KindRow>(
    'SELECT code, label_id, label_en, metrics, default_rules, icon, color, is_active FROM device_kinds WHERE tenant = $1 ORDER BY code',
    [tenant],
  )
  return rows.map((r) => ({
    code: r.code,
    label: { id: r.label_id, en: r.label_en },
    metrics: r.metrics,
    defaultRules: r.default_rules,
    icon: r.icon,
    color: r.color,
    isActive: r.is_active,
  }))
}

export async function upsertKind(db: Queryable, tenant: string, k: DeviceKind): Promise<void> {
  await db.query(
    `INSERT INTO device_kinds (tenant, code, label_id, label_en, metrics, default_rules, icon, color, is_active)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
     ON CONFLICT (tenant, code) DO UPDATE SET label_id = EXCLUDED.label_id, label_en = EXCLUDED.label_en, metrics = EXCLUDED.metrics,
       default_rules = EXCLUDED.default_rules, icon = EXCLUDED.icon, color = EXCLUDED.color, is_active = EXCLUDED.is_active`,
    [tenant, k.code, k.label.id, k.label.en, JSON.stringify(k.metrics), JSON.stringify(k.defaultRules), k.icon, k.color, k.isActive],
  )
}

/** Creates a kind's default rules as kind-wide rules, each once: a rule of that name for the kind is left as it is. */
export async function ensureKindRules(db: Queryable, tenant: string, kind: string, rules: KindRule[]): Promise<number> {
  if (rules.length === 0) return 0
  const inserted = await db.query(
    `INSERT INTO rules (tenant, name, device_kind, metric, comparison, threshold, duration_seconds, hysteresis, severity, action)
     SELECT $1, r.name, $2, r.metric, r.comparison, r.threshold, r."durationSeconds", r.hysteresis, r.severity, r.action
     FROM jsonb_to_recordset($3::jsonb) AS r(name text, metric text, comparison text, threshold float8, "durationSeconds" int, hysteresis float8, severity text, action text)
     WHERE NOT EXISTS (SELECT 1 FROM rules x WHERE x.tenant = $1 AND x.device_kind = $2 AND x.name = r.name)
     RETURNING id`,
    [tenant, kind, JSON.stringify(rules)],
  )
  return inserted.length
}

/** Onboarding: the kinds a template tenant changed or added; kinds the tenant already has stay as they are. */
export async function copyKinds(db: Queryable, from: string, to: string): Promise<string[]> {
  const rows = await db.query<{ code: string }>(
    `INSERT INTO device_kinds (tenant, code, label_id, label_en, metrics, default_rules, icon, color, is_active)
     SELECT $2, code, label_id, label_en, metrics, default_rules, icon, color, is_active FROM device_kinds WHERE tenant = $1
     ON CONFLICT (tenant, code) DO NOTHING RETURNING code`,
    [from, to],
  )
  return rows.map((r) => r.code)
}
