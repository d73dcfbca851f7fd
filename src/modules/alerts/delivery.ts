import { randomBytes } from 'node:crypto'
import webpush from 'web-push'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Forbidden, Invalid, NotFound, UpstreamUnavailable } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { keysetPage } from '../../core/http/paging.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import type { Mailer } from '../../core/outbound/mail.ts'
import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'
import { postWebhook } from '../../core/outbound/webhook.ts'
import type { Secrets } from '../../core/secrets.ts'
import type { AlertService } from './alerts.ts'
import { recordAlertEvent } from './events.ts'
import type { TenancyLookups } from './ports.ts'
import type { Subscribe, Subscription } from './schema.ts'
import * as store from './store.ts'

export const JOB_DELIVER = 'alerts.deliver'
// Each delivery is tried this often (backoff 30 s, 1, 2, 4, 8 min) before it counts as failed.
const DELIVERY_ATTEMPTS = 6
const PUSH_TIMEOUT_MS = 10_000
// How long a push service keeps an alert for a phone that is offline.
const PUSH_TTL_SECONDS = 6 * 3600

export interface VapidKeys {
  publicKey: string
  privateKey: string
}

/** The install's VAPID keys, made and stored (the private key sealed) on the first start. */
export async function ensureVapidKeys(db: Queryable, secrets: Secrets): Promise<VapidKeys> {
  const existing = await store.vapidKeys(db)
  if (existing) return { ...existing, privateKey: secrets.open(existing.privateKey) }
  const made = webpush.generateVAPIDKeys()
  await store.insertVapidKeys(db, { ...made, privateKey: secrets.seal(made.privateKey) })
  const stored = await store.vapidKeys(db)
  if (!stored) throw new Error('VAPID keys vanished after insert')
  return { ...stored, privateKey: secrets.open(stored.privateKey) }
}

/** How an alert leaves the building: e-mail, and the outbound guard for webhooks and Web Push. */
export interface Channels {
  /** Absent without SMTP_URL: e-mail deliveries then fail at once. */
  mailer: Mailer | null
  outbound: OutboundPolicy
  vapidSubject: string
}

/** How long a confirmation link stays valid. */
const CONFIRM_HOURS = 48

function toSubscription(row: store.SubscriptionRow): Subscription {
  return {
    id: row.id,
    kelurahan: row.kelurahan,
    kecamatan: row.kecamatan,
    channel: row.channel,
    address: row.address,
    language: row.language,
    createdAt: row.createdAt.toISOString(),
    isConfirmed: row.confirmedAt !== null,
  }
}

class DeliveryError extends Error {
  constructor(
    message: string,
    readonly isFinal = false,
  ) {
    super(message)
  }
}

