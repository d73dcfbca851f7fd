import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir, totalmem } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { connect } from 'nats'
import pg from 'pg'
import { createKendali, type Kendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import { type Database, openDatabase } from '../src/core/db/database.ts'
import { EVENT_COLUMNS, headSeq } from '../src/core/events/log.ts'
import { allModules } from '../src/modules/index.ts'
import { type ClientsReply, type ClientsRequest, now, type Receipts, type WritersReply, type WritersRequest } from './live-protocol.ts'
import { listenLocally } from './server.ts'

// The live channel end to end: events written through the real event log (one transaction each) and
// delivered to N WebSocket clients, with the in-process bus and with NATS between two instances.
// Prints events/s, deliveries/s and commit-to-client latency, against the bare write rate as baseline.
// Then the operators' view: incidents POSTed at a steady 50/s while N consoles follow the channel, the POST's
// own latency (its baseline: the same POSTs with no console open) apart from the consoles' delivery latency.

const TENANT = '33.71'
const NATS_URL = process.env.BENCH_NATS_URL ?? 'nats://127.0.0.1:4222'
const BASELINE_EVENTS = 1000
// Before the baselines: JIT, caches and the database's first pages, so the baseline is not the slowest row.
const WARM_UP_EVENTS = 300
// Fewer events for more clients: each event is N deliveries, and the whole bench should take minutes.
const RUNS = [
  { clients: 1, events: 2000 },
  { clients: 100, events: 2000 },
  { clients: 1000, events: 500 },
]
const WRITER_COUNTS = [1, 4]
const PACED_PER_SECOND = 50
const PACED_POSTS = Number(process.env.BENCH_PACED_POSTS ?? 500)
const PACED_CLIENTS = [0, 100, 1000]
// BENCH_LIVE=paced measures the operators' view alone (the flood rows take minutes).
const FLOOD = process.env.BENCH_LIVE !== 'paced'
const INCIDENT = { type: 'medical', source: 'call_112', location: { type: 'Point', coordinates: [110.2179, -7.4797] } }
// Liveness guard, not a timed assertion: stop waiting for events that will never come.
const STALL_MS = 15_000

interface Row {
  bus: string
  writers: number
  clients: number
  events: number
  eventsPerSecond: number
  /** Same bus and writers, no clients. */
  baseline: number
  deliveriesPerSecond: number | null
  /** Median time from commit until the writer's transaction() returned. */
  writerWait: number
  /** Reads of the log by the live channel (gap fills): none when every event arrives in order. */
  logReads: number | null
  p50: number | null
  p99: number | null
  max: number | null
}

/** Incidents POSTed at a steady rate over HTTP while N consoles follow the live channel. */
interface PacedRow {
  bus: string
  clients: number
  posts: number
  /** Send → answer of the POST, as the operator waits for it. */
  postP50: number
  postP99: number
  /** The same with no console open, in this run. */
  basePostP99: number
  /** Commit (the writer's bus sees the event) → a console has it. */
  p50: number | null
  p99: number | null
  max: number | null
  /** Deliveries that never came (events × consoles expected, minus those received). */
  lost: number | null
  /** Share of the POSTs' time the server's thread (HTTP, database, fan-out) was busy, 0–1. */
  serverBusy: number
  /** CPU time of the server's thread per POST (its database work, its events' fan-out): unlike latency, not inflated by a busy machine. */
  serverCpuPerPost: number | null
  /** The same for the consoles' thread; null without consoles. */
  clientsBusy: number | null
}

interface Section {
  database: string
  rows: Row[]
  paced: PacedRow[]
  notes: string[]
}

const problems: string[] = []

// Two instances share one database: `demo` seeds once, `prepare` migrates once and finds the rest done.
async function startInstance(db: Database, dataDir: string, natsUrl: string | null): Promise<{ kendali: Kendali; url: string }> {
  const config = readConfig({ ...process.env, DEMO: 'on', DATA_DIR: dataDir, SIMULATOR: '0', NATS_URL: natsUrl ?? '' })
  // No background jobs polling the database and no embedded MQTT broker (both instances would want
  // port 1883): the bench is about the event path alone.
  const kendali = await createKendali(config, allModules(), { db, logger: false, rateLimitPerMinute: 0, background: false, mqtt: false })
  await kendali.prepare()
  return { kendali, url: await listenLocally(kendali) }
}

async function login(url: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: 'kendali-demo' }),
  })
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kendali_session='))
  if (!cookie) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  return cookie.split(';')[0]
}

