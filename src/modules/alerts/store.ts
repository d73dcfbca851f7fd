import { createHash } from 'node:crypto'
import type { Queryable } from '../../core/db/database.ts'
import { GEOM_TO_GEOJSON } from '../../core/geo/geojson.ts'
import type { SealedColumn } from '../../core/secrets.ts'
import type { AlertStatus, Area, English, MsgType } from './schema.ts'

// The alerts module's SQL and nothing else.

export interface StoredInfo {
  event: string
  category: string[]
  responseType: string[]
  urgency: string
  severity: string
  certainty: string
  senderName: string | null
  headline: string | null
  description: string | null
  instruction: string | null
  contact: string | null
  web: string | null
}

export interface StoredRegion {
  code: string
  name: string
  level: string
  /** Simplified boundary (GeoJSON) as it was when the region was chosen. */
  geometry: { type: string; coordinates: unknown }
}

export interface AlertRow {
  id: string
  identifier: string
  thread: string
  msgType: MsgType
  status: AlertStatus
  info: StoredInfo
  english: English | null
  regions: StoredRegion[]
  area: Area | null
  areaDesc: string
  effective: Date | null
  onset: Date | null
  expires: Date
  refs: string[]
  source: string
  incidentId: string | null
  alarmId: string | null
  sourceKey: string | null
  author: string
  /** Everyone else who changed the draft. */
  editors: string[]
  approver: string | null
  sentAt: Date | null
  createdAt: Date
  updatedAt: Date
}

const COLUMNS = `id, identifier, thread, msg_type AS "msgType", status, info, english, regions, area, area_desc AS "areaDesc",
  effective, onset, expires, refs, source, incident_id AS "incidentId", alarm_id AS "alarmId", source_key AS "sourceKey",
  author, editors, approver, sent_at AS "sentAt", created_at AS "createdAt", updated_at AS "updatedAt"`

export interface AlertWrite {
  info: StoredInfo
  english: English | null
  regions: StoredRegion[]
  area: Area | null
  areaDesc: string
  effective: Date | null
  onset: Date | null
  expires: Date
}

/**
 * SQL of the footprint: the regions' boundaries and the drawn area collected as one MultiPolygon ($n = a JSON
 * list of GeoJSON texts). Collected, not unioned: PGlite's ST_Union loses whole rows on some city layers.
 */
const FOOTPRINT = (param: string) =>
  `(SELECT ST_CollectionExtract(ST_Collect(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)), 3) FROM jsonb_array_elements_text(${param}::jsonb) AS g)`

/** GeoJSON geometries whose union is the area an alert covers (circles as buffered points). */
export async function footprintParts(db: Queryable, write: Pick<AlertWrite, 'regions' | 'area'>): Promise<string> {
  const parts = write.regions.map((r) => JSON.stringify(r.geometry))
  if (write.area?.type === 'Feature') {
    const [lon, lat] = write.area.geometry.coordinates
    const [row] = await db.query<{ g: string }>('SELECT ST_AsGeoJSON(ST_Buffer(ST_SetSRID(ST_MakePoint($1, $2), 4326)::geography, $3)::geometry, 6) AS g', [
      lon,
      lat,
      write.area.properties.radius,
    ])
    parts.push(row.g)
  } else if (write.area) parts.push(JSON.stringify(write.area))
  return JSON.stringify(parts)
}

/** Why a drawn polygon cannot be an area (self-crossing, …); null when it can. */
export async function areaProblem(db: Queryable, geojson: string): Promise<string | null> {
  const [row] = await db.query<{ reason: string | null }>(
    `SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END AS reason FROM (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) s`,
    [geojson],
  )
  return row.reason
}

/** A region boundary simplified for the feed (about 50 m of tolerance, topology kept). */
export async function simplify(db: Queryable, geojson: string): Promise<{ type: string; coordinates: unknown }> {
  const [row] = await db.query<{ g: { type: string; coordinates: unknown } }>(
    `SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326), 0.0005), 6)::json AS g`,
    [geojson],
  )
  return row.g
}

