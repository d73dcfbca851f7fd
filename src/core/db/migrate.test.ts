import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/support/db.ts'
import { unique } from '../../../test/support/server.ts'
import { compareReleases, migrate, NewerDataError, splitStatements } from './migrate.ts'

const CORE = { owner: 'core', dir: fileURLToPath(new URL('./migrations', import.meta.url)) }

/** A folder of migrations of an owner no module has, named for this test only. */
function migrationsOf(files: Record<string, string>): { owner: string; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kendali-migrations-'))
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql)
  return { owner: unique('test_owner').replace(/-/g, '_'), dir }
}

describe('splitStatements', () => {
  it('splits on semicolons outside strings, comments and dollar-quoted bodies', () => {
    const script = `
      -- a comment; with a semicolon
      CREATE TABLE a (x text DEFAULT 'semi;colon');
      /* block; comment */
      CREATE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN RAISE EXCEPTION 'no; way'; END
      $$;
      INSERT INTO a VALUES ('it''s; fine')`
    const statements = splitStatements(script)
    expect(statements).toHaveLength(3)
    expect(statements[0]).toBe(`CREATE TABLE a (x text DEFAULT 'semi;colon')`)
    expect(statements[1]).toContain(`RAISE EXCEPTION 'no; way'; END`)
    expect(statements[2]).toBe(`INSERT INTO a VALUES ('it''s; fine')`)
  })
})

describe('migrate', () => {
  it('applies nothing a second time', async () => {
    const db = await testDatabase()
    const applied = await migrate(db, [CORE], '0.1.0')
    expect(applied).toEqual([])
    const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM schema_migrations WHERE owner = 'core'`)
    expect(row.n).toBeGreaterThan(0)
  })

  it('has PostGIS available on this database', async () => {
    const db = await testDatabase()
    const [row] = await db.query<{ d: number }>(
      `SELECT ST_Distance('SRID=4326;POINT(110.2177 -7.4797)'::geography, 'SRID=4326;POINT(110.2277 -7.4797)'::geography) AS d`,
    )
    expect(row.d).toBeGreaterThan(1090)
    expect(row.d).toBeLessThan(1110)
  })

  it('runs each migration in its own transaction: a failing one leaves the data as the one before left it, and is tried again next start', async () => {
    const db = await testDatabase()
    const table = unique('migrated').replace(/-/g, '_')
    const source = migrationsOf({
      '001_first.sql': `CREATE TABLE ${table} (n int); INSERT INTO ${table} VALUES (1);`,
      '002_broken.sql': `INSERT INTO ${table} VALUES (2); CREATE TABLE ${table}_second (n int); SELECT 1 / 0;`,
    })
    try {
      await expect(migrate(db, [source], '0.1.0')).rejects.toThrow(/division by zero/)
      expect(await db.query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }])
      expect(await db.query(`SELECT to_regclass('${table}_second') AS t`)).toEqual([{ t: null }])
      const recorded = await db.query('SELECT version, release FROM schema_migrations WHERE owner = $1', [source.owner])
      expect(recorded).toEqual([{ version: '001_first', release: '0.1.0' }])

      writeFileSync(join(source.dir, '002_broken.sql'), `INSERT INTO ${table} VALUES (2)`)
      expect(await migrate(db, [source], '0.1.0')).toEqual([{ owner: source.owner, version: '002_broken' }])
      expect(await db.query(`SELECT n FROM ${table} ORDER BY n`)).toEqual([{ n: 1 }, { n: 2 }])
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`)
    }
  })

  it('refuses data written by a newer release, saying which, and a migration this release does not have', async () => {
    const db = await testDatabase()
    const source = migrationsOf({ '001_first.sql': 'SELECT 1' })
    try {
      await migrate(db, [source], '0.1.0')
      await db.query(`UPDATE schema_migrations SET release = '0.3.0' WHERE owner = $1`, [source.owner])
      const refused = migrate(db, [source], '0.2.9')
      await expect(refused).rejects.toThrow(NewerDataError)
      await expect(migrate(db, [source], '0.2.9')).rejects.toThrow(/written by Kendali 0\.3\.0 .*this is Kendali 0\.2\.9/)
      expect(await migrate(db, [source], '0.3.0')).toEqual([])

      await db.query(`INSERT INTO schema_migrations (owner, version) VALUES ($1, '002_from_the_future')`, [source.owner])
      await expect(migrate(db, [source], '0.3.0')).rejects.toThrow(/002_from_the_future/)
    } finally {
      await db.query('DELETE FROM schema_migrations WHERE owner = $1', [source.owner])
    }
  })

  it('of several instances starting together, one applies each migration and the others wait for it', async () => {
    const db = await testDatabase()
    const table = unique('raced').replace(/-/g, '_')
    const source = migrationsOf({ '001_create.sql': `CREATE TABLE ${table} (n int)`, '002_fill.sql': `INSERT INTO ${table} VALUES (1)` })
    try {
      const results = await Promise.all([1, 2, 3].map(() => migrate(db, [source], '0.1.0')))
      expect(results.flat()).toHaveLength(2)
      expect(await db.query(`SELECT n FROM ${table}`)).toEqual([{ n: 1 }])
    } finally {
      await db.query(`DROP TABLE IF EXISTS ${table}`)
    }
  })

  it('orders releases by number', () => {
    expect(compareReleases('0.10.0', '0.9.3')).toBeGreaterThan(0)
    expect(compareReleases('1.0.0', '1.0.0-rc.1')).toBe(0)
    expect(compareReleases('0.1.0', '0.2.0')).toBeLessThan(0)
  })
})
