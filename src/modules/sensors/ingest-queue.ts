import { DomainError } from '../../core/errors.ts'
import type { Rejection } from './payload.ts'

/** What one payload came to: its good readings are stored, its bad items named (and counted, never stored). */
export interface IngestOutcome {
  accepted: number
  rejected: Rejection[]
}

/** One device's payloads going into a write; `unreadable` counts payloads that were not even JSON. */
export interface IngestEntry {
  tenant: string
  deviceId: string
  /** The SHA-256 of the token an HTTP request carried, checked by the write (one query for the whole batch). */
  tokenHash?: string
  bodies: unknown[]
  unreadable: number
}

/** Where a payload comes from: `tokenHash` when its credentials are still to be checked, `unreadable` when it was not JSON. */
export interface IngestSource {
  tokenHash?: string
  unreadable?: boolean
  /** When the queue is full: wait for room (MQTT: the broker stops reading the socket meanwhile), or refuse at once. */
  whenFull?: 'wait' | 'refuse'
}

/** The queue is full and the caller asked not to wait: an HTTP client is told to come back (503, Retry-After). */
export class IngestBusy extends DomainError {
  readonly retryAfterSeconds = 1
  constructor() {
    super('unavailable', 'Too many readings are waiting to be stored; send them again in a moment')
  }
}

/** Writes entries of many devices together; per entry, the outcome of each body, or why the entry was refused. */
export type IngestWriter = (entries: IngestEntry[]) => Promise<(IngestOutcome[] | Error)[]>

interface Waiter {
  /** Index into the entry's bodies; -1 for an unreadable payload. */
  index: number
  resolve: (outcome: IngestOutcome) => void
  reject: (err: Error) => void
}

interface Pending {
  entry: IngestEntry
  waiters: Waiter[]
}

export interface IngestQueueOptions {
  /** Payloads queued or being written at most; beyond, submit waits for room (the caller stops reading its socket). */
  maxQueued: number
  /** A write starts at once when this many payloads wait, without lingering. */
  maxBatch: number
  /** How long a write waits for more payloads after the first one when the queue was idle. */
  lingerMs: number
  /** Writes in flight at once: 1 on PGlite (one connection); more on PostgreSQL, so parsing overlaps the server's work. */
  concurrency?: number
}

const UNREADABLE: IngestOutcome = { accepted: 0, rejected: [{ index: 0, field: 'payload', message: 'not JSON' }] }

/**
 * Group commit for device payloads: what arrives within a few milliseconds, or while a write runs, goes into the
 * next write together, many devices' readings in one transaction. A payload's promise settles when that write
 * has committed (or failed), so an MQTT QoS 1 acknowledgement or an HTTP answer given on it means "stored".
 * The queue is bounded: when it is full, submit waits for room, and the broker stops reading that device's socket.
 */
export class IngestQueue {
  private pending = new Map<string, Pending>()
  private queued = 0
  private writing = 0
  /** Payloads not yet in a write. */
  private waiting = 0
  /** Devices (tenant/id) whose payloads a write in flight holds. */
  private readonly inWrite = new Set<string>()
  private timer: ReturnType<typeof setTimeout> | null = null
  private readonly room: (() => void)[] = []
  private idle: (() => void)[] = []
  /** Writes done and payloads written, since start (for the bench and logs). */
  writes = 0
  written = 0

  constructor(
    private readonly write: IngestWriter,
    private readonly options: IngestQueueOptions = { maxQueued: 20_000, maxBatch: 5_000, lingerMs: 2 },
  ) {}

  /** Queues a payload; resolves once it is committed (or refused, its bad items named). */
  async submit(tenant: string, deviceId: string, body: unknown, source: IngestSource = {}): Promise<IngestOutcome> {
    const { tokenHash, unreadable = false, whenFull = 'wait' } = source
    if (this.queued >= this.options.maxQueued && whenFull === 'refuse') throw new IngestBusy()
    while (this.queued >= this.options.maxQueued) await new Promise<void>((resolve) => this.room.push(resolve))
    this.queued += 1
    this.waiting += 1
    const key = `${tenant}/${deviceId}/${tokenHash ?? ''}`
    let pending = this.pending.get(key)
    if (!pending) {
      pending = { entry: { tenant, deviceId, tokenHash, bodies: [], unreadable: 0 }, waiters: [] }
      this.pending.set(key, pending)
    }
    const { entry, waiters } = pending
    const outcome = new Promise<IngestOutcome>((resolve, reject) => {
      if (unreadable) {
        entry.unreadable += 1
        waiters.push({ index: -1, resolve, reject })
      } else {
        waiters.push({ index: entry.bodies.length, resolve, reject })
        entry.bodies.push(body)
      }
    })
    this.schedule()
    return outcome
  }

  private get concurrency(): number {
    return this.options.concurrency ?? 1
  }

  private schedule(): void {
    if (this.writing >= this.concurrency || this.pending.size === 0) return
    if (this.waiting >= this.options.maxBatch) {
      if (this.timer) clearTimeout(this.timer)
      this.timer = null
      void this.flush()
    } else {
      this.timer ??= setTimeout(() => {
        this.timer = null
        void this.flush()
      }, this.options.lingerMs)
    }
  }

  private async flush(): Promise<void> {
    if (this.writing >= this.concurrency || this.pending.size === 0) return
    // A device already in a write waits for the next one, so its readings are stored, and its rules see them, in order.
    const batch: Pending[] = []
    for (const [key, p] of this.pending) {
      const device = `${p.entry.tenant}/${p.entry.deviceId}`
      if (this.inWrite.has(device)) continue
      batch.push(p)
      this.pending.delete(key)
      this.inWrite.add(device)
    }
    if (batch.length === 0) return
    this.writing += 1
    const count = batch.reduce((n, p) => n + p.waiters.length, 0)
    this.waiting -= count
    try {
      const results = await this.write(batch.map((p) => p.entry)).catch((err: unknown) =>
        batch.map(() => (err instanceof Error ? err : new Error(String(err)))),
      )
      batch.forEach((p, i) => {
        const result = results[i]
        for (const waiter of p.waiters) {
          if (result instanceof Error) waiter.reject(result)
          else waiter.resolve(waiter.index < 0 ? UNREADABLE : result[waiter.index])
        }
      })
      this.writes += 1
      this.written += count
    } finally {
      for (const p of batch) this.inWrite.delete(`${p.entry.tenant}/${p.entry.deviceId}`)
      this.queued -= count
      this.writing -= 1
      for (const wake of this.room.splice(0, this.options.maxQueued - this.queued)) wake()
      if (this.pending.size > 0) void this.flush()
      else if (this.writing === 0) for (const done of this.idle.splice(0)) done()
    }
  }

  /** Resolves once everything submitted so far is written. */
  drain(): Promise<void> {
    if (this.writing === 0 && this.pending.size === 0) return Promise.resolve()
    return new Promise<void>((resolve) => {
      this.idle.push(resolve)
      if (this.timer) {
        clearTimeout(this.timer)
        this.timer = null
        void this.flush()
      }
    })
  }
}
