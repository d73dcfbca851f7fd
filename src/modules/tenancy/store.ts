import type { Queryable } from '../../core/db/database.ts'
import { GEOM_TO_GEOJSON } from '../../core/geo/geojson.ts'
import type { Role } from '../../core/http/access.ts'
import type { Agency, ApiToken, RegionLevel, RegionRef, Tenant, User } from './schema.ts'

// This module's SQL and nothing else. Every function takes the handle (database or transaction) first.

export interface TenantRow {
  code: string
  name: string
  kind: Tenant['kind']
  parent: string | null
  timezone: string
}

const TENANT_BBOX = `(SELECT CASE WHEN count(*) = 0 THEN NULL ELSE
    json_build_array(ST_XMin(ST_Extent(r.geom)), ST_YMin(ST_Extent(r.geom)), ST_XMax(ST_Extent(r.geom)), ST_YMax(ST_Extent(r.geom))) END
  FROM regions r WHERE r.tenant = t.code) AS bbox`

export async function listTenants(db: Queryable): Promise<Tenant[]> {
  return db.query<Tenant>(`SELECT code, name, kind, parent, timezone, ${TENANT_BBOX} FROM tenants t ORDER BY code`)
}

export async function findTenant(db: Queryable, code: string): Promise<Tenant | null> {
  const [row] = await db.query<Tenant>(`SELECT code, name, kind, parent, timezone, ${TENANT_BBOX} FROM tenants t WHERE code = $1`, [code])
  return row ?? null
}

