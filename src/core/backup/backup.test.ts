import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { testDatabase, testDatabaseKind, workerDatabaseUrl } from '../../../test/support/db.ts'
import { TMP } from '../../../test/support/template.ts'
import { type Database, openDatabase } from '../db/database.ts'
import { MemoryBus } from '../events/bus.ts'
import { EventLog } from '../events/log.ts'
import { packageVersion } from '../http/server.ts'
import { type BackupManifest, backUp, prune, readFacts, restore } from './backup.ts'
import { askServer, FolderInUseError, serveControl } from './control.ts'

const kind = testDatabaseKind()
const release = packageVersion()
mkdirSync(TMP, { recursive: true })
const work = mkdtempSync(join(TMP, 'backup-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

/** A new, empty PostgreSQL database beside the worker's (restores need an empty one). */
async function emptyPostgres(): Promise<{ url: string; drop: () => Promise<void> }> {
  const url = new URL(workerDatabaseUrl())
  const name = `${url.pathname.slice(1)}_restore_${Date.now().toString(36)}`
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${name}"`)
  await admin.end()
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const again = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
      await again.connect()
      await again.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      await again.end()
    },
  }
}

/** Appends events of one tenant until stopped: the write load a backup must not stop for long nor tear. */
function writeLoad(db: Database, tenant: string) {
  const log = new EventLog(new MemoryBus())
  let writing = true
  let writes = 0
  const done = (async () => {
    while (writing) {
      await db.transaction((tx) => log.record(tx, tenant, null, { topic: 'test', type: 'test.backup_load', data: { n: writes } }))
      writes++
    }
  })()
  return {
    writes: () => writes,
    stop: async () => {
      writing = false
      await done
    },
  }
}

const target = (name: string) => join(work, name)

