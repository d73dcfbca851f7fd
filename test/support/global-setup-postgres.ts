import pg from 'pg'
import { openDatabase } from '../../src/core/db/database.ts'
import { buildTemplate } from './template.ts'

export const TEMPLATE_DB = 'kendali_test_template'

export function databaseUrl(base: string, name: string): string {
  const url = new URL(base)
  url.pathname = `/${name}`
  return url.toString()
}

async function dropTestDatabases(admin: pg.Client): Promise<void> {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE 'kendali_test_%'`)
  for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`)
}

/** Builds a template database on the PostgreSQL server; each worker clones it (CREATE DATABASE … TEMPLATE). */
export async function setup(): Promise<() => Promise<void>> {
  const base = process.env.TEST_DATABASE_URL
  if (!base) throw new Error('TEST_DATABASE_URL is not set')
  const admin = new pg.Client({ connectionString: base })
  await admin.connect()
  await dropTestDatabases(admin)
  await admin.query(`CREATE DATABASE "${TEMPLATE_DB}"`)
  const db = await openDatabase({ databaseUrl: databaseUrl(base, TEMPLATE_DB), dataDir: '' })
  await buildTemplate(db)
  await db.close()
  return async () => {
    await dropTestDatabases(admin)
    await admin.end()
  }
}