export async function insertTenant(db: Queryable, t: TenantRow): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO tenants (code, name, kind, parent, timezone) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (code) DO NOTHING RETURNING code`,
    [t.code, t.name, t.kind, t.parent, t.timezone],
  )
  return rows.length === 1
}

export interface RegionRow {
  code: string
  level: RegionLevel
  name: string
  parent: string | null
  geometry: string
}

/** Inserts or replaces one region; the geometry is GeoJSON text, made valid and multi. */
export async function upsertRegion(db: Queryable, tenant: string, r: RegionRow): Promise<void> {
  await db.query(
    `INSERT INTO regions (tenant, code, level, name, parent, geom)
     VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)), 3)))
     ON CONFLICT (tenant, code) DO UPDATE SET level = EXCLUDED.level, name = EXCLUDED.name, parent = EXCLUDED.parent, geom = EXCLUDED.geom`,
    [tenant, r.code, r.level, r.name, r.parent, r.geometry],
  )
}

/** Checks a GeoJSON geometry text; returns the reason it is unusable, or null. */
export async function geometryProblem(db: Queryable, geometry: string): Promise<string | null> {
  const [row] = await db.query<{ problem: string | null }>(
    `SELECT CASE
       WHEN GeometryType(g) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN 'must be a Polygon or MultiPolygon, not ' || GeometryType(g)
       WHEN ST_IsEmpty(g) THEN 'is empty'
       WHEN ST_XMin(g) < -180 OR ST_XMax(g) > 180 OR ST_YMin(g) < -90 OR ST_YMax(g) > 90 THEN 'has coordinates outside WGS84 longitude/latitude'
       WHEN NOT ST_IsValid(g) THEN 'is not a valid polygon: ' || ST_IsValidReason(g)
       END AS problem
     FROM (SELECT ST_GeomFromGeoJSON($1) AS g) s`,
    [geometry],
  )
  return row.problem
}

export interface RegionFeature {
  code: string
  name: string
  level: RegionLevel
  parent: string | null
  geometry: unknown
}

export async function listRegions(db: Queryable, tenant: string, level: RegionLevel | undefined): Promise<RegionFeature[]> {
  return db.query<RegionFeature>(
    `SELECT code, name, level, parent, ${GEOM_TO_GEOJSON('geom')} AS geometry
     FROM regions WHERE tenant = $1 AND ($2::text IS NULL OR level = $2) ORDER BY code`,
    [tenant, level ?? null],
  )
}

/** Which of these codes are stored regions of the tenant. */
export async function storedRegionCodes(db: Queryable, tenant: string, codes: readonly string[]): Promise<Set<string>> {
  const rows = await db.query<{ code: string }>('SELECT code FROM regions WHERE tenant = $1 AND code = ANY($2::text[])', [tenant, codes])
  return new Set(rows.map((r) => r.code))
}

/**
 * The kelurahan/desa covering a point, or else the nearest one within maxMetres (borders leave slivers), with
 * its kecamatan (its parent in the code hierarchy). One statement: it is on the path of every incident POST.
 */
export async function kelurahanAt(
  db: Queryable,
  tenant: string,
  lon: number,
  lat: number,
  maxMetres: number,
): Promise<{ code: string; name: string; kecamatan: RegionRef | null; distance_m: number } | null> {
  // The covering test is planar, on the geometry's GiST index; only a point in no polygon (a sliver between
  // borders) pays for distances on the spheroid, and only to polygons in a box sure to hold every one within
  // maxMetres (a degree is at least 110 km north-south, and 110 km × cos(latitude) east-west).
  const [row] = await db.query<{ code: string; name: string; parent: string | null; parent_name: string | null; distance_m: number }>(
    `WITH p AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS g),
     covering AS (
       SELECT code, name, parent, 0::float8 AS distance_m FROM regions, p
       WHERE tenant = $1 AND level IN ('kelurahan', 'desa') AND ST_Covers(geom, p.g)
       ORDER BY code LIMIT 1
     ),
     found AS (
       SELECT * FROM covering
       UNION ALL
       (SELECT code, name, parent, ST_Distance(geom::geography, p.g::geography) FROM regions, p
        WHERE NOT EXISTS (SELECT 1 FROM covering) AND tenant = $1 AND level IN ('kelurahan', 'desa')
          AND geom && ST_Expand(p.g, $4 / (110000.0 * cos(radians($3))))
          AND ST_DWithin(geom::geography, p.g::geography, $4)
        ORDER BY 4, code LIMIT 1)
     )
     SELECT f.code, f.name, f.parent, k.name AS parent_name, f.distance_m
     FROM found f LEFT JOIN regions k ON k.tenant = $1 AND k.code = f.parent
     LIMIT 1`,
    [tenant, lon, lat, maxMetres],
  )
  if (!row) return null
  const kecamatan = row.parent && row.parent_name !== null ? { code: row.parent, name: row.parent_name } : null
  return { code: row.code, name: row.name, kecamatan, distance_m: row.distance_m }
}

// Agencies

const AGENCY = `id, code, name, short_name AS "shortName", to_json(created_at) #>> '{}' AS "createdAt", to_json(updated_at) #>> '{}' AS "updatedAt"`

export async function listAgencies(db: Queryable, tenant: string, limit: number, afterCode: string | null): Promise<Agency[]> {
  return db.query<Agency>(
    `SELECT ${AGENCY} FROM agencies WHERE tenant = $1 AND archived_at IS NULL AND ($2::text IS NULL OR code > $2) ORDER BY code LIMIT $3`,
    [tenant, afterCode, limit],
  )
}

export async function countAgencies(db: Queryable, tenant: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM agencies WHERE tenant = $1 AND archived_at IS NULL', [tenant])
  return row.n
}

export async function findAgency(db: Queryable, tenant: string, id: string): Promise<Agency | null> {
  const [row] = await db.query<Agency>(`SELECT ${AGENCY} FROM agencies WHERE tenant = $1 AND id = $2 AND archived_at IS NULL`, [tenant, id])
  return row ?? null
}

export async function agencyCodeTaken(db: Queryable, tenant: string, code: string, exceptId: string | null): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM agencies WHERE tenant = $1 AND code = $2 AND archived_at IS NULL AND ($3::uuid IS NULL OR id <> $3)', [
    tenant,
    code,
    exceptId,
  ])
  return rows.length > 0
}

