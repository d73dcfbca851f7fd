import { createHash, randomBytes } from 'node:crypto'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound, Unauthorized } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Principal } from '../../core/http/access.ts'
import { recordKpiEvent } from './events.ts'

export const WALL_TOKEN_PREFIX = 'kdw_'
export const WALL_PANELS = ['kpi', 'map', 'cameras', 'reports', 'levies'] as const
export type WallPanel = { kind: (typeof WALL_PANELS)[number]; seconds: number }
/** The live topics the panels follow: the map's incidents, units and sensors, cameras, reports, levies, the KPIs. */
export const WALL_TOPICS = ['kpi', 'incidents', 'units', 'sensors', 'cctv', 'reports', 'levies'] as const
const DEFAULT_SECONDS = 30

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
    const token = `${WALL_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`
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

  /**
   * The screen a valid token stands for: a read-only executive of its tenant narrowed to what the wall shows
   * (the actions marked `wall`, the `WALL_TOPICS`). Null when the token is unknown, revoked or expired.
   */
  async principal(db: Queryable, token: string): Promise<Principal | null> {
    const row = await this.use(db, token)
    if (!row) return null
    return {
      kind: 'token',
      id: row.id,
      actor: `wall:${row.name}`,
      isPlatformAdmin: false,
      readOnly: true,
      wall: { topics: WALL_TOPICS },
      grants: [{ tenant: row.tenant, roles: ['executive'], agencies: [] }],
    }
  }

  /** Lets a screen of this tenant in: the token's expiry (for the cookie that holds it); 401 for anything else. */
  async session(db: Queryable, tenant: string, token: string): Promise<Date> {
    const row = await this.use(db, token)
    if (row?.tenant !== tenant) throw new Unauthorized('This wall token is unknown, revoked or expired')
    return row.expiresAt
  }

  /** The schedule of the tenant's wall: its panels in order, each with its seconds (every panel, 30 s, by default). */
  async settings(db: Queryable, tenant: string): Promise<WallPanel[]> {
    const [row] = await db.query<{ panels: WallPanel[] }>('SELECT panels FROM kpi_wall_settings WHERE tenant = $1', [tenant])
    return row?.panels ?? WALL_PANELS.map((kind) => ({ kind, seconds: DEFAULT_SECONDS }))
  }

  async saveSettings(db: Database, tenant: string, actor: string, panels: WallPanel[]): Promise<WallPanel[]> {
    const kinds = panels.map((p) => p.kind)
    const twice = kinds.findIndex((k, i) => kinds.indexOf(k) !== i)
    if (twice >= 0) throw new Invalid(`The panel ${kinds[twice]} is in the schedule twice`, { field: `panels.${twice}.kind` })
    await db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO kpi_wall_settings (tenant, panels, updated_by) VALUES ($1, $2, $3)
         ON CONFLICT (tenant) DO UPDATE SET panels = excluded.panels, updated_by = excluded.updated_by, updated_at = now()`,
        [tenant, JSON.stringify(panels), actor],
      )
      await recordKpiEvent(this.events, tx, tenant, actor, { topic: 'kpi', type: 'wall.scheduled', entity: null, data: { panels: kinds } })
    })
    return panels
  }

  /** Marks a valid token used; its tenant, name and expiry, or null. */
  private async use(db: Queryable, token: string): Promise<{ id: string; tenant: string; name: string; expiresAt: Date } | null> {
    const [row] = await db.query<{ id: string; tenant: string; name: string; expires_at: Date | string }>(
      `UPDATE kpi_wall_tokens SET last_used_at = now()
        WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > $2 RETURNING id, tenant, name, expires_at`,
      [sha256(token), this.clock()],
    )
    return row ? { id: row.id, tenant: row.tenant, name: row.name, expiresAt: new Date(row.expires_at) } : null
  }
}
