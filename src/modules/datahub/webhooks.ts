import { randomBytes } from 'node:crypto'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound } from '../../core/errors.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import type { TopicRegistry } from '../../core/events/topics.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'
import { postWebhook } from '../../core/outbound/webhook.ts'
import type { Secrets } from '../../core/secrets.ts'

export const JOB_DELIVER = 'datahub.deliver'
const MAX_ATTEMPTS = 6

export interface Webhook {
  id: string
  name: string
  url: string
  topics: string[]
  createdAt: string
}

export interface Delivery {
  id: string
  eventSeq: number
  eventType: string
  status: 'pending' | 'delivered' | 'dead'
  attempts: number
  responseStatus: number | null
  error: string | null
  createdAt: string
  lastAttemptAt: string | null
}

interface WebhookRow {
  id: string
  name: string
  url: string
  topics: string[]
  secret: string
  created_at: Date
}

/** Outbound webhooks: events of chosen topics POSTed signed (core/outbound/webhook.ts), retried with backoff, then dead-lettered. */
export class WebhookService {
  constructor(
    private readonly jobs: JobQueue,
    private readonly policy: OutboundPolicy,
    private readonly topics: TopicRegistry,
    private readonly secrets: Secrets,
  ) {}

  /** The URL is stored sealed: a receiver's URL often carries its own token (a capability URL, a `?key=`). */
  private shape(r: WebhookRow): Webhook {
    return { id: r.id, name: r.name, url: this.secrets.open(r.url), topics: r.topics, createdAt: r.created_at.toISOString() }
  }

  async create(db: Queryable, tenant: string, input: { name: string; url: string; topics: string[] }): Promise<Webhook & { secret: string }> {
    this.policy.checkUrl(input.url, 'url')
    const known = this.topics.all()
    const unknown = input.topics.find((t) => !known.includes(t))
    if (unknown) throw new Invalid(`There is no event topic ${unknown}`, { field: 'topics' })
    const secret = randomBytes(24).toString('base64url')
    const [row] = await db.query<WebhookRow>(
      'INSERT INTO datahub_webhooks (tenant, name, url, topics, secret) VALUES ($1, $2, $3, $4, $5) RETURNING id, name, url, topics, secret, created_at',
      [tenant, input.name, this.secrets.seal(input.url), input.topics, this.secrets.seal(secret)],
    )
    return { ...this.shape(row), secret }
  }

  async list(db: Queryable, tenant: string): Promise<Webhook[]> {
    const rows = await db.query<WebhookRow>('SELECT id, name, url, topics, secret, created_at FROM datahub_webhooks WHERE tenant = $1 ORDER BY name, id', [
      tenant,
    ])
    return rows.map((r) => this.shape(r))
  }

  async deliveries(db: Queryable, tenant: string, webhookId: string, status: Delivery['status'] | null, limit: number): Promise<Delivery[]> {
    const [hook] = await db.query('SELECT 1 FROM datahub_webhooks WHERE tenant = $1 AND id = $2', [tenant, webhookId])
    if (!hook) throw new NotFound(`There is no webhook ${webhookId} in ${tenant}`)
    const rows = await db.query<{
      id: string
      event_seq: number
      event_type: string
      status: Delivery['status']
      attempts: number
      response_status: number | null
      error: string | null
      created_at: Date
      last_attempt_at: Date | null
    }>(
      `SELECT id, event_seq, event_type, status, attempts, response_status, error, created_at, last_attempt_at FROM datahub_deliveries
       WHERE tenant = $1 AND webhook_id = $2 AND ($3::text IS NULL OR status = $3) ORDER BY created_at DESC, event_seq DESC LIMIT ${Number(limit)}`,
      [tenant, webhookId, status],
    )
    return rows.map((r) => ({
      id: r.id,
      eventSeq: r.event_seq,
      eventType: r.event_type,
      status: r.status,
      attempts: r.attempts,
      responseStatus: r.response_status,
      error: r.error,
      createdAt: r.created_at.toISOString(),
      lastAttemptAt: r.last_attempt_at?.toISOString() ?? null,
    }))
  }

  /** Every event on the bus: one delivery (and its job) per matching webhook, whichever instance hears it first. */
  async onEvent(db: Database, event: KendaliEvent): Promise<void> {
    const hooks = await db.query<{ id: string }>('SELECT id FROM datahub_webhooks WHERE tenant = $1 AND $2 = ANY(topics)', [event.tenant, event.topic])
    for (const hook of hooks) {
      await db.transaction(async (tx) => {
        const payload = { seq: event.seq, tenant: event.tenant, topic: event.topic, type: event.type, entity: event.entity, at: event.at, data: event.data }
        const [row] = await tx.query<{ id: string }>(
          `INSERT INTO datahub_deliveries (tenant, webhook_id, event_seq, event_type, payload) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT DO NOTHING RETURNING id`,
          [event.tenant, hook.id, event.seq, event.type, JSON.stringify(payload)],
        )
        if (row) await this.jobs.enqueue(tx, event.tenant, JOB_DELIVER, { deliveryId: row.id }, { maxAttempts: MAX_ATTEMPTS })
      })
    }
  }

  /** One attempt; throwing lets the job queue retry with backoff; the last failed attempt dead-letters it. */
  async deliver(db: Database, job: Job): Promise<void> {
    const [d] = await db.query<{ id: string; payload: unknown; url: string; secret: string; event_type: string; status: string }>(
      `SELECT d.id, d.payload, d.event_type, d.status, w.url, w.secret FROM datahub_deliveries d
       JOIN datahub_webhooks w ON w.tenant = d.tenant AND w.id = d.webhook_id WHERE d.tenant = $1 AND d.id = $2`,
      [job.tenant, job.payload.deliveryId],
    )
    if (d?.status !== 'pending') return
    const body = JSON.stringify(d.payload)
    try {
      const status = await postWebhook(this.policy, {
        url: this.secrets.open(d.url),
        secret: this.secrets.open(d.secret),
        deliveryId: d.id,
        body,
        headers: { 'x-kendali-event': d.event_type },
      })
      await db.query(
        `UPDATE datahub_deliveries SET status = 'delivered', attempts = attempts + 1, response_status = $3, error = NULL, last_attempt_at = now()
         WHERE tenant = $1 AND id = $2`,
        [job.tenant, d.id, status],
      )
    } catch (err) {
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 500)
      const status = err instanceof OutboundError ? (err.status ?? null) : null
      await db.query(
        `UPDATE datahub_deliveries SET attempts = attempts + 1, error = $3, response_status = $4, last_attempt_at = now(),
           status = CASE WHEN $5 THEN 'dead' ELSE status END
         WHERE tenant = $1 AND id = $2`,
        [job.tenant, d.id, message, status, job.attempts >= job.maxAttempts],
      )
      throw err
    }
  }
}