export async function insertAgency(db: Queryable, tenant: string, a: { code: string; name: string; shortName: string | null }): Promise<Agency> {
  const [row] = await db.query<Agency>(`INSERT INTO agencies (tenant, code, name, short_name) VALUES ($1, $2, $3, $4) RETURNING ${AGENCY}`, [
    tenant,
    a.code,
    a.name,
    a.shortName,
  ])
  return row
}

export async function updateAgency(db: Queryable, tenant: string, id: string, a: { code: string; name: string; shortName: string | null }): Promise<Agency> {
  const [row] = await db.query<Agency>(
    `UPDATE agencies SET code = $3, name = $4, short_name = $5, updated_at = now() WHERE tenant = $1 AND id = $2 RETURNING ${AGENCY}`,
    [tenant, id, a.code, a.name, a.shortName],
  )
  return row
}

export async function archiveAgency(db: Queryable, tenant: string, id: string): Promise<void> {
  await db.query('UPDATE agencies SET archived_at = now(), updated_at = now() WHERE tenant = $1 AND id = $2', [tenant, id])
}

// People and access

export interface UserAuthRow {
  id: string
  tenant: string
  username: string
  name: string
  password_hash: string
  is_platform_admin: boolean
  disabled_at: Date | null
}

export async function findUserByUsername(db: Queryable, username: string): Promise<UserAuthRow | null> {
  const [row] = await db.query<UserAuthRow>(
    'SELECT id, tenant, username, name, password_hash, is_platform_admin, disabled_at FROM users WHERE lower(username) = lower($1)',
    [username],
  )
  return row ?? null
}

export async function findUserById(db: Queryable, id: string): Promise<UserAuthRow | null> {
  const [row] = await db.query<UserAuthRow>('SELECT id, tenant, username, name, password_hash, is_platform_admin, disabled_at FROM users WHERE id = $1', [id])
  return row ?? null
}

export interface Grant {
  tenant: string
  roles: Role[]
  agencies: string[]
}

/** The grants of the user `userId` (an SQL expression), one row per tenant. */
const grantsSql = (userId: string) => `SELECT g.tenant, array_agg(g.role ORDER BY g.role) AS roles,
    coalesce((SELECT array_agg(m.agency_id::text ORDER BY m.agency_id) FROM agency_members m
              WHERE m.user_id = ${userId} AND m.tenant = g.tenant), '{}') AS agencies
  FROM role_grants g WHERE g.user_id = ${userId} GROUP BY g.tenant`

export async function grantsOf(db: Queryable, userId: string): Promise<Grant[]> {
  return db.query<Grant>(`${grantsSql('$1')} ORDER BY g.tenant`, [userId])
}

const USER = `u.id, u.username, u.name, u.tenant,
  coalesce((SELECT array_agg(g.role ORDER BY g.role) FROM role_grants g WHERE g.user_id = u.id AND g.tenant = $1), '{}') AS roles,
  coalesce((SELECT array_agg(m.agency_id::text ORDER BY m.agency_id) FROM agency_members m WHERE m.user_id = u.id AND m.tenant = $1), '{}') AS agencies,
  u.disabled_at IS NOT NULL AS disabled, to_json(u.created_at) #>> '{}' AS "createdAt"`

const IN_TENANT = `(u.tenant = $1 OR EXISTS (SELECT 1 FROM role_grants g WHERE g.user_id = u.id AND g.tenant = $1))`
// A search matches part of the username or the name, any case, taken literally.
const MATCHES = `($2::text IS NULL OR strpos(lower(u.username || ' ' || u.name), lower($2)) > 0)`

/** People of a tenant: those whose home it is and those holding a grant in it; `search` keeps those matching it. */
export async function listUsers(db: Queryable, tenant: string, search: string | null, limit: number, afterUsername: string | null): Promise<User[]> {
  return db.query<User>(
    `SELECT ${USER} FROM users u
     WHERE ${IN_TENANT} AND ${MATCHES} AND ($3::text IS NULL OR u.username > $3)
     ORDER BY u.username LIMIT $4`,
    [tenant, search, afterUsername, limit],
  )
}

