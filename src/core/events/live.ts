import type { Writable } from 'node:stream'
import { WebSocket } from 'ws'
import type { Queryable } from '../db/database.ts'
import type { Bus } from './bus.ts'
import { headSeq, type KendaliEvent, listEvents } from './log.ts'

// A client further behind than this is closed (1013, try again later) and resumes with ?after=: one slow
// console must neither hold memory without bound nor slow the others, which share nothing with it but the Buffer.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const CATCH_UP_PAGE = 1000
// Logged events a tenant's stream keeps: a client back after a short break catches up from them, not from the log.
const RECENT_EVENTS = 1000

/**
 * One WebSocket text message as it goes on the wire (RFC 6455 §5.2): FIN and opcode 1, the payload length,
 * no mask (a server never masks). Framed once, the same bytes go to every client without ws framing each copy.
 */
export function textFrame(payload: Buffer): Buffer {
  const n = payload.length
  const header = n < 126 ? 2 : n <= 0xffff ? 4 : 10
  const frame = Buffer.allocUnsafe(header + n)
  frame[0] = 0x81
  if (n < 126) frame[1] = n
  else if (n <= 0xffff) {
    frame[1] = 126
    frame.writeUInt16BE(n, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(n), 2)
  }
  payload.copy(frame, header)
  return frame
}

type Redact = (event: KendaliEvent) => KendaliEvent

/** An event as it goes out: serialised and framed once, the same bytes for every client of the tenant. */
class Outgoing {
  readonly frame: Buffer
  /** The same event as each redaction makes it, serialised once for every client it applies to. */
  private redacted: Map<Redact, Buffer> | null = null

  constructor(readonly event: KendaliEvent) {
    this.frame = textFrame(Buffer.from(JSON.stringify(event)))
  }

  frameFor(redact: Redact | undefined): Buffer {
    if (!redact) return this.frame
    this.redacted ??= new Map()
    let frame = this.redacted.get(redact)
    if (!frame) {
      frame = textFrame(Buffer.from(JSON.stringify(redact(this.event))))
      this.redacted.set(redact, frame)
    }
    return frame
  }
}

/** Each redaction's number, so clients that see the same topics the same way share one key. */
const redactions = new WeakMap<Redact, number>()
let redactionCount = 0
function viewKey(topics: ReadonlySet<string>, redact: Redact | undefined): string {
  let id = 0
  if (redact) {
    id = redactions.get(redact) ?? ++redactionCount
    redactions.set(redact, id)
  }
  return `${id}|${[...topics].sort().join(',')}`
}

/**
 * A batch of events handed to every client of a tenant. Clients that read the same topics the same way (every
 * operator, every wall of one layout) get one Buffer of all the batch's frames, built by the first of them.
 */
class Batch {
  private readonly views = new Map<string, Buffer | null>()
  constructor(readonly items: readonly Outgoing[]) {}

  /** The wire bytes of the events a client with this view reads; null when it reads none of them. */
  bytesFor(key: string, topics: ReadonlySet<string>, redact: Redact | undefined): Buffer | null {
    let bytes = this.views.get(key)
    if (bytes === undefined) {
      bytes = concatFrames(this.items, topics, redact)
      this.views.set(key, bytes)
    }
    return bytes
  }
}

function concatFrames(items: readonly Outgoing[], topics: ReadonlySet<string>, redact: Redact | undefined): Buffer | null {
  const frames: Buffer[] = []
  for (const item of items) if (topics.has(item.event.topic)) frames.push(item.frameFor(redact))
  return frames.length === 0 ? null : frames.length === 1 ? frames[0] : Buffer.concat(frames)
}

export interface LiveHubOptions {
  bus: Bus
  db: () => Queryable
  /** How often a tenant's stream compares itself with the log, for a bus message lost on the way (NATS is at-most-once). */
  headCheckMs: number
  onError: (err: unknown, tenant: string) => void
}

