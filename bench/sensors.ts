import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
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

// Sensor ingest: readings/s from MQTT publish to stored row, against a plain batched INSERT of the same
// rows as the baseline, and the latency from a reading that crosses a threshold to the alarm on a WebSocket.

const TENANT = '33.71'
const DEVICES = 50
const MESSAGES_PER_DEVICE = 200
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
  return row.n
}

async function waitForRows(db: Database, prefix: string, expected: number): Promise<void> {
  for (;;) {
    if ((await countRows(db, prefix)) >= expected) return
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

/** MQTT publish → stored rows, DEVICES devices publishing as fast as they can. */
async function mqttIngest(k: Kendali, sensors: SensorService): Promise<number> {
  const run = `bm${Date.now().toString(36)}`
  const clients: mqtt.MqttClient[] = []
  const ids: string[] = []
  for (let i = 0; i < DEVICES; i++) {
    const id = `${run}-${i}`
    const device = await sensors.createDevice(
      k.ctx.db,
      TENANT,
      'bench',
      {
        name: `Bench ${i}`,
        kind: 'weather_station',
        metrics: [
          { name: 'temperature', unit: 'Cel' },
          { name: 'humidity', unit: '%RH' },
        ],
        location: { type: 'Point', coordinates: [110.21, -7.47] },
      },
      { id, token: `token-${id}` },
    )
    ids.push(device.id)
    clients.push(await mqtt.connectAsync(`mqtt://127.0.0.1:${k.ctx.mqtt.port}`, { username: id, password: `token-${id}`, reconnectPeriod: 0 }))
  }
  const base = Date.now() - MESSAGES_PER_DEVICE * 1000
  const t0 = performance.now()
  await Promise.all(
    clients.map(async (client, i) => {
      for (let m = 0; m < MESSAGES_PER_DEVICE; m++) {
        client.publish(
          `kendali/${TENANT}/devices/${ids[i]}/up`,
          JSON.stringify({ ts: base + m * 1000, values: { temperature: 25 + (m % 7), humidity: 70 + (m % 11) } }),
        )
      }
    }),
  )
  await waitForRows(k.ctx.db, run, DEVICES * MESSAGES_PER_DEVICE * 2)
  const seconds = (performance.now() - t0) / 1000
  await Promise.all(clients.map((c) => c.endAsync()))
  return (DEVICES * MESSAGES_PER_DEVICE * 2) / seconds
}

/** The same number of rows written with plain batched INSERTs (1,000 rows a statement): the baseline. */
async function plainInsert(db: Database): Promise<number> {
  const run = `bp${Date.now().toString(36)}`
  const total = DEVICES * MESSAGES_PER_DEVICE * 2
  const t0 = performance.now()
  for (let offset = 0; offset < total; offset += 1000) {
    const n = Math.min(1000, total - offset)
    await db.query(
      `INSERT INTO readings (tenant, device_id, metric, at, value)
       SELECT $1, $2 || (g % ${DEVICES}), CASE WHEN g % 2 = 0 THEN 'temperature' ELSE 'humidity' END,
              now() - make_interval(secs => g), g % 30
       FROM generate_series($3::int, $4::int) AS g`,
      [TENANT, `${run}-`, offset, offset + n - 1],
    )
  }
  return total / ((performance.now() - t0) / 1000)
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
    const baseline = await plainInsert(db)
    const viaMqtt = await mqttIngest(kendali, sensors)
    const latencies = await alarmLatency(kendali, sensors, url)
    const p = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]
    return { db: db.kind, baseline, viaMqtt, p50: p(0.5), p99: p(0.99), max: latencies[latencies.length - 1] }
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
  console.log(`\nKendali sensor benchmark — ${cpus().length} cores, Node ${process.version}; ${DEVICES} devices × ${MESSAGES_PER_DEVICE} messages × 2 metrics`)
  console.log(
    `${'database'.padEnd(10)}${'INSERT rows/s'.padStart(15)}${'MQTT rows/s'.padStart(13)}${'vs INSERT'.padStart(11)}${'alarm p50 ms'.padStart(14)}${'p99 ms'.padStart(9)}${'max ms'.padStart(9)}`,
  )
  for (const r of rows) {
    console.log(
      `${r.db.padEnd(10)}${r.baseline.toFixed(0).padStart(15)}${r.viaMqtt.toFixed(0).padStart(13)}${(r.viaMqtt / r.baseline).toFixed(2).padStart(11)}${r.p50.toFixed(2).padStart(14)}${r.p99.toFixed(2).padStart(9)}${r.max.toFixed(2).padStart(9)}`,
    )
  }
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
