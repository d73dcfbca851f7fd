import { execFile, spawn } from 'node:child_process'
import { createHash } from 'node:crypto'
import { constants, createReadStream } from 'node:fs'
import { chmod, copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import * as tar from 'tar'
import { type Database, openDatabase, type Queryable } from '../db/database.ts'
import { compareReleases } from '../db/migrate.ts'
import { DEMO_MARKER, markDemoFolder } from '../first-run.ts'
import { SECRET_KEY_FILE } from '../secrets.ts'

export const BACKUP_FORMAT = 'kendali-backup/1'

/** What a backup records of the data, and a restore checks again. */
export interface BackupFacts {
  migrations: { owner: string; version: string; release: string | null }[]
  tenants: string[]
  /** Every table's row count, by schema-qualified name. */
  rows: Record<string, number>
  /** Each tenant's event log head (its highest sequence number). */
  eventHeads: Record<string, number>
}

export interface BackupManifest extends BackupFacts {
  format: typeof BACKUP_FORMAT
  /** The Kendali release that wrote it; a release older than this refuses to restore it. */
  release: string
  engine: 'pglite' | 'postgres'
  createdAt: string
  /** The data, beside the manifest: the PGlite data folder as .tar.gz, or a pg_dump custom-format archive. */
  archive: string
  bytes: number
  sha256: string
  /** The embedded secret key (DATA_DIR/secret.key), beside the manifest; null when KENDALI_SECRET_KEY is used. */
  secretKey: string | null
  /** The data folder held the demo city. */
  demo: boolean
  /** How long writers waited while the data was copied (PGlite; 0 for pg_dump, which does not stop writers). */
  pauseMs: number
}

export interface BackupSettings {
  databaseUrl: string | null
  dataDir: string
  /** Folder the backups are written to. */
  dir: string
  release: string
}

/** A backup or restore that cannot be done, with the reason for the operator. */
export class BackupError extends Error {}

const sha256File = (file: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')))
  })

/** Migrations, tenants, every table's row count and each tenant's event log head. */
export async function readFacts(q: Queryable): Promise<BackupFacts> {
  const tables = await q.query<{ name: string }>(
    `SELECT format('%I.%I', schemaname, tablename) AS name FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`,
  )
  const rows: Record<string, number> = {}
  if (tables.length > 0) {
    const counts = await q.query<{ name: string; n: number | string }>(
      tables.map((t, i) => `SELECT $${i + 1}::text AS name, count(*) AS n FROM ${t.name}`).join(' UNION ALL '),
      tables.map((t) => t.name),
    )
    for (const c of counts) rows[c.name] = Number(c.n)
  }
  const has = (table: string) => `public.${table}` in rows
  const migrations = has('schema_migrations')
    ? await q.query<BackupFacts['migrations'][number]>('SELECT owner, version, release FROM schema_migrations ORDER BY owner, version')
    : []
  const tenants = has('tenants') ? (await q.query<{ code: string }>('SELECT code FROM tenants ORDER BY code')).map((t) => t.code) : []
  const heads = has('events') ? await q.query<{ tenant: string; head: number | string }>('SELECT tenant, max(seq) AS head FROM events GROUP BY tenant') : []
  return { migrations, tenants, rows, eventHeads: Object.fromEntries(heads.map((h) => [h.tenant, Number(h.head)])) }
}

/** A pg.Client as a Queryable (counts come back as strings; readFacts converts them). */
const clientQueryable = (client: pg.Client): Queryable => ({
  query: async <T>(sql: string, params: readonly unknown[] = []) => (await client.query(sql, params as unknown[])).rows as T[],
})

/** The URL without its password (which goes to the PostgreSQL tools in PGPASSWORD, not on their command line). */
function toolConnection(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const parsed = new URL(url)
  const password = decodeURIComponent(parsed.password)
  parsed.password = ''
  return { dbname: parsed.toString(), env: password ? { ...process.env, PGPASSWORD: password } : process.env }
}

