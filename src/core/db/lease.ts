import type { Queryable } from './database.ts'

/**
 * Takes or renews the named lease for `holder`; true while it is this holder's. Another holder's lease is taken
 * over only once it has run out, so with several instances on one database one of them does the work.
 */
export async function holdLease(db: Queryable, name: string, holder: string, seconds: number): Promise<boolean> {
  const rows = await db.query<{ holder: string }>(
    `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, now() + make_interval(secs => $3))
     ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at
       WHERE leases.holder = EXCLUDED.holder OR leases.expires_at < now()
     RETURNING holder`,
    [name, holder, seconds],
  )
  return rows.length === 1
}
