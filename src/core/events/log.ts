import type { Queryable, Tx } from '../db/database.ts'
import type { Bus } from './bus.ts'

/** One entry of the event log, exactly as the API and the live channel send it. */
export interface KendaliEvent {
  seq: number
  tenant: string
  topic: string
  type: string
  entity: string | null
  actor: string | null
  at: string
  data: Record<string, unknown>
  /**
   * Announced, not logged (a unit's position every few seconds): it reaches live clients but not the log, carries
   * `seq` 0, and a client that reconnects gets the newest state from the API instead of a replay.
   */
  volatile?: true
}

export interface EventInput {
  topic: string
  type: string
  entity?: string | null
  data?: Record<string, unknown>
}

type EventRow = Omit<KendaliEvent, 'at'> & { at: Date }

export const EVENT_COLUMNS = 'seq, tenant, topic, type, entity, actor, at, data'

export function toEvent(row: EventRow): KendaliEvent {
  return { ...row, at: row.at.toISOString() }
}

/** Writes events in the caller's transaction and hands them to the bus once that transaction commits. */
export class EventLog {
  constructor(private readonly bus: Bus) {}

  async record(tx: Tx, tenant: string, actor: string | null, input: EventInput): Promise<KendaliEvent> {
    // One statement (one round trip on the writer's path). The counter row stays locked until commit: events
    // of one tenant commit in sequence order.
    const [row] = await tx.query<EventRow>(
      `WITH counter AS (
         INSERT INTO event_counters (tenant, last_seq) VALUES ($1, 1)
         ON CONFLICT (tenant) DO UPDATE SET last_seq = event_counters.last_seq + 1
         RETURNING last_seq
       )
       INSERT INTO events (tenant, seq, topic, type, entity, actor, data)
       SELECT $1, last_seq, $2, $3, $4, $5, $6 FROM counter RETURNING ${EVENT_COLUMNS}`,
      [tenant, input.topic, input.type, input.entity ?? null, actor, JSON.stringify(input.data ?? {})],
    )
    const event = toEvent(row)
    tx.afterCommit(() => this.bus.publish(event))
    return event
  }

  /** Sends a volatile event to live clients once the transaction commits; nothing is written to the log. */
  announce(tx: Tx, tenant: string, actor: string | null, input: EventInput): KendaliEvent {
    const event: KendaliEvent = {
      seq: 0,
      tenant,
      topic: input.topic,
      type: input.type,
      entity: input.entity ?? null,
      actor,
      at: new Date().toISOString(),
      data: input.data ?? {},
      volatile: true,
    }
    tx.afterCommit(() => this.bus.publish(event))
    return event
  }
}

export interface EventQuery {
  after?: number
  before?: number
  upTo?: number
  /** Omitted: every topic (the live channel's stream, which filters per client). */
  topics?: readonly string[]
  types?: readonly string[]
  order: 'asc' | 'desc'
  limit: number
}

export async function listEvents(db: Queryable, tenant: string, q: EventQuery): Promise<KendaliEvent[]> {
  const rows = await db.query<EventRow>(
    `SELECT ${EVENT_COLUMNS} FROM events
     WHERE tenant = $1 AND ($2::text[] IS NULL OR topic = ANY($2::text[]))
       AND ($3::bigint IS NULL OR seq > $3) AND ($4::bigint IS NULL OR seq < $4) AND ($5::bigint IS NULL OR seq <= $5)
       AND ($6::text[] IS NULL OR type = ANY($6::text[]))
     ORDER BY seq ${q.order === 'desc' ? 'DESC' : 'ASC'} LIMIT $7`,
    [tenant, q.topics ?? null, q.after ?? null, q.before ?? null, q.upTo ?? null, q.types ?? null, q.limit],
  )
  return rows.map(toEvent)
}

export async function countEvents(db: Queryable, tenant: string, topics: readonly string[], types?: readonly string[]): Promise<number> {
  const [row] = await db.query<{ n: number }>(
    `SELECT count(*) AS n FROM events WHERE tenant = $1 AND topic = ANY($2::text[]) AND ($3::text[] IS NULL OR type = ANY($3::text[]))`,
    [tenant, topics, types ?? null],
  )
  return row.n
}

/** The newest sequence number of a tenant's log (0 when empty). */
export async function headSeq(db: Queryable, tenant: string): Promise<number> {
  const [row] = await db.query<{ last_seq: number }>('SELECT last_seq FROM event_counters WHERE tenant = $1', [tenant])
  return row?.last_seq ?? 0
}
