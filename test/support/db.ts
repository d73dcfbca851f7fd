import { cpSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { inject } from 'vitest'
import { type Database, openDatabase } from '../../src/core/db/database.ts'
import { databaseUrl, templateName, workerDatabaseName } from './global-setup-postgres.ts'
import { TMP } from './template.ts'

// Keyed by kind: a worker process may serve files of both the PGlite and the PostgreSQL project.
const shared = new Map<'pglite' | 'postgres', Promise<Database>>()

export function testDatabaseKind(): 'pglite' | 'postgres' {
  return process.env.KENDALI_TEST_DB === 'postgres' ? 'postgres' : 'pglite'
}

/** The database of this test worker: a PostgreSQL clone of the template or a copied PGlite folder. */
export function testDatabase(): Promise<Database> {
  const kind = testDatabaseKind()
  let db = shared.get(kind)
  if (!db) {
    db = kind === 'postgres' ? openPostgres() : openPglite()
    shared.set(kind, db)
  }
  return db
}

/** Where this worker's PostgreSQL database lives (for tests that start more server processes). */
export function workerDatabaseUrl(): string {
  const base = process.env.TEST_DATABASE_URL
  if (!base) throw new Error('TEST_DATABASE_URL is not set')
  return databaseUrl(base, workerDatabaseName(inject('pgRun'), process.pid))
}

async function openPostgres(): Promise<Database> {
  const admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
  await admin.connect()
  await admin.query(`CREATE DATABASE "${workerDatabaseName(inject('pgRun'), process.pid)}" TEMPLATE "${templateName(inject('pgRun'))}"`)
  await admin.end()
  return openDatabase({ databaseUrl: workerDatabaseUrl(), dataDir: '' })
}

async function openPglite(): Promise<Database> {
  const dir = join(TMP, `pglite-worker-${process.pid}`)
  rmSync(dir, { recursive: true, force: true })
  cpSync(inject('pgliteTemplate'), dir, { recursive: true })
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  return openDatabase({ databaseUrl: null, dataDir: dir })
}
