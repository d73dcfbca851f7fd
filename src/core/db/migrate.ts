import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from './database.ts'

export interface MigrationSource {
  /** Owner of the migrations: `core` or a module name. */
  owner: string
  /** Folder of `NNN_name.sql` files, applied in file-name order. */
  dir: string
}

export interface AppliedMigration {
  owner: string
  version: string
}

// Any constant works; it only has to be the same in every process that migrates this database.
const MIGRATION_LOCK = 7_171_700

/** The data was written by a newer release than this one: starting would run old code on a newer schema. */
export class NewerDataError extends Error {}

/** 1.10.0 > 1.9.3; a pre-release suffix is ignored. */
export function compareReleases(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]
      .split('.')
      .map((n) => Number(n) || 0)
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0)
  return 0
}

interface Pending extends AppliedMigration {
  file: string
}

/**
 * Applies every pending migration, each source in the order given, each migration in its own transaction (a
 * failing one leaves the data as the previous one left it) and recorded with the release that ran it. Every
 * transaction takes an advisory lock and checks again that its migration is still pending, so of several
 * instances starting together on one PostgreSQL one migrates and the others wait, then find nothing to do.
 * Refuses data that a newer release wrote (a newer release recorded, or a migration this release does not have).
 */
export async function migrate(db: Database, sources: MigrationSource[], release: string): Promise<AppliedMigration[]> {
  const files = sources.flatMap((source) =>
    readdirSync(source.dir)
      .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
      .sort()
      .map((file): Pending => ({ owner: source.owner, version: file.replace(/\.sql$/, ''), file: join(source.dir, file) })),
  )
  const done = await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      owner text NOT NULL,
      version text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, version))`)
    // Which release ran each migration; null for those run before releases were recorded.
    await tx.query('ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS release text')
    return tx.query<AppliedMigration & { release: string | null }>('SELECT owner, version, release FROM schema_migrations')
  })
  refuseNewerData(done, files, sources, release)
  const applied: AppliedMigration[] = []
  const doneKeys = new Set(done.map((m) => `${m.owner}/${m.version}`))
  for (const migration of files) {
    if (doneKeys.has(`${migration.owner}/${migration.version}`)) continue
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
      const again = await tx.query('SELECT 1 FROM schema_migrations WHERE owner = $1 AND version = $2', [migration.owner, migration.version])
      if (again.length > 0) return false
      // Statements run one by one through the transaction handle, so a failure rolls back all of them.
      for (const statement of splitStatements(readFileSync(migration.file, 'utf8'))) await tx.query(statement)
      await tx.query('INSERT INTO schema_migrations (owner, version, release) VALUES ($1, $2, $3)', [migration.owner, migration.version, release])
      return true
    })
    if (ran) applied.push({ owner: migration.owner, version: migration.version })
  }
  return applied
}

function refuseNewerData(done: (AppliedMigration & { release: string | null })[], files: Pending[], sources: MigrationSource[], release: string): void {
  const owners = new Set(sources.map((s) => s.owner))
  const known = new Set(files.map((f) => `${f.owner}/${f.version}`))
  const newer = done.find((m) => m.release !== null && compareReleases(m.release, release) > 0)
  const unknown = done.find((m) => owners.has(m.owner) && !known.has(`${m.owner}/${m.version}`))
  if (!newer && !unknown) return
  const by = newer
    ? `Kendali ${newer.release} (migration ${newer.owner}/${newer.version})`
    : `a newer Kendali (migration ${unknown?.owner}/${unknown?.version}, which ${release} does not have)`
  throw new NewerDataError(
    `This database was written by ${by}; this is Kendali ${release}, which could damage it. Start Kendali ${newer?.release ?? 'of that release'} or newer, or restore a backup made by ${release} into an empty database.`,
  )
}

/** Splits a migration script on semicolons outside quotes, comments and dollar-quoted bodies. */
export function splitStatements(script: string): string[] {
  const statements: string[] = []
  let current = ''
  let i = 0
  while (i < script.length) {
    const ch = script[i]
    const rest = script.slice(i)
    if (rest.startsWith('--')) {
      const end = script.indexOf('\n', i)
      i = end === -1 ? script.length : end + 1
      continue
    }
    if (rest.startsWith('/*')) {
      const end = script.indexOf('*/', i + 2)
      i = end === -1 ? script.length : end + 2
      continue
    }
    const dollar = /^\$[A-Za-z_]*\$/.exec(rest)
    if (dollar) {
      const end = script.indexOf(dollar[0], i + dollar[0].length)
      const stop = end === -1 ? script.length : end + dollar[0].length
      current += script.slice(i, stop)
      i = stop
      continue
    }
    if (ch === "'" || ch === '"') {
      let j = i + 1
      while (j < script.length && !(script[j] === ch && script[j + 1] !== ch)) j += script[j] === ch ? 2 : 1
      current += script.slice(i, j + 1)
      i = j + 1
      continue
    }
    if (ch === ';') {
      if (current.trim()) statements.push(current.trim())
      current = ''
      i++
      continue
    }
    current += ch
    i++
  }
  if (current.trim()) statements.push(current.trim())
  return statements
}