export interface LiveClientOptions {
  tenant: string
  after: number | null
  /** Topics this caller may read. */
  visibleTopics: readonly string[]
  /**
   * Asks again what the caller may read now; null once the session or token has ended or lost the tenant.
   * A socket outlives the request that opened it, so a logout or a disabled account must still reach it.
   */
  recheck: () => Promise<readonly string[] | null>
  recheckMs: number
  onError: (err: unknown) => void
  /** What this caller may see of an event (a wall screen: no free text); the event as it is without. */
  redact?: (event: KendaliEvent) => KendaliEvent
}

/**
 * The live channel of one instance. It listens to the bus once; each tenant with open sockets has one
 * stream that puts the tenant's events in sequence order (reading the log itself when one is missing, so
 * one reader per tenant, not per client) and hands each batch to every client. The bus listener only
 * queues: the writer's request never waits on delivery, whatever the number of clients.
 */
export class LiveHub {
  private readonly streams = new Map<string, TenantStream>()
  private readonly unsubscribe: () => void

  constructor(private readonly opts: LiveHubOptions) {
    this.unsubscribe = opts.bus.subscribe((event) => this.streams.get(event.tenant)?.push(event))
  }

  /** Serves one WebSocket (over its TCP socket `wire`) of a tenant's live channel until it closes. */
  attach(socket: WebSocket, wire: Writable, options: LiveClientOptions): LiveClient {
    let stream = this.streams.get(options.tenant)
    if (!stream) {
      const created = new TenantStream(options.tenant, this.opts, () => {
        if (this.streams.get(options.tenant) === created) this.streams.delete(options.tenant)
      })
      this.streams.set(options.tenant, created)
      stream = created
    }
    return new LiveClient(socket, wire, stream, options, this.opts.db)
  }

  close(): void {
    this.unsubscribe()
    for (const stream of this.streams.values()) stream.stop()
    this.streams.clear()
  }
}

/**
 * A tenant's events in order. Sequences are gapless per tenant and commit in order, so an event that is not
 * the next one means others are on their way or were lost: they are read from the log, up to its head.
 */
class TenantStream {
  /** The newest sequence handed to the clients; every one before it was handed too. */
  last = 0
  readonly clients = new Set<LiveClient>()
  readonly ready: Promise<void>
  private isReady = false
  private inbox: KendaliEvent[] = []
  private flushing = false
  /** The highest sequence announced that has not been handed on yet: the log is read up to it. */
  private fillTo = 0
  private filling = false
  private readonly headCheck: NodeJS.Timeout
  /** The newest logged events handed on, consecutive, the last one `last` (up to twice RECENT_EVENTS, trimmed in bulk). */
  private recent: Outgoing[] = []

  constructor(
    readonly tenant: string,
    private readonly opts: LiveHubOptions,
    private readonly onEmpty: () => void,
  ) {
    this.ready = headSeq(opts.db(), tenant).then((head) => {
      this.last = head
      this.isReady = true
      this.schedule()
    })
    this.ready.catch((err: unknown) => {
      // Its clients are closed (their start fails on the same promise); the next socket starts a new stream.
      opts.onError(err, tenant)
      this.stop()
    })
    this.headCheck = setInterval(() => this.checkHead(), opts.headCheckMs)
    this.headCheck.unref()
  }

  push(event: KendaliEvent): void {
    this.inbox.push(event)
    this.schedule()
  }

  private schedule(): void {
    if (this.flushing || !this.isReady) return
    this.flushing = true
    // After the writer's request has moved on: the bus listener runs inside its commit.
    setImmediate(() => this.flush())
  }

  private flush(): void {
    this.flushing = false
    const batch = this.inbox
    this.inbox = []
    const out: Outgoing[] = []
    for (const event of batch) {
      if (event.volatile) out.push(new Outgoing(event))
      else if (event.seq === this.last + 1 && !this.filling) {
        out.push(new Outgoing(event))
        this.last = event.seq
      } else if (event.seq > this.last) this.fillTo = Math.max(this.fillTo, event.seq)
    }
    this.hand(out)
    if (this.fillTo > this.last) this.fill()
  }

  private hand(out: Outgoing[]): void {
    if (out.length === 0) return
    const batch = new Batch(out)
    for (const client of this.clients) client.deliver(batch)
    for (const item of out) {
      if (item.event.volatile) continue
      if (this.recent.at(-1)?.event.seq !== item.event.seq - 1) this.recent = []
      this.recent.push(item)
    }
    if (this.recent.length > 2 * RECENT_EVENTS) this.recent = this.recent.slice(-RECENT_EVENTS)
  }