/** Refuses early, and says what to install, when pg_dump/pg_restore is missing or older than the server. */
async function checkTool(tool: 'pg_dump' | 'pg_restore', client: pg.Client): Promise<void> {
  let out: string
  try {
    out = (await promisify(execFile)(tool, ['--version'])).stdout
  } catch {
    throw new BackupError(
      `${tool} was not found: install the PostgreSQL client tools of the server's major version (Debian/Ubuntu: apt install postgresql-client), or back the database up with your own ${tool === 'pg_dump' ? 'pg_dump -Fc' : 'pg_restore'}`,
    )
  }
  const toolMajor = Number(/(\d+)(?:\.\d+)?/.exec(out)?.[1] ?? 0)
  const [{ server_version_num }] = (await client.query<{ server_version_num: string }>('SHOW server_version_num')).rows
  const serverMajor = Math.floor(Number(server_version_num) / 10000)
  if (toolMajor < serverMajor) {
    throw new BackupError(
      `${tool} ${toolMajor} cannot work with PostgreSQL ${serverMajor}: install postgresql-client-${serverMajor} (or newer) and put it first in PATH`,
    )
  }
}

function run(tool: string, args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(tool, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk) => {
      stderr += chunk
    })
    child.on('error', reject)
    child.on('close', (code) => (code === 0 ? resolve() : reject(new BackupError(`${tool} failed (exit ${code}): ${stderr.trim()}`))))
  })
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/** pg_dump in custom format of the snapshot the facts were read in, so the manifest's counts are the dump's. */
function dumpPostgres(url: string, file: string): Promise<BackupFacts> {
  return withClient(url, async (client) => {
    await checkTool('pg_dump', client)
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY')
    const [{ id }] = (await client.query<{ id: string }>('SELECT pg_export_snapshot() AS id')).rows
    const facts = await readFacts(clientQueryable(client))
    const { dbname, env } = toolConnection(url)
    await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${id}`, `--file=${file}`, `--dbname=${dbname}`], env)
    await client.query('COMMIT')
    return facts
  })
}

/** Copies a folder's files in parallel (reflinks where the file system has them). */
async function copyFolder(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true })
  const entries = await readdir(from, { withFileTypes: true })
  await Promise.all(
    entries.map((e) =>
      e.isDirectory() ? copyFolder(join(from, e.name), join(to, e.name)) : copyFile(join(from, e.name), join(to, e.name), constants.COPYFILE_FICLONE),
    ),
  )
}

const stamp = (d: Date) => d.toISOString().replace(/[-:.]/g, '')

/**
 * Writes a backup into settings.dir: the data (PGlite: its data folder copied while writers wait, then
 * compressed; PostgreSQL: pg_dump -Fc), the embedded secret key when there is one, and last the manifest (a
 * backup without a manifest is unfinished). `db` is the open PGlite of a running server; without it the data
 * folder is opened here (the server must not be running on it).
 */
export async function backUp(settings: BackupSettings, db?: Database): Promise<{ manifest: BackupManifest; path: string }> {
  await mkdir(settings.dir, { recursive: true, mode: 0o700 })
  const createdAt = new Date()
  const stem = `kendali-${stamp(createdAt)}`
  const engine = settings.databaseUrl ? 'postgres' : 'pglite'
  const archive = `${stem}.${engine === 'postgres' ? 'pgdump' : 'pglite.tar.gz'}`
  const partial = join(settings.dir, `${archive}.partial`)
  const copy = join(settings.dir, `${stem}.copy.partial`)
  let facts: BackupFacts
  let pauseMs = 0
  try {
    if (settings.databaseUrl) facts = await dumpPostgres(settings.databaseUrl, partial)
    else {
      const open = db ?? (await openDatabase({ databaseUrl: null, dataDir: settings.dataDir }))
      try {
        if (!open.snapshot) throw new BackupError('This database cannot be copied while it runs')
        const started = performance.now()
        facts = await open.snapshot(readFacts, (folder) => copyFolder(folder, copy))
        pauseMs = Math.round(performance.now() - started)
        // Compressed from the copy, while writers go on.
        await tar.create({ gzip: true, file: partial, cwd: copy, portable: true }, ['.'])
        await chmod(partial, 0o600)
      } finally {
        if (!db) await open.close()
      }
    }
    await rename(partial, join(settings.dir, archive))
  } finally {
    await rm(partial, { force: true })
    await rm(copy, { recursive: true, force: true })
  }
  const path = join(settings.dir, archive)
  let secretKey: string | null = null
  const keyFile = join(settings.dataDir, SECRET_KEY_FILE)
  if (!settings.databaseUrl && (await exists(keyFile))) {
    secretKey = `${stem}.key`
    await copyFile(keyFile, join(settings.dir, secretKey))
    await chmod(join(settings.dir, secretKey), 0o600)
  }
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    release: settings.release,
    engine,
    createdAt: createdAt.toISOString(),
    archive,
    bytes: (await stat(path)).size,
    sha256: await sha256File(path),
    secretKey,
    demo: !settings.databaseUrl && (await exists(join(settings.dataDir, DEMO_MARKER))),
    pauseMs,
    ...facts,
  }
  await writeFile(join(settings.dir, `${stem}.json`), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 })
  return { manifest, path }
}

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  )

/** The manifest of a backup given by its manifest or its archive. */
export async function readManifest(file: string): Promise<{ manifest: BackupManifest; dir: string }> {
  const manifestFile = file.endsWith('.json') ? file : join(dirname(file), `${basename(file).replace(/\.(pgdump|pglite\.tar\.gz)$/, '')}.json`)
  let manifest: BackupManifest
  try {
    manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as BackupManifest
  } catch {
    throw new BackupError(`${manifestFile}: no readable backup manifest (a backup is its .json manifest with the archive beside it)`)
  }
  if (manifest.format !== BACKUP_FORMAT) throw new BackupError(`${manifestFile} is not a Kendali backup manifest (${BACKUP_FORMAT})`)
  return { manifest, dir: dirname(manifestFile) }
}

/** Row counts and event log heads that differ between the manifest and the restored data. */
export function differences(expected: BackupFacts, actual: BackupFacts): string[] {
  const out: string[] = []
  for (const [table, n] of Object.entries(expected.rows))
    if (actual.rows[table] !== n) out.push(`${table}: ${actual.rows[table] ?? 'missing'} rows, backup had ${n}`)
  for (const [tenant, head] of Object.entries(expected.eventHeads)) {
    if (actual.eventHeads[tenant] !== head) out.push(`event log of ${tenant}: head ${actual.eventHeads[tenant] ?? 'none'}, backup had ${head}`)
  }
  return out
}

/**
 * Restores a backup into an empty data folder (PGlite) or an empty database (PostgreSQL), after checking
 * its checksum and that this release is not older than the one that wrote it; then checks every table's row
 * count and each event log head against the manifest.
 */
export async function restore(file: string, target: Omit<BackupSettings, 'dir'>): Promise<BackupManifest> {
  const { manifest, dir } = await readManifest(file)
  if (compareReleases(manifest.release, target.release) > 0) {
    throw new BackupError(
      `This backup was written by Kendali ${manifest.release}; this is Kendali ${target.release}. Restore it with Kendali ${manifest.release} or newer.`,
    )
  }
  const archive = join(dir, manifest.archive)
  if (!(await exists(archive))) throw new BackupError(`${archive} is missing`)
  if ((await sha256File(archive)) !== manifest.sha256) throw new BackupError(`${archive} does not match its checksum: the file is damaged or incomplete`)
  const wanted = target.databaseUrl ? 'postgres' : 'pglite'
  if (manifest.engine !== wanted) {
    throw new BackupError(
      `This is a ${manifest.engine === 'pglite' ? 'PGlite (embedded)' : 'PostgreSQL'} backup; restore it ${manifest.engine === 'pglite' ? 'without DATABASE_URL, into a DATA_DIR' : 'with DATABASE_URL'}`,
    )
  }
  const restored = target.databaseUrl ? await restorePostgres(archive, target.databaseUrl) : await restorePglite(archive, manifest, dir, target.dataDir)
  const wrong = differences(manifest, restored)
  if (wrong.length > 0) throw new BackupError(`The restored data differs from the backup's manifest:\n  ${wrong.join('\n  ')}`)
  return manifest
}

async function restorePglite(archive: string, manifest: BackupManifest, dir: string, dataDir: string): Promise<BackupFacts> {
  const pgdata = join(dataDir, 'pglite')
  if ((await exists(pgdata)) && (await readdir(pgdata)).length > 0) {
    throw new BackupError(`${pgdata} already holds a database: restore into an empty DATA_DIR (move the old one aside first)`)
  }
  const keyFile = join(dataDir, SECRET_KEY_FILE)
  if (manifest.secretKey) {
    const key = await readFile(join(dir, manifest.secretKey))
    if ((await exists(keyFile)) && !(await readFile(keyFile)).equals(key)) {
      throw new BackupError(`${keyFile} is not the key of this backup: move it aside (the backup's own key opens its stored secrets)`)
    }
  }
  await mkdir(dataDir, { recursive: true })
  if (manifest.secretKey) {
    await copyFile(join(dir, manifest.secretKey), keyFile)
    await chmod(keyFile, 0o600)
  }
  await mkdir(pgdata, { recursive: true, mode: 0o700 })
  await tar.extract({ file: archive, cwd: pgdata, strict: true })
  const db = await openDatabase({ databaseUrl: null, dataDir })
  try {
    if (manifest.demo) markDemoFolder(dataDir)
    return await readFacts(db)
  } finally {
    await db.close()
  }
}

function restorePostgres(archive: string, url: string): Promise<BackupFacts> {
  return withClient(url, async (client) => {
    await checkTool('pg_restore', client)
    const [{ n }] = (
      await client.query<{ n: string }>(
        `SELECT count(*) AS n FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema', 'tiger', 'tiger_data', 'topology') AND tablename <> 'spatial_ref_sys'`,
      )
    ).rows
    if (Number(n) > 0) throw new BackupError('The database is not empty: restore into a new database (createdb, then CREATE EXTENSION postgis)')
    const { dbname, env } = toolConnection(url)
    await run('pg_restore', ['--no-owner', '--exit-on-error', '--single-transaction', `--dbname=${dbname}`, archive], env)
    return readFacts(clientQueryable(client))
  })
}

/**
 * Retention: keeps the newest `keep` backups (0: any number) and removes those older than `keepDays` days
 * (0: any age); the newest backup always stays. Unfinished copies a day old are removed too. Returns the
 * manifests removed.
 */
export async function prune(dir: string, keep: number, keepDays: number, now = Date.now()): Promise<string[]> {
  if (!(await exists(dir))) return []
  const names = await readdir(dir)
  const backups: { file: string; manifest: BackupManifest }[] = []
  for (const name of names.filter((n) => /^kendali-.*\.json$/.test(n))) {
    const manifest = await readManifest(join(dir, name)).then(
      (m) => m.manifest,
      () => null,
    )
    if (manifest) backups.push({ file: name, manifest })
  }
  backups.sort((a, b) => b.manifest.createdAt.localeCompare(a.manifest.createdAt))
  const removed: string[] = []
  for (const [i, { file, manifest }] of backups.entries()) {
    const tooMany = keep > 0 && i >= keep
    const tooOld = keepDays > 0 && now - Date.parse(manifest.createdAt) > keepDays * 86_400_000
    if (i === 0 || !(tooMany || tooOld)) continue
    for (const part of [manifest.archive, manifest.secretKey, file]) if (part) await rm(join(dir, part), { force: true })
    removed.push(file)
  }
  for (const name of names.filter((n) => n.endsWith('.partial'))) {
    if (now - (await stat(join(dir, name))).mtimeMs > 86_400_000) await rm(join(dir, name), { force: true })
  }
  return removed
}

/** A backup, then retention: what `npm run backup`, the running server and the scheduled job do. */
export async function backUpAndPrune(
  config: { databaseUrl: string | null; dataDir: string; backup: { dir: string; keep: number; keepDays: number } },
  release: string,
  db?: Database,
): Promise<{ manifest: BackupManifest; path: string; removed: string[] }> {
  const done = await backUp({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, dir: config.backup.dir, release }, db)
  return { ...done, removed: await prune(config.backup.dir, config.backup.keep, config.backup.keepDays) }
}

/** One line about a finished backup, for the log and the command line. */
export function describeBackup({ manifest, path, removed }: { manifest: BackupManifest; path: string; removed: string[] }): string {
  const rows = Object.values(manifest.rows).reduce((a, b) => a + b, 0)
  const parts = [
    `Backup written: ${path} (${(manifest.bytes / 1e6).toFixed(1)} MB, sha256 ${manifest.sha256.slice(0, 12)}…)`,
    `${manifest.tenants.length} tenants, ${Object.keys(manifest.rows).length} tables, ${rows} rows`,
  ]
  if (manifest.engine === 'pglite') parts.push(`writes waited ${manifest.pauseMs} ms`)
  if (manifest.secretKey) parts.push(`with the secret key (${manifest.secretKey}): keep the backups as safe as the data folder`)
  if (removed.length > 0) parts.push(`${removed.length} old backups removed`)
  return parts.join('; ')
}