export async function insertAlert(
  db: Queryable,
  tenant: string,
  row: AlertWrite & {
    id: string
    identifier: string
    thread: string
    msgType: MsgType
    refs: string[]
    source: string
    incidentId: string | null
    alarmId: string | null
    sourceKey: string | null
    author: string
    footprint: string
  },
): Promise<AlertRow | null> {
  const [inserted] = await db.query<AlertRow>(
    `INSERT INTO alerts (tenant, id, identifier, thread, msg_type, status, info, english, regions, area, area_desc, footprint,
       effective, onset, expires, refs, source, incident_id, alarm_id, source_key, author)
     VALUES ($1, $2, $3, $4, $5, 'draft', $6, $7, $8, $9, $10, ${FOOTPRINT('$11')}, $12, $13, $14, $15, $16, $17, $18, $19, $20)
     ON CONFLICT DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      tenant,
      row.id,
      row.identifier,
      row.thread,
      row.msgType,
      JSON.stringify(row.info),
      row.english ? JSON.stringify(row.english) : null,
      JSON.stringify(row.regions),
      row.area ? JSON.stringify(row.area) : null,
      row.areaDesc,
      row.footprint,
      row.effective,
      row.onset,
      row.expires,
      row.refs,
      row.source,
      row.incidentId,
      row.alarmId,
      row.sourceKey,
      row.author,
    ],
  )
  return inserted ?? null
}

export async function updateDraft(db: Queryable, tenant: string, id: string, editor: string, write: AlertWrite & { footprint: string }): Promise<AlertRow> {
  const [row] = await db.query<AlertRow>(
    `UPDATE alerts SET info = $3, english = $4, regions = $5, area = $6, area_desc = $7, footprint = ${FOOTPRINT('$8')},
       effective = $9, onset = $10, expires = $11, updated_at = now(),
       editors = CASE WHEN $12 = author OR $12 = ANY(editors) THEN editors ELSE array_append(editors, $12::text) END
     WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      tenant,
      id,
      JSON.stringify(write.info),
      write.english ? JSON.stringify(write.english) : null,
      JSON.stringify(write.regions),
      write.area ? JSON.stringify(write.area) : null,
      write.areaDesc,
      write.footprint,
      write.effective,
      write.onset,
      write.expires,
      editor,
    ],
  )
  return row
}

/** Locks the row for a state change. */
export async function findAlert(db: Queryable, tenant: string, id: string, lock = false): Promise<AlertRow | null> {
  const [row] = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE tenant = $1 AND id = $2${lock ? ' FOR UPDATE' : ''}`, [tenant, id])
  return row ?? null
}

export async function findByIdentifier(db: Queryable, tenant: string, identifier: string): Promise<AlertRow | null> {
  const [row] = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE tenant = $1 AND identifier = $2`, [tenant, identifier])
  return row ?? null
}

export async function findBySourceKey(db: Queryable, tenant: string, key: string): Promise<AlertRow | null> {
  const [row] = await db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE tenant = $1 AND source_key = $2`, [tenant, key])
  return row ?? null
}

/** The messages of a thread, oldest first. */
export async function threadOf(db: Queryable, tenant: string, thread: string): Promise<AlertRow[]> {
  return db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE tenant = $1 AND thread = $2 ORDER BY created_at, identifier`, [tenant, thread])
}

export async function setStatus(
  db: Queryable,
  tenant: string,
  id: string,
  status: AlertStatus,
  extra: { approver?: string; sentAt?: Date } = {},
): Promise<AlertRow> {
  const [row] = await db.query<AlertRow>(
    `UPDATE alerts SET status = $3, approver = coalesce($4, approver), sent_at = coalesce($5, sent_at), updated_at = now()
     WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [tenant, id, status, extra.approver ?? null, extra.sentAt ?? null],
  )
  return row
}

/** A thread's published messages other than `except`, which a newer message replaces. */
export async function publishedOfThread(db: Queryable, tenant: string, thread: string, except: string): Promise<AlertRow[]> {
  return db.query<AlertRow>(`SELECT ${COLUMNS} FROM alerts WHERE tenant = $1 AND thread = $2 AND id <> $3 AND status = 'published' FOR UPDATE`, [
    tenant,
    thread,
    except,
  ])
}

/** Newest first, by identifier ({tenant}-{yyyy}-{serial} sorts by time). */
export async function listAlerts(db: Queryable, tenant: string, status: AlertStatus | undefined, limit: number, before: string | null) {
  const where = `tenant = $1 AND ($2::text IS NULL OR status = $2)`
  const items = await db.query<AlertRow>(
    `SELECT ${COLUMNS} FROM alerts WHERE ${where} AND ($4::text IS NULL OR identifier < $4) ORDER BY identifier DESC LIMIT $3`,
    [tenant, status ?? null, limit, before],
  )
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alerts WHERE ${where}`, [tenant, status ?? null])
  return { items, total: count.n }
}

