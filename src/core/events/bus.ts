import { randomUUID } from 'node:crypto'
import { connect, Events, type NatsConnection } from 'nats'
import type { KendaliEvent } from './log.ts'

export type EventListener = (event: KendaliEvent) => void

/** Carries committed events to every listener of every instance. The database log stays the truth. */
export interface Bus {
  readonly kind: 'memory' | 'nats'
  /**
   * Joins the instances sharing this database (their common id): installs that share a NATS server
   * never hear each other's events, whose sequences belong to another log.
   */
  join(installId: string): void
  publish(event: KendaliEvent): void
  subscribe(listener: EventListener): () => void
  /** Whether events reach the other instances now (always, in memory). */
  connected(): boolean
  close(): Promise<void>
}

class Listeners {
  private readonly set = new Set<EventListener>()
  add(listener: EventListener): () => void {
    this.set.add(listener)
    return () => this.set.delete(listener)
  }
  deliver(event: KendaliEvent): void {
    // A listener's failure is its own: it must neither stop the others nor fail a committed transaction.
    for (const listener of this.set) {
      try {
        listener(event)
      } catch (err) {
        console.error('event listener failed', err)
      }
    }
  }
}

export class MemoryBus implements Bus {
  readonly kind = 'memory' as const
  private readonly listeners = new Listeners()
  join(): void {}
  publish(event: KendaliEvent): void {
    this.listeners.deliver(event)
  }
  subscribe(listener: EventListener): () => void {
    return this.listeners.add(listener)
  }
  connected(): boolean {
    return true
  }
  async close(): Promise<void> {}
}

interface Envelope {
  origin: string
  event: KendaliEvent
}

const SUBJECT = 'kendali.events'

/**
 * Events are delivered locally at once and sent over NATS for the other instances; an instance skips
 * its own messages coming back. Lost or reordered messages are harmless: live clients fill gaps from
 * the log, because sequences are gapless per tenant.
 */
export class NatsBus implements Bus {
  readonly kind = 'nats' as const
  private readonly listeners = new Listeners()
  private readonly origin = randomUUID()
  private readonly encoder = new TextEncoder()
  private readonly decoder = new TextDecoder()

  private subject: string | null = null
  private disconnected = false

  private constructor(private readonly nc: NatsConnection) {
    void (async () => {
      for await (const status of nc.status()) {
        if (status.type === Events.Disconnect) this.disconnected = true
        else if (status.type === Events.Reconnect) this.disconnected = false
      }
    })()
  }

  join(installId: string): void {
    if (this.subject) return
    this.subject = `${SUBJECT}.${installId}`
    const sub = this.nc.subscribe(`${this.subject}.>`)
    void (async () => {
      for await (const msg of sub) {
        let envelope: Envelope
        try {
          envelope = JSON.parse(this.decoder.decode(msg.data)) as Envelope
        } catch {
          continue // Not ours, or damaged: a stray message must not stop the instance.
        }
        if (envelope.origin !== this.origin && envelope.event) this.listeners.deliver(envelope.event)
      }
    })()
  }

  static async connect(url: string): Promise<NatsBus> {
    const bus = new NatsBus(await connect({ servers: url, name: 'kendali', maxReconnectAttempts: -1, noEcho: true }))
    await bus.nc.flush()
    return bus
  }

  publish(event: KendaliEvent): void {
    this.listeners.deliver(event)
    const envelope: Envelope = { origin: this.origin, event }
    // Tenant codes contain dots, which NATS reads as subject levels; underscores keep one level.
    if (!this.subject) throw new Error('NATS bus used before joining its install')
    this.nc.publish(`${this.subject}.${event.tenant.replaceAll('.', '_')}`, this.encoder.encode(JSON.stringify(envelope)))
  }

  subscribe(listener: EventListener): () => void {
    return this.listeners.add(listener)
  }

  connected(): boolean {
    return !this.disconnected && !this.nc.isClosed()
  }

  async close(): Promise<void> {
    await this.nc.drain()
  }
}

export async function openBus(natsUrl: string | null): Promise<Bus> {
  return natsUrl ? NatsBus.connect(natsUrl) : new MemoryBus()
}
