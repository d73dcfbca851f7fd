import { cpus } from 'node:os'
import { performance } from 'node:perf_hooks'
import { createKendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { allModules } from '../src/modules/index.ts'
import * as asnStore from '../src/modules/patrols/asn-store.ts'
import { EXCUSED, hoursOn } from '../src/modules/patrols/attendance.ts'
import { patrolsServices } from '../src/modules/patrols/index.ts'
import { tenantAdmin } from '../src/modules/patrols/patrols.ts'
import { seedTenancyDemo } from '../src/modules/tenancy/demo.ts'
import { tenancyServices } from '../src/modules/tenancy/index.ts'
import { onEachDatabase } from './databases.ts'

// ASN attendance at scale: the attendance import of a generated 100,000-row CSV (written in batches of 50) (rows/s and the
// process's peak memory while it runs), and the monthly discipline view per OPD for 5,000 staff (p95).
// Run: npx tsx bench/patrols.ts   (BENCH_DATABASE_URL=postgres://… adds a PostgreSQL row)

const TENANT = '33.71'
const STAFF = Number(process.env.BENCH_STAFF ?? 5_000)
const DAYS = Number(process.env.BENCH_DAYS ?? 20)
const SAMPLES = 20
const READER = tenantAdmin('bench')

interface Row {
  db: string
  rows: number
  rowsPerSecond: number
  peakRssMb: number
  discipline: number[]
  /** The first read of the month after the import (the summary is built once). */
  firstRead: number
  /** Baseline: the day-by-day tally of 100,000 person-days (the discipline view before the summary). */
  liveTally: number[]
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]

// 5,000 distinct NIPs: the birth date varies with i, the sequence with i / 225.
const staffNip = (i: number) =>
  `19${70 + (i % 25)}0${1 + (Math.floor(i / 25) % 9)}${String(10 + (Math.floor(i / 225) % 18)).padStart(2, '0')}20100${1 + (i % 9)}1${String(1 + (i % 999)).padStart(3, '0')}`

/** Working days of January 2026 (Monday to Friday, from the 5th), as many as asked. */
function workdays(n: number): string[] {
  const days: string[] = []
  for (let d = new Date('2026-01-05T00:00:00Z'); days.length < n; d = new Date(d.getTime() + 86_400_000)) {
    if (d.getUTCDay() >= 1 && d.getUTCDay() <= 5) days.push(d.toISOString().slice(0, 10))
  }
  return days
}

function* attendanceCsv(days: string[]): Generator<string> {
  yield 'nip,tanggal,jam_masuk,jam_pulang,keterangan\n'
  for (const day of days) {
    let chunk = ''
    for (let i = 0; i < STAFF; i++) {
      const late = (i * 7 + day.charCodeAt(9)) % 50
      chunk += i % 40 === 0 ? `${staffNip(i)},${day},,,TK\n` : `${staffNip(i)},${day},07:${String(late).padStart(2, '0')},16:05,H\n`
    }
    yield chunk
  }
}

async function measure(db: Database, name: string, dataDir: string): Promise<Row> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '0', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, background: false, mqtt: false })
  await kendali.prepare()
  await seedTenancyDemo(db, tenancyServices(kendali.ctx), 'bench-password')
  const s = patrolsServices(kendali.ctx)
  const agencies = [...(await s.ports.agencies(db, TENANT)).values()]
  function* staffCsv() {
    yield 'nip,nama,opd,jabatan\n'
    for (let i = 0; i < STAFF; i++) yield `${staffNip(i)},Pegawai ${i},${agencies[i % agencies.length].code},Pelaksana\n`
  }
  const staff = await s.asn.importNow(kendali.ctx.imports, db, TENANT, 'system:bench', 'staff', [...staffCsv()].join(''), new Date('2026-02-01T00:00:00Z'))
  if (staff.rejectedCount > 0) throw new Error(`staff rows rejected: ${JSON.stringify(staff.rejected.slice(0, 3))}`)
  console.log(`${name}: importing ${(STAFF * DAYS).toLocaleString('en')} attendance rows…`)
  let peak = process.memoryUsage().rss
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss)
  }, 50)
  const t0 = performance.now()
  const result = await s.asn.importNow(
    kendali.ctx.imports,
    db,
    TENANT,
    'system:bench',
    'attendance',
    [...attendanceCsv(workdays(DAYS))].join(''),
    new Date('2026-02-01T00:00:00Z'),
  )
  const seconds = (performance.now() - t0) / 1000
  clearInterval(sampler)
  const rows = result.imported + result.updated
  const now = new Date('2026-02-01T00:00:00Z')
  const t1 = performance.now()
  await s.asn.discipline(db, TENANT, READER, '2026-01', now)
  const firstRead = performance.now() - t1
  const discipline: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now()
    await s.asn.discipline(db, TENANT, READER, '2026-01', now)
    discipline.push(performance.now() - t)
  }
  const { schedule } = await s.asn.settings(db, TENANT)
  const covered = [...(await asnStore.coveredDays(db, TENANT, '2026-01-01', '2026-01-31'))].sort()
  const days = covered.flatMap((day) => {
    const hours = hoursOn(day, schedule)
    return hours ? [{ day, start: hours.start, end: hours.end }] : []
  })
  const liveTally: number[] = []
  for (let i = 0; i < SAMPLES; i++) {
    const t = performance.now()
    await asnStore.tallyByAgency(db, TENANT, null, days, EXCUSED)
    liveTally.push(performance.now() - t)
  }
  await kendali.close()
  return { db: name, rows, rowsPerSecond: rows / seconds, peakRssMb: peak / 1024 / 1024, discipline, firstRead, liveTally }
}

async function main(): Promise<void> {
  const rows = await onEachDatabase('patrols', measure)
  console.log(`\nKendali ASN benchmark — ${cpus().length} cores, Node ${process.version}; ${STAFF.toLocaleString('en')} staff × ${DAYS} days`)
  console.log(
    `${'db'.padEnd(10)}${'rows'.padStart(10)}${'rows/s'.padStart(10)}${'peak RSS MB'.padStart(14)}${'discipline p50 / p95 ms'.padStart(26)}${'first read ms'.padStart(15)}${'day-by-day tally p50 / p95'.padStart(28)}${'ratio p95'.padStart(11)}`,
  )
  for (const r of rows) {
    const cell = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`
    console.log(
      `${r.db.padEnd(10)}${String(r.rows).padStart(10)}${r.rowsPerSecond.toFixed(0).padStart(10)}${r.peakRssMb.toFixed(0).padStart(14)}${cell(r.discipline).padStart(26)}${r.firstRead.toFixed(0).padStart(15)}${cell(r.liveTally).padStart(28)}${`${(pct(r.discipline, 95) / pct(r.liveTally, 95)).toFixed(2)} ×`.padStart(11)}`,
    )
  }
  console.log(
    'discipline = the whole month view (summary per person and month); goal p95 ≤ 100 ms. Baseline = the tally statement alone over every person-day.',
  )
  console.log('first read = the month view right after the import, when the month summary is built once.')
}

await main()
