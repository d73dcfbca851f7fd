import type { Queryable } from './database.ts'

export type Acknowledged = 'ok' | 'missing' | 'not_active'

/**
 * Acknowledges an active alarm in a module's own alarm table (sensors, cameras, connectors share this shape:
 * tenant, id, status, acknowledged_at, acknowledged_by). `table` is the calling store's constant, never input.
 */
export async function acknowledgeActive(db: Queryable, table: string, tenant: string, id: string, by: string): Promise<Acknowledged> {
  const rows = await db.query(
    `UPDATE ${table} SET status = 'acknowledged', acknowledged_at = now(), acknowledged_by = $3 WHERE tenant = $1 AND id = $2 AND status = 'active' RETURNING id`,
    [tenant, id, by],
  )
  if (rows.length) return 'ok'
  return (await db.query(`SELECT 1 FROM ${table} WHERE tenant = $1 AND id = $2`, [tenant, id])).length ? 'not_active' : 'missing'
}
