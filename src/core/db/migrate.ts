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

/**
 * Applies every pending migration, each source in the order given, in one transaction guarded by an
 * advisory lock, so several instances starting together on one PostgreSQL migrate it exactly once.
 */
export async function migrate(db: Database, sources: MigrationSource[]): Promise<AppliedMigration[]> {
  return db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK])
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      owner text NOT NULL,
      version text NOT NULL,
      applied_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (owner, version))`)
    const done = new Set((await tx.query<AppliedMigration>('SELECT owner, version FROM schema_migrations')).map((m) => `${m.owner}/${m.version}`))
    const applied: AppliedMigration[] = []
    for (const source of sources) {
      const files = readdirSync(source.dir)
        .filter((f) => /^\d{3}_[\w-]+\.sql$/.test(f))
        .sort()
      for (const file of files) {
        const version = file.replace(/\.sql$/, '')
        if (done.has(`${source.owner}/${version}`)) continue
        // Statements run one by one through the transaction handle, so a failure rolls back all of them.
        for (const statement of splitStatements(readFileSync(join(source.dir, file), 'utf8'))) {
          await tx.query(statement)
        }
        await tx.query('INSERT INTO schema_migrations (owner, version) VALUES ($1, $2)', [source.owner, version])
        applied.push({ owner: source.owner, version })
      }
    }
    return applied
  })
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