export async function countUsers(db: Queryable, tenant: string, search: string | null): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM users u WHERE ${IN_TENANT} AND ${MATCHES}`, [tenant, search])
  return row.n
}

export async function findUserInTenant(db: Queryable, tenant: string, id: string): Promise<User | null> {
  const [row] = await db.query<User>(`SELECT ${USER} FROM users u WHERE u.id = $2 AND ${IN_TENANT}`, [tenant, id])
  return row ?? null
}

export async function insertUser(
  db: Queryable,
  tenant: string,
  u: { username: string; name: string; passwordHash: string; isPlatformAdmin: boolean },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO users (tenant, username, name, password_hash, is_platform_admin) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
    [tenant, u.username, u.name, u.passwordHash, u.isPlatformAdmin],
  )
  return row.id
}

export async function updateUserFields(db: Queryable, id: string, u: { name?: string; passwordHash?: string; disabled?: boolean }): Promise<void> {
  await db.query(
    `UPDATE users SET name = coalesce($2, name), password_hash = coalesce($3, password_hash),
       disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN coalesce(disabled_at, now()) ELSE NULL END,
       updated_at = now()
     WHERE id = $1`,
    [id, u.name ?? null, u.passwordHash ?? null, u.disabled ?? null],
  )
}

export async function setRoles(db: Queryable, tenant: string, userId: string, roles: readonly Role[]): Promise<void> {
  await db.query('DELETE FROM role_grants WHERE tenant = $1 AND user_id = $2 AND NOT (role = ANY($3::text[]))', [tenant, userId, roles])
  await db.query(`INSERT INTO role_grants (tenant, user_id, role) SELECT $1, $2, r FROM unnest($3::text[]) AS r ON CONFLICT DO NOTHING`, [
    tenant,
    userId,
    roles,
  ])
}

/** Links a person to exactly these agencies of a tenant. */
export async function setAgencyMemberships(db: Queryable, tenant: string, userId: string, agencyIds: readonly string[]): Promise<void> {
  await db.query('DELETE FROM agency_members WHERE tenant = $1 AND user_id = $2 AND NOT (agency_id = ANY($3::uuid[]))', [tenant, userId, agencyIds])
  await db.query('INSERT INTO agency_members (tenant, user_id, agency_id) SELECT $1, $2, a FROM unnest($3::uuid[]) AS a ON CONFLICT DO NOTHING', [
    tenant,
    userId,
    agencyIds,
  ])
}

/** Which of these ids are live (not archived) agencies of the tenant. */
export async function liveAgencyIds(db: Queryable, tenant: string, ids: readonly string[]): Promise<string[]> {
  const rows = await db.query<{ id: string }>('SELECT id::text FROM agencies WHERE tenant = $1 AND id::text = ANY($2::text[]) AND archived_at IS NULL', [
    tenant,
    ids,
  ])
  return rows.map((r) => r.id)
}

export async function insertSession(
  db: Queryable,
  s: { tokenHash: string; userId: string; expiresAt: Date; ip: string; userAgent: string | null },
): Promise<void> {
  await db.query('INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent) VALUES ($1, $2, $3, $4, $5)', [
    s.tokenHash,
    s.userId,
    s.expiresAt.toISOString(),
    s.ip,
    s.userAgent,
  ])
}

/**
 * The person of a live session and their grants: not past its absolute end, not idle longer than `idleMinutes`
 * (0: no idle end). Using it counts as activity, written at most once a minute. One statement: every request
 * with a session cookie waits for it.
 */
export async function sessionUser(db: Queryable, tokenHash: string, idleMinutes: number): Promise<(UserAuthRow & { grants: Grant[] }) | null> {
  const [row] = await db.query<UserAuthRow & { grants: Grant[] }>(
    `WITH live AS (
       SELECT token_hash, user_id, last_seen_at FROM sessions
       WHERE token_hash = $1 AND expires_at > now() AND ($2::int = 0 OR last_seen_at > now() - make_interval(mins => $2::int))
     ), seen AS (
       UPDATE sessions s SET last_seen_at = now() FROM live WHERE s.token_hash = live.token_hash AND live.last_seen_at < now() - interval '1 minute'
     )
     SELECT u.id, u.tenant, u.username, u.name, u.password_hash, u.is_platform_admin, u.disabled_at,
       coalesce((SELECT json_agg(x ORDER BY x.tenant) FROM (${grantsSql('u.id')}) x), '[]'::json) AS grants
     FROM live JOIN users u ON u.id = live.user_id
     WHERE u.disabled_at IS NULL`,
    [tokenHash, idleMinutes],
  )
  return row ?? null
}

export async function deleteSession(db: Queryable, tokenHash: string): Promise<void> {
  await db.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash])
}

export async function deleteSessionsOf(db: Queryable, userId: string, keepTokenHash: string | null = null): Promise<void> {
  await db.query('DELETE FROM sessions WHERE user_id = $1 AND token_hash IS DISTINCT FROM $2', [userId, keepTokenHash])
}

/** A count of failed logins in the window and when the last was. */
export interface FailureCount {
  n: number
  last: Date | null
}

/** Failed logins in the window: of this account from this address, from this address (any account), of this account (any address). */
export async function recentLoginFailures(
  db: Queryable,
  username: string,
  ip: string,
  windowSeconds: number,
): Promise<{ pair: FailureCount; address: FailureCount; account: FailureCount }> {
  const [row] = await db.query<Record<'pair_n' | 'address_n' | 'account_n', number> & Record<'pair_last' | 'address_last' | 'account_last', Date | null>>(
    `SELECT count(*) FILTER (WHERE username = $1 AND ip = $2)::int AS pair_n, max(at) FILTER (WHERE username = $1 AND ip = $2) AS pair_last,
       count(*) FILTER (WHERE ip = $2)::int AS address_n, max(at) FILTER (WHERE ip = $2) AS address_last,
       count(*) FILTER (WHERE username = $1)::int AS account_n, max(at) FILTER (WHERE username = $1) AS account_last
     FROM login_failures WHERE at > now() - make_interval(secs => $3) AND (username = $1 OR ip = $2)`,
    [username, ip, windowSeconds],
  )
  return {
    pair: { n: row.pair_n, last: row.pair_last },
    address: { n: row.address_n, last: row.address_last },
    account: { n: row.account_n, last: row.account_last },
  }
}

export async function insertLoginFailure(db: Queryable, username: string, ip: string): Promise<void> {
  await db.query('INSERT INTO login_failures (username, ip) VALUES ($1, $2)', [username, ip])
}

/** Counts a failed login on the account, for the notice at its owner's next login; answers the new count. */
export async function countFailedLogin(db: Queryable, userId: string, ip: string): Promise<number> {
  const [row] = await db.query<{ failed_logins: number }>(
    'UPDATE users SET failed_logins = failed_logins + 1, last_failed_login_at = now(), last_failed_login_ip = $2 WHERE id = $1 RETURNING failed_logins',
    [userId, ip],
  )
  return row?.failed_logins ?? 0
}

/** Takes the failed logins counted since the owner's last login (null when none), and starts counting again. */
export async function takeFailedLogins(db: Queryable, userId: string): Promise<{ count: number; lastAt: string; lastFrom: string } | null> {
  const [row] = await db.query<{ count: number; lastAt: string | null; lastFrom: string | null }>(
    `UPDATE users u SET failed_logins = 0, last_failed_login_at = NULL, last_failed_login_ip = NULL
     FROM (SELECT id, failed_logins, last_failed_login_at, last_failed_login_ip FROM users WHERE id = $1 FOR UPDATE) old
     WHERE u.id = old.id
     RETURNING old.failed_logins AS count, to_json(old.last_failed_login_at) #>> '{}' AS "lastAt", old.last_failed_login_ip AS "lastFrom"`,
    [userId],
  )
  return row && row.count > 0 && row.lastAt && row.lastFrom ? { count: row.count, lastAt: row.lastAt, lastFrom: row.lastFrom } : null
}