/** Published alerts not yet expired, Cancel messages left out: what the public sees now. */
export async function activeAlerts(db: Queryable, tenant: string, now: Date): Promise<(AlertRow & { footprintGeo: unknown })[]> {
  return db.query<AlertRow & { footprintGeo: unknown }>(
    `SELECT ${COLUMNS}, ${GEOM_TO_GEOJSON('footprint')} AS "footprintGeo" FROM alerts
     WHERE tenant = $1 AND status = 'published' AND msg_type <> 'Cancel' AND expires > $2
     ORDER BY sent_at DESC, id`,
    [tenant, now],
  )
}

/** Marks published alerts past their expiry, every tenant at once; returns them. */
export async function expire(db: Queryable, now: Date): Promise<(AlertRow & { tenant: string })[]> {
  return db.query<AlertRow & { tenant: string }>(
    `UPDATE alerts SET status = 'expired', updated_at = now() WHERE status = 'published' AND expires <= $1 RETURNING tenant, ${COLUMNS}`,
    [now],
  )
}

/** A gateway webhook's signing secret, a browser's push keys, unsubscribe tokens and the Web Push private key are stored sealed. */
export const SEALED_COLUMNS: SealedColumn[] = [
  { table: 'alert_subscriptions', column: 'secret' },
  { table: 'alert_subscriptions', column: 'push_keys', json: true },
  { table: 'alert_subscriptions', column: 'unsubscribe_token' },
  { table: 'alert_vapid', column: 'private_key' },
]

// Subscriptions and deliveries

export interface SubscriptionRow {
  id: string
  kelurahan: string
  kecamatan: string | null
  channel: 'email' | 'webhook' | 'push' | 'whatsapp' | 'telegram' | 'sms'
  address: string
  secret: string | null
  pushKeys: { p256dh: string; auth: string } | null
  language: 'id' | 'en'
  /** Sealed; found by `unsubscribeHash`. */
  unsubscribeToken: string
  createdAt: Date
  /** Null for an e-mail address that has not confirmed yet: it gets no alerts. */
  confirmedAt: Date | null
}

const SUBSCRIPTION_COLUMNS = `id, kelurahan, kecamatan, channel, address, secret, push_keys AS "pushKeys", language,
  unsubscribe_token AS "unsubscribeToken", created_at AS "createdAt", confirmed_at AS "confirmedAt"`

/** What an address still to be confirmed carries: the keyed hash of the link's token and when it expires. */
export interface PendingConfirmation {
  tokenHash: string
  expiresAt: Date
}

