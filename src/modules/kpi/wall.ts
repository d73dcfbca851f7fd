import { createHash, randomBytes } from 'node:crypto'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound, Unauthorized } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { recordKpiEvent } from './events.ts'

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex')
const DAY_MS = 86_400_000
const MAX_DAYS = 366

export interface WallToken {
  id: string
  name: string
  prefix: string
  expiresAt: string
  createdBy: string
  createdAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

const COLUMNS = `id, name, prefix, expires_at AS "expiresAt", created_by AS "createdBy", created_at AS "createdAt",
  revoked_at AS "revokedAt", last_used_at AS "lastUsedAt"`

const iso = (v: unknown) => (v instanceof Date ? v.toISOString() : v === null ? null : String(v))
const toToken = (r: Record<string, unknown>): WallToken => ({
  id: String(r.id),
  name: String(r.name),
  prefix: String(r.prefix),
  expiresAt: String(iso(r.expiresAt)),
  createdBy: String(r.createdBy),
  createdAt: String(iso(r.createdAt)),
  revokedAt: iso(r.revokedAt),
  lastUsedAt: iso(r.lastUsedAt),
})

/** Read-only tokens for the situation room's screens: shown once, stored hashed, expiring, revocable. */
export class WallTokens {
  constructor(
    private readonly events: EventLog,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async create(db: Database, tenant: string, actor: string, name: string, days: number): Promise<WallToken & { token: string }> {
    if (!Number.isInteger(days) || days < 1 || days > MAX_DAYS) throw new Invalid(`A wall token lasts 1 to ${MAX_DAYS} days`, { field: 'days' })
    const token = `kdw_${randomBytes(32).toString('base64url')}`
    const expiresAt = new Date(this.clock().getTime() + days * DAY_MS)
    return db.transaction(async (tx) => {
      const [row] = await tx.query(
        `INSERT INTO kpi_wall_tokens (tenant, name, token_hash, prefix, expires_at, created_by) VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [tenant, name, sha256(token), token.slice(0, 10), expiresAt, actor],
      )
      const created = toToken(row)
      await recordKpiEvent(this.events, tx, tenant, actor, { topic: 'kpi', type: 'wall_token.created', entity: created.id, data: { name } })
      return { ...created, token }
    })
  }

  async list(db: Queryable, tenant: string): Promise<WallToken[]> {
    const rows = await db.query(`SELECT ${COLUMNS} FROM kpi_wall_tokens WHERE tenant = $1 ORDER BY created_at DESC, id`, [tenant])
    return rows.map(toToken)
  }

  async revoke(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const [row] = await tx.query<{ name: string }>(
        'UPDATE kpi_wall_tokens SET revoked_at = coalesce(revoked_at, now()) WHERE tenant = $1 AND id = $2 RETURNING name',
        [tenant, id],
      )
      if (!row) throw new NotFound(`There is no wall token ${id} in ${tenant}`, { id })
      await recordKpiEvent(this.events, tx, tenant, actor, { topic: 'kpi', type: 'wall_token.revoked', entity: id, data: { name: row.name } })
    })
  }

  /** Lets a screen in when its token is of this tenant, not revoked and not expired; anything else is 401. */
  async check(db: Queryable, tenant: string, token: string | undefined): Promise<void> {
    const refused = new Unauthorized('This wall token is unknown, revoked or expired')
    if (!token) throw refused
    const [row] = await db.query(
      `UPDATE kpi_wall_tokens SET last_used_at = now()
        WHERE token_hash = $1 AND tenant = $2 AND revoked_at IS NULL AND expires_at > $3 RETURNING id`,
      [sha256(token), tenant, this.clock()],
    )
    if (!row) throw refused
  }
}