/** Forgets this address's failures on the account after its owner logged in from it. */
export async function clearLoginFailures(db: Queryable, username: string, ip: string): Promise<void> {
  await db.query('DELETE FROM login_failures WHERE username = $1 AND ip = $2', [username, ip])
}

const TOKEN = `id, name, roles, prefix, created_by AS "createdBy", to_json(created_at) #>> '{}' AS "createdAt",
  to_json(expires_at) #>> '{}' AS "expiresAt", to_json(last_used_at) #>> '{}' AS "lastUsedAt", agencies::text[] AS agencies, revoked_at IS NOT NULL AS revoked`

export async function insertToken(
  db: Queryable,
  tenant: string,
  t: {
    name: string
    roles: readonly Role[]
    agencies: readonly string[] | null
    tokenHash: string
    prefix: string
    createdBy: string
    createdByUser: string
    expiresAt: string | null
  },
): Promise<ApiToken> {
  const [row] = await db.query<ApiToken>(
    `INSERT INTO api_tokens (tenant, name, roles, agencies, token_hash, prefix, created_by, created_by_user, expires_at)
     VALUES ($1, $2, $3, $4::uuid[], $5, $6, $7, $8, $9) RETURNING ${TOKEN}`,
    [tenant, t.name, t.roles, t.agencies, t.tokenHash, t.prefix, t.createdBy, t.createdByUser, t.expiresAt],
  )
  return row
}