export async function upsertSubscription(
  db: Queryable,
  tenant: string,
  s: Omit<SubscriptionRow, 'id' | 'createdAt' | 'confirmedAt'> & {
    kelurahanGeom: string | null
    createdBy: string | null
    unsubscribeHash: string
    /** Null: the subscription is active at once (push, gateway webhooks). */
    confirmation: PendingConfirmation | null
  },
): Promise<SubscriptionRow> {
  // A confirmed address stays confirmed; one still waiting gets a fresh link. An e-mail subscription keeps its
  // unsubscribe token (and, once confirmed, its language): anybody may ask to subscribe an address again.
  const [row] = await db.query<SubscriptionRow>(
    `INSERT INTO alert_subscriptions (tenant, kelurahan, kecamatan, kelurahan_geom, channel, address, secret, push_keys, language, unsubscribe_token, created_by,
       confirmed_at, confirm_token_hash, confirm_expires_at, unsubscribe_hash)
     VALUES ($1, $2, $3, ST_SetSRID(ST_GeomFromGeoJSON($4), 4326), $5, $6, $7, $8, $9, $10, $11, CASE WHEN $12::text IS NULL THEN now() END, $12, $13, $14)
     ON CONFLICT (tenant, kelurahan, channel, address) DO UPDATE SET secret = EXCLUDED.secret, push_keys = EXCLUDED.push_keys,
       language = CASE WHEN alert_subscriptions.channel = 'email' AND alert_subscriptions.confirmed_at IS NOT NULL THEN alert_subscriptions.language ELSE EXCLUDED.language END,
       unsubscribe_token = CASE WHEN alert_subscriptions.channel = 'email' THEN alert_subscriptions.unsubscribe_token ELSE EXCLUDED.unsubscribe_token END,
       unsubscribe_hash = CASE WHEN alert_subscriptions.channel = 'email' THEN alert_subscriptions.unsubscribe_hash ELSE EXCLUDED.unsubscribe_hash END,
       confirmed_at = coalesce(alert_subscriptions.confirmed_at, EXCLUDED.confirmed_at),
       confirm_token_hash = CASE WHEN alert_subscriptions.confirmed_at IS NULL THEN EXCLUDED.confirm_token_hash END,
       confirm_expires_at = CASE WHEN alert_subscriptions.confirmed_at IS NULL THEN EXCLUDED.confirm_expires_at END
     RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [
      tenant,
      s.kelurahan,
      s.kecamatan,
      s.kelurahanGeom,
      s.channel,
      s.address,
      s.secret,
      s.pushKeys ? JSON.stringify(s.pushKeys) : null,
      s.language,
      s.unsubscribeToken,
      s.createdBy,
      s.confirmation?.tokenHash ?? null,
      s.confirmation?.expiresAt.toISOString() ?? null,
      s.unsubscribeHash,
    ],
  )
  return row
}

/** Confirms the subscription whose link carries this token, while the link is valid; false when none does. */
export async function confirmByToken(db: Queryable, tenant: string, tokenHash: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE alert_subscriptions SET confirmed_at = now(), confirm_token_hash = NULL, confirm_expires_at = NULL
     WHERE tenant = $1 AND confirm_token_hash = $2 AND confirm_expires_at > now() RETURNING id`,
    [tenant, tokenHash],
  )
  return rows.length > 0
}

export async function listSubscriptions(db: Queryable, tenant: string, limit: number, after: string | null) {
  const items = await db.query<SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions WHERE tenant = $1 AND ($3::text IS NULL OR id::text > $3) ORDER BY id::text LIMIT $2`,
    [tenant, limit, after],
  )
  const [count] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM alert_subscriptions WHERE tenant = $1', [tenant])
  return { items, total: count.n }
}

export async function deleteByToken(db: Queryable, tenant: string, token: string): Promise<boolean> {
  const hash = createHash('sha256').update(token).digest('hex')
  const rows = await db.query('DELETE FROM alert_subscriptions WHERE tenant = $1 AND unsubscribe_hash = $2 RETURNING id', [tenant, hash])
  return rows.length > 0
}

export async function deleteSubscription(db: Queryable, tenant: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM alert_subscriptions WHERE tenant = $1 AND id = $2 RETURNING id', [tenant, id])
  return rows.length > 0
}

export async function findSubscription(db: Queryable, tenant: string, id: string): Promise<SubscriptionRow | null> {
  const [row] = await db.query<SubscriptionRow>(`SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ?? null
}

// Whether subscription `s` is in the reach of alert `a`.
const REACHES = `(s.kelurahan = ANY(a.codes) OR s.kecamatan = ANY(a.codes)
  OR (a.drawn AND s.kelurahan_geom IS NOT NULL AND ST_Intersects(s.kelurahan_geom, a.footprint)))`

/**
 * Subscribers an alert reaches: their kelurahan (or its kecamatan) was chosen, or their kelurahan meets the
 * drawn area. Creates one pending delivery each (once) and returns the new ones.
 */
export async function createDeliveries(db: Queryable, tenant: string, alertId: string): Promise<{ id: string }[]> {
  return db.query<{ id: string }>(
    `WITH a AS (SELECT id, footprint, area IS NOT NULL AS drawn,
                  ARRAY(SELECT r->>'code' FROM jsonb_array_elements(regions) AS r) AS codes
                FROM alerts WHERE tenant = $1 AND id = $2)
     INSERT INTO alert_deliveries (tenant, alert_id, subscription_id, channel, status)
     SELECT $1, a.id, s.id, s.channel, 'pending' FROM alert_subscriptions s, a
     WHERE s.tenant = $1 AND s.channel IN ('email', 'webhook', 'push') AND s.confirmed_at IS NOT NULL AND ${REACHES}
     ON CONFLICT DO NOTHING RETURNING id`,
    [tenant, alertId],
  )
}

