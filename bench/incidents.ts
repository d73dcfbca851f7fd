import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { incidentsServices } from '../src/modules/incidents/index.ts'
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
  smallBbox: number[]
  cityBbox: number[]
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
       CASE WHEN g % 5 = 0 THEN 'en_route' ELSE 'available' END,
       CASE WHEN g % 5 = 0 THEN gen_random_uuid() END,
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
  const roundTrip = await timed(SAMPLES, () => db.query('SELECT 1'))
  const recommend = await timed(SAMPLES, (i) => s.dispatch.recommend(db, TENANT, open.items[i % open.items.length].id, 5))
  const box = (lon: number, lat: number, size: number) => `${lon},${lat},${lon + size},${lat + size}`
  // About 1 km² (a kelurahan's block) and the whole 11 km square.
  const smallBbox = await timed(SAMPLES, (i) =>
    s.incidents.list(db, TENANT, { bbox: box(MIN_LON + ((i * 7) % 90) / 1000, MIN_LAT + ((i * 13) % 90) / 1000, 0.009), limit: 50 }, false),
  )
  const cityBbox = await timed(20, () => s.incidents.list(db, TENANT, { bbox: box(MIN_LON, MIN_LAT, SPAN), limit: 50 }, false))
  const mapOpen = await timed(SAMPLES, () => s.incidents.features(db, TENANT, { bbox: box(MIN_LON, MIN_LAT, SPAN) }))
  await kendali.close()
  return { db: name, seedSeconds, roundTrip, recommend, smallBbox, cityBbox, mapOpen }
}

async function main(): Promise<void> {
  const rows = await onEachDatabase('incidents', measure)
  console.log(
    `\nKendali incidents benchmark — ${cpus().length} cores, Node ${process.version}; ${UNITS.toLocaleString('en')} units, ${INCIDENTS.toLocaleString('en')} incidents (ms, p50 / p95; recommend p50 / p99)`,
  )
  const cell = (xs: number[], p = 95) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, p).toFixed(1)}`.padStart(16)
  console.log(
    `${'database'.padEnd(10)}${'seed s'.padStart(8)}${'SELECT 1'.padStart(16)}${'recommend 5'.padStart(16)}${'x SELECT 1'.padStart(12)}${'list 1 km² bbox'.padStart(16)}${'list city bbox'.padStart(16)}${'map open'.padStart(16)}`,
  )
  for (const r of rows) {
    const ratio = (pct(r.recommend, 99) / pct(r.roundTrip, 99)).toFixed(1).padStart(12)
    console.log(
      `${r.db.padEnd(10)}${r.seedSeconds.toFixed(0).padStart(8)}${cell(r.roundTrip, 99)}${cell(r.recommend, 99)}${ratio}${cell(r.smallBbox)}${cell(r.cityBbox)}${cell(r.mapOpen)}`,
    )
  }
  console.log('x SELECT 1 = recommend p99 / SELECT 1 p99: the recommendation in round trips of this machine at this moment.')
  console.log('list = first page of 50, newest first, with its total; map open = GeoJSON of the open incidents in the city bbox.')
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
