import { lookup } from 'node:dns/promises'
import mqtt, { type MqttClient } from 'mqtt'
import type { Database } from '../../core/db/database.ts'
import type { OutboundPolicy } from '../../core/outbound/policy.ts'
import type { Secrets } from '../../core/secrets.ts'
import { readFrigateEvent } from './observation.ts'
import type { AnalyticsService, Outcome } from './service.ts'
import type { StoredSource } from './store.ts'
import * as store from './store.ts'

const RECONNECT_MS = 5000
const CONNECT_TIMEOUT_MS = 10_000

interface Running {
  signature: string
  client: MqttClient
  /** Messages of one source are handled one after another, in the order the broker sent them. */
  queue: Promise<void>
  handled: number
  waiters: { count: number; resolve: () => void }[]
}

/**
 * Keeps one MQTT subscription to `{prefix}/events` per active Frigate source, across tenants. `sync` brings the
 * subscriptions in line with the sources (at start, after an admin's change, and every minute for changes other
 * instances made). The broker is reached only at an address the outbound guard allows.
 */
export class FrigateListeners {
  private readonly running = new Map<string, Running>()
  private syncing: Promise<void> = Promise.resolve()

  constructor(
    private readonly db: () => Database,
    private readonly secrets: Secrets,
    private readonly outbound: OutboundPolicy,
    private readonly service: AnalyticsService,
    private readonly log: {
      warn: (context: Record<string, unknown>, message: string) => void
      onOutcome?: (outcome: Outcome | 'unreadable') => void
    },
  ) {}

  sync(): Promise<void> {
    this.syncing = this.syncing.then(() => this.syncNow()).catch((err) => this.log.warn({ err }, 'analytics sources not synchronised'))
    return this.syncing
  }

  private async syncNow(): Promise<void> {
    const sources = await store.activeFrigateSources(this.db(), this.secrets)
    const wanted = new Map(sources.map((s) => [`${s.tenant}/${s.id}`, s]))
    for (const [key, running] of this.running) {
      const source = wanted.get(key)
      if (!source || signatureOf(source) !== running.signature) {
        this.running.delete(key)
        await running.client.endAsync(true)
      }
    }
    for (const [key, source] of wanted) if (!this.running.has(key)) await this.start(key, source)
  }

  private async start(key: string, source: StoredSource): Promise<void> {
    if (!source.brokerUrl) return
    const host = new URL(source.brokerUrl).hostname.replace(/^\[|\]$/g, '')
    try {
      const { address } = await lookup(host)
      if (!this.outbound.isListed(host) && !this.outbound.addressAllowed(address)) {
        this.log.warn({ tenant: source.tenant, source: source.id }, 'Frigate broker refused: its address is private and not in OUTBOUND_ALLOW')
        return
      }
    } catch (err) {
      this.log.warn({ err, tenant: source.tenant, source: source.id }, 'Frigate broker host not found')
      return
    }
    const topic = `${source.topicPrefix}/events`
    const client = mqtt.connect(source.brokerUrl, {
      reconnectPeriod: RECONNECT_MS,
      connectTimeout: CONNECT_TIMEOUT_MS,
      clean: true,
      clientId: `kendali-analytics-${source.id.slice(0, 8)}-${process.pid}`,
    })
    const running: Running = { signature: signatureOf(source), client, queue: Promise.resolve(), handled: 0, waiters: [] }
    this.running.set(key, running)
    client.on('error', (err) => this.log.warn({ err: err.message, tenant: source.tenant, source: source.id }, 'Frigate broker connection failed'))
    client.on('message', (_topic, payload) => {
      running.queue = running.queue.then(() => this.handle(source, payload)).finally(() => this.count(running))
    })
    // Subscribed again at every (re)connection; the first one is awaited, so an admin's save (and a test) knows
    // that events published next are heard. A broker that is down ends the wait too (and is retried).
    await new Promise<void>((resolve) => {
      client.on('connect', () => client.subscribe(topic, { qos: 1 }, () => resolve()))
      client.once('close', () => resolve())
    })
  }

  private async handle(source: StoredSource, payload: Buffer): Promise<void> {
    let message: unknown
    try {
      message = JSON.parse(payload.toString('utf8'))
    } catch {
      this.log.onOutcome?.('unreadable')
      return
    }
    const seen = readFrigateEvent(message, source.apiUrl)
    if (!seen) {
      this.log.onOutcome?.('ignored')
      return
    }
    try {
      this.log.onOutcome?.(await this.service.observe(this.db(), source, seen))
    } catch (err) {
      this.log.warn({ err, tenant: source.tenant, source: source.id, event: seen.eventId }, 'Frigate event not handled')
    }
  }

  private count(running: Running): void {
    running.handled += 1
    running.waiters = running.waiters.filter((w) => {
      if (running.handled < w.count) return true
      w.resolve()
      return false
    })
  }

  /** Resolves once the source has handled this many messages since it was subscribed (tests wait on it, never sleep). */
  handled(tenant: string, sourceId: string, count: number): Promise<void> {
    const running = this.running.get(`${tenant}/${sourceId}`)
    if (!running) return Promise.reject(new Error(`source ${sourceId} is not subscribed`))
    if (running.handled >= count) return Promise.resolve()
    return new Promise((resolve) => running.waiters.push({ count, resolve }))
  }

  isSubscribed(tenant: string, sourceId: string): boolean {
    return this.running.has(`${tenant}/${sourceId}`)
  }

  async stop(): Promise<void> {
    await this.syncing
    const all = [...this.running.values()]
    this.running.clear()
    await Promise.all(all.map((r) => r.client.endAsync(true)))
  }
}

function signatureOf(s: StoredSource): string {
  return JSON.stringify([s.brokerUrl, s.topicPrefix, s.apiUrl])
}