interface Written {
  seq: number
  committedAt: number
  /** When transaction() resolved: the in-process bus delivers to local clients in between. */
  returnedAt: number
}

/** One event through the real write path; the time is taken at commit, before the bus sees the event. */
async function writeEvent(k: Kendali, entity: string): Promise<Written> {
  let committedAt = Number.NaN
  const event = await k.ctx.db.transaction(async (tx) => {
    // Registered before record() adds its own hook, so it runs first. After transaction() resolves would
    // be too late: the in-process bus hands the event to every client inside it.
    tx.afterCommit(() => {
      committedAt = now()
    })
    return k.ctx.events.record(tx, TENANT, 'bench', {
      topic: 'agencies',
      type: 'agency.updated',
      entity,
      data: { t: performance.timeOrigin + performance.now() },
    })
  })
  return { seq: event.seq, committedAt, returnedAt: now() }
}

// In the server every write is a request of its own, with socket I/O between them. PGlite answers in
// microtasks only, so a bare loop of transactions would hold back all I/O (NATS included) until it ends.
const yieldToIo = () => new Promise<void>((resolve) => setImmediate(resolve))

/** Writes `events` events with `writers` concurrent writers, each one transaction after the other. */
async function writeAll(k: Kendali, events: number, writers: number): Promise<Written[]> {
  const written: Written[] = []
  let next = 0
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (next < events) {
        next++
        written.push(await writeEvent(k, 'bench'))
        await yieldToIo()
      }
    }),
  )
  return written
}

async function baseline(bus: string, k: Kendali, writers: number): Promise<Row> {
  const t0 = performance.now()
  const written = await writeAll(k, BASELINE_EVENTS, writers)
  const eventsPerSecond = BASELINE_EVENTS / ((performance.now() - t0) / 1000)
  return {
    bus,
    writers,
    clients: 0,
    events: BASELINE_EVENTS,
    eventsPerSecond,
    baseline: eventsPerSecond,
    deliveriesPerSecond: null,
    writerWait: writerWait(written),
    logReads: null,
    p50: null,
    p99: null,
    max: null,
  }
}

function writerWait(written: Written[]): number {
  return percentile(Float64Array.from(written, (w) => w.returnedAt - w.committedAt).sort(), 50)
}

/** A worker thread running a TypeScript file of this folder. */
function tsWorker(file: string): Worker {
  // Worker threads do not inherit tsx's loader: the thread registers it, then loads the TypeScript file.
  const bootstrap = `import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then((tsx) => tsx.tsImport(${JSON.stringify(
    new URL(file, import.meta.url).href,
  )}, ${JSON.stringify(import.meta.url)}))`
  return new Worker(bootstrap, { eval: true })
}

/** N WebSocket clients in a worker thread, driven by messages (see live-clients.ts). */
class Clients {
  private readonly worker: Worker
  private readonly waiting = new Map<ClientsReply['kind'], (reply: ClientsReply) => void>()
  private failure: Error | null = null

  constructor() {
    this.worker = tsWorker('./live-clients.ts')
    this.worker.on('message', (reply: ClientsReply) => {
      if (reply.kind === 'error') return this.fail(new Error(reply.message))
      const resolve = this.waiting.get(reply.kind)
      this.waiting.delete(reply.kind)
      resolve?.(reply)
    })
    this.worker.on('error', (err) => this.fail(err))
  }

