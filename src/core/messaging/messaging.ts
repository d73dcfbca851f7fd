import type { FastifyBaseLogger } from 'fastify'
import type { Database, Queryable } from '../db/database.ts'
import { Invalid } from '../errors.ts'
import type { Job, JobQueue } from '../jobs/jobs.ts'
import type { OutboundPolicy } from '../outbound/policy.ts'
import type { Secrets } from '../secrets.ts'
import {
  type ChannelAdapter,
  type ChannelConfig,
  type ChannelKind,
  type InboundBatch,
  type InboundMessage,
  type OutgoingMessage,
  SendError,
} from './channel.ts'
import { toE164 } from './phone.ts'
import { smsAdapter } from './sms.ts'
import { telegramAdapter } from './telegram.ts'
import { whatsappAdapter } from './whatsapp.ts'

export const JOB_DISPATCH = 'messaging.dispatch'
export const JOB_SWEEP = 'messaging.sweep'
/** Every this many seconds, channels with due messages and no dispatch pending get one (a message queued while a dispatch ended). */
export const SWEEP_SECONDS = 60
// A message is tried this often (backoff 30 s, 1, 2, 4 min) before it is failed with the last reason.
export const MAX_ATTEMPTS = 5
// Messages in flight at once per channel; the rate per second paces them.
const CONCURRENCY = 64
// A claimed message stays invisible this long, so an instance that dies mid-send frees it.
const CLAIM_SECONDS = 300
// A dispatch hands over what is due for at most this long, then leaves the rest to the next one.
const MAX_DISPATCH_MS = 240_000

/** Which credentials each channel needs; they are sealed at rest and never served. */
export const REQUIRED_SECRETS: Record<ChannelKind, readonly string[]> = {
  whatsapp: ['accessToken', 'appSecret', 'verifyToken'],
  telegram: ['botToken', 'webhookSecret'],
  sms: [],
}
export const KNOWN_SECRETS: Record<ChannelKind, readonly string[]> = {
  whatsapp: REQUIRED_SECRETS.whatsapp,
  telegram: REQUIRED_SECRETS.telegram,
  sms: ['authSecret', 'inboundToken'],
}

export const ADAPTERS: Record<ChannelKind, ChannelAdapter> = { whatsapp: whatsappAdapter, telegram: telegramAdapter, sms: smsAdapter }

export type MessageState = 'queued' | 'sent' | 'delivered' | 'read' | 'failed'

export interface StoredChannel extends ChannelConfig {
  enabled: boolean
  ratePerSecond: number
  dailyBudget: number | null
  secretNames: string[]
  updatedAt: Date
}

export interface ChannelInput {
  kind: ChannelKind
  enabled: boolean
  ratePerSecond: number
  dailyBudget?: number | null
  settings: Record<string, unknown>
  /** New credentials; one left out keeps its stored value. */
  secrets?: Record<string, string>
}

export interface MessageRecord {
  id: string
  channel: ChannelKind
  recipient: string
  topic: string
  state: MessageState
  reason: string | null
  attempts: number
  createdAt: Date
  sentAt: Date | null
  deliveredAt: Date | null
  readAt: Date | null
  failedAt: Date | null
}

/** Answers a person's message on a channel: the reply to send, or null when it is not this handler's. */
export type InboundHandler = (db: Database, tenant: string, message: InboundMessage) => Promise<string | null>

interface ChannelRow {
  kind: ChannelKind
  enabled: boolean
  settings: Record<string, unknown>
  secrets: Record<string, string>
  ratePerSecond: number
  dailyBudget: number | null
  updatedAt: Date
}

interface Claimed {
  id: string
  recipient: string
  body: OutgoingMessage
  attempts: number
}

interface Outcome {
  id: string
  state: 'sent' | 'queued' | 'failed'
  providerId: string | null
  reason: string | null
  nextAttemptAt: Date | null
}

const RECORD_COLUMNS = `id, channel, recipient, topic, state, reason, attempts, created_at AS "createdAt", sent_at AS "sentAt",
  delivered_at AS "deliveredAt", read_at AS "readAt", failed_at AS "failedAt"`

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * One messaging layer for every module: channels configured per tenant, one delivery record per message and
 * recipient (de-duplicated by topic), handed to the provider by durable dispatch jobs at the channel's rate, retried
 * with backoff, and moved on by the providers' status webhooks.
 */
