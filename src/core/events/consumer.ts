import type { Database } from '../db/database.ts'
import type { Bus } from './bus.ts'
import { type KendaliEvent, listEvents } from './log.ts'

export interface ConsumerSpec {
  /** Unique per consumer, e.g. `incidents.alarm_intake`. */
  name: string
  topics: readonly string[]
  types?: readonly string[]
  /** Must be idempotent: after a crash between handling and recording progress, an event is handled again. */
  handle(db: Database, event: KendaliEvent): Promise<void>
}

export interface ConsumerOptions {
  db: () => Database
  bus: Bus
  /** One instance at a time reads for a consumer (see CoreContext.holdsLease). */
  holdsLease: (name: string) => Promise<boolean>
  onError: (err: unknown, event: KendaliEvent | null) => void
  pollMs?: number
}

const BATCH = 200
const POLL_MS = 5000
// An event whose handling keeps failing is given up (and logged) so it does not stall every later event.
const MAX_ATTEMPTS = 5

/**
 * A durable reader of the event log: reacts at once to events on the bus, and every few seconds reads from the
 * log what it has not handled yet (events whose bus message was lost, or raised while it was stopped).
 * A new consumer starts at the head of existing tenants' logs; a new tenant's log is read from its start.
 */
export class EventConsumer {
  private running: Promise<void> | null = null
  private queued: Promise<void> | null = null
  private stopped = false
  private timer: NodeJS.Timeout | null = null
  private unsubscribe: (() => void) | null = null
  private readonly attempts = new Map<string, number>()

  constructor(
    private readonly spec: ConsumerSpec,
    private readonly opts: ConsumerOptions,
  ) {}

  async start(): Promise<void> {
    await this.opts
      .db()
      .query(`INSERT INTO event_consumers (name, tenant, last_seq) SELECT $1, tenant, last_seq FROM event_counters ON CONFLICT DO NOTHING`, [this.spec.name])
    this.unsubscribe = this.opts.bus.subscribe((event) => {
      if (this.spec.topics.includes(event.topic) && (!this.spec.types || this.spec.types.includes(event.type))) this.poke()
    })
    this.timer = setInterval(() => this.poke(), this.opts.pollMs ?? POLL_MS)
    this.timer.unref()
    this.poke()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.unsubscribe?.()
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.queued
    await this.running
  }

  /** Reads now, or once more right after the read in progress; resolves when the log has been read up to now. */
  poke(): Promise<void> {
    if (this.stopped) return Promise.resolve()
    if (!this.running) {
      this.running = this.catchUp()
        .catch((err: unknown) => this.opts.onError(err, null))
        .finally(() => {
          this.running = null
        })
      return this.running
    }
    this.queued ??= this.running.then(() => {
      this.queued = null
      return this.poke()
    })
    return this.queued
  }

  private async catchUp(): Promise<void> {
    if (!(await this.opts.holdsLease(`consumer:${this.spec.name}`))) return
    const db = this.opts.db()
    const behind = await db.query<{ tenant: string; done: number; head: number }>(
      `SELECT c.tenant, coalesce(k.last_seq, 0) AS done, c.last_seq AS head
       FROM event_counters c LEFT JOIN event_consumers k ON k.name = $1 AND k.tenant = c.tenant
       WHERE c.last_seq > coalesce(k.last_seq, 0)`,
      [this.spec.name],
    )
    for (const { tenant, done, head } of behind) await this.readTenant(db, tenant, Number(done), Number(head))
  }

  private async readTenant(db: Database, tenant: string, done: number, head: number): Promise<void> {
    let last = done
    while (last < head) {
      const events = await listEvents(db, tenant, { after: last, upTo: head, topics: this.spec.topics, types: this.spec.types, order: 'asc', limit: BATCH })
      for (const event of events) {
        if (!(await this.handleOnce(db, event))) return this.record(db, tenant, last)
        last = event.seq
      }
      if (events.length < BATCH) last = head
      await this.record(db, tenant, last)
    }
  }

  /** False when the event failed and should be tried again later. */
  private async handleOnce(db: Database, event: KendaliEvent): Promise<boolean> {
    const key = `${event.tenant}:${event.seq}`
    try {
      await this.spec.handle(db, event)
      this.attempts.delete(key)
      return true
    } catch (err) {
      this.opts.onError(err, event)
      const attempts = (this.attempts.get(key) ?? 0) + 1
      if (attempts < MAX_ATTEMPTS) {
        this.attempts.set(key, attempts)
        return false
      }
      this.attempts.delete(key)
      return true
    }
  }

  private async record(db: Database, tenant: string, seq: number): Promise<void> {
    await db.query(
      `INSERT INTO event_consumers (name, tenant, last_seq) VALUES ($1, $2, $3)
       ON CONFLICT (name, tenant) DO UPDATE SET last_seq = greatest(event_consumers.last_seq, EXCLUDED.last_seq)`,
      [this.spec.name, tenant, seq],
    )
  }
}
