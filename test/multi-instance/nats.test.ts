import { type ChildProcess, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabase, workerDatabaseUrl } from '../support/db.ts'
import { PASSWORD } from '../support/fixtures.ts'
import { LiveProbe } from '../support/live.ts'
import { ROOT, TEST_SECRET_KEY } from '../support/template.ts'

// Two real server processes on one PostgreSQL and one NATS: what a load-balanced install runs.
const natsUrl = process.env.NATS_URL
if (!natsUrl) throw new Error('The multi-instance test needs NATS_URL (e.g. nats://127.0.0.1:4222); .ci/run sets it')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      probe.close(() => (address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

interface Instance {
  url: string
  process: ChildProcess
}

/** Starts `tsx src/main.ts` and resolves once it prints that it is ready. */
async function startInstance(): Promise<Instance> {
  const port = await freePort()
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: workerDatabaseUrl(),
      KENDALI_SECRET_KEY: TEST_SECRET_KEY,
      NATS_URL: natsUrl,
      DEMO: '0',
      LOG_LEVEL: 'warn',
      SIMULATOR: '0',
      MQTT_URL: '',
      MQTT_PORT: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      if (output.includes('Kendali is ready')) resolve()
    })
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString()
    })
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}:\n${output}`)))
  })
  return { url: `http://127.0.0.1:${port}`, process: child }
}

async function login(url: string, username: string): Promise<string> {
  const res = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: PASSWORD }),
  })
  expect(res.status).toBe(200)
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('kendali_session='))
  if (!cookie) throw new Error('no session cookie')
  return cookie.split(';')[0]
}

describe('two instances behind one load balancer', () => {
  let a: Instance
  let b: Instance

  beforeAll(async () => {
    await testDatabase()
    ;[a, b] = await Promise.all([startInstance(), startInstance()])
  })
  afterAll(() => {
    for (const instance of [a, b]) instance?.process.kill('SIGTERM')
  })

  it('delivers an event caused through instance A to a WebSocket client of instance B', async () => {
    const operatorOnB = await LiveProbe.open(b.url, '33.71', await login(b.url, 'operator'))
    const adminOnA = await login(a.url, 'admin')
    const res = await fetch(`${a.url}/api/t/33.71/agencies`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: adminOnA },
      body: JSON.stringify({ code: `nats-${process.pid}-${Date.now().toString(36)}`, name: 'Dinas Lintas Instans' }),
    })
    expect(res.status).toBe(201)
    // The instances run their background jobs too, so other events may come first: look for this one.
    const created = () => operatorOnB.events.find((e) => e.type === 'agency.created' && e.data.name === 'Dinas Lintas Instans')
    await expect.poll(created).toBeDefined()
    expect(created()).toMatchObject({ actor: 'admin', tenant: '33.71' })
    await operatorOnB.close()
  })

  it('keeps a client of B in order and complete while A writes a burst', async () => {
    const probe = await LiveProbe.open(b.url, '33.71', await login(b.url, 'operator'))
    const adminOnA = await login(a.url, 'admin')
    const burst = 20
    const tag = `${process.pid}-${Date.now().toString(36)}`
    await Promise.all(
      Array.from({ length: burst }, (_, i) =>
        fetch(`${a.url}/api/t/33.71/agencies`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', cookie: adminOnA },
          body: JSON.stringify({ code: `burst-${process.pid}-${i}-${Date.now().toString(36)}`, name: `Dinas Uji ${i} ${tag}` }),
        }),
      ),
    )
    const mine = () => probe.events.filter((e) => e.type === 'agency.created' && String(e.data.name).endsWith(tag))
    await expect.poll(() => mine().length).toBe(burst)
    // Everything from the log the client got, these and any other events, came in sequence order and once each
    // (volatile events — a background job's progress — are not in the log and carry no sequence).
    const seqs = probe.events.filter((e) => !e.volatile).map((e) => e.seq)
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y))
    expect(new Set(seqs).size).toBe(seqs.length)
    expect(
      mine()
        .map((e) => e.data.name)
        .sort(),
    ).toEqual(Array.from({ length: burst }, (_, i) => `Dinas Uji ${i} ${tag}`).sort())
    await probe.close()
  })
})
