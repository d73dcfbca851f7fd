import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/support/db.ts'
import { migrate, splitStatements } from './migrate.ts'

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
    const applied = await migrate(db, [{ owner: 'core', dir: fileURLToPath(new URL('./migrations', import.meta.url)) }])
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
})