  /** The logged events after `after` up to `last`, when the stream still holds every one of them; else null. */
  since(after: number): Outgoing[] | null {
    if (after >= this.last) return []
    const first = this.recent[0]?.event.seq
    if (first === undefined || after < first - 1) return null
    return this.recent.slice(after - first + 1)
  }

  private checkHead(): void {
    if (!this.isReady || this.filling) return
    headSeq(this.opts.db(), this.tenant).then(
      (head) => {
        if (head > this.last) {
          this.fillTo = Math.max(this.fillTo, head)
          this.fill()
        }
      },
      (err: unknown) => this.opts.onError(err, this.tenant),
    )
  }

  /** Reads (last, fillTo] from the log and hands it on; one reader per tenant at a time. */
  private fill(): void {
    if (this.filling) return
    this.filling = true
    void (async () => {
      try {
        while (this.fillTo > this.last && this.clients.size > 0) {
          // Never past what the log holds: a stray sequence (a misrouted message) must not skip real events.
          const upTo = Math.min(this.fillTo, await headSeq(this.opts.db(), this.tenant))
          if (upTo <= this.last) {
            this.fillTo = this.last
            break
          }
          const page = await listEvents(this.opts.db(), this.tenant, { after: this.last, upTo, order: 'asc', limit: CATCH_UP_PAGE })
          this.last = page.length === CATCH_UP_PAGE ? page[page.length - 1].seq : upTo
          this.hand(page.map((event) => new Outgoing(event)))
        }
      } catch (err) {
        this.opts.onError(err, this.tenant)
      } finally {
        this.filling = false
        // Events that came in order while the log was read wait in the inbox, or were read with it.
        this.schedule()
      }
    })()
  }

  leave(client: LiveClient): void {
    this.clients.delete(client)
    if (this.clients.size === 0) this.stop()
  }

  stop(): void {
    clearInterval(this.headCheck)
    this.onEmpty()
  }
}

/**
 * One WebSocket client of a tenant's live channel: every event after its `after`, in order, exactly once,
 * whichever instance wrote it. It reads the log itself only to catch up on history it asked for.
 */
export class LiveClient {
  /** The newest sequence sent (or skipped as not visible) to this client. */
  private last = 0
  /** Until it has caught up with the stream, the client reads the log and the stream passes it by. */
  private isLive = false
  private topics: Set<string>
  /** Clients with the same view share the bytes of a batch. */
  private view: string
  private visible: readonly string[]
  /** What the client narrowed to with {"subscribe":[…]}; null for everything visible. */
  private wanted: Set<string> | null = null
  private readonly recheckTimer: NodeJS.Timeout
  private closed = false
  /**
   * Frames go straight to the TCP socket, one write per batch; ws frames them itself only when the client
   * negotiated compression (permessage-deflate, off in this server).
   */
  private readonly isRaw: boolean

  constructor(
    private readonly socket: WebSocket,
    /** The TCP socket under `socket`. */
    private readonly wire: Writable,
    private readonly stream: TenantStream,
    private readonly opts: LiveClientOptions,
    private readonly db: () => Queryable,
  ) {
    this.isRaw = socket.extensions === ''
    this.visible = opts.visibleTopics
    this.topics = new Set(opts.visibleTopics)
    this.view = viewKey(this.topics, opts.redact)
    this.recheckTimer = setInterval(() => this.guard(this.recheck()), opts.recheckMs)
    this.recheckTimer.unref()
    stream.clients.add(this)
    this.guard(this.start())
    socket.on('message', (raw) => this.onMessage(String(raw)))
    socket.on('close', () => this.close())
    socket.on('error', () => this.close())
  }

  private guard(work: Promise<void>): void {
    work.catch((err: unknown) => {
      this.opts.onError(err)
      this.socket.close(1011, 'server error')
      this.close()
    })
  }

