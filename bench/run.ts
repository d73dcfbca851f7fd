import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { createKendali, type Kendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import { type Database, openDatabase } from '../src/core/db/database.ts'
import { headSeq } from '../src/core/events/log.ts'
import { allModules } from '../src/modules/index.ts'
import type { ClientsJob, Receipts } from './live-clients.ts'

// The live channel's throughput and latency: events written through the real event log (one transaction
// each) and delivered to N WebSocket clients (in a worker thread), with the in-process bus and with NATS
// between two instances.

const TENANT = '33.71'
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222'
const RUNS = [
  { clients: 1, events: 2000 },
  { clients: 100, events: 1000 },
  { clients: 1000, events: 300 },
]

interface Row {
  bus: string
  clients: number
  events: number
  eventsPerSecond: number
  deliveriesPerSecond: number
  /** Events per second written while latency was measured: half the burst rate, at most 100. */
  pace: number
  p50: number
  p99: number
  max: number
}

interface Delivery {
  eventsPerSecond: number
  deliveriesPerSecond: number
  latencies: number[]
}

// Worker threads do not take --import; the thread loads tsx's loader itself, then the TypeScript clients.
const CLIENTS_BOOTSTRAP = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(
  new URL('./live-clients.ts', import.meta.url).href,
)}, ${JSON.stringify(import.meta.url)}))`

// Lets socket I/O run between writes, as it does between requests in the server.
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve))
const sleepUntil = (t: number) => new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, t - performance.now())))

async function startInstance(db: Database, dataDir: string, natsUrl: string | null): Promise<{ kendali: Kendali; url: string }> {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '1', LOG_LEVEL: 'silent', SIMULATOR: '0', ...(natsUrl ? { NATS_URL: natsUrl } : {}) })
  const kendali = await createKendali(config, allModules(), { db, logger: false, rateLimitPerMinute: 0, background: false, mqtt: false })
  await kendali.prepare()
  await kendali.app.listen({ port: 0, host: '127.0.0.1' })
  const address = kendali.app.server.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return { kendali, url: `http://127.0.0.1:${address.port}` }
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: 'kendali-demo' }),
  })
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kendali_session='))
  if (!cookie) throw new Error(`login failed: ${res.status}`)
  return cookie.split(';')[0]
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/**
 * Writes `events` events on `writer` (as fast as possible, or `pace` per second) and waits until each of
 * `clients` clients of the reader (in a worker thread) has all of them, checking order and completeness.
 */
async function deliver(writer: Kendali, readerUrl: string, cookie: string, clients: number, events: number, pace: number | null): Promise<Delivery> {
  const start = await headSeq(writer.ctx.db, TENANT)
  // Commit time = when the bus hands the committed event on, taken before any live client sees it.
  const committedAt = new Map<number, number>()
  const stopTiming = writer.ctx.bus.subscribe((e) => committedAt.set(e.seq, Number(process.hrtime.bigint()) / 1e6))
  const job: ClientsJob = { wsUrl: `${readerUrl.replace('http', 'ws')}/api/t/${TENANT}/live?after=${start}`, cookie, clients, events }
  const worker = new Worker(CLIENTS_BOOTSTRAP, { eval: true, workerData: job })
  const finished = new Promise<Receipts>((resolve, reject) => {
    worker.on('message', (m: { kind: string; receipts?: Receipts; message?: string }) => {
      if (m.kind === 'done' && m.receipts) resolve(m.receipts)
      if (m.kind === 'error') reject(new Error(m.message))
    })
    worker.on('error', reject)
  })
  await new Promise<void>((resolve, reject) => {
    worker.on('message', (m: { kind: string }) => m.kind === 'open' && resolve())
    worker.on('error', reject)
  })
  const t0 = performance.now()
  for (let i = 0; i < events; i++) {
    if (pace) await sleepUntil(t0 + (i * 1000) / pace)
    await writer.ctx.db.transaction((tx) =>
      writer.ctx.events.record(tx, TENANT, 'bench', { topic: 'agencies', type: 'agency.updated', entity: 'bench', data: { name: `Dinas Uji ${i}` } }),
    )
    await yieldToIo()
  }
  const receipts = await finished
  stopTiming()
  const elapsed = (performance.now() - t0) / 1000
  worker.postMessage({ kind: 'close' })
  await worker.terminate()
  const expected = Array.from({ length: events }, (_, i) => start + 1 + i)
  const wrong = receipts.seqs.filter((seqs) => seqs.length !== events || seqs.some((s, i) => s !== expected[i])).length
  if (wrong > 0) throw new Error(`${wrong} of ${clients} clients did not get every event exactly once, in order`)
  const latencies = receipts.seqs.flatMap((seqs, c) => seqs.map((seq, i) => receipts.times[c][i] - (committedAt.get(seq) ?? Number.NaN)))
  latencies.sort((a, b) => a - b)
  return { eventsPerSecond: events / elapsed, deliveriesPerSecond: (events * clients) / elapsed, latencies }
}

