import type { Queryable } from '../../core/db/database.ts'
import { GEOM_FROM_GEOJSON, GEOM_TO_GEOJSON, type GeoPoint } from '../../core/geo/geojson.ts'

export type PlaceSource = 'basemap' | 'named' | 'region' | 'facility' | 'market'

/** One place as the index keeps it, before its folded text is made. */
export interface PlaceInput {
  sourceRef: string
  kind: string
  name: string
  aliases?: string[]
  folded: string
  context?: string | null
  /** GeoJSON geometry as text. */
  geometry: string
}

export interface PlaceRow {
  id: string
  source: PlaceSource
  kind: string
  name: string
  aliases: string[]
  context: string | null
  /** A point on the place (a street's middle, an area's inside) to drop a pin on. */
  location: GeoPoint
  score: number
  distanceM: number | null
}

const COLUMNS = `p.id::text AS id, p.source, p.kind, p.name, p.aliases, p.context,
  ${GEOM_TO_GEOJSON('CASE WHEN ST_Dimension(p.geom) = 1 THEN ST_ClosestPoint(p.geom, ST_Centroid(p.geom)) ELSE ST_PointOnSurface(p.geom) END')} AS location`

/**
 * Replaces every place of one source of the tenant with the given ones, in the caller's transaction. Pieces of
 * one name and kind (a street cut at tile edges, a road in several segments) that lie within `mergeMetres` of each
 * other become one place; the same name farther away stays a place of its own.
 */
export async function replaceSource(
  db: Queryable,
  tenant: string,
  source: PlaceSource,
  places: PlaceInput[],
  version: string | null,
  mergeMetres = 0,
): Promise<number> {
  await db.query('DELETE FROM places WHERE tenant = $1 AND source = $2', [tenant, source])
  let count = 0
  if (places.length > 0) {
    const [row] = await db.query<{ n: number }>(
      `WITH piece AS (
         SELECT p.ref, p.kind, p.name, p.folded, p.context, ${GEOM_FROM_GEOJSON('p.g')} AS geom
         FROM unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[]) AS p(ref, kind, name, folded, context, g)
       ), clustered AS (
         SELECT *, ST_ClusterDBSCAN(ST_Transform(geom, 3857), eps := $9, minpoints := 1) OVER (PARTITION BY kind, name) AS cluster FROM piece
       ), merged AS (
         SELECT min(ref) || ':' || cluster AS ref, kind, name, min(folded) AS folded, min(context) AS context,
           CASE WHEN max(ST_Dimension(geom)) = 1 THEN ST_LineMerge(ST_Union(geom)) ELSE ST_Union(geom) END AS geom
         FROM clustered GROUP BY kind, name, cluster
       ), inserted AS (
         INSERT INTO places (tenant, source, source_ref, kind, name, folded, context, geom)
         SELECT $1, $2, ref, kind, name, folded, context, geom FROM merged
         ON CONFLICT (tenant, source, source_ref) DO NOTHING
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM inserted`,
      [
        tenant,
        source,
        places.map((p) => p.sourceRef),
        places.map((p) => p.kind),
        places.map((p) => p.name),
        places.map((p) => p.folded),
        places.map((p) => p.context ?? null),
        places.map((p) => p.geometry),
        // Web Mercator metres stretch with latitude; at Indonesia's (±11°) by at most 2 %.
        Math.max(mergeMetres, 0.001),
      ],
    )
    count = row?.n ?? 0
  }
  await db.query(
    `INSERT INTO place_sources (tenant, source, version, places) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, source) DO UPDATE SET version = EXCLUDED.version, places = EXCLUDED.places, refreshed_at = now()`,
    [tenant, source, version, count],
  )
  return count
}