  private async start(): Promise<void> {
    await this.stream.ready
    if (this.opts.after === null) {
      this.last = this.stream.last
      this.isLive = true
      return
    }
    // The stream may trail the log by events still on the bus: a client never gets back what it already has.
    this.last = this.opts.after <= this.stream.last ? this.opts.after : Math.min(this.opts.after, await headSeq(this.db(), this.opts.tenant))
    const recent = this.stream.since(this.last)
    if (recent) {
      this.write(recent)
      this.last = Math.max(this.last, this.stream.last)
      this.isLive = true
      return
    }
    while (this.last < this.stream.last && !this.closed) {
      const upTo = this.stream.last
      const page = await listEvents(this.db(), this.opts.tenant, {
        after: this.last,
        upTo,
        topics: [...this.topics],
        order: 'asc',
        limit: CATCH_UP_PAGE,
      })
      this.write(page.map((event) => new Outgoing(event)))
      this.last = page.length === CATCH_UP_PAGE ? page[page.length - 1].seq : upTo
      await this.drained()
    }
    this.isLive = true
  }

  /** Catching up waits for a slow reader instead of cutting it off: it asked for that much history. */
  private async drained(): Promise<void> {
    if (this.wire.writableLength < MAX_BUFFERED_BYTES / 4 || this.closed) return
    await new Promise<void>((resolve) => {
      const done = () => {
        this.wire.off('drain', done)
        this.wire.off('close', done)
        resolve()
      }
      this.wire.on('drain', done)
      this.wire.on('close', done)
    })
  }

  /** A batch from the stream, in order: written with one socket write. */
  deliver(batch: Batch): void {
    if (!this.isLive || this.closed) return
    const after = this.last
    const isNew = ({ event }: Outgoing) => event.volatile === true || event.seq > after
    if (batch.items.every(isNew)) {
      if (this.isBehind()) return
      this.advance(batch.items)
      this.write(batch.items, batch)
      return
    }
    // Just after catching up from the log, the first batches may hold events the client already has.
    const fresh = batch.items.filter(isNew)
    if (fresh.length === 0 || this.isBehind()) return
    this.advance(fresh)
    this.write(fresh)
  }

  private advance(items: readonly Outgoing[]): void {
    for (const { event } of items) if (!event.volatile) this.last = event.seq
  }

  /** Whether the client reads too slowly to stay live; if so it is closed and resumes from the log. */
  private isBehind(): boolean {
    if (this.wire.writableLength <= MAX_BUFFERED_BYTES) return false
    this.socket.close(1013, 'too far behind; reconnect with after')
    this.close()
    return true
  }

  /** Writes the items this client reads; `shared`: the batch they are all of, whose bytes clients of one view share. */
  private write(items: readonly Outgoing[], shared?: Batch): void {
    // Once a close frame has gone out, no message may follow it.
    if (this.closed || this.socket.readyState !== WebSocket.OPEN) return
    const { redact } = this.opts
    if (!this.isRaw) {
      for (const { event } of items) if (this.topics.has(event.topic)) this.socket.send(JSON.stringify(redact ? redact(event) : event))
      return
    }
    const bytes = shared ? shared.bytesFor(this.view, this.topics, redact) : concatFrames(items, this.topics, redact)
    if (bytes) this.wire.write(bytes)
  }

  private async recheck(): Promise<void> {
    const visible = await this.opts.recheck()
    if (!visible) {
      this.socket.close(4401, 'session ended')
      this.close()
      return
    }
    this.visible = visible
    this.narrow()
  }

  private narrow(): void {
    this.topics = new Set(this.visible.filter((t) => this.wanted === null || this.wanted.has(t)))
    this.view = viewKey(this.topics, this.opts.redact)
  }

  private onMessage(raw: string): void {
    let message: unknown
    try {
      message = JSON.parse(raw)
    } catch {
      return
    }
    const subscribe = (message as { subscribe?: unknown }).subscribe
    if (Array.isArray(subscribe)) {
      // Narrowing only: a client can never widen beyond what its roles may read.
      this.wanted = new Set(subscribe.filter((t): t is string => typeof t === 'string'))
      this.narrow()
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.recheckTimer)
    this.stream.leave(this)
  }
}
