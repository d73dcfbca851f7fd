import { type ChildProcess, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { buildIfStale, ROOT } from '../scripts/build.mjs'

// Start-up of the release (dist/, plain Node) beside a bare PGlite+PostGIS open of the same data folder:
// first start on an empty folder (migrations and the demo seed), warm restarts on it, the same warm restart
// through tsx from the sources, and resident memory once /api/health answers ok; with BENCH_DATABASE_URL, the
// same on PostgreSQL (a database made for it and dropped). Each start-up step's time
// comes from the server's own debug lines. BENCH_STARTS sets the number of warm restarts (default 3).

const WARM_STARTS = Number(process.env.BENCH_STARTS ?? 3)
const TIMEOUT_MS = 240_000

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer()
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0))
    })
  })
}

/** Resident memory of a process in MB (Linux). */
function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024)
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface Start {
  seconds: number
  rssMb: number
  steps: Record<string, number>
}

/** Starts Kendali (`args` after node), waits for /api/health ok, reads its RSS, stops it with SIGTERM. */
async function start(args: string[], dataDir: string, extraEnv: Record<string, string> = {}): Promise<Start> {
  const port = await freePort()
  const env = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(port),
    MQTT_PORT: String(await freePort()),
    DEMO: '1',
    SIMULATOR: '0',
    LOG_LEVEL: 'debug',
    ...extraEnv,
  }
  const began = performance.now()
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout?.on('data', (chunk) => {
    out += chunk
  })
  child.stderr?.on('data', (chunk) => {
    out += chunk
  })
  try {
    for (;;) {
      if (performance.now() - began > TIMEOUT_MS || child.exitCode !== null) throw new Error(`Kendali did not start:\n${out.slice(-2000)}`)
      const ok = await fetch(`http://127.0.0.1:${port}/api/health`).then(
        (r) => r.ok,
        () => false,
      )
      if (ok) break
      await sleep(50)
    }
    const seconds = (performance.now() - began) / 1000
    await sleep(500)
    const steps: Record<string, number> = {}
    for (const line of out.split('\n')) {
      if (!line.includes('"start-up step"')) continue
      const entry = JSON.parse(line) as { step: string; ms: number }
      steps[entry.step] = entry.ms
    }
    return { seconds, rssMb: rssMb(child.pid ?? 0), steps }
  } finally {
    child.kill('SIGTERM')
    await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)))
  }
}

/** Opens the data folder's PGlite with PostGIS (and the extensions Kendali loads) in a fresh process. */
async function bareOpen(dataDir: string): Promise<{ seconds: number; rssMb: number }> {
  const code = `
    const began = performance.now()
    const { PGlite } = await import('@electric-sql/pglite')
    const { postgis } = await import('@electric-sql/pglite-postgis')
    const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm')
    const { btree_gist } = await import('@electric-sql/pglite/contrib/btree_gist')
    const db = await PGlite.create({ dataDir: ${JSON.stringify(join(dataDir, 'pglite'))}, extensions: { postgis, pg_trgm, btree_gist } })
    await db.query('SELECT postgis_version()')
    const seconds = (performance.now() - began) / 1000
    const rssMb = Math.round(process.memoryUsage().rss / 1048576)
    await db.close()
    console.log(JSON.stringify({ seconds, rssMb }))`
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  let out = ''
  child.stdout.on('data', (chunk) => {
    out += chunk
  })
  await new Promise((resolve) => child.once('exit', resolve))
  return JSON.parse(out) as { seconds: number; rssMb: number }
}

const fmt = (s: Start) =>
  `${s.seconds.toFixed(1).padStart(6)} s  ${String(s.rssMb).padStart(5)} MB   ${Object.entries(s.steps)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ')}`
const median = (xs: Start[]) => [...xs].sort((a, b) => a.seconds - b.seconds)[Math.floor(xs.length / 2)]

/** The same with DATABASE_URL, in a database of its own made and dropped here. */
async function postgres(base: string, dataDir: string): Promise<void> {
  const name = `kendali_bench_startup_${Date.now().toString(36)}`
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(base)
  url.pathname = `/${name}`
  const env = { DATABASE_URL: url.toString(), KENDALI_SECRET_KEY: Buffer.alloc(32, 1).toString('base64') }
  try {
    console.log(`PostgreSQL, first start (demo seed)      ${fmt(await start(['scripts/start.mjs'], dataDir, env))}`)
    console.log(`PostgreSQL, warm restart (npm start)     ${fmt(await start(['scripts/start.mjs'], dataDir, env))}`)
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

const built = await buildIfStale()
console.log(`Start-up (load average ${loadavg()[0].toFixed(1)}; release ${built ? 'rebuilt' : 'up to date'} in dist/)`)
const work = mkdtempSync(join(tmpdir(), 'kendali-startup-'))
try {
  const dataDir = join(work, 'data')
  const first = await start(['dist/scripts/start.js'], dataDir)
  console.log(`first start (empty folder, demo seed)   ${fmt(first)}`)
  const warm: Start[] = []
  // As `npm start` does it: the staleness check, then the release.
  for (let i = 0; i < WARM_STARTS; i++) warm.push(await start(['scripts/start.mjs'], dataDir))
  for (const [i, w] of warm.entries()) console.log(`warm restart ${i + 1}, release (npm start)     ${fmt(w)}`)
  const fromSources = await start(['--import', 'tsx', 'src/main.ts'], dataDir)
  console.log(`warm restart, sources (tsx)             ${fmt(fromSources)}`)
  const copy = join(work, 'bare')
  cpSync(dataDir, copy, { recursive: true })
  const bare = await bareOpen(copy)
  console.log(`bare PGlite+PostGIS open (same data)    ${bare.seconds.toFixed(1).padStart(6)} s  ${String(bare.rssMb).padStart(5)} MB`)
  const m = median(warm)
  console.log(`warm restart median ${m.seconds.toFixed(1)} s vs bare open ${bare.seconds.toFixed(1)} s; RSS ${m.rssMb} MB = bare + ${m.rssMb - bare.rssMb} MB`)
  if (process.env.BENCH_DATABASE_URL) await postgres(process.env.BENCH_DATABASE_URL, join(work, 'pg'))
} finally {
  if (existsSync(work)) rmSync(work, { recursive: true, force: true })
}
