import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { allModules } from '../src/modules/index.ts'
import { kpiService } from '../src/modules/kpi/index.ts'
import { periodAt } from '../src/modules/kpi/periods.ts'
import { onEachDatabase } from './databases.ts'

// The executive dashboard at province scale: the summary of one month (six dimensions, 12-month trend)
// for a region among 35, each with 60 daily indicators holding two years of values; and the time to
// recompute one month of the computed indicators for one region. Rows are made in SQL with generate_series.
// Run: npx tsx bench/kpi.ts   (BENCH_DATABASE_URL=postgres://… adds a PostgreSQL row)

const REGIONS = Number(process.env.BENCH_REGIONS ?? 35)
const INDICATORS = Number(process.env.BENCH_INDICATORS ?? 60)
const DAYS = Number(process.env.BENCH_DAYS ?? 730)
const SAMPLES = 50
const DIMENSIONS = ['governance', 'branding', 'economy', 'living', 'society', 'environment']
const regionCode = (i: number) => `33.${String(i + 1).padStart(2, '0')}`

interface Row {
  db: string
  seedSeconds: number
  summary: number[]
  recompute: number[]
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]

async function seed(db: Database): Promise<void> {
  for (let r = 0; r < REGIONS; r++) {
    const tenant = regionCode(r)
    await db.query(
      `INSERT INTO kpi_indicators (tenant, code, name_id, name_en, dimension, unit, direction, frequency, source)
       SELECT $1, 'bench_' || g, 'Indikator ' || g, 'Indicator ' || g, ($2::text[])[1 + g % 6], '%', 'higher', 'daily', 'entered'
       FROM generate_series(1, $3) g`,
      [tenant, DIMENSIONS, INDICATORS],
    )
    await db.query(
      `INSERT INTO kpi_targets (tenant, code, year, target)
       SELECT $1, 'bench_' || g, y, 80 FROM generate_series(1, $2) g, generate_series(2024, 2027) y`,
      [tenant, INDICATORS],
    )
    await db.query(
      `INSERT INTO kpi_values (tenant, code, period, value, updated_by)
       SELECT $1, 'bench_' || g, to_char(current_date - d, 'YYYY-MM-DD'), 50 + random() * 50, 'bench'
       FROM generate_series(1, $2) g, generate_series(0, $3 - 1) d`,
      [tenant, INDICATORS, DAYS],
    )
    process.stdout.write(`\r  ${r + 1}/${REGIONS} regions`)
  }
  process.stdout.write('\n')
  await db.query('ANALYZE kpi_values')
}

async function measure(db: Database, name: string, dataDir: string): Promise<Row> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false })
  await kendali.prepare()
  console.log(`${name}: seeding ${REGIONS} regions × ${INDICATORS} indicators × ${DAYS} days…`)
  const t0 = performance.now()
  await seed(db)
  const seedSeconds = (performance.now() - t0) / 1000
  const kpi = kpiService(kendali.ctx)
  const month = periodAt(new Date(), 'monthly', 'Asia/Jakarta')
  const summary: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const start = performance.now()
    await kpi.summary(db, regionCode(i % REGIONS), month)
    summary.push(performance.now() - start)
  }
  // The default catalogue's computed indicators, on a region whose module tables are empty: the job's own cost.
  const recomputeRegion = regionCode(REGIONS)
  await kpi.ensureCatalogue(db, recomputeRegion)
  const recompute: number[] = []
  for (let i = 0; i < 5; i++) {
    const start = performance.now()
    await kpi.computeMonth(db, recomputeRegion, month)
    recompute.push(performance.now() - start)
  }
  await kendali.close()
  return { db: name, seedSeconds, summary, recompute }
}

async function main(): Promise<void> {
  const rows = await onEachDatabase('kpi', measure)
  console.log(
    `\nKendali KPI benchmark — ${cpus().length} cores, Node ${process.version}; ${REGIONS} regions × ${INDICATORS} daily indicators × ${DAYS} days (ms, p50 / p95)`,
  )
  const cell = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`.padStart(18)
  console.log(`${'database'.padEnd(10)}${'seed s'.padStart(8)}${'summary'.padStart(18)}${'recompute month'.padStart(18)}`)
  for (const r of rows) console.log(`${r.db.padEnd(10)}${r.seedSeconds.toFixed(0).padStart(8)}${cell(r.summary)}${cell(r.recompute)}`)
  console.log('summary = GET …/kpi/summary for one region and month (six dimensions, 12-month trend); recompute = one month of one region.')
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
