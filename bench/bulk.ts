import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { SESSION_COOKIE } from '../src/core/http/identity.ts'
import { allModules } from '../src/modules/index.ts'
import { seedTenancyDemo } from '../src/modules/tenancy/demo.ts'
import { tenancyServices } from '../src/modules/tenancy/index.ts'
import { onEachDatabase } from './databases.ts'

// Creating units through the API: the bulk route (1,000 units a request, per-item results) against the same units
// posted one by one (the only way before), through the real HTTP stack (inject, no socket), an admin's session.
// Run: npx tsx bench/bulk.ts   (BENCH_DATABASE_URL=postgres://… adds a PostgreSQL row)

const TENANT = '33.71'
const BULK_UNITS = Number(process.env.BENCH_BULK_UNITS ?? 20_000)
const SINGLE_UNITS = Number(process.env.BENCH_SINGLE_UNITS ?? 500)
const PER_REQUEST = 1000
const KINDS = ['ambulance', 'fire_engine', 'rescue', 'satpol_pp', 'police'] as const

interface Row {
  db: string
  bulkPerSecond: number
  bulkUpdatePerSecond: number
  singlePerSecond: number
}

const unit = (prefix: string, i: number) => ({
  callsign: `${prefix}-${i}`,
  kind: KINDS[i % KINDS.length],
  location: { type: 'Point', coordinates: [110.17 + (i % 100) / 1000, -7.53 + Math.floor(i / 100) / 10_000] },
})

async function measure(db: Database, name: string, dataDir: string): Promise<Row> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false })
  await kendali.prepare()
  await seedTenancyDemo(db, tenancyServices(kendali.ctx), 'bench-password')
  const login = await kendali.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: 'bench-password' } })
  const session = login.cookies.find((c) => c.name === SESSION_COOKIE)
  if (!session) throw new Error(`login failed: ${login.statusCode} ${login.body}`)
  const headers = { cookie: `${SESSION_COOKIE}=${session.value}` }
  const post = async (url: string, payload: unknown, status: number) => {
    const res = await kendali.app.inject({ method: 'POST', url, payload: payload as Record<string, unknown>, headers })
    if (res.statusCode !== status) throw new Error(`${url}: ${res.statusCode} ${res.body.slice(0, 200)}`)
    return res.json() as { created: number; updated: number; failed: number }
  }
  const bulk = async (prefix: string, expect: 'created' | 'updated') => {
    const t0 = performance.now()
    for (let from = 0; from < BULK_UNITS; from += PER_REQUEST) {
      const items = Array.from({ length: Math.min(PER_REQUEST, BULK_UNITS - from) }, (_, j) => unit(prefix, from + j))
      const answer = await post(`/api/t/${TENANT}/units/bulk`, { items }, 200)
      if (answer[expect] !== items.length) throw new Error(`bulk: ${JSON.stringify(answer).slice(0, 200)}`)
    }
    return BULK_UNITS / ((performance.now() - t0) / 1000)
  }
  console.log(`${name}: ${BULK_UNITS.toLocaleString('en')} units in bulk, ${SINGLE_UNITS.toLocaleString('en')} one by one…`)
  const bulkPerSecond = await bulk('BLK', 'created')
  const bulkUpdatePerSecond = await bulk('BLK', 'updated')
  const t0 = performance.now()
  for (let i = 0; i < SINGLE_UNITS; i++) await post(`/api/t/${TENANT}/units`, unit('ONE', i), 201)
  const singlePerSecond = SINGLE_UNITS / ((performance.now() - t0) / 1000)
  await kendali.close()
  return { db: name, bulkPerSecond, bulkUpdatePerSecond, singlePerSecond }
}

async function main(): Promise<void> {
  const rows = await onEachDatabase('bulk', measure)
  console.log(
    `\nKendali bulk benchmark — ${cpus().length} cores, Node ${process.version}; units through the API, ${PER_REQUEST.toLocaleString('en')} a request`,
  )
  console.log(
    `${'db'.padEnd(10)}${'bulk create /s'.padStart(16)}${'bulk update /s'.padStart(16)}${'one by one /s'.padStart(16)}${'bulk ÷ one'.padStart(12)}   goal ≥ 5,000 rows/s`,
  )
  for (const r of rows) {
    console.log(
      `${r.db.padEnd(10)}${r.bulkPerSecond.toFixed(0).padStart(16)}${r.bulkUpdatePerSecond.toFixed(0).padStart(16)}${r.singlePerSecond.toFixed(0).padStart(16)}${`${(r.bulkPerSecond / r.singlePerSecond).toFixed(1)} ×`.padStart(12)}`,
    )
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
