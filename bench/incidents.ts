import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { UNIT_KINDS } from '../src/modules/incidents/catalogue.ts'
import { incidentsServices } from '../src/modules/incidents/index.ts'
import { nearestAvailableTo } from '../src/modules/incidents/store.ts'
import { allModules } from '../src/modules/index.ts'
import { onEachDatabase } from './databases.ts'

// Incidents and dispatch at scale: the recommendation (nearest available units by KNN, ranked by ETA)
// among 10,000 units, and the incident list by bbox (first page with its total, and the map's GeoJSON)
// among 1,000,000 incidents. Rows are made in SQL with generate_series, not one by one.
// Run: npx tsx bench/incidents.ts   (BENCH_DATABASE_URL=postgres://… adds a PostgreSQL row)

const TENANT = '33.71'
const UNITS = Number(process.env.BENCH_UNITS ?? 10_000)
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000)
const BATCH = 100_000
const SAMPLES = 100
// Around Kota Magelang: an 11 km × 11 km square, so a city block holds thousands of past incidents.
const [MIN_LON, MIN_LAT, SPAN] = [110.17, -7.53, 0.1]

interface Row {
  db: string
  seedSeconds: number
  /** `SELECT 1`: one round trip to this database, the floor under every figure of the row, in this run. */
  roundTrip: number[]
  recommend: number[]
  /** Baseline: the recommendation's KNN statement alone (no ranking, no service). */
  recommendSql: number[]
  smallBbox: number[]
  /** Baseline: the same page with the exact count (the list before estimated totals). */
  smallBboxExact: number[]
  cityBbox: number[]
  cityBboxExact: number[]
  mapOpen: number[]
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]

async function timed(n: number, fn: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    await fn(i)
    out.push(performance.now() - t0)
  }
  return out
}

async function seed(db: Database): Promise<void> {
  const kinds = `(ARRAY['ambulance','fire_engine','rescue','satpol_pp','police'])[1 + (g % 5)]`
  await db.query(
    `INSERT INTO units (tenant, callsign, kind, status, incident_id, location, position_at)
     SELECT $1, 'B-' || g, ${kinds},
       CASE WHEN g % 7 = 0 THEN 'en_route' ELSE 'available' END,
       CASE WHEN g % 7 = 0 THEN gen_random_uuid() END,
       ST_SetSRID(ST_MakePoint($2 + random() * $4, $3 + random() * $4), 4326), now()
     FROM generate_series(1, $5) g`,
    [TENANT, MIN_LON, MIN_LAT, SPAN, UNITS],
  )
  const types = `(ARRAY['medical','medical','medical','traffic_accident','fire','fallen_tree','flood','crime','public_order','other'])[1 + (g % 10)]`
  for (let from = 1; from <= INCIDENTS; from += BATCH) {
    const to = Math.min(INCIDENTS, from + BATCH - 1)
    await db.query(
      `INSERT INTO incidents (tenant, number, source, type, priority, status, location, created_at, updated_at, dispatched_at, on_scene_at, closed_at)
       SELECT $1, $1 || '-bench-' || g, 'call_112', ${types}, 'P' || (1 + g % 4),
         CASE WHEN g > $6 - 200 THEN 'new' WHEN g % 50 = 0 THEN 'cancelled' ELSE 'closed' END,
         ST_SetSRID(ST_MakePoint($2 + random() * $4, $3 + random() * $4), 4326), t, t, t + interval '2 min', t + interval '11 min', t + interval '50 min'
       FROM generate_series($5::int, $7::int) g, LATERAL (SELECT now() - make_interval(mins => ($6 - g) * 2)) AS c(t)`,
      [TENANT, MIN_LON, MIN_LAT, SPAN, from, INCIDENTS, to],
    )
    process.stdout.write(`\r  ${to.toLocaleString('en')} incidents`)
  }
  process.stdout.write('\n')
  await db.query('ANALYZE units')
  await db.query('ANALYZE incidents')
}

/** BENCH_EXPLAIN=1: the plans behind the figures (what holds a goal back). */
async function explain(db: Database, incidentId: string, small: string, city: string): Promise<void> {
  const show = async (title: string, sql: string, params: unknown[]) => {
    const rows = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params)
    console.log(`\n-- ${title}\n${rows.map((r) => r['QUERY PLAN']).join('\n')}`)
  }
  const filter = (bbox: string) => [TENANT, null, null, null, null, bbox.split(',').map(Number)]
  const where = `i.tenant = $1 AND ($2::text[] IS NULL OR i.status = ANY($2)) AND ($3::text[] IS NULL OR i.type = ANY($3))
    AND ($4::text[] IS NULL OR i.priority = ANY($4)) AND ($5::timestamptz IS NULL OR i.created_at >= $5)
    AND ($6::float8[] IS NULL OR i.location && ST_MakeEnvelope($6[1], $6[2], $6[3], $6[4], 4326))`
  await show('list 1 km² page', `SELECT i.id FROM incidents i WHERE ${where} ORDER BY i.created_at DESC, i.id DESC LIMIT 50`, filter(small))
  await show('count 1 km² up to 1,001', `SELECT count(*) FROM (SELECT 1 FROM incidents i WHERE ${where} LIMIT 1001) c`, filter(small))
  await show('count city exactly', `SELECT count(*) FROM incidents i WHERE ${where}`, filter(city))
  const [u] = await db.query<{ g: string }>('SELECT location::text AS g FROM incidents WHERE id = $1', [incidentId])
  await show(
    'KNN of one kind',
    `SELECT id FROM units WHERE tenant = $1 AND status = 'available' AND archived_at IS NULL AND kind = 'ambulance' ORDER BY location <-> $2::geometry LIMIT 10`,
    [TENANT, u.g],
  )
}

