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
  bodies: unknown[]
  unreadable: number
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
  private writing = false
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

  /** Queues a payload (`unreadable`: it was not JSON, to be counted); resolves once it is committed. */
  async submit(tenant: string, deviceId: string, body: unknown, unreadable = false): Promise<IngestOutcome> {
    while (this.queued >= this.options.maxQueued) await new Promise<void>((resolve) => this.room.push(resolve))
    this.queued += 1
    const key = `${tenant}/${deviceId}`
    let pending = this.pending.get(key)
    if (!pending) {
      pending = { entry: { tenant, deviceId, bodies: [], unreadable: 0 }, waiters: [] }
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

  private schedule(): void {
    if (this.writing || this.pending.size === 0) return
    if (this.queued >= this.options.maxBatch) {
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
    if (this.writing) return
    this.writing = true
    const batch = [...this.pending.values()]
    this.pending = new Map()
    const count = batch.reduce((n, p) => n + p.waiters.length, 0)
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
      this.queued -= count
      this.writing = false
      for (const wake of this.room.splice(0, this.options.maxQueued - this.queued)) wake()
      if (this.pending.size > 0) void this.flush()
      else for (const done of this.idle.splice(0)) done()
    }
  }

  /** Resolves once everything submitted so far is written. */
  drain(): Promise<void> {
    if (!this.writing && this.pending.size === 0) return Promise.resolve()
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
