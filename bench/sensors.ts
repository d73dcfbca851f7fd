import { mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import pg from 'pg'
import WebSocket from 'ws'
import { createKendali, type Kendali } from '../src/core/app.ts'
import { readConfig } from '../src/core/config.ts'
import { type Database, openDatabase } from '../src/core/db/database.ts'
import { allModules } from '../src/modules/index.ts'
import { connectMqtt } from '../src/modules/sensors/index.ts'
import { SensorService } from '../src/modules/sensors/service.ts'
import { listenLocally } from './server.ts'

// Sensor ingest, each figure beside a baseline measured in the same run:
// - MQTT QoS 0 and QoS 1: messages stored/s through Kendali's embedded broker (a QoS 1 publish is acknowledged
//   only once stored) against a bare Aedes broker taking the same messages from the same clients;
// - HTTP SenML batches: readings stored/s against a plain `INSERT … SELECT FROM unnest` of the same rows;
// - the latency from a reading that crosses a threshold to the alarm on a WebSocket.

const TENANT = '33.71'
const DEVICES = 50
const MESSAGES_PER_DEVICE = 200
const HTTP_BATCHES_PER_DEVICE = 20
const HTTP_RECORDS_PER_BATCH = 100
const HTTP_CONCURRENCY = 8
const ALARM_SAMPLES = 40

async function start(db: Database, dataDir: string) {
  const config = readConfig({ DATA_DIR: dataDir, DEMO: '1', LOG_LEVEL: 'silent', SIMULATOR: '0', MQTT_PORT: '0' })
  const kendali = await createKendali(config, allModules(), { db, logger: false, rateLimitPerMinute: 0, background: false })
  await kendali.prepare()
  const url = await listenLocally(kendali)
  const sensors = new SensorService(kendali.ctx.events)
  const mqttConnection = connectMqtt(kendali.ctx, sensors)
  return { kendali, sensors, url, stop: mqttConnection.stop }
}

async function countRows(db: Database, prefix: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM readings WHERE tenant = $1 AND device_id LIKE $2', [TENANT, `${prefix}%`])
  return Number(row.n)
}

async function waitForRows(db: Database, prefix: string, expected: number): Promise<void> {
  for (;;) {
    if ((await countRows(db, prefix)) >= expected) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
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

/** Every client publishes its messages as fast as it can; resolves when the last QoS 1 publish is acknowledged. */
async function publishAll(clients: mqtt.MqttClient[], topicOf: (i: number) => string, qos: 0 | 1): Promise<void> {
  const base = Date.now() - MESSAGES_PER_DEVICE * 1000
  await Promise.all(
    clients.map(
      (client, i) =>
        new Promise<void>((resolve, reject) => {
          let left = MESSAGES_PER_DEVICE
          for (let m = 0; m < MESSAGES_PER_DEVICE; m++)
            client.publish(topicOf(i), message(base, m), { qos }, (err) => {
              if (err) reject(err)
              else if (--left === 0) resolve()
            })
        }),
    ),
  )
}

/** MQTT publish → stored: messages/s (each two readings). QoS 1 counts when every publish is acknowledged (= stored). */
async function mqttIngest(k: Kendali, sensors: SensorService, qos: 0 | 1): Promise<number> {
  const run = `bm${qos}${Date.now().toString(36)}`
  const ids = await benchDevices(k, sensors, run, DEVICES)
  const clients = await Promise.all(
    ids.map((id) => mqtt.connectAsync(`mqtt://127.0.0.1:${k.ctx.mqtt.port}`, { username: id, password: `token-${id}`, reconnectPeriod: 0 })),
  )
  const t0 = performance.now()
  await publishAll(clients, (i) => `kendali/${TENANT}/devices/${ids[i]}/up`, qos)
  await waitForRows(k.ctx.db, run, DEVICES * MESSAGES_PER_DEVICE * 2)
  const seconds = (performance.now() - t0) / 1000
  await Promise.all(clients.map((c) => c.endAsync()))
  return (DEVICES * MESSAGES_PER_DEVICE) / seconds
}

/** The same clients and messages to a bare Aedes broker (no authentication, nothing stored): the baseline. */
async function bareAedes(qos: 0 | 1): Promise<number> {
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
  const clients = await Promise.all(Array.from({ length: DEVICES }, () => mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { reconnectPeriod: 0 })))
  const t0 = performance.now()
  await publishAll(clients, (i) => `kendali/${TENANT}/devices/bare-${i}/up`, qos)
  await all
  const seconds = (performance.now() - t0) / 1000
  await Promise.all(clients.map((c) => c.endAsync()))
  await new Promise<void>((resolve) => broker.close(() => resolve()))
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return total / seconds
}

/** SenML packs of HTTP_RECORDS_PER_BATCH readings per device (two metrics), HTTP_CONCURRENCY at once: readings stored/s. */
async function httpSenml(k: Kendali, sensors: SensorService, url: string): Promise<{ perSecond: number; packs: { id: string; pack: unknown[] }[] }> {
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
  let next = 0
  const t0 = performance.now()
  await Promise.all(
    Array.from({ length: HTTP_CONCURRENCY }, async () => {
      while (next < packs.length) {
        const { id, pack } = packs[next++]
        const res = await fetch(`${url}/api/t/${TENANT}/devices/${id}/readings`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer token-${id}` },
          body: JSON.stringify(pack),
        })
        const outcome = (await res.json()) as { accepted: number }
        if (res.status !== 200 || outcome.accepted !== HTTP_RECORDS_PER_BATCH) throw new Error(`HTTP ingest: ${res.status} ${JSON.stringify(outcome)}`)
      }
    }),
  )
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

async function measure(db: Database, dataDir: string) {
  const { kendali, sensors, url, stop } = await start(db, dataDir)
  try {
    const bare0 = await bareAedes(0)
    const qos0 = await mqttIngest(kendali, sensors, 0)
    const bare1 = await bareAedes(1)
    const qos1 = await mqttIngest(kendali, sensors, 1)
    const http = await httpSenml(kendali, sensors, url)
    const unnest = await plainUnnest(db, http.packs)
    const latencies = await alarmLatency(kendali, sensors, url)
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
    return { db: db.kind, bare0, qos0, bare1, qos1, http: http.perSecond, unnest, p50: p(0.5), p99: p(0.99), max: latencies[latencies.length - 1] }
  } finally {
    stop()
    await kendali.close()
  }
}

async function main(): Promise<void> {
  const rows = []
  const dataDir = mkdtempSync(join(tmpdir(), 'kendali-bench-sensors-'))
  const lite = await openDatabase({ databaseUrl: null, dataDir })
  try {
    rows.push(await measure(lite, dataDir))
  } finally {
    await lite.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const pgUrl = process.env.BENCH_DATABASE_URL
  if (pgUrl) {
    const admin = new pg.Client({ connectionString: pgUrl })
    await admin.connect()
    await admin.query('DROP DATABASE IF EXISTS kendali_bench WITH (FORCE)')
    await admin.query('CREATE DATABASE kendali_bench')
    const url = new URL(pgUrl)
    url.pathname = '/kendali_bench'
    const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' })
    try {
      rows.push(await measure(db, tmpdir()))
    } finally {
      await db.close()
      await admin.query('DROP DATABASE IF EXISTS kendali_bench WITH (FORCE)')
      await admin.end()
    }
  } else {
    console.log('BENCH_DATABASE_URL is not set: the PostgreSQL row is skipped.')
  }
  const n = (v: number) => v.toFixed(0).padStart(9)
  const x = (a: number, b: number) => `${(a / b).toFixed(2)}×`.padStart(8)
  console.log(
    `\nKendali sensor benchmark — ${cpus().length} cores, Node ${process.version}; ${DEVICES} devices × ${MESSAGES_PER_DEVICE} MQTT messages (2 readings each)`,
  )
  console.log(`HTTP: ${DEVICES * HTTP_BATCHES_PER_DEVICE} SenML packs of ${HTTP_RECORDS_PER_BATCH} readings, ${HTTP_CONCURRENCY} at once`)
  console.log(
    `${'database'.padEnd(10)}${'bare QoS0'.padStart(9)}${'QoS0 msg/s'.padStart(11)}${'ratio'.padStart(8)}${'bare QoS1'.padStart(10)}${'QoS1 msg/s'.padStart(11)}${'ratio'.padStart(8)}` +
      `${'unnest rows/s'.padStart(14)}${'HTTP rows/s'.padStart(12)}${'ratio'.padStart(8)}${'alarm p50 ms'.padStart(14)}${'p99'.padStart(8)}`,
  )
  for (const r of rows) {
    console.log(
      `${r.db.padEnd(10)}${n(r.bare0)}${n(r.qos0).padStart(11)}${x(r.qos0, r.bare0)}${n(r.bare1).padStart(10)}${n(r.qos1).padStart(11)}${x(r.qos1, r.bare1)}` +
        `${n(r.unnest).padStart(14)}${n(r.http).padStart(12)}${x(r.http, r.unnest)}${r.p50.toFixed(1).padStart(14)}${r.p99.toFixed(1).padStart(8)}`,
    )
  }
  console.log(
    'bare = a bare Aedes broker taking the same messages; QoS 1 counts only acknowledged = stored messages; unnest = one INSERT … SELECT FROM unnest per pack',
  )
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
