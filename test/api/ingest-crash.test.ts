import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import mqtt from 'mqtt'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { type Database, openDatabase } from '../../src/core/db/database.ts'
import { testDatabase, testDatabaseKind, workerDatabaseUrl } from '../support/db.ts'
import { unique } from '../support/server.ts'
import { ROOT, TMP } from '../support/template.ts'

// Acknowledged readings survive a crash: Kendali runs in a child process on a file-backed database, a device
// publishes QoS 1 readings (some of them refused: out of range, an unknown metric, not JSON) and notes each PUBACK;
// the child is killed with SIGKILL while publishes are in flight; the database, opened again, must hold every
// acknowledged good reading and none of the refused ones. Counts drive the test, never timings.

const ACKED_BEFORE_KILL = 300
const IN_FLIGHT = 40
const OUT_OF_RANGE = 99_999

let child: ChildProcess | null = null
afterEach(() => {
  child?.kill('SIGKILL')
  child = null
})

function brokerPort(process: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let out = ''
    process.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8')
      const line = out.split('\n').find((l) => l.startsWith('{'))
      if (line) resolve((JSON.parse(line) as { mqttPort: number }).mqttPort)
    })
    process.once('exit', (code) => reject(new Error(`the Kendali process ended (${code}) before its broker listened`)))
  })
}

/** Message i: every seventh out of range, every eleventh for a metric the device lacks, every thirteenth not JSON. */
function payload(i: number, at: number): { body: string; isGood: boolean } {
  if (i % 13 === 12) return { body: '{"values": {"water_level": ', isGood: false }
  if (i % 11 === 10) return { body: JSON.stringify({ ts: at, values: { rainfall: i } }), isGood: false }
  if (i % 7 === 6) return { body: JSON.stringify({ ts: at, values: { water_level: OUT_OF_RANGE } }), isGood: false }
  return { body: JSON.stringify({ ts: at, values: { water_level: i } }), isGood: true }
}

describe('MQTT QoS 1 ingest across a crash', () => {
  it('keeps every reading it acknowledged and none it refused when the process is killed with SIGKILL mid-stream', { timeout: 300_000 }, async () => {
    const isPglite = testDatabaseKind() === 'pglite'
    const dataDir = isPglite ? join(TMP, `ingest-crash-${process.pid}`) : ''
    if (isPglite) {
      rmSync(dataDir, { recursive: true, force: true })
      cpSync(inject('pgliteTemplate'), dataDir, { recursive: true })
    }
    const deviceId = unique('awlr-crash')
    const token = `kdd_${deviceId}`
    child = spawn(process.execPath, ['--import', 'tsx', 'test/support/ingest-child.ts', isPglite ? '' : workerDatabaseUrl(), dataDir, deviceId, token], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const running = child
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()))
    const port = await brokerPort(running)

    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { username: deviceId, password: token, reconnectPeriod: 0, clean: true })
    device.on('error', () => undefined)
    const start = Date.now() - 3_600_000
    const acked: number[] = []
    let sent = 0
    let isKilled = false
    await new Promise<void>((resolve) => {
      const publishNext = () => {
        if (isKilled) return
        const i = sent++
        device.publish(`kendali/33.71/devices/${deviceId}/up`, payload(i, start + i * 1000).body, { qos: 1 }, (err) => {
          if (err || isKilled) return
          acked.push(i)
          if (acked.length >= ACKED_BEFORE_KILL) {
            isKilled = true
            running.kill('SIGKILL')
            resolve()
            return
          }
          publishNext()
        })
      }
      for (let n = 0; n < IN_FLIGHT; n++) publishNext()
    })
    await exited
    device.end(true)
    child = null
    // Killed mid-stream: publishes were still waiting for their PUBACK.
    expect(sent).toBeGreaterThan(acked.length)

    let db: Database = await testDatabase()
    if (isPglite) db = await openDatabase({ databaseUrl: null, dataDir })
    try {
      const rows = await db.query<{ at: Date | string; value: number }>('SELECT at, value FROM readings WHERE tenant = $1 AND device_id = $2', [
        '33.71',
        deviceId,
      ])
      const stored = new Map(rows.map((r) => [Math.round((new Date(r.at).getTime() - start) / 1000), r.value]))
      const ackedGood = acked.filter((i) => payload(i, 0).isGood)
      expect(ackedGood.length).toBeGreaterThan(0)
      expect(ackedGood.filter((i) => stored.get(i) !== i)).toEqual([])
      // Refused readings were acknowledged too (the device must not resend them), and none was stored.
      expect(acked.some((i) => !payload(i, 0).isGood)).toBe(true)
      expect([...stored].filter(([i, value]) => !payload(i, 0).isGood || value !== i)).toEqual([])
    } finally {
      if (isPglite) {
        await db.close()
        rmSync(dataDir, { recursive: true, force: true })
      }
    }
  })
})