describe(`backups (${kind})`, () => {
  it('backs up under write load and restores into an empty folder or database with every row count and event log head', async () => {
    const db = await testDatabase()
    const tenant = `bk-${Date.now().toString(36)}`
    const load = writeLoad(db, tenant)
    await expect.poll(() => load.writes()).toBeGreaterThan(20)
    const settings = { databaseUrl: kind === 'postgres' ? workerDatabaseUrl() : null, dataDir: target('source'), dir: target('backups'), release }
    const { manifest, path } = await backUp(settings, db)
    const writesAfterBackup = load.writes()
    await expect.poll(() => load.writes()).toBeGreaterThan(writesAfterBackup + 20)
    await load.stop()

    expect(path).toBe(join(settings.dir, manifest.archive))
    expect(manifest).toMatchObject({ format: 'kendali-backup/1', release, engine: kind })
    expect(manifest.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(manifest.migrations.map((m) => `${m.owner}/${m.version}`)).toContain('core/001_core')
    expect(manifest.tenants).toContain('33.71')
    const head = manifest.eventHeads[tenant]
    expect(head).toBeGreaterThan(20)
    // A point in time while writers went on: the live log is further.
    const [live] = await db.query<{ head: number }>('SELECT max(seq) AS head FROM events WHERE tenant = $1', [tenant])
    expect(Number(live.head)).toBeGreaterThan(head)
    if (kind === 'pglite') expect(manifest.pauseMs).toBeLessThan(30_000)

    const pgTarget = kind === 'postgres' ? await emptyPostgres() : null
    try {
      const into = { databaseUrl: pgTarget?.url ?? null, dataDir: target('restored'), release }
      await restore(join(settings.dir, `${manifest.archive.replace(/\.(pgdump|pglite\.tar\.gz)$/, '')}.json`), into)
      const restored = await openDatabase(into)
      try {
        const facts = await readFacts(restored)
        expect(Object.keys(facts.rows).sort()).toEqual(Object.keys(manifest.rows).sort())
        for (const [table, n] of Object.entries(manifest.rows)) expect({ table, n: facts.rows[table] }).toEqual({ table, n })
        expect(facts.eventHeads).toEqual(manifest.eventHeads)
        const [{ n }] = await restored.query<{ n: number }>('SELECT count(*) AS n FROM events WHERE tenant = $1', [tenant])
        expect(Number(n)).toBe(head)
      } finally {
        await restored.close()
      }
      // A second restore into the same, now full, target is refused.
      await expect(restore(path, into)).rejects.toThrow(/already holds a database|not empty/)
    } finally {
      await pgTarget?.drop()
    }
    // A second PGlite opened beside the worker's: minutes on a busy 2-core machine.
  }, 300_000)

  it('refuses a damaged backup and one written by a newer release', async () => {
    const db = await testDatabase()
    const settings = { databaseUrl: kind === 'postgres' ? workerDatabaseUrl() : null, dataDir: target('source2'), dir: target('backups2'), release }
    const { manifest, path } = await backUp(settings, db)
    const manifestFile = join(settings.dir, `${manifest.archive.replace(/\.(pgdump|pglite\.tar\.gz)$/, '')}.json`)
    const into = { databaseUrl: kind === 'postgres' ? 'postgres://unused.invalid/x' : null, dataDir: target('never'), release }

    const newer: BackupManifest = { ...manifest, release: '99.0.0' }
    writeFileSync(manifestFile, JSON.stringify(newer))
    await expect(restore(manifestFile, into)).rejects.toThrow(/written by Kendali 99\.0\.0.*Restore it with Kendali 99\.0\.0 or newer/)

    writeFileSync(manifestFile, JSON.stringify(manifest))
    const bytes = readFileSync(path)
    bytes[Math.floor(bytes.length / 2)] ^= 0xff
    writeFileSync(path, bytes)
    await expect(restore(path, into)).rejects.toThrow(/does not match its checksum/)
  })
})

describe('backup retention', () => {
  function fakeBackup(dir: string, createdAt: string): string {
    const stem = `kendali-${createdAt.replace(/[-:.]/g, '')}`
    writeFileSync(join(dir, `${stem}.pglite.tar.gz`), 'x')
    writeFileSync(join(dir, `${stem}.key`), 'k')
    writeFileSync(
      join(dir, `${stem}.json`),
      JSON.stringify({ format: 'kendali-backup/1', createdAt, archive: `${stem}.pglite.tar.gz`, secretKey: `${stem}.key` }),
    )
    return `${stem}.json`
  }

  it('keeps the newest by count and removes those older than the age limit, never the newest', async () => {
    const dir = target('retention')
    mkdirSync(dir, { recursive: true })
    const now = Date.parse('2026-12-07T12:00:00Z')
    const day = (d: number) => new Date(now - d * 86_400_000).toISOString()
    const names = [0, 1, 2, 3, 40].map((d) => fakeBackup(dir, day(d)))
    writeFileSync(join(dir, 'notes.txt'), 'not a backup')

    expect((await prune(dir, 3, 30, now)).sort()).toEqual([names[3], names[4]].sort())
    const left = readdirSync(dir).sort()
    expect(left.filter((n) => n.endsWith('.json'))).toEqual(names.slice(0, 3).sort())
    expect(left).toContain('notes.txt')
    expect(left.filter((n) => n.endsWith('.key'))).toHaveLength(3)

    // Only old ones, an age limit and no count limit: the newest stays anyway.
    const old = target('retention-old')
    mkdirSync(old, { recursive: true })
    const olds = [50, 60].map((d) => fakeBackup(old, day(d)))
    expect(await prune(old, 0, 30, now)).toEqual([olds[1]])
  })
})

describe('control socket', () => {
  it('answers commands of its own user, and a second server on the same folder is refused', async () => {
    // A data folder not made yet (a first start with KENDALI_SECRET_KEY set) is made.
    const dir = target('control/new')
    expect(await askServer(dir, 'backup')).toBeNull()
    const server = await serveControl(dir, { backup: async (args) => ({ made: 1, args }) })
    try {
      expect(await askServer(dir, 'backup', { keep: 2 })).toEqual({ ok: true, result: { made: 1, args: { keep: 2 } } })
      expect(statSync(join(dir, 'kendali.sock')).mode & 0o777).toBe(0o600)
      expect(await askServer(dir, 'nonsense')).toEqual({ ok: false, error: 'Unknown command "nonsense"' })
      await expect(serveControl(dir, {})).rejects.toBeInstanceOf(FolderInUseError)
    } finally {
      server?.close()
    }
  })
})
