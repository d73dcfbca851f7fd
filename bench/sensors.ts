import { type ChildProcess, fork } from 'node:child_process'
import { createServer } from 'node:net'
import { cpus, loadavg } from 'node:os'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import WebSocket from 'ws'
import { createKendali, type Kendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import type { Database } from '../src/core/db/database.ts'
import { allModules } from '../src/modules/index.ts'
import { connectMqtt } from '../src/modules/sensors/index.ts'
import { SensorService } from '../src/modules/sensors/service.ts'
import { onEachDatabase } from './databases.ts'
import { profiled } from './profile.ts'
import type { ClientsAnswer, ClientsCommand } from './sensors-clients.ts'
import { listenLocally } from './server.ts'

// Sensor ingest, each figure beside a baseline measured in the same run:
// - MQTT QoS 0 and QoS 1: messages stored/s through Kendali's embedded broker (a QoS 1 publish is acknowledged
//   only once stored) against a bare Aedes broker taking the same messages from the same clients;
// - HTTP SenML batches: readings stored/s against a plain `INSERT … SELECT FROM unnest` of the same rows;
// - the latency from a reading that crosses a threshold to the alarm on a WebSocket.

// Run: npx tsx bench/sensors.ts   (BENCH_DATABASE_URL=postgres://… adds PostgreSQL; BENCH_SENSORS=mqtt,http,alarm picks
// the parts; BENCH_PROFILE=/tmp/prof writes a CPU profile of each measured part there)

const TENANT = '33.71'
const DEVICES = 50
const MESSAGES_PER_DEVICE = Number(process.env.BENCH_MQTT_MESSAGES ?? 400)
const HTTP_BATCHES_PER_DEVICE = Number(process.env.BENCH_HTTP_BATCHES ?? 40)
const HTTP_RECORDS_PER_BATCH = 100
const HTTP_CONCURRENCY = 8
const ALARM_SAMPLES = 40
const PARTS = new Set((process.env.BENCH_SENSORS ?? 'mqtt,http,alarm').split(','))

async function start(db: Database, dataDir: string) {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '1', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, rateLimitPerMinute: 0, background: false })
  await kendali.prepare()
  const url = await listenLocally(kendali)
  const sensors = new SensorService(kendali.ctx.events, (accepted) => {
    stored.readings += accepted
    for (const wait of [...stored.waits]) if (stored.readings >= wait.until) wait.resolve()
  })
  const mqttConnection = connectMqtt(kendali.ctx, sensors)
  return { kendali, sensors, url, stop: mqttConnection.stop }
}

/** Readings the bench's SensorService has committed, told by the service after each batch (no polling of the table). */
const stored = { readings: 0, waits: new Set<{ until: number; resolve: () => void }>() }

function storedReach(until: number): Promise<void> {
  if (stored.readings >= until) return Promise.resolve()
  return new Promise((resolve) => {
    const wait = {
      until,
      resolve: () => {
        stored.waits.delete(wait)
        resolve()
      },
    }
    stored.waits.add(wait)
  })
}

async function countRows(db: Database, prefix: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM readings WHERE tenant = $1 AND device_id LIKE $2', [TENANT, `${prefix}%`])
  return Number(row.n)
}

async function benchDevices(k: Kendali, sensors: SensorService, run: string, n: number): Promise<string[]> {
  const ids: string[] = []
  for (let i = 0; i < n; i++) {
    const id = `${run}-${i}`
    await sensors.createDevice(
      k.ctx.db,
      TENANT,
      'bench',
      {
        name: `Bench ${i}`,
        kind: 'weather_station',
        metrics: [
          { name: 'air_temperature', unit: 'Cel' },
          { name: 'humidity', unit: '%RH' },
        ],
        location: { type: 'Point', coordinates: [110.21, -7.47] },
      },
      { id, token: `token-${id}` },
    )
    ids.push(id)
  }
  return ids
}

const message = (base: number, m: number) => JSON.stringify({ ts: base + m * 1000, values: { air_temperature: 25 + (m % 7), humidity: 70 + (m % 11) } })
const messages = () => {
  const base = Date.now() - MESSAGES_PER_DEVICE * 1000
  return Array.from({ length: MESSAGES_PER_DEVICE }, (_, m) => message(base, m))
}