export class Messaging {
  private readonly handlers: { name: string; handle: InboundHandler }[] = []
  /** The time for due-ness and backoff; tests move it together with the job queue's clock. */
  clock: () => Date = () => new Date()

  constructor(
    private readonly jobs: JobQueue,
    private readonly outbound: OutboundPolicy,
    private readonly secrets: Secrets,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** Modules answer inbound messages in the order they register (opt-in codes and STOP before chat intake). */
  onInbound(name: string, handle: InboundHandler): void {
    this.handlers.push({ name, handle })
  }

  // --- configuration -------------------------------------------------------------------------------------------

  async channel(db: Queryable, tenant: string, kind: ChannelKind): Promise<StoredChannel | null> {
    const [row] = await db.query<ChannelRow>(
      `SELECT kind, enabled, settings, secrets, rate_per_second AS "ratePerSecond", daily_budget AS "dailyBudget", updated_at AS "updatedAt"
       FROM messaging_channels WHERE tenant = $1 AND kind = $2`,
      [tenant, kind],
    )
    if (!row) return null
    return { ...row, secrets: this.secrets.openEach(row.secrets), secretNames: Object.keys(row.secrets).sort() }
  }

  async channels(db: Queryable, tenant: string): Promise<StoredChannel[]> {
    const rows = await db.query<{ kind: ChannelKind }>('SELECT kind FROM messaging_channels WHERE tenant = $1 ORDER BY kind', [tenant])
    const out: StoredChannel[] = []
    for (const { kind } of rows) {
      const c = await this.channel(db, tenant, kind)
      if (c) out.push(c)
    }
    return out
  }

  /** The channels a person may choose now (configured and on). */
  async enabledKinds(db: Queryable, tenant: string): Promise<ChannelKind[]> {
    const rows = await db.query<{ kind: ChannelKind }>('SELECT kind FROM messaging_channels WHERE tenant = $1 AND enabled ORDER BY kind', [tenant])
    return rows.map((r) => r.kind)
  }

  async configure(db: Queryable, tenant: string, input: ChannelInput, actor: string): Promise<StoredChannel> {
    const known = KNOWN_SECRETS[input.kind]
    for (const name of Object.keys(input.secrets ?? {})) {
      if (!known.includes(name)) throw new Invalid(`${name} is not a credential of ${input.kind}: ${known.join(', ')}`, { field: `secrets.${name}` })
    }
    const existing = await this.channel(db, tenant, input.kind)
    const plain = { ...(existing?.secrets ?? {}), ...Object.fromEntries(Object.entries(input.secrets ?? {}).filter(([, v]) => v !== '')) }
    const missing = REQUIRED_SECRETS[input.kind].filter((name) => !plain[name])
    if (missing.length > 0) throw new Invalid(`${input.kind} needs ${missing.join(', ')}`, { field: `secrets.${missing[0]}` })
    this.checkSettings(input)
    if (input.kind === 'telegram' && plain.webhookSecret && !/^[A-Za-z0-9_-]{1,256}$/.test(plain.webhookSecret)) {
      // Telegram's own rule for secret_token.
      throw new Invalid('webhookSecret may hold only A-Z, a-z, 0-9, _ and - (1 to 256 characters)', { field: 'secrets.webhookSecret' })
    }
    await db.query(
      `INSERT INTO messaging_channels (tenant, kind, enabled, settings, secrets, rate_per_second, daily_budget, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (tenant, kind) DO UPDATE SET enabled = $3, settings = $4, secrets = $5, rate_per_second = $6, daily_budget = $7,
         updated_by = $8, updated_at = now()`,
      [
        tenant,
        input.kind,
        input.enabled,
        JSON.stringify(input.settings),
        JSON.stringify(this.secrets.sealEach(plain)),
        input.ratePerSecond,
        input.dailyBudget ?? null,
        actor,
      ],
    )
    const saved = await this.channel(db, tenant, input.kind)
    if (!saved) throw new Error('channel vanished after saving')
    return saved
  }

  private checkSettings(input: ChannelInput): void {
    const s = input.settings
    for (const field of ['apiBaseUrl', 'urlTemplate'] as const) {
      const value = s[field]
      // Placeholders stand for values, never for the host.
      if (typeof value === 'string') this.outbound.checkUrl(value.replace(/\{\{\w+\}\}/g, 'x'), `settings.${field}`)
    }
    if (input.kind === 'sms' && s.method === 'POST' && typeof s.bodyTemplate !== 'string') {
      throw new Invalid('A POST gateway needs a bodyTemplate', { field: 'settings.bodyTemplate' })
    }
    if (input.kind === 'sms' && !String(s.urlTemplate ?? '').includes('{{to}}') && !String(s.bodyTemplate ?? '').includes('{{to}}')) {
      throw new Invalid('The gateway request must carry {{to}} in its URL or body', { field: 'settings.urlTemplate' })
    }
  }

  // --- sending --------------------------------------------------------------------------------------------------

  /** A recipient as the channel addresses it: E.164 for phone channels (invalid numbers refused), a chat id otherwise. */
  recipient(kind: ChannelKind, address: string, field = 'phone'): string {
    if (ADAPTERS[kind].addressesArePhones) return toE164(address, field)
    if (!/^-?\d{1,20}$/.test(address)) throw new Invalid(`${address} is not a Telegram chat id`, { field })
    return address
  }

  /**
   * Queues a message in the caller's transaction; a second message on the same topic to the same recipient on the
   * same channel is not queued (`duplicate`). Dispatch starts when the transaction commits.
   */
  async send(
    tx: Queryable,
    tenant: string,
    m: { channel: ChannelKind; to: string; topic: string; message: OutgoingMessage },
  ): Promise<{ id: string | null; duplicate: boolean }> {
    const to = this.recipient(m.channel, m.to)
    const [row] = await tx.query<{ id: string }>(
      `INSERT INTO messages (tenant, channel, recipient, topic, body, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (tenant, topic, channel, recipient) DO NOTHING RETURNING id`,
      [tenant, m.channel, to, m.topic, JSON.stringify(m.message), this.clock().toISOString()],
    )
    if (row) await this.jobs.enqueue(tx, tenant, JOB_DISPATCH, { channel: m.channel }, { dedupeKey: m.channel, runAt: this.clock(), maxAttempts: 3 })
    return { id: row?.id ?? null, duplicate: !row }
  }

  /** Delivery records whose topic starts with a prefix (`alert:<id>`), newest first. */
  async records(db: Queryable, tenant: string, topicPrefix: string, limit = 1000): Promise<MessageRecord[]> {
    return db.query<MessageRecord>(
      `SELECT ${RECORD_COLUMNS} FROM messages WHERE tenant = $1 AND starts_with(topic, $2) ORDER BY created_at DESC, id LIMIT $3`,
      [tenant, topicPrefix, limit],
    )
  }

  /** Counts by state of the records of a topic prefix. */
  async stateCounts(db: Queryable, tenant: string, topicPrefix: string): Promise<Record<MessageState, number>> {
    const rows = await db.query<{ state: MessageState; n: number }>(
      'SELECT state, count(*)::int AS n FROM messages WHERE tenant = $1 AND starts_with(topic, $2) GROUP BY state',
      [tenant, topicPrefix],
    )
    const counts: Record<MessageState, number> = { queued: 0, sent: 0, delivered: 0, read: 0, failed: 0 }
    for (const r of rows) counts[r.state] = r.n
    return counts
  }

  /** A person's number leaves with their consent: their finished messages forget it. */
  async forgetRecipient(db: Queryable, tenant: string, channel: ChannelKind, recipient: string): Promise<void> {
    await db.query(`DELETE FROM messages WHERE tenant = $1 AND channel = $2 AND recipient = $3 AND state <> 'queued'`, [tenant, channel, recipient])
  }

  /** A module's retention ends: the messages of its topics (`report:<id>:`) go, and their numbers with them. */
  async forgetTopic(db: Queryable, tenant: string, topicPrefix: string): Promise<void> {
    await db.query('DELETE FROM messages WHERE tenant = $1 AND starts_with(topic, $2)', [tenant, topicPrefix])
  }

  // --- dispatch (job) --------------------------------------------------------------------------------------------

  /** Job: hands the due messages of one tenant's channel to its provider, paced at the channel's rate. */
  async dispatch(db: Database, job: Job): Promise<void> {
    const kind = (job.payload as { channel: ChannelKind }).channel
    const channel = await this.channel(db, job.tenant, kind)
    const started = Date.now()
    if (!channel?.enabled) {
      await db.query(
        `UPDATE messages SET state = 'failed', failed_at = now(), reason = $3
         WHERE tenant = $1 AND channel = $2 AND state = 'queued' AND next_attempt_at <= $4`,
        [job.tenant, kind, channel ? `The ${kind} channel is switched off` : `No ${kind} channel is configured`, this.clock().toISOString()],
      )
      return
    }
    while (Date.now() - started < MAX_DISPATCH_MS) {
      let size = Math.min(channel.ratePerSecond, 1000)
      if (channel.dailyBudget !== null) {
        const left = channel.dailyBudget - (await this.sentToday(db, job.tenant, kind))
        if (left <= 0) {
          await this.postponeToTomorrow(db, job.tenant, kind)
          break
        }
        size = Math.min(size, left)
      }
      const batchStart = Date.now()
      const claimed = await this.claim(db, job.tenant, kind, size)
      if (claimed.length === 0) break
      const outcomes = await this.sendAll(channel, claimed)
      await this.record(db, job.tenant, outcomes)
      // The provider's rate: this batch may not take less than size/rate seconds.
      const wait = (claimed.length / channel.ratePerSecond) * 1000 - (Date.now() - batchStart)
      if (wait > 0) await sleep(wait)
    }
    await this.scheduleNext(db, job.tenant, kind)
  }

  /** Job: every channel with due messages gets a dispatch (the safety net of a message queued as one ended). */
  async sweep(db: Database): Promise<void> {
    const due = await db.query<{ tenant: string; channel: ChannelKind }>(
      `SELECT DISTINCT tenant, channel FROM messages WHERE state = 'queued' AND next_attempt_at <= $1`,
      [this.clock().toISOString()],
    )
    for (const d of due) await this.jobs.enqueue(db, d.tenant, JOB_DISPATCH, { channel: d.channel }, { dedupeKey: d.channel, maxAttempts: 3 })
  }

  private async claim(db: Database, tenant: string, kind: ChannelKind, limit: number): Promise<Claimed[]> {
    const now = this.clock()
    return db.transaction((tx) =>
      tx.query<Claimed>(
        `UPDATE messages SET attempts = attempts + 1, next_attempt_at = $4::timestamptz + make_interval(secs => $5)
         WHERE tenant = $1 AND id IN (
           SELECT id FROM messages WHERE tenant = $1 AND channel = $2 AND state = 'queued' AND next_attempt_at <= $4
           ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, recipient, body, attempts`,
        [tenant, kind, limit, now.toISOString(), CLAIM_SECONDS],
      ),
    )
  }

  private async sendAll(channel: StoredChannel, claimed: Claimed[]): Promise<Outcome[]> {
    const adapter = ADAPTERS[channel.kind]
    const outcomes: Outcome[] = []
    let next = 0
    const worker = async () => {
      while (next < claimed.length) {
        const m = claimed[next++]
        outcomes.push(await this.sendOne(adapter, channel, m))
      }
    }
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, worker))
    return outcomes
  }

  private async sendOne(adapter: ChannelAdapter, channel: StoredChannel, m: Claimed): Promise<Outcome> {
    try {
      const ids = await adapter.send(this.outbound, channel, m.recipient, m.body)
      return { id: m.id, state: 'sent', providerId: ids[0] ?? null, reason: null, nextAttemptAt: null }
    } catch (err) {
      const reason = (err instanceof Error ? err.message : String(err)).slice(0, 1000)
      const retry = err instanceof SendError ? err.retry : true
      if (!(err instanceof SendError)) this.log.error({ err }, 'message send failed unexpectedly')
      if (!retry || m.attempts >= MAX_ATTEMPTS) return { id: m.id, state: 'failed', providerId: null, reason, nextAttemptAt: null }
      const backoff = Math.max(30 * 2 ** (m.attempts - 1), err instanceof SendError ? (err.retryAfter ?? 0) : 0)
      return { id: m.id, state: 'queued', providerId: null, reason, nextAttemptAt: new Date(this.clock().getTime() + backoff * 1000) }
    }
  }

  private async record(db: Database, tenant: string, outcomes: Outcome[]): Promise<void> {
    if (outcomes.length === 0) return
    await db.query(
      `UPDATE messages m SET state = r.state, reason = r.reason, provider_id = coalesce(r.provider_id, m.provider_id),
         sent_at = CASE WHEN r.state = 'sent' THEN $2::timestamptz ELSE m.sent_at END,
         failed_at = CASE WHEN r.state = 'failed' THEN $2::timestamptz ELSE m.failed_at END,
         next_attempt_at = coalesce(r.next_at, m.next_attempt_at)
       FROM (SELECT unnest($3::uuid[]) AS id, unnest($4::text[]) AS state, unnest($5::text[]) AS provider_id,
               unnest($6::text[]) AS reason, unnest($7::timestamptz[]) AS next_at) r
       WHERE m.tenant = $1 AND m.id = r.id`,
      [
        tenant,
        this.clock().toISOString(),
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.state),
        outcomes.map((o) => o.providerId),
        outcomes.map((o) => o.reason),
        outcomes.map((o) => o.nextAttemptAt?.toISOString() ?? null),
      ],
    )
  }

  /** The next dispatch runs when the earliest waiting message is due (a retry's backoff). */
  private async scheduleNext(db: Database, tenant: string, kind: ChannelKind): Promise<void> {
    const [row] = await db.query<{ at: Date | null }>(
      `SELECT min(next_attempt_at) AS at FROM messages WHERE tenant = $1 AND channel = $2 AND state = 'queued'`,
      [tenant, kind],
    )
    if (!row?.at) return
    const at = new Date(row.at)
    // A key per due time: the running dispatch still holds the plain channel key.
    await this.jobs.enqueue(db, tenant, JOB_DISPATCH, { channel: kind }, { dedupeKey: `${kind}@${at.toISOString()}`, runAt: at, maxAttempts: 3 })
  }

  private async sentToday(db: Queryable, tenant: string, kind: ChannelKind): Promise<number> {
    const [row] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM messages WHERE tenant = $1 AND channel = $2 AND sent_at >= date_trunc('day', $3::timestamptz)`,
      [tenant, kind, this.clock().toISOString()],
    )
    return row?.n ?? 0
  }

  private async postponeToTomorrow(db: Queryable, tenant: string, kind: ChannelKind): Promise<void> {
    await db.query(
      `UPDATE messages SET next_attempt_at = date_trunc('day', $3::timestamptz) + interval '1 day', reason = 'The daily budget of the channel is spent'
       WHERE tenant = $1 AND channel = $2 AND state = 'queued' AND next_attempt_at <= $3`,
      [tenant, kind, this.clock().toISOString()],
    )
  }

  // --- inbound --------------------------------------------------------------------------------------------------

  /** Applies the statuses of a checked webhook and lets the modules answer its messages. */
  async receive(db: Database, tenant: string, batch: InboundBatch): Promise<void> {
    for (const s of batch.statuses) await this.applyStatus(db, tenant, s.providerId, s.state, s.reason ?? null)
    for (const m of batch.messages) {
      for (const { name, handle } of this.handlers) {
        let reply: string | null
        try {
          reply = await handle(db, tenant, m)
        } catch (err) {
          this.log.error({ err, handler: name }, 'an inbound message handler failed')
          continue
        }
        if (reply === null) continue
        if (reply !== '') {
          await this.send(db, tenant, { channel: m.channel, to: m.from, topic: `reply:${crypto.randomUUID()}`, message: { text: reply } })
        }
        break
      }
    }
  }

  private async applyStatus(
    db: Queryable,
    tenant: string,
    providerId: string,
    state: 'sent' | 'delivered' | 'read' | 'failed',
    reason: string | null,
  ): Promise<void> {
    // Statuses may arrive out of order: a state only moves forward (a read message is never "delivered" again).
    const from: Record<typeof state, string[]> = {
      sent: ['queued'],
      delivered: ['queued', 'sent'],
      read: ['queued', 'sent', 'delivered'],
      failed: ['queued', 'sent'],
    }
    await db.query(
      `UPDATE messages SET state = $3, reason = coalesce($4, reason),
         delivered_at = CASE WHEN $3 IN ('delivered', 'read') THEN coalesce(delivered_at, now()) ELSE delivered_at END,
         read_at = CASE WHEN $3 = 'read' THEN now() ELSE read_at END,
         failed_at = CASE WHEN $3 = 'failed' THEN now() ELSE failed_at END
       WHERE tenant = $1 AND provider_id = $2 AND state = ANY($5::text[])`,
      [tenant, providerId, state, reason, from[state]],
    )
  }
}
