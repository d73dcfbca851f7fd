import pg from 'pg'
import type { TestProject } from 'vitest/node'
import { openDatabase } from '../../src/core/db/database.ts'
import { buildTemplate } from './template.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Prefix of this run's databases, so runs sharing one PostgreSQL server never touch each other's. */
    pgRun: string
  }
}

// Databases of runs that died more than this long ago are removed by the next run.
const STALE_MS = 6 * 3600_000

export const templateName = (run: string) => `${run}_template`
export const workerDatabaseName = (run: string, pid: number) => `${run}_w${pid}`

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

async function drop(admin: pg.Client, names: string[]): Promise<void> {
  for (const name of names) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
}

async function testDatabases(admin: pg.Client): Promise<string[]> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'kendali_test_%'`)
  return rows.map((r) => r.datname)
}

/** Builds this run's template database; each worker clones it (CREATE DATABASE … TEMPLATE). */
export async function setup(project: TestProject): Promise<() => Promise<void>> {
  const base = process.env.TEST_DATABASE_URL
  if (!base) throw new Error('TEST_DATABASE_URL is not set')
  const run = `kendali_test_${Date.now().toString(36)}_${process.pid}`
  project.provide('pgRun', run)
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  const stale = (await testDatabases(admin)).filter((name) => {
    const stamp = /^kendali_test_([0-9a-z]+)_\d+_/.exec(name)?.[1]
    return !stamp || Date.now() - Number.parseInt(stamp, 36) > STALE_MS
  })
  await drop(admin, stale)
  await admin.query(`CREATE DATABASE "${templateName(run)}"`)
  const db = await openDatabase({ databaseUrl: databaseUrl(base, templateName(run)), dataDir: '' })
  await buildTemplate(db)
  await db.close()
  return async () => {
    await drop(
      admin,
      (await testDatabases(admin)).filter((name) => name.startsWith(`${run}_`)),
    )
    await admin.end()
  }
}