/** Labels each place of a source with the kelurahan (or, outside any, the area) its point lies in. */
export async function labelWithAreas(db: Queryable, tenant: string, source: PlaceSource, areas: { label: string; geometry: string }[]): Promise<void> {
  if (areas.length === 0) return
  await db.query(
    `WITH area AS MATERIALIZED (
       SELECT a.label, ${GEOM_FROM_GEOJSON('a.g')} AS geom FROM unnest($3::text[], $4::text[]) AS a(label, g)
     ), labelled AS (
       SELECT p.id, (SELECT area.label FROM area WHERE ST_Intersects(area.geom, ST_PointOnSurface(p.geom)) LIMIT 1) AS label
       FROM places p WHERE p.tenant = $1 AND p.source = $2
     )
     UPDATE places p SET context = labelled.label FROM labelled WHERE p.tenant = $1 AND p.id = labelled.id AND labelled.label IS NOT NULL`,
    [tenant, source, areas.map((a) => a.label), areas.map((a) => a.geometry)],
  )
}

export async function sourceVersion(db: Queryable, tenant: string, source: PlaceSource): Promise<string | null> {
  const [row] = await db.query<{ version: string | null }>('SELECT version FROM place_sources WHERE tenant = $1 AND source = $2', [tenant, source])
  return row?.version ?? null
}

export interface SourceSummary {
  source: PlaceSource
  places: number
  refreshedAt: string
}

export async function sources(db: Queryable, tenant: string): Promise<SourceSummary[]> {
  return db.query<SourceSummary>(
    `SELECT source, places, to_json(refreshed_at) #>> '{}' AS "refreshedAt" FROM place_sources WHERE tenant = $1 ORDER BY source`,
    [tenant],
  )
}

// How much of the query must match somewhere in a name (pg_trgm's word similarity, its default threshold).
const MIN_SIMILARITY = 0.6
// How many of the nearest names a search ranks: a few times the answers asked for, more when only some kinds count.
const READ_PER_ANSWER = 4
const MIN_READ = 80
const READ_FOR_KINDS = 800

/**
 * Places whose folded text holds the folded query as a word-wise trigram match (typos and word order forgiven),
 * best match first; with a map centre, nearer places rank higher among close matches.
 *
 * The trigram index hands over the names nearest the query (`<->>`, word-similarity distance; among equal names
 * the nearer to the centre first) a few times more than asked, and only these are ranked: the work per search
 * stays the same however many places the city has or match. A kind filter reads more of them before filtering.
 */
export async function search(
  db: Queryable,
  tenant: string,
  folded: string,
  near: [number, number] | null,
  kinds: string[] | null,
  limit: number,
): Promise<PlaceRow[]> {
  const read = kinds ? READ_FOR_KINDS : Math.max(limit * READ_PER_ANSWER, MIN_READ)
  return db.query<PlaceRow>(
    `WITH nearest_name AS MATERIALIZED (
       SELECT p.id, p.source, p.kind, p.name, p.aliases, p.context, p.folded, p.geom, 1 - (p.folded <->> $2) AS similarity
       FROM places p
       WHERE p.tenant = $1
       ORDER BY p.folded <->> $2${near ? ', p.geom <-> ST_SetSRID(ST_MakePoint($3, $4), 4326)' : ''}
       LIMIT $7
     ), hit AS (
       SELECT n.*,
         CASE WHEN $3::float8 IS NULL THEN NULL ELSE ST_Distance(n.geom::geography, ST_SetSRID(ST_MakePoint($3, $4), 4326)::geography) END AS distance
       FROM nearest_name n
       WHERE n.similarity >= $8 AND ($5::text[] IS NULL OR n.kind = ANY($5))
     )
     SELECT ${COLUMNS}, round(p.similarity::numeric, 3)::float8 AS score, round(p.distance)::float8 AS "distanceM"
     FROM hit p
     -- A name that starts with the query beats one that only contains it; 10 km costs as much as a tenth of similarity.
     ORDER BY p.similarity + CASE WHEN p.folded LIKE $2 || '%' OR p.folded LIKE '% | ' || $2 || '%' THEN 0.1 ELSE 0 END
       - coalesce(least(p.distance / 100000.0, 0.2), 0) DESC, p.name, p.id
     LIMIT $6`,
    [tenant, folded, near?.[0] ?? null, near?.[1] ?? null, kinds, limit, read, MIN_SIMILARITY],
  )
}