/** The WhatsApp, Telegram and SMS subscribers an alert reaches: each address once, whatever number of kelurahan. */
export async function messagingSubscribers(
  db: Queryable,
  tenant: string,
  alertId: string,
): Promise<{ channel: 'whatsapp' | 'telegram' | 'sms'; address: string; language: 'id' | 'en' }[]> {
  return db.query(
    `WITH a AS (SELECT id, footprint, area IS NOT NULL AS drawn,
                  ARRAY(SELECT r->>'code' FROM jsonb_array_elements(regions) AS r) AS codes
                FROM alerts WHERE tenant = $1 AND id = $2)
     SELECT DISTINCT ON (s.channel, s.address) s.channel, s.address, s.language FROM alert_subscriptions s, a
     WHERE s.tenant = $1 AND s.channel IN ('whatsapp', 'telegram', 'sms') AND s.confirmed_at IS NOT NULL AND ${REACHES}
     ORDER BY s.channel, s.address, s.created_at`,
    [tenant, alertId],
  )
}

/** Waiting subscriptions of an address on a channel (a code replied on the channel confirms one of them). */
export async function pendingOf(db: Queryable, tenant: string, channel: string, address: string): Promise<SubscriptionRow[]> {
  return db.query<SubscriptionRow>(
    `SELECT ${SUBSCRIPTION_COLUMNS} FROM alert_subscriptions
     WHERE tenant = $1 AND channel = $2 AND address = $3 AND confirmed_at IS NULL AND confirm_expires_at > now()`,
    [tenant, channel, address],
  )
}

/** Confirms a waiting subscription whose hash matches; a Telegram one learns its chat (null when it already has one). */
export async function confirmByHash(db: Queryable, tenant: string, tokenHash: string, address?: string): Promise<SubscriptionRow | null> {
  const [row] = await db.query<SubscriptionRow>(
    `UPDATE alert_subscriptions s SET confirmed_at = now(), confirm_token_hash = NULL, confirm_expires_at = NULL, address = coalesce($3, s.address)
     WHERE s.tenant = $1 AND s.confirm_token_hash = $2 AND s.confirm_expires_at > now()
       AND ($3::text IS NULL OR NOT EXISTS (SELECT 1 FROM alert_subscriptions o
         WHERE o.tenant = s.tenant AND o.kelurahan = s.kelurahan AND o.channel = s.channel AND o.address = $3))
     RETURNING ${SUBSCRIPTION_COLUMNS}`,
    [tenant, tokenHash, address ?? null],
  )
  return row ?? null
}

/** STOP: every subscription of an address on a channel ends; returns how many. */
export async function deleteByAddress(db: Queryable, tenant: string, channel: string, address: string): Promise<number> {
  const rows = await db.query('DELETE FROM alert_subscriptions WHERE tenant = $1 AND channel = $2 AND address = $3 RETURNING id', [tenant, channel, address])
  return rows.length
}

export interface DeliveryRow {
  id: string
  alertId: string
  subscriptionId: string
  channel: string
  kelurahan: string
  status: 'pending' | 'delivered' | 'failed'
  attempts: number
  lastError: string | null
  createdAt: Date
  deliveredAt: Date | null
}

const DELIVERY_COLUMNS = `d.id, d.alert_id AS "alertId", d.subscription_id AS "subscriptionId", d.channel, coalesce(s.kelurahan, '') AS kelurahan,
  d.status, d.attempts, d.last_error AS "lastError", d.created_at AS "createdAt", d.delivered_at AS "deliveredAt"`

export async function findDelivery(db: Queryable, tenant: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries d LEFT JOIN alert_subscriptions s ON s.tenant = d.tenant AND s.id = d.subscription_id
     WHERE d.tenant = $1 AND d.id = $2`,
    [tenant, id],
  )
  return row ?? null
}

export async function deliveriesOf(db: Queryable, tenant: string, alertId: string): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM alert_deliveries d LEFT JOIN alert_subscriptions s ON s.tenant = d.tenant AND s.id = d.subscription_id
     WHERE d.tenant = $1 AND d.alert_id = $2 ORDER BY d.created_at, d.id`,
    [tenant, alertId],
  )
}