export async function listTokens(db: Queryable, tenant: string): Promise<ApiToken[]> {
  return db.query<ApiToken>(`SELECT ${TOKEN} FROM api_tokens WHERE tenant = $1 ORDER BY created_at DESC`, [tenant])
}

export async function revokeToken(db: Queryable, tenant: string, id: string): Promise<ApiToken | null> {
  const [row] = await db.query<ApiToken>(`UPDATE api_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE tenant = $1 AND id = $2 RETURNING ${TOKEN}`, [
    tenant,
    id,
  ])
  return row ?? null
}

export interface TokenRow {
  id: string
  tenant: string
  name: string
  roles: Role[]
  agencies: string[] | null
  issuerId: string
  issuerIsPlatformAdmin: boolean
}

/** A live token (not revoked, not expired) whose issuer's account is still active; marks it used. */
export async function tokenByHash(db: Queryable, tokenHash: string): Promise<TokenRow | null> {
  const [row] = await db.query<TokenRow>(
    `UPDATE api_tokens t SET last_used_at = now() FROM users u
      WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now())
        AND u.id = t.created_by_user AND u.disabled_at IS NULL
     RETURNING t.id, t.tenant, t.name, t.roles, t.agencies::text[] AS agencies, u.id AS "issuerId", u.is_platform_admin AS "issuerIsPlatformAdmin"`,
    [tokenHash],
  )
  return row ?? null
}

/** Removes ended (expired or idle) sessions and login failures older than the throttling window. */
export async function pruneAccessRecords(db: Queryable, failureWindowSeconds: number, idleMinutes: number): Promise<void> {
  await db.query('DELETE FROM sessions WHERE expires_at < now() OR ($1::int > 0 AND last_seen_at < now() - make_interval(mins => $1::int))', [idleMinutes])
  await db.query('DELETE FROM login_failures WHERE at < now() - make_interval(secs => $1)', [failureWindowSeconds])
}

export async function hasPlatformAdmin(db: Queryable): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM users WHERE is_platform_admin AND disabled_at IS NULL LIMIT 1')
  return rows.length > 0
}

/** The tenant a platform administrator belongs to: the first province, else the first tenant. */
export async function homeForPlatformAdmin(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ code: string }>(`SELECT code FROM tenants ORDER BY (kind = 'provinsi') DESC, code LIMIT 1`)
  return row?.code ?? null
}
