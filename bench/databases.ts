import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { type Database, openDatabase } from '../src/core/db/database.ts'

/**
 * Runs one measurement on a fresh PGlite folder and, when BENCH_DATABASE_URL is set, on a fresh PostgreSQL
 * database `kendali_bench_<name>` (dropped afterwards), so both rows of a benchmark come from the same run.
 */
export async function onEachDatabase<Row>(
  name: string,
  measure: (db: Database, label: 'pglite' | 'postgres', dataDir: string) => Promise<Row>,
): Promise<Row[]> {
  const rows: Row[] = []
  const dataDir = mkdtempSync(join(tmpdir(), `kendali-bench-${name}-`))
  const lite = await openDatabase({ databaseUrl: null, dataDir })
  try {
    rows.push(await measure(lite, 'pglite', dataDir))
  } finally {
    await lite.close()
    rmSync(dataDir, { recursive: true, force: true })
  }
  const pgUrl = process.env.BENCH_DATABASE_URL
  if (!pgUrl) {
    console.log('BENCH_DATABASE_URL is not set: the PostgreSQL row is skipped.')
    return rows
  }
  const database = `kendali_bench_${name}`
  const admin = new pg.Client({ connectionString: pgUrl })
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${database}`)
  const url = new URL(pgUrl)
  url.pathname = `/${database}`
  const db = await openDatabase({ databaseUrl: url.toString(), dataDir: '' })
  try {
    rows.push(await measure(db, 'postgres', tmpdir()))
  } finally {
    await db.close()
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await admin.end()
  }
  return rows
}
