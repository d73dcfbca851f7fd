import type { Queryable } from '../../core/db/database.ts'
import type { Kind, Language } from './contents.ts'
import type { Frequency } from './schedule.ts'

export interface Recipient {
  email: string
  name?: string
  agencyId?: string
}

export interface BriefingRow {
  id: string
  name: string
  kind: Kind
  frequency: Frequency
  day: number | null
  atTime: string
  language: Language
  recipients: Recipient[]
  isActive: boolean
  nextRunAt: Date | null
  createdBy: string
  createdAt: Date
  updatedAt: Date
}

export interface DeliveryRow {
  id: string
  briefingId: string
  period: string
  recipient: string
  isTest: boolean
  status: 'pending' | 'sent' | 'skipped' | 'failed'
  note: string | null
  attachments: string[]
  attempts: number
  createdAt: Date
  sentAt: Date | null
}

const COLUMNS = `id, name, kind, frequency, day, at_time AS "atTime", language, recipients, is_active AS "isActive",
  next_run_at AS "nextRunAt", created_by AS "createdBy", created_at AS "createdAt", updated_at AS "updatedAt"`
const DELIVERY_COLUMNS = `id, briefing_id AS "briefingId", period, recipient, is_test AS "isTest", status, note, attachments, attempts,
  created_at AS "createdAt", sent_at AS "sentAt"`

export type NewBriefing = Omit<BriefingRow, 'id' | 'createdAt' | 'updatedAt'>

export async function insertBriefing(db: Queryable, tenant: string, b: NewBriefing): Promise<BriefingRow> {
  const [row] = await db.query<BriefingRow>(
    `INSERT INTO briefings (tenant, name, kind, frequency, day, at_time, language, recipients, is_active, next_run_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLUMNS}`,
    [tenant, b.name, b.kind, b.frequency, b.day, b.atTime, b.language, JSON.stringify(b.recipients), b.isActive, b.nextRunAt, b.createdBy],
  )
  return row
}

export async function updateBriefing(db: Queryable, tenant: string, id: string, b: Omit<NewBriefing, 'createdBy'>): Promise<BriefingRow | null> {
  const [row] = await db.query<BriefingRow>(
    `UPDATE briefings SET name = $3, kind = $4, frequency = $5, day = $6, at_time = $7, language = $8, recipients = $9, is_active = $10,
       next_run_at = $11, updated_at = now()
     WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [tenant, id, b.name, b.kind, b.frequency, b.day, b.atTime, b.language, JSON.stringify(b.recipients), b.isActive, b.nextRunAt],
  )
  return row ?? null
}

export async function findBriefing(db: Queryable, tenant: string, id: string): Promise<BriefingRow | null> {
  const [row] = await db.query<BriefingRow>(`SELECT ${COLUMNS} FROM briefings WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ?? null
}

export function listBriefings(db: Queryable, tenant: string): Promise<BriefingRow[]> {
  return db.query<BriefingRow>(`SELECT ${COLUMNS} FROM briefings WHERE tenant = $1 ORDER BY name, id`, [tenant])
}

export async function deleteBriefing(db: Queryable, tenant: string, id: string): Promise<BriefingRow | null> {
  const [row] = await db.query<BriefingRow>(`DELETE FROM briefings WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`, [tenant, id])
  return row ?? null
}

/** Active briefings of every tenant whose time has come. */
export function dueBriefings(db: Queryable, now: Date, limit: number): Promise<(BriefingRow & { tenant: string })[]> {
  return db.query<BriefingRow & { tenant: string }>(
    `SELECT tenant, ${COLUMNS} FROM briefings WHERE is_active AND next_run_at <= $1 ORDER BY next_run_at LIMIT $2`,
    [now, limit],
  )
}

/** Moves a briefing that is still due at `now` on to its next time; false when another instance already did. */
export async function advance(db: Queryable, tenant: string, id: string, now: Date, to: Date): Promise<boolean> {
  const rows = await db.query(`UPDATE briefings SET next_run_at = $4 WHERE tenant = $1 AND id = $2 AND is_active AND next_run_at <= $3 RETURNING id`, [
    tenant,
    id,
    now,
    to,
  ])
  return rows.length > 0
}

export async function insertDelivery(
  db: Queryable,
  tenant: string,
  d: { briefingId: string; period: string; recipient: string; isTest: boolean; status: DeliveryRow['status']; note: string | null },
): Promise<DeliveryRow> {
  const [row] = await db.query<DeliveryRow>(
    `INSERT INTO briefing_deliveries (tenant, briefing_id, period, recipient, is_test, status, note) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING ${DELIVERY_COLUMNS}`,
    [tenant, d.briefingId, d.period, d.recipient, d.isTest, d.status, d.note],
  )
  return row
}

export async function findDelivery(db: Queryable, tenant: string, id: string): Promise<DeliveryRow | null> {
  const [row] = await db.query<DeliveryRow>(`SELECT ${DELIVERY_COLUMNS} FROM briefing_deliveries WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ?? null
}

/** One attempt: its outcome, the attachments sent, and the count of attempts. */
export async function recordAttempt(
  db: Queryable,
  tenant: string,
  id: string,
  outcome: { status: DeliveryRow['status']; note: string | null; attachments?: string[]; period?: string },
): Promise<DeliveryRow> {
  const [row] = await db.query<DeliveryRow>(
    `UPDATE briefing_deliveries SET status = $3, note = $4, attachments = coalesce($5, attachments), period = coalesce($6, period),
       attempts = attempts + 1, sent_at = CASE WHEN $3 = 'sent' THEN now() ELSE sent_at END
     WHERE tenant = $1 AND id = $2 RETURNING ${DELIVERY_COLUMNS}`,
    [tenant, id, outcome.status, outcome.note, outcome.attachments ?? null, outcome.period ?? null],
  )
  return row
}

export function listDeliveries(db: Queryable, tenant: string, briefingId: string, limit: number): Promise<DeliveryRow[]> {
  return db.query<DeliveryRow>(
    `SELECT ${DELIVERY_COLUMNS} FROM briefing_deliveries WHERE tenant = $1 AND briefing_id = $2 ORDER BY created_at DESC, id LIMIT $3`,
    [tenant, briefingId, limit],
  )
}