/** The nearest place of the given kinds (or of every kind but those) within `metres` of a point. */
export async function nearest(
  db: Queryable,
  tenant: string,
  lon: number,
  lat: number,
  metres: number,
  kinds: { only?: string[]; except?: string[] },
): Promise<PlaceRow | null> {
  const [row] = await db.query<PlaceRow>(
    `WITH here AS (SELECT ST_SetSRID(ST_MakePoint($2, $3), 4326) AS pt)
     SELECT ${COLUMNS}, 1::float8 AS score, round(ST_Distance(p.geom::geography, here.pt::geography))::float8 AS "distanceM"
     FROM places p, here
     WHERE p.tenant = $1 AND ST_DWithin(p.geom::geography, here.pt::geography, $4)
       AND ($5::text[] IS NULL OR p.kind = ANY($5)) AND ($6::text[] IS NULL OR p.kind <> ALL($6))
     ORDER BY ST_Distance(p.geom::geography, here.pt::geography), p.name
     LIMIT 1`,
    [tenant, lon, lat, metres, kinds.only ?? null, kinds.except ?? null],
  )
  return row ?? null
}

export interface NamedPlaceRow {
  id: string
  kind: string
  name: string
  aliases: string[]
  location: GeoPoint
  updatedBy: string | null
  updatedAt: string
}

const NAMED = `p.id::text AS id, p.kind, p.name, p.aliases, ${GEOM_TO_GEOJSON('p.geom')} AS location, p.updated_by AS "updatedBy",
  to_json(p.updated_at) #>> '{}' AS "updatedAt"`

export async function listNamed(db: Queryable, tenant: string, limit: number, after: string | null): Promise<NamedPlaceRow[]> {
  return db.query<NamedPlaceRow>(
    `SELECT ${NAMED} FROM places p WHERE p.tenant = $1 AND p.source = 'named' AND ($2::jsonb IS NULL OR (p.name, p.id::text) > ($2::jsonb ->> 0, $2::jsonb ->> 1))
     ORDER BY p.name, p.id::text LIMIT $3`,
    [tenant, after, limit],
  )
}

export async function countNamed(db: Queryable, tenant: string): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM places WHERE tenant = $1 AND source = 'named'`, [tenant])
  return row?.n ?? 0
}

export async function findNamed(db: Queryable, tenant: string, id: string): Promise<NamedPlaceRow | null> {
  const [row] = await db.query<NamedPlaceRow>(`SELECT ${NAMED} FROM places p WHERE p.tenant = $1 AND p.source = 'named' AND p.id = $2`, [tenant, id])
  return row ?? null
}

export async function saveNamed(
  db: Queryable,
  tenant: string,
  actor: string,
  id: string | null,
  place: { kind: string; name: string; aliases: string[]; folded: string; context: string | null; location: GeoPoint },
): Promise<NamedPlaceRow | null> {
  const values = [tenant, place.kind, place.name, place.aliases, place.folded, place.context, JSON.stringify(place.location), actor]
  const [row] = id
    ? await db.query<{ id: string }>(
        `UPDATE places SET kind = $2, name = $3, aliases = $4, folded = $5, context = $6, geom = ${GEOM_FROM_GEOJSON('$7')}, updated_by = $8, updated_at = now()
         WHERE tenant = $1 AND source = 'named' AND id = $9 RETURNING id::text AS id`,
        [...values, id],
      )
    : await db.query<{ id: string }>(
        `INSERT INTO places (tenant, source, source_ref, kind, name, aliases, folded, context, geom, updated_by)
         SELECT $1, 'named', gen_random_uuid()::text, $2, $3, $4, $5, $6, ${GEOM_FROM_GEOJSON('$7')}, $8 RETURNING id::text AS id`,
        values,
      )
  return row ? findNamed(db, tenant, row.id) : null
}

export async function deleteNamed(db: Queryable, tenant: string, id: string): Promise<boolean> {
  const rows = await db.query(`DELETE FROM places WHERE tenant = $1 AND source = 'named' AND id = $2 RETURNING id`, [tenant, id])
  return rows.length > 0
}