export async function recordAttempt(
  db: Queryable,
  tenant: string,
  id: string,
  outcome: { status: DeliveryRow['status']; error: string | null },
): Promise<void> {
  await db.query(
    `UPDATE alert_deliveries SET attempts = attempts + 1, status = $3, last_error = $4,
       delivered_at = CASE WHEN $3 = 'delivered' THEN now() END
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, outcome.status, outcome.error],
  )
}

// Web Push keys and BMKG bookkeeping (the whole install)

export async function vapidKeys(db: Queryable): Promise<{ publicKey: string; privateKey: string } | null> {
  const [row] = await db.query<{ publicKey: string; privateKey: string }>(
    'SELECT public_key AS "publicKey", private_key AS "privateKey" FROM alert_vapid WHERE id = 1',
  )
  return row ?? null
}

export async function insertVapidKeys(db: Queryable, keys: { publicKey: string; privateKey: string }): Promise<void> {
  await db.query('INSERT INTO alert_vapid (id, public_key, private_key) VALUES (1, $1, $2) ON CONFLICT (id) DO NOTHING', [keys.publicKey, keys.privateKey])
}

/** True the first time a BMKG event key is seen. */
/** A BMKG event claimed for raising: the alert id chosen for it and when the claim was first made. */
export interface BmkgClaim {
  alertId: string
  seenAt: Date
}

/**
 * Claims an event for `leaseSeconds`: a new one with the given alert id, or one whose raising failed earlier (its
 * first alert id kept). Null when it was raised already or another instance holds a live claim.
 */
export async function claimBmkg(db: Queryable, key: string, alertId: string, leaseSeconds: number): Promise<BmkgClaim | null> {
  const [row] = await db.query<{ alertId: string; seenAt: Date }>(
    `INSERT INTO alert_bmkg_seen (key, alert_id, claimed_until) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (key) DO UPDATE SET claimed_until = EXCLUDED.claimed_until, alert_id = COALESCE(alert_bmkg_seen.alert_id, EXCLUDED.alert_id)
       WHERE alert_bmkg_seen.raised_at IS NULL AND alert_bmkg_seen.claimed_until <= now()
     RETURNING alert_id AS "alertId", seen_at AS "seenAt"`,
    [key, alertId, leaseSeconds],
  )
  return row ? { alertId: row.alertId, seenAt: new Date(row.seenAt) } : null
}

/** The event is raised; true only for the call that finished it. */
export async function finishBmkg(db: Queryable, key: string): Promise<boolean> {
  const rows = await db.query('UPDATE alert_bmkg_seen SET raised_at = now() WHERE key = $1 AND raised_at IS NULL RETURNING key', [key])
  return rows.length > 0
}

/** Lets the next poll retry a claim at once (its alert id stays). */
export async function releaseBmkg(db: Queryable, key: string): Promise<void> {
  await db.query('UPDATE alert_bmkg_seen SET claimed_until = now() WHERE key = $1 AND raised_at IS NULL', [key])
}

/** Distance in km from a point to a set of GeoJSON geometries (0 inside); null when there are none. */
export async function distanceKm(db: Queryable, geometries: string, lon: number, lat: number): Promise<number | null> {
  const [row] = await db.query<{ km: number | null }>(
    `SELECT min(ST_Distance(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)::geography, ST_SetSRID(ST_MakePoint($2, $3), 4326)::geography)) / 1000 AS km
     FROM jsonb_array_elements_text($1::jsonb) AS g`,
    [geometries, lon, lat],
  )
  return row?.km === null || row?.km === undefined ? null : Number(row.km)
}

/** Whether a GeoJSON geometry lies within `km` of a set of GeoJSON geometries. */
export async function nearArea(db: Queryable, geometries: string, geometry: string, km: number): Promise<boolean> {
  const [row] = await db.query<{ near: boolean | null }>(
    `SELECT bool_or(ST_DWithin(ST_SetSRID(ST_GeomFromGeoJSON(g), 4326)::geography, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)::geography, $3)) AS near
     FROM jsonb_array_elements_text($1::jsonb) AS g`,
    [geometries, geometry, km * 1000],
  )
  return row?.near === true
}

export async function centroid(db: Queryable, geometry: string): Promise<[number, number]> {
  const [row] = await db.query<{ lon: number; lat: number }>(
    'SELECT ST_X(c) AS lon, ST_Y(c) AS lat FROM (SELECT ST_PointOnSurface(ST_SetSRID(ST_GeomFromGeoJSON($1), 4326)) AS c) s',
    [geometry],
  )
  return [row.lon, row.lat]
}

// Templates

export interface TemplateRow {
  id: string
  name: string
  event: string
  category: string[]
  urgency: string
  severity: string
  certainty: string
  headline: string | null
  description: string | null
  instruction: string | null
  english: English | null
  updatedAt: Date
}

export type TemplateWrite = Omit<TemplateRow, 'id' | 'updatedAt'>

const TEMPLATE_COLUMNS = `id, name, event, category, urgency, severity, certainty, headline, description, instruction, english,
  updated_at AS "updatedAt"`

/** Templates by name, in keyset pages after `after` (a lower-cased name). */
export function listTemplates(db: Queryable, tenant: string, limit: number, after: string | null): Promise<TemplateRow[]> {
  return db.query<TemplateRow>(
    `SELECT ${TEMPLATE_COLUMNS} FROM alert_templates WHERE tenant = $1 AND ($2::text IS NULL OR lower(name) > $2)
     ORDER BY lower(name) LIMIT $3`,
    [tenant, after, limit],
  )
}

export async function countTemplates(db: Queryable, tenant: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM alert_templates WHERE tenant = $1', [tenant])
  return row.n
}

export async function findTemplate(db: Queryable, tenant: string, id: string): Promise<TemplateRow | null> {
  const [row] = await db.query<TemplateRow>(`SELECT ${TEMPLATE_COLUMNS} FROM alert_templates WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ?? null
}