async function measure(db: Database, name: string, dataDir: string): Promise<Row> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false })
  await kendali.prepare()
  console.log(`${name}: seeding ${UNITS.toLocaleString('en')} units and ${INCIDENTS.toLocaleString('en')} incidents…`)
  const t0 = performance.now()
  await seed(db)
  const seedSeconds = (performance.now() - t0) / 1000
  const s = incidentsServices(kendali.ctx)
  const open = await s.incidents.list(db, TENANT, { status: 'new', limit: SAMPLES }, false)
  const incidentAt = (i: number) => open.items[i % open.items.length].id
  const roundTrip = await timed(SAMPLES, () => db.query('SELECT 1'))
  // Warm both paths once, so neither pays the first plan.
  await s.dispatch.recommend(db, TENANT, incidentAt(0), 5)
  const recommend = await timed(SAMPLES, (i) => s.dispatch.recommend(db, TENANT, incidentAt(i), 5))
  const recommendSql = await timed(SAMPLES, (i) => nearestAvailableTo(db, TENANT, incidentAt(i), {}, UNIT_KINDS, 10))
  const box = (lon: number, lat: number, size: number) => `${lon},${lat},${lon + size},${lat + size}`
  // About 1 km² (a kelurahan's block) and the whole 11 km square.
  const small = (i: number) => box(MIN_LON + ((i * 7) % 90) / 1000, MIN_LAT + ((i * 13) % 90) / 1000, 0.009)
  const smallBbox = await timed(SAMPLES, (i) => s.incidents.list(db, TENANT, { bbox: small(i), limit: 50 }, false))
  const smallBboxExact = await timed(SAMPLES, (i) => s.incidents.list(db, TENANT, { bbox: small(i), limit: 50, total: 'exact' }, false))
  const city = box(MIN_LON, MIN_LAT, SPAN)
  const cityBbox = await timed(SAMPLES, () => s.incidents.list(db, TENANT, { bbox: city, limit: 50 }, false))
  const cityBboxExact = await timed(20, () => s.incidents.list(db, TENANT, { bbox: city, limit: 50, total: 'exact' }, false))
  const mapOpen = await timed(SAMPLES, () => s.incidents.features(db, TENANT, { bbox: city }))
  if (process.env.BENCH_EXPLAIN) await explain(db, incidentAt(0), small(3), city)
  await kendali.close()
  return { db: name, seedSeconds, roundTrip, recommend, recommendSql, smallBbox, smallBboxExact, cityBbox, cityBboxExact, mapOpen }
}

async function main(): Promise<void> {
  const rows = await onEachDatabase('incidents', measure)
  console.log(
    `\nKendali incidents benchmark — ${cpus().length} cores, Node ${process.version}; ${UNITS.toLocaleString('en')} units, ${INCIDENTS.toLocaleString('en')} incidents`,
  )
  const cell = (xs: number[], p: number) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, p).toFixed(1)}`
  const line = (name: string, xs: number[], p: number, base: number[], baseName: string, goal: string) =>
    console.log(
      `  ${name.padEnd(34)}${cell(xs, p).padStart(16)}   ${baseName.padEnd(30)}${cell(base, p).padStart(16)}${`${(pct(xs, p) / pct(base, p)).toFixed(2)} ×`.padStart(10)}   goal ${goal}`,
    )
  for (const r of rows) {
    console.log(
      `${r.db} (seeded in ${r.seedSeconds.toFixed(0)} s) — ms p50 / p99 for recommend, p50 / p95 for lists; ratio = this / baseline at that percentile`,
    )
    line('recommend 5 (KNN → ETA)', r.recommend, 99, r.recommendSql, 'KNN statement alone', 'p99 ≤ 5 ms')
    line('recommend 5 (KNN → ETA)', r.recommend, 99, r.roundTrip, 'SELECT 1', '')
    line('list 1 km² bbox, page + total', r.smallBbox, 95, r.smallBboxExact, 'same with exact count (old)', 'p95 ≤ 20 ms')
    line('list city bbox, page + total', r.cityBbox, 95, r.cityBboxExact, 'same with exact count (old)', 'p95 ≤ 50 ms')
    line('map open (GeoJSON, city)', r.mapOpen, 95, r.roundTrip, 'SELECT 1', '')
  }
  console.log("total = exact up to 1,000 matches, then the planner's estimate; `total=exact` counts every match (the baseline).")
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
