import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import { openDatabase } from '../src/core/db/database.ts'
import { datahubServices } from '../src/modules/datahub/index.ts'
import { parseCsvTable } from '../src/modules/datahub/tabular.ts'
import { allModules } from '../src/modules/index.ts'

// Data hub at scale: importing a CSV of 1,000,000 rows (rows/s and peak memory), datastore_search with a
// filter on that table, and package_search over 5,000 datasets. PGlite; BENCH_ROWS changes the size.
// Run: npx tsx bench/datahub.ts

const TENANT = '33.71'
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const DATASETS = Number(process.env.BENCH_DATASETS ?? 5_000)
const SAMPLES = 100

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

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kendali-bench-datahub-'))
  const db = await openDatabase({ databaseUrl: null, dataDir })
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false })
  try {
    await kendali.prepare()
    const { datasets, ckan } = datahubServices(kendali.ctx)
    const lines = ['kecamatan;kelurahan;tahun;nilai;lintang;bujur']
    for (let i = 0; i < ROWS; i++) lines.push(`Kec ${i % 3};Kel ${i % 17};${2015 + (i % 10)};${(i % 1000) / 10};-7,${4700 + (i % 300)};110,${2100 + (i % 200)}`)
    const csv = lines.join('\n')
    let peak = process.memoryUsage().rss
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss)
    }, 50)
    await datasets.create(db, TENANT, 'bench', { name: 'bench-rows', title: 'Bench rows', public: true })
    const t0 = performance.now()
    const resource = await datasets.addFile(db, TENANT, 'bench', 'bench-rows', {
      filename: 'bench.csv',
      bytes: Buffer.from(csv),
      table: await parseCsvTable(csv, ROWS),
    })
    const importSeconds = (performance.now() - t0) / 1000
    clearInterval(sampler)
    await db.query('ANALYZE datahub_rows')

    const scope = { tenant: TENANT, actionBase: 'http://bench/api/t/33.71/ckan/3/action', apiBase: 'http://bench/api/t', siteTitle: 'bench' }
    const datastore = await timed(SAMPLES, (i) =>
      ckan.run(db, scope, 'datastore_search', {
        resource_id: resource.id,
        filters: JSON.stringify({ kelurahan: `Kel ${i % 17}`, tahun: 2015 + (i % 10) }),
        limit: 100,
      }),
    )

    await db.query(
      `INSERT INTO datahub_datasets (tenant, name, title, description, tags, is_public)
       SELECT $1, 'bench-' || g, 'Dataset ' || g, 'Deskripsi data nomor ' || g, ARRAY['tag' || (g % 50), 'umum'], true FROM generate_series(1, $2::int) g`,
      [TENANT, DATASETS],
    )
    await db.query('ANALYZE datahub_datasets')
    const search = await timed(SAMPLES, (i) =>
      ckan.run(db, scope, 'package_search', { q: `nomor ${i * 37}`, fq: `tags:tag${i % 50}`, rows: 10, 'facet.field': '["tags"]' }),
    )

    console.log(`datahub on pglite (${ROWS.toLocaleString('en')} rows, ${DATASETS.toLocaleString('en')} datasets)`)
    console.log(
      `  CSV import: ${Math.round(ROWS / importSeconds).toLocaleString('en')} rows/s (${importSeconds.toFixed(1)} s), peak RSS ${Math.round(peak / 1024 / 1024)} MB`,
    )
    console.log(`  datastore_search with a filter: p50 ${pct(datastore, 50).toFixed(1)} ms, p95 ${pct(datastore, 95).toFixed(1)} ms`)
    console.log(`  package_search (q + fq + facet): p50 ${pct(search, 50).toFixed(1)} ms, p95 ${pct(search, 95).toFixed(1)} ms`)
  } finally {
    await kendali.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

await main()