/** The devices' process (bench/sensors-clients.ts): each command resolves when the clients have done it. */
class Clients {
  private readonly child: ChildProcess
  private waiting: ((answer: ClientsAnswer) => void) | null = null

  constructor() {
    this.child = fork(fileURLToPath(new URL('./sensors-clients.ts', import.meta.url)), { execArgv: ['--import', 'tsx'] })
    this.child.on('message', (answer: ClientsAnswer) => this.waiting?.(answer))
  }

  run(command: ClientsCommand): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting = (answer) => {
        this.waiting = null
        if (answer.kind === 'failed') reject(new Error(`clients: ${answer.message}`))
        else resolve()
      }
      this.child.send(command)
    })
  }

  async close(): Promise<void> {
    await this.run({ kind: 'close' })
    this.child.kill()
  }
}

/** MQTT publish → stored: messages/s (each two readings). QoS 1 counts when every publish is acknowledged (= stored). */
async function mqttIngest(k: Kendali, sensors: SensorService, clients: Clients, qos: 0 | 1): Promise<number> {
  const run = `bm${qos}${Date.now().toString(36)}`
  const ids = await benchDevices(k, sensors, run, DEVICES)
  await clients.run({ kind: 'connect', url: `mqtt://127.0.0.1:${k.ctx.mqtt.port}`, devices: ids.map((id) => ({ username: id, password: `token-${id}` })) })
  const expected = DEVICES * MESSAGES_PER_DEVICE * 2
  const all = storedReach(stored.readings + expected)
  const t0 = performance.now()
  await clients.run({ kind: 'publish', topics: ids.map((id) => `kendali/${TENANT}/devices/${id}/up`), messages: messages(), qos })
  await all
  const seconds = (performance.now() - t0) / 1000
  await clients.run({ kind: 'close' })
  if ((await countRows(k.ctx.db, run)) !== expected) throw new Error(`MQTT QoS ${qos}: rows missing`)
  return (DEVICES * MESSAGES_PER_DEVICE) / seconds
}

/** The same clients and messages to a bare Aedes broker (no authentication, nothing stored): the baseline. */
async function bareAedes(clients: Clients, qos: 0 | 1): Promise<number> {
  const broker = await Aedes.createBroker()
  const server = createServer(broker.handle)
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = address && typeof address === 'object' ? address.port : 0
  const total = DEVICES * MESSAGES_PER_DEVICE
  let received = 0
  const all = new Promise<void>((resolve) =>
    broker.on('publish', (_packet, client) => {
      if (client && ++received === total) resolve()
    }),
  )
  await clients.run({
    kind: 'connect',
    url: `mqtt://127.0.0.1:${port}`,
    devices: Array.from({ length: DEVICES }, (_, i) => ({ username: `bare-${i}`, password: 'x' })),
  })
  const t0 = performance.now()
  await clients.run({ kind: 'publish', topics: Array.from({ length: DEVICES }, (_, i) => `kendali/${TENANT}/devices/bare-${i}/up`), messages: messages(), qos })
  await all
  const seconds = (performance.now() - t0) / 1000
  await clients.run({ kind: 'close' })
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return total / seconds
}