  private fail(err: Error): void {
    this.failure = err
    for (const resolve of this.waiting.values()) resolve({ kind: 'error', message: err.message })
    this.waiting.clear()
  }

  /** Waits for the next reply of the given kind. */
  reply<K extends ClientsReply['kind']>(kind: K): Promise<Extract<ClientsReply, { kind: K }>> {
    if (this.failure) return Promise.reject(this.failure)
    return new Promise<ClientsReply>((resolve) => this.waiting.set(kind, resolve)).then((r) => {
      if (r.kind === 'error') throw new Error(`clients: ${r.message}`)
      return r as Extract<ClientsReply, { kind: K }>
    })
  }

  /** Sends a request and waits for the reply of the given kind. */
  ask<K extends ClientsReply['kind']>(request: ClientsRequest, answer: K): Promise<Extract<ClientsReply, { kind: K }>> {
    const reply = this.reply(answer)
    this.tell(request)
    return reply
  }

  tell(request: ClientsRequest): void {
    this.worker.postMessage(request)
  }

  async close(): Promise<void> {
    if (!this.failure) await this.ask({ kind: 'close' }, 'closed')
    await this.worker.terminate()
  }
}

/**
 * Clients connect without `after`: the server starts each one at the head of the log it reads after the
 * upgrade, which may be after a write that follows the `open` event. So the writer writes until every
 * client has received something: from then on each client has started and must get every event.
 */
async function syncClients(writer: Kendali, clients: Clients): Promise<void> {
  const synced = clients.ask({ kind: 'sync' }, 'synced')
  let done = false
  void synced.then(() => {
    done = true
  })
  for (let attempt = 0; !done; attempt++) {
    if (attempt === 100) throw new Error('the clients received none of 100 events written to sync them')
    await writeEvent(writer, 'bench-sync')
    await Promise.race([synced, new Promise((resolve) => setTimeout(resolve, 100))])
  }
}

function percentile(sorted: Float64Array, p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

/** Writes `events` events on `writer` and waits until every client (connected to the reader) has them. */
async function deliver(
  bus: string,
  writer: Kendali,
  clients: Clients,
  logReads: () => number,
  n: number,
  events: number,
  writers: number,
  base: number,
): Promise<Row> {
  await syncClients(writer, clients)
  const readsBefore = logReads()
  const from = (await headSeq(writer.ctx.db, TENANT)) + 1
  await clients.ask({ kind: 'expect', from, count: events }, 'expecting')
  const received = clients.reply('received')
  const written = await writeAll(writer, events, writers)
  clients.tell({ kind: 'written', stallMs: STALL_MS })
  const { receipts } = await received
  return { ...summarise(bus, writers, n, events, base, from, written, receipts), logReads: logReads() - readsBefore }
}

function summarise(bus: string, writers: number, n: number, events: number, base: number, from: number, written: Written[], r: Receipts): Row {
  const committed = new Float64Array(events).fill(Number.NaN)
  for (const w of written) {
    if (w.seq >= from && w.seq < from + events) committed[w.seq - from] = w.committedAt
    // Another writer (none in this bench) would shift the range and leave these clients waiting.
    else problems.push(`${bus} N=${n}: wrote seq ${w.seq} outside ${from}..${from + events - 1}`)
  }
  const latencies = new Float64Array(r.times.length)
  let firstCommit = Number.POSITIVE_INFINITY
  let lastReceive = Number.NEGATIVE_INFINITY
  for (const c of committed) firstCommit = Math.min(firstCommit, c)
  let k = 0
  for (let i = 0; i < r.times.length; i++) {
    const t = r.times[i]
    if (Number.isNaN(t)) continue
    lastReceive = Math.max(lastReceive, t)
    latencies[k++] = t - committed[i % events]
  }
  const sorted = latencies.subarray(0, k).sort()
  if (r.missing + r.duplicates + r.outOfOrder > 0) {
    problems.push(
      `${bus} N=${n} writers=${writers}: ${r.missing} missing, ${r.duplicates} duplicated, ${r.outOfOrder} out of order deliveries` +
        (r.problems.length ? ` (${r.problems.join('; ')})` : ''),
    )
  }
  const seconds = (lastReceive - firstCommit) / 1000
  return {
    bus,
    writers,
    clients: n,
    events,
    eventsPerSecond: events / seconds,
    baseline: base,
    deliveriesPerSecond: (events * n) / seconds,
    writerWait: writerWait(written),
    logReads: null,
    p50: k ? percentile(sorted, 50) : null,
    p99: k ? percentile(sorted, 99) : null,
    max: k ? sorted[k - 1] : null,
  }
}

/** Baselines, then every client count and writer count, writing on `writer` and reading on `reader`. */
async function measureBus(bus: string, writer: Kendali, readerUrl: string, cookie: string, logReads: () => number): Promise<Row[]> {
  const rows: Row[] = []
  const base = new Map<number, number>()
  await writeAll(writer, WARM_UP_EVENTS, 1)
  if (!FLOOD) return rows
  for (const writers of WRITER_COUNTS) {
    const row = await baseline(bus, writer, writers)
    base.set(writers, row.eventsPerSecond)
    rows.push(row)
  }
  const wsUrl = `${readerUrl.replace('http:', 'ws:')}/api/t/${TENANT}/live`
  for (const run of RUNS) {
    const clients = new Clients()
    try {
      await clients.ask({ kind: 'open', url: wsUrl, cookie, clients: run.clients }, 'opened')
      for (const writers of WRITER_COUNTS) {
        const row = await deliver(bus, writer, clients, logReads, run.clients, run.events, writers, base.get(writers) ?? Number.NaN)
        rows.push(row)
        console.error(`  ${bus} N=${run.clients} writers=${writers}: ${row.eventsPerSecond.toFixed(0)} events/s`)
      }
    } finally {
      await clients.close()
    }
  }
  return rows
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
})()

