import type { WebSocket } from 'ws'
import type { Queryable } from '../db/database.ts'
import type { Bus } from './bus.ts'
import { headSeq, type KendaliEvent, listEvents } from './log.ts'

// A client further behind than this is closed (1013, try again later) and resumes with ?after=.
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024
const CATCH_UP_PAGE = 1000

// One event from the bus goes to every client of its tenant: serialise it once, not once per client.
const wireText = new WeakMap<KendaliEvent, string>()
function toWire(event: KendaliEvent): string {
  let text = wireText.get(event)
  if (text === undefined) {
    text = JSON.stringify(event)
    wireText.set(event, text)
  }
  return text
}

export interface LiveOptions {
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
  db: () => Queryable
  bus: Bus
  onError: (err: unknown) => void
}

/**
 * One WebSocket client of a tenant's live channel. Sequences are gapless per tenant and commit in
 * order, so whenever an event arrives that is not the next one, the missing ones are read from the log:
 * the client gets every event after its `after`, in order, exactly once, whichever instance wrote it.
 */
export class LiveClient {
  private last = 0
  private topics: Set<string>
  private visible: readonly string[]
  /** What the client narrowed to with {"subscribe":[…]}; null for everything visible. */
  private wanted: Set<string> | null = null
  private readonly recheckTimer: NodeJS.Timeout
  private queue: Promise<void> = Promise.resolve()
  private closed = false
  private readonly unsubscribe: () => void

  constructor(
    private readonly socket: WebSocket,
    private readonly opts: LiveOptions,
  ) {
    this.visible = opts.visibleTopics
    this.topics = new Set(opts.visibleTopics)
    this.recheckTimer = setInterval(() => this.enqueue(() => this.recheck()), opts.recheckMs)
    this.recheckTimer.unref()
    // Subscribe before reading the log, so nothing committed in between is lost.
    this.unsubscribe = opts.bus.subscribe((event) => {
      if (event.tenant === opts.tenant) this.enqueue(() => this.receive(event))
    })
    this.enqueue(() => this.start())
    socket.on('message', (raw) => this.onMessage(String(raw)))
    socket.on('close', () => this.close())
    socket.on('error', () => this.close())
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : work()))
      .catch((err: unknown) => {
        this.opts.onError(err)
        this.socket.close(1011, 'server error')
      })
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
    // A bus message lost on the way (NATS is at-most-once) is otherwise only noticed at the next event.
    await this.catchUp(Number.MAX_SAFE_INTEGER)
  }

  private narrow(): void {
    this.topics = new Set(this.visible.filter((t) => this.wanted === null || this.wanted.has(t)))
  }

  private async start(): Promise<void> {
    const head = await headSeq(this.opts.db(), this.opts.tenant)
    if (this.opts.after === null) {
      this.last = head
      return
    }
    this.last = Math.min(this.opts.after, head)
    await this.catchUp(head)
  }

  private async receive(event: KendaliEvent): Promise<void> {
    if (event.volatile) return this.send(event)
    if (event.seq <= this.last) return
    if (event.seq === this.last + 1) {
      this.send(event)
      this.last = event.seq
      return
    }
    await this.catchUp(event.seq)
  }

  /** Sends every visible event in (last, upTo] from the log. */
  private async catchUp(announced: number): Promise<void> {
    // Never move past what the log holds: a stray sequence (a misrouted message) must not skip real events.
    const upTo = Math.min(announced, await headSeq(this.opts.db(), this.opts.tenant))
    while (this.last < upTo && !this.closed) {
      const page = await listEvents(this.opts.db(), this.opts.tenant, {
        after: this.last,
        upTo,
        topics: [...this.topics],
        order: 'asc',
        limit: CATCH_UP_PAGE,
      })
      for (const event of page) this.send(event)
      this.last = page.length === CATCH_UP_PAGE ? page[page.length - 1].seq : upTo
    }
  }

  private send(event: KendaliEvent): void {
    if (!this.topics.has(event.topic) || this.closed) return
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.socket.close(1013, 'too far behind; reconnect with after')
      this.close()
      return
    }
    this.socket.send(toWire(event))
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
      const wanted = new Set(subscribe.filter((t): t is string => typeof t === 'string'))
      // Narrowing only: a client can never widen beyond what its roles may read.
      this.enqueue(async () => {
        this.wanted = wanted
        this.narrow()
      })
    }
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    clearInterval(this.recheckTimer)
    this.unsubscribe()
  }
}
