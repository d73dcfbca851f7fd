import type { Queryable } from './database.ts'

/**
 * The next serial of a tenant's year in a module's counter table `(tenant, year, last_serial)`.
 * The counter row stays locked until the caller commits, so numbers are gapless and never reused.
 * `table` is a constant of the calling module, never user input.
 */
export async function nextSerial(db: Queryable, table: string, tenant: string, year: number): Promise<number> {
  const [row] = await db.query<{ last_serial: number }>(
    `INSERT INTO ${table} (tenant, year, last_serial) VALUES ($1, $2, 1)
     ON CONFLICT (tenant, year) DO UPDATE SET last_serial = ${table}.last_serial + 1 RETURNING last_serial`,
    [tenant, year],
  )
  return row.last_serial
}