/** CPU milliseconds (user + system) the main thread has used, where Linux says (/proc); null elsewhere. */
function mainThreadCpuMs(): number | null {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8')
    // Fields after the command name (which may hold spaces, closed by the last ')'): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS
  } catch {
    return null
  }
}

/** POSTs in a thread of their own (live-writers.ts), timed there. */
function postPaced(request: WritersRequest): Promise<Float64Array> {
  const worker = tsWorker('./live-writers.ts')
  return new Promise<Float64Array>((resolve, reject) => {
    worker.once('message', (reply: WritersReply) => (reply.kind === 'posted' ? resolve(reply.latencies) : reject(new Error(reply.message))))
    worker.once('error', reject)
    worker.postMessage(request)
  }).finally(() => worker.terminate())
}

/** Incidents at PACED_PER_SECOND through the writer's HTTP API, with 0, 100 and 1,000 consoles on the reader. */
async function measurePaced(bus: string, writer: Kendali, writerUrl: string, readerUrl: string, cookie: string): Promise<PacedRow[]> {
  const committed = new Map<number, number>()
  const stop = writer.ctx.bus.subscribe((event) => {
    if (event.tenant === TENANT && !event.volatile) committed.set(event.seq, now())
  })
  const request = (count: number): WritersRequest => ({
    url: `${writerUrl}/api/t/${TENANT}/incidents`,
    cookie,
    body: INCIDENT,
    count,
    perSecond: PACED_PER_SECOND,
  })
  const rows: PacedRow[] = []
  try {
    // How many logged events one incident makes: the consoles expect exactly that many per POST.
    const before = await headSeq(writer.ctx.db, TENANT)
    await postPaced(request(PACED_PER_SECOND))
    const perPost = ((await headSeq(writer.ctx.db, TENANT)) - before) / PACED_PER_SECOND
    let basePostP99 = Number.NaN
    for (const n of PACED_CLIENTS) {
      const clients = n > 0 ? new Clients() : null
      try {
        if (clients) {
          await clients.ask({ kind: 'open', url: `${readerUrl.replace('http:', 'ws:')}/api/t/${TENANT}/live`, cookie, clients: n }, 'opened')
          await syncClients(writer, clients)
        }
        const from = (await headSeq(writer.ctx.db, TENANT)) + 1
        const count = PACED_POSTS * perPost
        await clients?.ask({ kind: 'expect', from, count }, 'expecting')
        const received = clients?.reply('received')
        const elu = performance.eventLoopUtilization()
        const cpu = mainThreadCpuMs()
        const posts = Float64Array.from(await postPaced(request(PACED_POSTS))).sort()
        const serverBusy = performance.eventLoopUtilization(elu).utilization
        const cpuAfter = mainThreadCpuMs()
        clients?.tell({ kind: 'written', stallMs: STALL_MS })
        const receipts = received ? (await received).receipts : null
        if (n === 0) basePostP99 = percentile(posts, 99)
        const latencies: number[] = []
        if (receipts) {
          for (let i = 0; i < receipts.times.length; i++) {
            const at = committed.get(from + (i % count))
            if (!Number.isNaN(receipts.times[i]) && at !== undefined) latencies.push(receipts.times[i] - at)
          }
          if (receipts.missing + receipts.duplicates + receipts.outOfOrder > 0)
            problems.push(
              `paced ${bus} N=${n}: ${receipts.missing} missing, ${receipts.duplicates} duplicated, ${receipts.outOfOrder} out of order (${receipts.problems.join('; ')})`,
            )
        }
        const sorted = Float64Array.from(latencies).sort()
        rows.push({
          bus,
          clients: n,
          posts: PACED_POSTS,
          postP50: percentile(posts, 50),
          postP99: percentile(posts, 99),
          basePostP99,
          p50: sorted.length ? percentile(sorted, 50) : null,
          p99: sorted.length ? percentile(sorted, 99) : null,
          max: sorted.length ? sorted[sorted.length - 1] : null,
          lost: receipts ? receipts.missing : null,
          serverBusy,
          serverCpuPerPost: cpu === null || cpuAfter === null ? null : (cpuAfter - cpu) / PACED_POSTS,
          clientsBusy: receipts ? receipts.busy : null,
        })
        console.error(`  paced ${bus} N=${n}: POST p99 ${percentile(posts, 99).toFixed(1)} ms, delivery p99 ${rows[rows.length - 1].p99?.toFixed(1) ?? '-'} ms`)
      } finally {
        await clients?.close()
      }
    }
  } finally {
    stop()
  }
  return rows
}

