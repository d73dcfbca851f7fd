// What bench/run.ts and its client thread (live-clients.ts) say to each other.

/** What the bench thread asks. */
export type ClientsRequest =
  | { kind: 'open'; url: string; cookie: string; clients: number }
  /** Answer `synced` once every client has received at least one event from now on. */
  | { kind: 'sync' }
  /** Seqs from..from+count-1 are about to be written; answer `expecting`, then `received` once every client has them. */
  | { kind: 'expect'; from: number; count: number }
  /** The writer is done: from now on, give up waiting after `stallMs` without any message. */
  | { kind: 'written'; stallMs: number }
  | { kind: 'close' }

export type ClientsReply =
  | { kind: 'opened' }
  | { kind: 'synced' }
  | { kind: 'expecting' }
  | { kind: 'received'; receipts: Receipts }
  | { kind: 'closed' }
  | { kind: 'error'; message: string }

export interface Receipts {
  /** Receive time (monotonic ms, see `now`) of seq from+i at client c: times[c * count + i]; NaN if it never came. */
  times: Float64Array
  missing: number
  duplicates: number
  outOfOrder: number
  /** A few of the problems, for the report. */
  problems: string[]
  /** Share of the measurement the clients' thread was busy (its event loop utilisation, 0–1): near 1, the clients are the limit. */
  busy: number
}

/** Monotonic milliseconds, the same clock in every thread of the process (performance.timeOrigin is per thread). */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6

/** What the paced bench asks its writers' thread (live-writers.ts): `count` POSTs of `body`, `perSecond` a second. */
export interface WritersRequest {
  url: string
  cookie: string
  body: unknown
  count: number
  perSecond: number
}

export type WritersReply = { kind: 'posted'; latencies: Float64Array } | { kind: 'error'; message: string }