/** SenML packs of HTTP_RECORDS_PER_BATCH readings per device (two metrics), HTTP_CONCURRENCY at once: readings stored/s. */
async function httpSenml(
  k: Kendali,
  sensors: SensorService,
  clients: Clients,
  url: string,
): Promise<{ perSecond: number; packs: { id: string; pack: unknown[] }[] }> {
  const run = `bh${Date.now().toString(36)}`
  const ids = await benchDevices(k, sensors, run, DEVICES)
  const now = Math.floor(Date.now() / 1000)
  const packs: { id: string; pack: unknown[] }[] = []
  for (let b = 0; b < HTTP_BATCHES_PER_DEVICE; b++)
    for (const id of ids) {
      const start = now - (b + 1) * HTTP_RECORDS_PER_BATCH
      const pack: unknown[] = [{ bn: `${id}:`, bt: start }]
      for (let r = 0; r < HTTP_RECORDS_PER_BATCH / 2; r++) {
        pack.push({ n: 'air_temperature', u: 'Cel', t: r * 2, v: 20 + (r % 9) })
        pack.push({ n: 'humidity', u: '%RH', t: r * 2, v: 60 + (r % 13) })
      }
      packs.push({ id, pack })
    }
  await clients.run({
    kind: 'packs',
    packs: packs.map(({ id, pack }) => ({
      path: `/api/t/${TENANT}/devices/${id}/readings`,
      token: `token-${id}`,
      body: JSON.stringify(pack),
      expected: HTTP_RECORDS_PER_BATCH,
    })),
  })
  const t0 = performance.now()
  await clients.run({ kind: 'post', url, concurrency: HTTP_CONCURRENCY })
  const seconds = (performance.now() - t0) / 1000
  if ((await countRows(k.ctx.db, run)) !== packs.length * HTTP_RECORDS_PER_BATCH) throw new Error('HTTP ingest: rows missing')
  return { perSecond: (packs.length * HTTP_RECORDS_PER_BATCH) / seconds, packs }
}

/** The same rows, one `INSERT … SELECT FROM unnest` per pack, as fast as one connection goes: the baseline. */
async function plainUnnest(db: Database, packs: { id: string; pack: unknown[] }[]): Promise<number> {
  const rows = packs.map(({ id, pack }) => {
    const [head, ...records] = pack as { bt: number; n: string; t: number; v: number }[]
    return {
      id: `${id}-plain`,
      metrics: records.map((r) => r.n),
      at: records.map((r) => new Date((head.bt + r.t) * 1000).toISOString()),
      values: records.map((r) => r.v),
    }
  })
  const t0 = performance.now()
  for (const r of rows)
    await db.query(
      `INSERT INTO readings (tenant, device_id, metric, at, value)
       SELECT $1, $2, m, a, v FROM unnest($3::text[], $4::timestamptz[], $5::float8[]) AS r(m, a, v)`,
      [TENANT, r.id, r.metrics, r.at, r.values],
    )
  return (rows.length * HTTP_RECORDS_PER_BATCH) / ((performance.now() - t0) / 1000)
}