/** Why NATS cannot be used, or null when it can. */
async function natsUnavailable(url: string): Promise<string | null> {
  try {
    const nc = await connect({ servers: url, timeout: 2000, reconnect: false })
    await nc.close()
    return null
  } catch (err) {
    return err instanceof Error ? err.message : String(err)
  }
}

/** The database as the instances see it, counting the live channel's reads of the log. */
function countLogReads(db: Database): { db: Database; reads: () => number } {
  // listEvents, the only reader of the log in this bench (no HTTP client pages /events here).
  const logRead = `SELECT ${EVENT_COLUMNS} FROM events`
  let reads = 0
  const counted: Database = {
    kind: db.kind,
    query: <T>(sql: string, params?: readonly unknown[]) => {
      if (sql.startsWith(logRead)) reads++
      return db.query<T>(sql, params)
    },
    transaction: (fn) => db.transaction(fn),
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
  }
  return { db: counted, reads: () => reads }
}

async function measureDatabase(database: Database, dataDir: string, label: string): Promise<Section> {
  const section: Section = { database: label, rows: [], paced: [], notes: [] }
  const { db, reads } = countLogReads(database)
  console.error(`${label}: memory bus`)
  const memory = await startInstance(db, dataDir, null)
  try {
    const cookie = await login(memory.url)
    section.rows.push(...(await measureBus('memory', memory.kendali, memory.url, cookie, reads)))
    section.paced.push(...(await measurePaced('memory', memory.kendali, memory.url, memory.url, cookie)))
  } finally {
    await memory.kendali.close()
  }

  const natsProblem = await natsUnavailable(NATS_URL)
  if (natsProblem) {
    section.notes.push(`NATS skipped: ${NATS_URL} is not reachable (${natsProblem}); set BENCH_NATS_URL.`)
    return section
  }
  console.error(`${label}: NATS bus`)
  // Writer A, clients on B, one database: every event reaches the clients over NATS.
  const a = await startInstance(db, dataDir, NATS_URL)
  const b = await startInstance(db, dataDir, NATS_URL)
  try {
    const cookie = await login(b.url)
    section.rows.push(...(await measureBus('nats', a.kendali, b.url, cookie, reads)))
    section.paced.push(...(await measurePaced('nats', a.kendali, a.url, b.url, cookie)))
  } finally {
    await a.kendali.close()
    await b.kendali.close()
  }
  return section
}