const templateValues = (t: TemplateWrite) => [
  t.name,
  t.event,
  t.category,
  t.urgency,
  t.severity,
  t.certainty,
  t.headline,
  t.description,
  t.instruction,
  t.english === null ? null : JSON.stringify(t.english),
]

/** Null when the tenant has a template of that name already. */
export async function insertTemplate(db: Queryable, tenant: string, actor: string, t: TemplateWrite): Promise<TemplateRow | null> {
  const [row] = await db.query<TemplateRow>(
    `INSERT INTO alert_templates (tenant, name, event, category, urgency, severity, certainty, headline, description, instruction, english, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (tenant, lower(name)) DO NOTHING
     RETURNING ${TEMPLATE_COLUMNS}`,
    [tenant, ...templateValues(t), actor],
  )
  return row ?? null
}

export async function updateTemplate(db: Queryable, tenant: string, id: string, actor: string, t: TemplateWrite): Promise<TemplateRow | null> {
  const [row] = await db.query<TemplateRow>(
    `UPDATE alert_templates SET name = $3, event = $4, category = $5, urgency = $6, severity = $7, certainty = $8, headline = $9,
       description = $10, instruction = $11, english = $12, updated_by = $13, updated_at = now()
     WHERE tenant = $1 AND id = $2
     RETURNING ${TEMPLATE_COLUMNS}`,
    [tenant, id, ...templateValues(t), actor],
  )
  return row ?? null
}

export async function deleteTemplate(db: Queryable, tenant: string, id: string): Promise<boolean> {
  return (await db.query('DELETE FROM alert_templates WHERE tenant = $1 AND id = $2 RETURNING id', [tenant, id])).length > 0
}

export async function templateNamed(db: Queryable, tenant: string, name: string, except: string | null): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM alert_templates WHERE tenant = $1 AND lower(name) = lower($2) AND id IS DISTINCT FROM $3::uuid', [
    tenant,
    name,
    except,
  ])
  return rows.length > 0
}

/** Onboarding: the template tenant's templates the other one has no namesake of; how many were copied. */
export async function copyTemplates(db: Queryable, from: string, to: string): Promise<number> {
  const rows = await db.query(
    `INSERT INTO alert_templates (tenant, name, event, category, urgency, severity, certainty, headline, description, instruction, english, updated_by)
     SELECT $2, name, event, category, urgency, severity, certainty, headline, description, instruction, english, 'system:onboarding'
     FROM alert_templates WHERE tenant = $1
     ON CONFLICT (tenant, lower(name)) DO NOTHING
     RETURNING id`,
    [from, to],
  )
  return rows.length
}