/** Reading published over MQTT → alarm.raised on an operator's WebSocket. */
async function alarmLatency(k: Kendali, sensors: SensorService, url: string): Promise<number[]> {
  const id = `ba${Date.now().toString(36)}`
  await sensors.createDevice(
    k.ctx.db,
    TENANT,
    'bench',
    { name: 'Bench gauge', kind: 'weather_station', metrics: [{ name: 'water_level', unit: 'cm' }], location: { type: 'Point', coordinates: [110.21, -7.47] } },
    { id, token: `token-${id}` },
  )
  const rule = await sensors.createRule(k.ctx.db, TENANT, {
    name: 'Bench Awas',
    deviceId: id,
    metric: 'water_level',
    comparison: '>',
    threshold: 300,
    severity: 'awas',
  })
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'operator', password: 'kendali-demo' }),
  })
  const cookie = (res.headers.getSetCookie().find((c) => c.startsWith('kendali_session=')) ?? '').split(';')[0]
  const socket = new WebSocket(`${url.replace('http', 'ws')}/api/t/${TENANT}/live`, { headers: { cookie } })
  await new Promise((resolve) => socket.once('open', resolve))
  const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${k.ctx.mqtt.port}`, { username: id, password: `token-${id}`, reconnectPeriod: 0 })
  const latencies: number[] = []
  for (let i = 0; i < ALARM_SAMPLES; i++) {
    // Each round raises the alarm, then clears it, so the next round can raise a new one.
    const raised = new Promise<number>((resolve) => {
      const onMessage = (raw: WebSocket.RawData) => {
        const event = JSON.parse(String(raw)) as { type: string; data: { ruleId?: string } }
        if (event.type === 'alarm.raised' && event.data.ruleId === rule.id) {
          socket.off('message', onMessage)
          resolve(performance.now())
        }
      }
      socket.on('message', onMessage)
    })
    const t0 = performance.now()
    await client.publishAsync(`kendali/${TENANT}/devices/${id}/up`, JSON.stringify({ values: { water_level: 320 + i } }))
    latencies.push((await raised) - t0)
    await client.publishAsync(`kendali/${TENANT}/devices/${id}/up`, JSON.stringify({ values: { water_level: 100 } }))
    await new Promise((resolve) => setTimeout(resolve, 300))
  }
  socket.close()
  await client.endAsync()
  return latencies.sort((a, b) => a - b)
}

interface Row {
  db: string
  bare0: number | null
  qos0: number | null
  bare1: number | null
  qos1: number | null
  http: number | null
  unnest: number | null
  alarm: number[]
}

async function measure(db: Database, label: string, dataDir: string): Promise<Row> {
  const { kendali, sensors, url, stop } = await start(db, dataDir)
  try {
    const row: Row = { db: label, bare0: null, qos0: null, bare1: null, qos1: null, http: null, unnest: null, alarm: [] }
    const clients = new Clients()
    if (PARTS.has('mqtt')) {
      // Each pair back to back, so a neighbour's load on the shared machine weighs on both alike.
      row.bare0 = await bareAedes(clients, 0)
      row.qos0 = await profiled(`${label}-mqtt-qos0`, () => mqttIngest(kendali, sensors, clients, 0))
      row.bare1 = await bareAedes(clients, 1)
      row.qos1 = await profiled(`${label}-mqtt-qos1`, () => mqttIngest(kendali, sensors, clients, 1))
    }
    if (PARTS.has('http')) {
      const http = await profiled(`${label}-http`, () => httpSenml(kendali, sensors, clients, url))
      row.http = http.perSecond
      row.unnest = await plainUnnest(db, http.packs)
    }
    if (PARTS.has('alarm')) row.alarm = await alarmLatency(kendali, sensors, url)
    await clients.close()
    return row
  } finally {
    stop()
    await kendali.close()
  }
}

const rows = await onEachDatabase('sensors', measure)
const n = (v: number | null) => (v === null ? '–' : v.toFixed(0)).padStart(9)
const x = (a: number | null, b: number | null) => (a === null || b === null ? '–' : `${(a / b).toFixed(2)}×`).padStart(8)
const p = (xs: number[], q: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(q * xs.length))].toFixed(1) : '–')
console.log(
  `\nKendali sensor ingest — ${cpus().length} cores, load ${loadavg()[0].toFixed(1)}, Node ${process.version}; ${DEVICES} devices × ${MESSAGES_PER_DEVICE} MQTT messages (2 readings each)`,
)
console.log(`HTTP: ${DEVICES * HTTP_BATCHES_PER_DEVICE} SenML packs of ${HTTP_RECORDS_PER_BATCH} readings, ${HTTP_CONCURRENCY} at once`)
console.log(
  `${'database'.padEnd(10)}${'bare QoS0'.padStart(9)}${'QoS0 msg/s'.padStart(11)}${'ratio'.padStart(8)}${'bare QoS1'.padStart(10)}${'QoS1 msg/s'.padStart(11)}${'ratio'.padStart(8)}` +
    `${'unnest rows/s'.padStart(14)}${'HTTP rows/s'.padStart(12)}${'ratio'.padStart(8)}${'alarm p50 ms'.padStart(14)}${'p99'.padStart(8)}`,
)
for (const r of rows) {
  console.log(
    `${r.db.padEnd(10)}${n(r.bare0)}${n(r.qos0).padStart(11)}${x(r.qos0, r.bare0)}${n(r.bare1).padStart(10)}${n(r.qos1).padStart(11)}${x(r.qos1, r.bare1)}` +
      `${n(r.unnest).padStart(14)}${n(r.http).padStart(12)}${x(r.http, r.unnest)}${p(r.alarm, 0.5).padStart(14)}${p(r.alarm, 0.99).padStart(8)}`,
  )
}
console.log(
  'bare = a bare Aedes broker taking the same messages (no login, nothing stored); Kendali counts a message once its readings are in the table, and a QoS 1 message only once acknowledged;',
)
console.log(
  'unnest = one INSERT … SELECT FROM unnest per pack on one connection. Goals: MQTT ≥ 0.7× bare; HTTP ≥ 0.5× unnest (and ≥ 100,000 rows/s on PostgreSQL).',
)