async function pgliteSection(): Promise<Section> {
  const dataDir = mkdtempSync(join(tmpdir(), 'kendali-bench-'))
  try {
    console.error('opening PGlite…')
    // One PGlite for the whole bench: opening one takes seconds and about a gigabyte.
    const db = await openDatabase({ databaseUrl: null, dataDir })
    try {
      return await measureDatabase(db, dataDir, 'PGlite (in-process, one connection)')
    } finally {
      await db.close()
    }
  } finally {
    rmSync(dataDir, { recursive: true, force: true })
  }
}

async function postgresSection(adminUrl: string): Promise<Section> {
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  const url = new URL(adminUrl)
  url.pathname = '/kendali_bench'
  const dataDir = mkdtempSync(join(tmpdir(), 'kendali-bench-'))
  try {
    // A database of the bench's own, fresh each run.
    await admin.query('DROP DATABASE IF EXISTS kendali_bench WITH (FORCE)')
    await admin.query('CREATE DATABASE kendali_bench')
    const db = await openDatabase({ databaseUrl: url.toString(), dataDir })
    try {
      return await measureDatabase(db, dataDir, `PostgreSQL ${url.host} (pool of 10)`)
    } finally {
      await db.close()
    }
  } finally {
    await admin.query('DROP DATABASE IF EXISTS kendali_bench WITH (FORCE)')
    await admin.end()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

function print(sections: Section[], seconds: number, loadAtStart: number): void {
  const cpu = cpus()
  const fixed = (n: number | null, digits: number) => (n === null ? '-' : n.toFixed(digits))
  const columns: [string, number][] = [
    ['bus', -8],
    ['writers', 8],
    ['N', 6],
    ['events', 8],
    ['events/s', 10],
    ['x base', 8],
    ['deliveries/s', 14],
    ['wait ms', 9],
    ['log reads', 11],
    ['p50 ms', 9],
    ['p99 ms', 9],
    ['max ms', 9],
  ]
  const line = (cells: string[]) => cells.map((cell, i) => (columns[i][1] < 0 ? cell.padEnd(-columns[i][1]) : cell.padStart(columns[i][1]))).join('')
  console.log(
    `\nKendali live channel: ${cpu.length} × ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB, Node ${process.version}`,
  )
  console.log('N = WebSocket clients (in a worker thread of this process), N = 0: the baseline, writes with no client')
  console.log('events/s = events / (first commit → last client has the last event); latency = commit → client receives it')
  console.log('wait = median commit → transaction() returns to the writer; log reads = gap fills the live channel read from the database')
  for (const section of sections) {
    console.log(`\ndatabase: ${section.database}`)
    if (section.rows.length > 0) console.log(line(columns.map(([name]) => name)))
    for (const r of section.rows) {
      console.log(
        line([
          r.bus,
          String(r.writers),
          String(r.clients),
          String(r.events),
          r.eventsPerSecond.toFixed(0),
          (r.eventsPerSecond / r.baseline).toFixed(2),
          r.deliveriesPerSecond === null ? '-' : r.deliveriesPerSecond.toFixed(0),
          r.writerWait.toFixed(2),
          r.logReads === null ? '-' : String(r.logReads),
          fixed(r.p50, 2),
          fixed(r.p99, 2),
          fixed(r.max, 2),
        ]),
      )
    }
    if (section.paced.length > 0) {
      console.log(
        `\n  incidents POSTed at ${PACED_PER_SECOND}/s; POST = send → answer (x base: p99 over the same POSTs with no console); delivery = commit → console;`,
      )
      console.log("  lost = deliveries that never came; server CPU/POST = the server thread's CPU time per POST, its own work and its events' fan-out")
      console.log(
        "  (other load on the machine does not inflate it); busy = share of the time the server / the consoles' thread was busy (near 100 %: that side is the limit)",
      )
      const pc: [string, number][] = [
        ['bus', -8],
        ['N', 6],
        ['POSTs', 7],
        ['POST p50', 10],
        ['POST p99', 10],
        ['x base', 8],
        ['deliv p50', 11],
        ['deliv p99', 11],
        ['max ms', 9],
        ['lost', 6],
        ['server CPU/POST', 17],
        ['server busy', 13],
        ['consoles busy', 15],
      ]
      const pline = (cells: string[]) => cells.map((cell, i) => (pc[i][1] < 0 ? cell.padEnd(-pc[i][1]) : cell.padStart(pc[i][1]))).join('')
      console.log(pline(pc.map(([name]) => name)))
      for (const r of section.paced) {
        console.log(
          pline([
            r.bus,
            String(r.clients),
            String(r.posts),
            r.postP50.toFixed(2),
            r.postP99.toFixed(2),
            (r.postP99 / r.basePostP99).toFixed(2),
            fixed(r.p50, 2),
            fixed(r.p99, 2),
            fixed(r.max, 2),
            r.lost === null ? '-' : String(r.lost),
            r.serverCpuPerPost === null ? '-' : `${r.serverCpuPerPost.toFixed(1)} ms`,
            `${(r.serverBusy * 100).toFixed(0)} %`,
            r.clientsBusy === null ? '-' : `${(r.clientsBusy * 100).toFixed(0)} %`,
          ]),
        )
      }
    }
    for (const note of section.notes) console.log(note)
  }
  // Other work on the machine shows up in every figure: say how busy it was.
  console.log(`\ntook ${seconds.toFixed(0)} s; load average (1 min) ${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end`)
}

async function main(): Promise<void> {
  const t0 = performance.now()
  const loadAtStart = loadavg()[0]
  const sections = [await pgliteSection()]
  const pgUrl = process.env.BENCH_DATABASE_URL
  if (!pgUrl) {
    const notes = ['skipped: set BENCH_DATABASE_URL (e.g. postgres://postgres@127.0.0.1:5432/postgres) to measure it']
    sections.push({ database: 'PostgreSQL', rows: [], paced: [], notes })
  } else {
    // Asked for, so a failure is an error; the PGlite figures are printed all the same.
    try {
      sections.push(await postgresSection(pgUrl))
    } catch (err) {
      problems.push(`PostgreSQL: ${err instanceof Error ? err.message : String(err)}`)
      sections.push({ database: 'PostgreSQL', rows: [], paced: [], notes: ['failed: see the errors below'] })
    }
  }
  print(sections, (performance.now() - t0) / 1000, loadAtStart)
  if (problems.length > 0) {
    console.log('\nERRORS (delivery: every client must get every event exactly once, in order)')
    for (const p of problems) console.log(`  ${p}`)
    process.exitCode = 1
  }
}

main().catch((err: unknown) => {
  console.error(err)
  // Whatever failed may have left a socket or a thread open: do not wait for it.
  process.exit(1)
})
