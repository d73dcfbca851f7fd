import type { Database, Queryable } from '../db/database.ts'

export interface Job {
  tenant: string
  id: string
  kind: string
  payload: Record<string, unknown>
  attempts: number
  maxAttempts: number
}

export type JobHandler = (job: Job) => Promise<void>

/** done: finished; retry: failed, to be tried again; failed: failed for the last time. */
export type JobOutcome = 'done' | 'retry' | 'failed'

export interface EnqueueOptions {
  /** When to run (default: now, by the database's clock). */
  runAt?: Date
  /** Added to runAt. */
  delaySeconds?: number
  /** While a job with this key is pending, enqueueing another one does nothing. */
  dedupeKey?: string
  maxAttempts?: number
}

interface JobRow {
  tenant: string
  id: string
  kind: string
  payload: Record<string, unknown>
  attempts: number
  max_attempts: number
}

/** The tenant column of jobs that belong to the whole install rather than one tenant. */
export const PLATFORM = '*'

// How long a claimed job stays invisible to other workers; a worker that dies frees it after this.
const LEASE_SECONDS = 300

/**
 * Durable jobs in the database, claimed with FOR UPDATE SKIP LOCKED so any number of instances can
 * poll the same table; each job runs at least once, retried with backoff until maxAttempts.
 */
export class JobQueue {
  private readonly handlers = new Map<string, JobHandler>()
  private readonly recurring = new Map<string, number>()
  private timer: NodeJS.Timeout | null = null
  private running: Promise<number> | null = null

  constructor(
    private readonly db: () => Database,
    private readonly onError: (err: unknown) => void,
    /** Told of every run (for metrics). */
    private readonly observe: (kind: string, outcome: JobOutcome, seconds: number) => void = () => undefined,
  ) {}

  handle(kind: string, handler: JobHandler): void {
    if (this.handlers.has(kind)) throw new Error(`Job kind "${kind}" has two handlers`)
    this.handlers.set(kind, handler)
  }

  /**
   * A platform-wide job that runs every `seconds`: one pending run exists at a time (whatever the number
   * of instances), and each run schedules the next when it finishes.
   */
  every(kind: string, seconds: number, handler: JobHandler): void {
    this.handle(kind, handler)
    this.recurring.set(kind, seconds)
  }

  /** Makes sure every recurring job has its next run pending (called at start-up). */
  async scheduleRecurring(): Promise<void> {
    for (const kind of this.recurring.keys()) await this.scheduleNext(kind, undefined, 0)
  }

  private async scheduleNext(kind: string, base: Date | undefined, delaySeconds: number): Promise<void> {
    await this.enqueue(this.db(), PLATFORM, kind, {}, { runAt: base, delaySeconds, dedupeKey: 'recurring', maxAttempts: 3 })
  }

  /** Adds a job in the caller's transaction, so it exists only if the caller's change commits. */
  async enqueue(tx: Queryable, tenant: string, kind: string, payload: Record<string, unknown> = {}, opts: EnqueueOptions = {}): Promise<void> {
    await tx.query(
      `INSERT INTO jobs (tenant, kind, payload, run_at, dedupe_key, max_attempts)
       VALUES ($1, $2, $3, coalesce($4::timestamptz, now()) + make_interval(secs => $7), $5, $6)
       ON CONFLICT (tenant, kind, dedupe_key) WHERE dedupe_key IS NOT NULL AND done_at IS NULL AND failed_at IS NULL DO NOTHING`,
      [tenant, kind, JSON.stringify(payload), opts.runAt?.toISOString() ?? null, opts.dedupeKey ?? null, opts.maxAttempts ?? 5, opts.delaySeconds ?? 0],
    )
  }

  /**
   * Claims and runs due jobs once; returns how many ran. Due-ness is judged by the database's clock, so
   * instances with skewed clocks agree; `now` lets tests move the clock.
   */
  async runDue(limit = 20, now?: Date): Promise<number> {
    const kinds = [...this.handlers.keys()]
    if (kinds.length === 0) return 0
    const claimed = await this.db().transaction((tx) =>
      tx.query<JobRow>(
        `WITH clock AS (SELECT coalesce($2::timestamptz, now()) AS now)
         UPDATE jobs SET attempts = attempts + 1, locked_until = (SELECT now FROM clock) + make_interval(secs => $3)
         WHERE (tenant, id) IN (
           SELECT tenant, id FROM jobs, clock
           WHERE done_at IS NULL AND failed_at IS NULL AND run_at <= clock.now AND kind = ANY($4::text[])
             AND (locked_until IS NULL OR locked_until < clock.now)
           ORDER BY run_at LIMIT $1 FOR UPDATE OF jobs SKIP LOCKED)
         RETURNING tenant, id, kind, payload, attempts, max_attempts`,
        [limit, now?.toISOString() ?? null, LEASE_SECONDS, kinds],
      ),
    )
    for (const row of claimed) await this.runOne(row, now)
    return claimed.length
  }

  private async runOne(row: JobRow, now: Date | undefined): Promise<void> {
    const handler = this.handlers.get(row.kind)
    const job: Job = { tenant: row.tenant, id: row.id, kind: row.kind, payload: row.payload, attempts: row.attempts, maxAttempts: row.max_attempts }
    const started = performance.now()
    try {
      if (!handler) throw new Error(`No handler for job kind ${row.kind}`)
      await handler(job)
      this.observe(row.kind, 'done', (performance.now() - started) / 1000)
      await this.db().query('UPDATE jobs SET done_at = now(), locked_until = NULL WHERE tenant = $1 AND id = $2', [row.tenant, row.id])
      const every = this.recurring.get(row.kind)
      if (every !== undefined) await this.scheduleNext(row.kind, now, every)
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err)
      const giveUp = row.attempts >= row.max_attempts
      this.observe(row.kind, giveUp ? 'failed' : 'retry', (performance.now() - started) / 1000)
      // Exponential backoff: 30 s, 1 min, 2 min, 4 min … capped at one hour.
      const delay = Math.min(3600, 30 * 2 ** (row.attempts - 1))
      await this.db().query(
        `UPDATE jobs SET last_error = $3, locked_until = NULL,
           failed_at = CASE WHEN $4 THEN now() END,
           run_at = CASE WHEN $4 THEN run_at ELSE coalesce($5::timestamptz, now()) + make_interval(secs => $6) END
         WHERE tenant = $1 AND id = $2`,
        [row.tenant, row.id, message.slice(0, 2000), giveUp, now?.toISOString() ?? null, delay],
      )
      const every = this.recurring.get(row.kind)
      if (giveUp && every !== undefined) await this.scheduleNext(row.kind, now, every)
    }
  }

  start(pollMs = 1000): void {
    if (this.timer) return
    this.timer = setInterval(() => {
      if (this.running) return
      this.running = this.runDue()
        .catch((err: unknown) => {
          this.onError(err)
          return 0
        })
        .finally(() => {
          this.running = null
        })
    }, pollMs)
    this.timer.unref()
  }

  /** Whether due jobs are being picked up (started and not stopped). */
  polling(): boolean {
    return this.timer !== null
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running?.catch(() => undefined)
  }
}
