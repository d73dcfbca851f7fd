import type { Socket } from 'node:net'
import type { WebSocket } from 'ws'
import type { Queryable } from '../db/database.ts'
import type { Bus } from './bus.ts'
import { headSeq, type KendaliEvent, listEvents } from './log.ts'

// A client further behind than this is closed (1013, try again later) and resumes with ?after=: one slow
// console must neither hold memory without bound nor slow the others, which share nothing with it but the Buffer.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const CATCH_UP_PAGE = 1000

/** An event as it goes out: serialised once, the same bytes for every client of the tenant. */
interface Outgoing {
  event: KendaliEvent
  bytes: Buffer
}

const outgoing = (event: KendaliEvent): Outgoing => ({ event, bytes: Buffer.from(JSON.stringify(event)) })

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

  /** Serves one WebSocket of a tenant's live channel until it closes. */
  attach(socket: WebSocket, options: LiveClientOptions): LiveClient {
    let stream = this.streams.get(options.tenant)
    if (!stream) {
      const created = new TenantStream(options.tenant, this.opts, () => {
        if (this.streams.get(options.tenant) === created) this.streams.delete(options.tenant)
      })
      this.streams.set(options.tenant, created)
      stream = created
    }
    return new LiveClient(socket, stream, options, this.opts.db)
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
      if (event.volatile) out.push(outgoing(event))
      else if (event.seq === this.last + 1 && !this.filling) {
        out.push(outgoing(event))
        this.last = event.seq
      } else if (event.seq > this.last) this.fillTo = Math.max(this.fillTo, event.seq)
    }
    this.hand(out)
    if (this.fillTo > this.last) this.fill()
  }

  private hand(out: Outgoing[]): void {
    if (out.length === 0) return
    for (const client of this.clients) client.deliver(out)
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
          this.hand(page.map(outgoing))
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
  private visible: readonly string[]
  /** What the client narrowed to with {"subscribe":[…]}; null for everything visible. */
  private wanted: Set<string> | null = null
  private readonly recheckTimer: NodeJS.Timeout
  private closed = false

  constructor(
    private readonly socket: WebSocket,
    private readonly stream: TenantStream,
    private readonly opts: LiveClientOptions,
    private readonly db: () => Queryable,
  ) {
    this.visible = opts.visibleTopics
    this.topics = new Set(opts.visibleTopics)
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
    while (this.last < this.stream.last && !this.closed) {
      const upTo = this.stream.last
      const page = await listEvents(this.db(), this.opts.tenant, {
        after: this.last,
        upTo,
        topics: [...this.topics],
        order: 'asc',
        limit: CATCH_UP_PAGE,
      })
      this.write(page.map(outgoing))
      this.last = page.length === CATCH_UP_PAGE ? page[page.length - 1].seq : upTo
    }
    this.isLive = true
  }

  /** A batch from the stream, in order: written with one socket write. */
  deliver(batch: readonly Outgoing[]): void {
    if (!this.isLive || this.closed) return
    const fresh = batch.filter(({ event }) => event.volatile || event.seq > this.last)
    if (fresh.length === 0) return
    for (const { event } of fresh) if (!event.volatile) this.last = event.seq
    this.write(fresh)
  }

  private write(batch: readonly Outgoing[]): void {
    if (this.closed) return
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1013, 'too far behind; reconnect with after')
      this.close()
      return
    }
    // ws has no cork of its own: holding its TCP socket makes one write of all the frames.
    const raw = (this.socket as unknown as { _socket?: Socket })._socket
    raw?.cork()
    const { redact } = this.opts
    for (const { event, bytes } of batch) {
      if (this.topics.has(event.topic)) this.socket.send(redact ? JSON.stringify(redact(event)) : bytes, { binary: false })
    }
    raw?.uncork()
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