/** Subscriptions by kelurahan and the delivery of every published alert to the subscribers of its area. */
export class DeliveryService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly tenancy: TenancyLookups,
    private readonly alerts: AlertService,
    private readonly channels: Channels,
    private readonly secrets: Secrets,
    /** Links in messages: PUBLIC_URL, or the local address. */
    private readonly baseUrl: string,
  ) {}

  /** Citizens subscribe with e-mail or Web Push; a gateway webhook needs an admin of the tenant. */
  async subscribe(db: Database, tenant: string, caller: { actor: string; isAdmin: boolean } | null, input: Subscribe) {
    if (input.channel === 'webhook' && !caller?.isAdmin) throw new Forbidden('Only an admin of the tenant adds a gateway webhook')
    const region = (await this.tenancy.regions(db, tenant)).find((r) => r.code === input.kelurahan)
    if (!region || (region.level !== 'kelurahan' && region.level !== 'desa')) {
      throw new Invalid(`${input.kelurahan} is not a kelurahan or desa of ${tenant}`, { field: 'kelurahan' })
    }
    if (input.channel === 'push') this.checkPushEndpoint(input.push.endpoint)
    if (input.channel === 'webhook') this.channels.outbound.checkUrl(input.url, 'url')
    if (input.channel === 'email' && !this.channels.mailer)
      throw new Invalid('This city sends no e-mail: subscribe with notifications instead', { field: 'channel' })
    const secret = input.channel === 'webhook' ? randomBytes(32).toString('base64url') : null
    // An e-mail address must confirm by a link before it gets alerts, so nobody subscribes someone else's.
    const confirmToken = input.channel === 'email' ? randomBytes(24).toString('base64url') : null
    const row = await store.upsertSubscription(db, tenant, {
      kelurahan: region.code,
      kecamatan: region.parent,
      kelurahanGeom: JSON.stringify(await store.simplify(db, JSON.stringify(region.geometry))),
      channel: input.channel,
      address: input.channel === 'email' ? input.email.toLowerCase() : input.channel === 'push' ? input.push.endpoint : input.url,
      secret: secret ? this.secrets.seal(secret) : null,
      pushKeys: input.channel === 'push' ? input.push.keys : null,
      language: input.language ?? 'id',
      unsubscribeToken: randomBytes(24).toString('base64url'),
      createdBy: caller?.actor ?? null,
      confirmation: confirmToken ? { tokenHash: this.confirmHash(confirmToken), expiresAt: new Date(Date.now() + CONFIRM_HOURS * 3_600_000) } : null,
    })
    if (confirmToken && !row.confirmedAt) await this.sendConfirmation(tenant, row, confirmToken)
    return {
      id: row.id,
      kelurahan: row.kelurahan,
      channel: row.channel,
      // Whoever subscribes an e-mail address may not be its owner: the token to end it travels only by e-mail.
      ...(row.channel === 'email' ? {} : { unsubscribeToken: row.unsubscribeToken }),
      isConfirmed: row.confirmedAt !== null,
      ...(secret ? { secret } : {}),
    }
  }

  /** The address confirms by opening the link; an unknown or expired link is a 404. */
  async confirm(db: Queryable, tenant: string, token: string): Promise<void> {
    if (!(await store.confirmByToken(db, tenant, this.confirmHash(token))))
      throw new NotFound('This confirmation link is unknown or has expired: subscribe again')
  }

  private unsubscribeLink(tenant: string, to: store.SubscriptionRow): string {
    return `${this.baseUrl}/p/${tenant}/alerts?unsubscribe=${to.unsubscribeToken}`
  }

  private confirmHash(token: string): string {
    return this.secrets.keyedHash('alert-subscription-confirm', token)
  }

  private async sendConfirmation(tenant: string, to: store.SubscriptionRow, token: string): Promise<void> {
    const link = `${this.baseUrl}/p/${tenant}/alerts?confirm=${token}`
    const unsubscribe = this.unsubscribeLink(tenant, to)
    const en = to.language === 'en'
    try {
      await this.channels.mailer?.send({
        to: to.address,
        subject: en ? 'Confirm your warning subscription' : 'Konfirmasi langganan peringatan',
        text: en
          ? `Open this link within ${CONFIRM_HOURS} hours to receive warnings for kelurahan ${to.kelurahan}:\n${link}\n\nIf you did not ask for this, ignore this e-mail.\nUnsubscribe: ${unsubscribe}`
          : `Buka tautan ini dalam ${CONFIRM_HOURS} jam untuk menerima peringatan kelurahan ${to.kelurahan}:\n${link}\n\nAbaikan e-mail ini bila Anda tidak memintanya.\nBerhenti berlangganan: ${unsubscribe}`,
      })
    } catch {
      throw new UpstreamUnavailable('The confirmation e-mail could not be sent; try again later')
    }
  }

  /**
   * Anyone may subscribe to push, so the server would POST wherever they say: only https push services on
   * public names, unless an install allows a host (OUTBOUND_ALLOW).
   */
  private checkPushEndpoint(endpoint: string): void {
    const url = new URL(endpoint)
    const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase()
    if (this.channels.outbound.isListed(host)) return
    const isLiteral = /^[0-9.]+$/.test(host) || host.includes(':')
    if (url.protocol !== 'https:' || isLiteral || host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || !host.includes('.')) {
      throw new Invalid('A push endpoint must be an https address of a push service', { field: 'push.endpoint' })
    }
  }

  async unsubscribe(db: Queryable, tenant: string, token: string): Promise<void> {
    if (!(await store.deleteByToken(db, tenant, token))) throw new NotFound('No subscription has this token (unsubscribed already?)')
  }

  async remove(db: Queryable, tenant: string, id: string): Promise<void> {
    if (!(await store.deleteSubscription(db, tenant, id))) throw new NotFound(`There is no subscription ${id} in ${tenant}`)
  }

  async list(db: Queryable, tenant: string, limit: number, after: string | null) {
    const page = await store.listSubscriptions(db, tenant, limit, after)
    return keysetPage(page.items.map(toSubscription), page.total, limit, (s) => s.id)
  }

  async deliveries(db: Queryable, tenant: string, alertId: string) {
    await this.alerts.get(db, tenant, alertId)
    return (await store.deliveriesOf(db, tenant, alertId)).map((d) => ({
      id: d.id,
      subscriptionId: d.subscriptionId,
      channel: d.channel,
      kelurahan: d.kelurahan,
      status: d.status,
      attempts: d.attempts,
      lastError: d.lastError,
      createdAt: d.createdAt.toISOString(),
      deliveredAt: d.deliveredAt ? d.deliveredAt.toISOString() : null,
    }))
  }

  /** Job: a published message reaches the subscribers of its regions and area, one durable job each. */
  async fanOut(db: Database, job: Job): Promise<void> {
    const { alertId } = job.payload as { alertId: string }
    await db.transaction(async (tx) => {
      for (const d of await store.createDeliveries(tx, job.tenant, alertId)) {
        await this.jobs.enqueue(tx, job.tenant, JOB_DELIVER, { deliveryId: d.id }, { maxAttempts: DELIVERY_ATTEMPTS })
      }
    })
  }

  /** Job: one message to one subscriber. A failure is recorded and thrown, so the job retries with backoff. */
  async deliver(db: Database, job: Job): Promise<void> {
    const { deliveryId } = job.payload as { deliveryId: string }
    const delivery = await store.findDelivery(db, job.tenant, deliveryId)
    if (delivery?.status !== 'pending') return
    const alert = await store.findAlert(db, job.tenant, delivery.alertId)
    const subscription = await store.findSubscription(db, job.tenant, delivery.subscriptionId)
    let error: string | null = null
    let isFinal = false
    try {
      if (!alert) throw new DeliveryError('The alert is gone', true)
      if (!subscription) throw new DeliveryError('The subscriber unsubscribed', true)
      await this.send(db, job.tenant, alert, subscription, delivery.id)
    } catch (err) {
      error = err instanceof Error ? err.message : String(err)
      isFinal = err instanceof DeliveryError && err.isFinal
    }
    const giveUp = error !== null && (isFinal || job.attempts >= job.maxAttempts)
    await db.transaction(async (tx) => {
      await store.recordAttempt(tx, job.tenant, deliveryId, { status: error === null ? 'delivered' : giveUp ? 'failed' : 'pending', error })
      if (error === null || giveUp) {
        await recordAlertEvent(this.events, tx, job.tenant, 'system:alerts', {
          topic: 'alerts',
          type: error === null ? 'alert.delivered' : 'alert.delivery_failed',
          entity: delivery.alertId,
          data: { identifier: alert?.identifier ?? '', channel: delivery.channel, deliveryId, error },
        })
      }
    })
    if (error !== null && !giveUp) throw new Error(error)
  }

  private async send(db: Queryable, tenant: string, alert: store.AlertRow, to: store.SubscriptionRow, deliveryId: string): Promise<void> {
    const capUrl = `${this.baseUrl}/cap/${tenant}/alerts/${alert.identifier}.xml`
    const portalUrl = `${this.baseUrl}/p/${tenant}/alerts`
    const en = to.language === 'en' && alert.english
    const event = en ? alert.english?.event : alert.info.event
    const headline = (en ? alert.english?.headline : alert.info.headline) ?? event ?? alert.info.event
    const description = (en ? alert.english?.description : alert.info.description) ?? ''
    const instruction = (en ? alert.english?.instruction : alert.info.instruction) ?? ''
    const prefix =
      alert.msgType === 'Cancel' ? (en ? 'CANCELLED' : 'DIBATALKAN') : alert.msgType === 'Update' ? (en ? 'UPDATE' : 'PEMBARUAN') : alert.info.severity
    const subject = `[${prefix}] ${headline}`
    const text = [headline, description, instruction, alert.areaDesc, portalUrl].filter((t) => t !== '').join('\n\n')
    if (to.channel === 'email') {
      if (!this.channels.mailer) throw new DeliveryError('No mail server is configured (SMTP_URL)', true)
      const unsubscribe = this.unsubscribeLink(tenant, to)
      await this.channels.mailer.send({
        to: to.address,
        subject,
        text: `${text}\n\nCAP: ${capUrl}\n${en ? 'Unsubscribe' : 'Berhenti berlangganan'}: ${unsubscribe}`,
      })
      return
    }
    if (to.channel === 'webhook') {
      const body = JSON.stringify({
        deliveryId,
        tenant,
        kelurahan: to.kelurahan,
        language: to.language,
        // A short text for SMS and WhatsApp gateways; the alert itself for richer ones.
        text: `${subject}. ${instruction}`.slice(0, 480),
        alert: this.alerts.toPublic(alert, capUrl),
      })
      // A gateway is given a secret when it subscribes; one without (made before that rule) is never sent unsigned.
      if (!to.secret) throw new DeliveryError('The gateway has no signing secret: subscribe it again', true)
      try {
        await postWebhook(this.channels.outbound, { url: to.address, secret: this.secrets.open(to.secret), deliveryId, body })
      } catch (err) {
        throw new Error(answerOf('The gateway', err))
      }
      return
    }
    const keys = await ensureVapidKeys(db, this.secrets)
    if (!to.pushKeys) throw new DeliveryError('The push subscription has no keys', true)
    const request = webpush.generateRequestDetails(
      { endpoint: to.address, keys: to.pushKeys },
      JSON.stringify({ title: subject, body: instruction || description, url: portalUrl, identifier: alert.identifier }),
      { vapidDetails: { subject: this.channels.vapidSubject, ...keys }, TTL: PUSH_TTL_SECONDS },
    )
    try {
      await this.channels.outbound.fetch(request.endpoint, {
        method: 'POST',
        headers: request.headers as Record<string, string>,
        body: request.body ?? undefined,
        timeoutMs: PUSH_TIMEOUT_MS,
        maxBytes: 64 * 1024,
      })
    } catch (err) {
      // 404/410: the browser dropped the subscription; it will never work again.
      if (err instanceof OutboundError && (err.status === 404 || err.status === 410)) {
        await store.deleteSubscription(db, tenant, to.id)
        throw new DeliveryError(`The push service says the subscription is gone (${err.status})`, true)
      }
      throw new Error(answerOf('The push service', err))
    }
  }
}

/** What to record of a failed call: the status the receiver answered, or why it could not be reached. */
function answerOf(receiver: string, err: unknown): string {
  if (err instanceof OutboundError && err.status !== undefined) return `${receiver} answered ${err.status}`
  return `${receiver} did not answer: ${err instanceof Error ? err.message : String(err)}`
}