/** Throughput from a burst, then latency at half that rate (at most 100 events/s), so queues stay short. */
async function measure(bus: string, writer: Kendali, readerUrl: string, cookie: string, clients: number, events: number): Promise<Row> {
  const burst = await deliver(writer, readerUrl, cookie, clients, events, null)
  const pace = Math.max(1, Math.min(100, Math.floor(burst.eventsPerSecond / 2)))
  const paced = await deliver(writer, readerUrl, cookie, clients, Math.min(events, pace * 5), pace)
  return {
    bus,
    clients,
    events,
    eventsPerSecond: burst.eventsPerSecond,
    deliveriesPerSecond: burst.deliveriesPerSecond,
    pace,
    p50: percentile(paced.latencies, 50),
    p99: percentile(paced.latencies, 99),
    max: paced.latencies[paced.latencies.length - 1],
  }
}

/** The cost of the write path alone: one transaction with one event, no client listening. */
async function baseline(kendali: Kendali, events: number): Promise<number> {
  const t0 = performance.now()
  for (let i = 0; i < events; i++) {
    await kendali.ctx.db.transaction((tx) => kendali.ctx.events.record(tx, TENANT, 'bench', { topic: 'agencies', type: 'agency.updated', data: { i } }))
  }
  return events / ((performance.now() - t0) / 1000)
}

async function natsReachable(url: string): Promise<boolean> {
  const { connect } = await import('nats')
  try {
    const nc = await connect({ servers: url, timeout: 2000, reconnect: false })
    await nc.close()
    return true
  } catch {
    return false
  }
}

function print(rows: Row[], baselineWrites: number, dbKind: string): void {
  const f = (n: number, digits = 0) => n.toFixed(digits).padStart(10)
  console.log(`\nKendali live-channel benchmark — ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), Node ${process.version}, database ${dbKind}`)
  console.log(`baseline: ${baselineWrites.toFixed(0)} event writes/s with no client (one transaction per event)\n`)
  console.log('burst: events written back to back; latency: from commit to client, measured at `pace` events/s\n')
  console.log(
    `${'bus'.padEnd(8)}${'clients'.padStart(8)}${'events'.padStart(8)}${'events/s'.padStart(10)}${'vs base'.padStart(10)}${'deliv./s'.padStart(10)}${'pace/s'.padStart(8)}${'p50 ms'.padStart(10)}${'p99 ms'.padStart(10)}${'max ms'.padStart(10)}`,
  )
  for (const r of rows) {
    console.log(
      `${r.bus.padEnd(8)}${String(r.clients).padStart(8)}${String(r.events).padStart(8)}${f(r.eventsPerSecond)}${f(r.eventsPerSecond / baselineWrites, 2)}${f(r.deliveriesPerSecond)}${String(r.pace).padStart(8)}${f(r.p50, 2)}${f(r.p99, 2)}${f(r.max, 2)}`,
    )
  }
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kendali-bench-'))
  const db = await openDatabase({ databaseUrl: null, dataDir })
  const rows: Row[] = []
  try {
    const memory = await startInstance(db, dataDir, null)
    const baselineWrites = await baseline(memory.kendali, 1000)
    const cookie = await login(memory.url)
    for (const run of RUNS) rows.push(await measure('memory', memory.kendali, memory.url, cookie, run.clients, run.events))
    await memory.kendali.close()

    if (await natsReachable(NATS_URL)) {
      // Two instances on one database: the writer is A, every client is on B, so each event crosses NATS.
      const a = await startInstance(db, dataDir, NATS_URL)
      const b = await startInstance(db, dataDir, NATS_URL)
      const natsCookie = await login(b.url)
      for (const run of RUNS) rows.push(await measure('nats', a.kendali, b.url, natsCookie, run.clients, run.events))
      await a.kendali.close()
      await b.kendali.close()
    } else {
      console.log(`NATS at ${NATS_URL} is not reachable: the NATS rows are skipped (set NATS_URL).`)
    }
    print(rows, baselineWrites, db.kind)
  } finally {
    await db.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
