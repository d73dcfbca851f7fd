import { createHash, randomBytes, randomInt } from 'node:crypto'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Forbidden, Invalid, NotFound, UpstreamUnavailable } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { keysetPage } from '../../core/http/paging.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import type { InboundMessage } from '../../core/messaging/channel.ts'
import type { Messaging } from '../../core/messaging/messaging.ts'
import type { Mailer } from '../../core/outbound/mail.ts'
import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'
import { postWebhook } from '../../core/outbound/webhook.ts'
import type { Secrets } from '../../core/secrets.ts'
import type { AlertService } from './alerts.ts'
import { recordAlertEvent } from './events.ts'
import type { TenancyLookups } from './ports.ts'
import type { ConfirmSubscription, Delivery, Subscribe, Subscription } from './schema.ts'
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
  const { default: webpush } = await import('web-push')
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
  /** WhatsApp, Telegram and SMS, as the tenant configured them. */
  messaging: Messaging
}

type MessagingChannel = 'whatsapp' | 'telegram' | 'sms'
/** How long a code sent to a number, or a Telegram start link, stays valid. */
const CODE_MINUTES = 60
// What a person writes to stop (English and Bahasa Indonesia), whatever the case.
const STOP_WORDS = new Set(['STOP', 'BERHENTI', 'UNREG', 'UNSUBSCRIBE'])

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
    if (input.channel === 'whatsapp' || input.channel === 'sms' || input.channel === 'telegram')
      return this.subscribeByMessage(db, tenant, caller, input, region)
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
      // A browser's push keys let anyone who holds them write to that browser: stored sealed like the other secrets.
      pushKeys: input.channel === 'push' ? (this.secrets.sealEach(input.push.keys) as typeof input.push.keys) : null,
      language: input.language ?? 'id',
      ...this.unsubscribeToken(),
      createdBy: caller?.actor ?? null,
      confirmation: confirmToken ? { tokenHash: this.confirmHash(confirmToken), expiresAt: new Date(Date.now() + CONFIRM_HOURS * 3_600_000) } : null,
    })
    if (confirmToken && !row.confirmedAt) await this.sendConfirmation(tenant, row, confirmToken)
    return {
      id: row.id,
      kelurahan: row.kelurahan,
      channel: row.channel,
      // Whoever subscribes an e-mail address may not be its owner: the token to end it travels only by e-mail.
      ...(row.channel === 'email' ? {} : { unsubscribeToken: this.secrets.open(row.unsubscribeToken) }),
      isConfirmed: row.confirmedAt !== null,
      ...(secret ? { secret } : {}),
    }
  }

  /**
   * WhatsApp and SMS: a code goes to the number, which subscribes once the code comes back (entered on the portal or
   * replied). Telegram: a start link; the bot learns the chat when the person starts it with the link's token.
   */
  private async subscribeByMessage(
    db: Database,
    tenant: string,
    caller: { actor: string } | null,
    input: Extract<Subscribe, { channel: MessagingChannel }>,
    region: { code: string; parent: string | null; geometry: unknown },
  ) {
    const channel = input.channel
    const config = await this.channels.messaging.channel(db, tenant, channel)
    if (!config?.enabled)
      throw new Invalid(`This city sends no ${channel === 'sms' ? 'SMS' : channel === 'whatsapp' ? 'WhatsApp' : 'Telegram'} messages`, { field: 'channel' })
    const language = input.language ?? 'id'
    const address = 'phone' in input ? this.channels.messaging.recipient(channel, input.phone, 'phone') : `pending:${randomBytes(12).toString('base64url')}`
    const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
    const startToken = randomBytes(24).toString('base64url')
    return db.transaction(async (tx) => {
      const row = await store.upsertSubscription(tx, tenant, {
        kelurahan: region.code,
        kecamatan: region.parent,
        kelurahanGeom: JSON.stringify(await store.simplify(tx, JSON.stringify(region.geometry))),
        channel,
        address,
        secret: null,
        pushKeys: null,
        language,
        ...this.unsubscribeToken(),
        createdBy: caller?.actor ?? null,
        confirmation: {
          tokenHash: channel === 'telegram' ? this.confirmHash(startToken) : this.codeHash(channel, address, region.code, code),
          expiresAt: new Date(Date.now() + CODE_MINUTES * 60_000),
        },
      })
      const base = {
        id: row.id,
        kelurahan: row.kelurahan,
        channel: row.channel,
        unsubscribeToken: this.secrets.open(row.unsubscribeToken),
        isConfirmed: row.confirmedAt !== null,
      }
      if (channel === 'telegram') {
        const bot = (config.settings as { botUsername?: string }).botUsername
        return { ...base, telegramLink: bot ? `https://t.me/${bot}?start=${startToken}` : `/start ${startToken}` }
      }
      if (!row.confirmedAt) {
        const en = language === 'en'
        const text = en
          ? `Your code for warnings of kelurahan ${row.kelurahan}: ${code}. Enter it on the portal or reply with it within ${CODE_MINUTES} minutes. Not you? Ignore this.`
          : `Kode Anda untuk peringatan dini kelurahan ${row.kelurahan}: ${code}. Masukkan di portal atau balas pesan ini dengan kode itu dalam ${CODE_MINUTES} menit. Bukan Anda? Abaikan.`
        await this.channels.messaging.send(tx, tenant, {
          channel,
          to: address,
          topic: `alerts-optin:${row.id}:${randomBytes(6).toString('hex')}`,
          message: { text, template: { purpose: 'verification', parameters: [code] } },
        })
      }
      return base
    })
  }

  /** An e-mail address confirms by opening the link, a number by the code sent to it; unknown or expired is a 404. */
  async confirm(db: Queryable, tenant: string, input: ConfirmSubscription): Promise<void> {
    if ('token' in input) {
      if (!(await store.confirmByToken(db, tenant, this.confirmHash(input.token))))
        throw new NotFound('This confirmation link is unknown or has expired: subscribe again')
      return
    }
    const sub = await store.findSubscription(db, tenant, input.id)
    const confirmed =
      sub &&
      (sub.channel === 'whatsapp' || sub.channel === 'sms') &&
      (await store.confirmByHash(db, tenant, this.codeHash(sub.channel, sub.address, sub.kelurahan, input.code)))
    if (!confirmed) throw new NotFound('This code is wrong or has expired: check the message, or subscribe again')
  }

  private codeHash(channel: string, address: string, kelurahan: string, code: string): string {
    return this.secrets.keyedHash('alert-subscription-code', `${channel}\0${address}\0${kelurahan}\0${code}`)
  }

  /**
   * A person's message on a channel: STOP/BERHENTI ends every subscription of the address (and forgets it), a code
   * or a Telegram /start token confirms; anything else is not for alerts (null).
   */
  async inbound(db: Database, tenant: string, m: InboundMessage): Promise<string | null> {
    const text = m.text.trim()
    if (STOP_WORDS.has(text.toUpperCase())) {
      const ended = await db.transaction(async (tx) => {
        const n = await store.deleteByAddress(tx, tenant, m.channel, m.from)
        await this.channels.messaging.forgetRecipient(tx, tenant, m.channel, m.from)
        return n
      })
      // Nothing to stop: another module may have something to end (complaint updates).
      if (ended === 0) return null
      return 'Anda berhenti berlangganan peringatan dini. Nomor Anda sudah kami hapus. / You are unsubscribed from warnings.'
    }
    const start = /^\/start\s+([A-Za-z0-9_-]{20,64})$/.exec(text)
    if (start && m.channel === 'telegram') {
      const hash = this.confirmHash(start[1])
      const row = await store.confirmByHash(db, tenant, hash, m.from)
      if (!row) {
        const [pending] = await db.query<{ id: string }>('SELECT id FROM alert_subscriptions WHERE tenant = $1 AND confirm_token_hash = $2', [tenant, hash])
        if (!pending) return 'Tautan ini tidak dikenal atau sudah kedaluwarsa. / This link is unknown or expired.'
        // This chat already follows the kelurahan: the waiting duplicate goes.
        await store.deleteSubscription(db, tenant, pending.id)
        return 'Anda sudah berlangganan peringatan dini kelurahan ini. / You already get these warnings.'
      }
      return row.language === 'en'
        ? `You will get warnings for kelurahan ${row.kelurahan}. Send STOP to end.`
        : `Anda akan menerima peringatan dini kelurahan ${row.kelurahan}. Kirim BERHENTI untuk berhenti.`
    }
    if (/^[0-9]{6}$/.test(text) && m.channel !== 'telegram') {
      for (const sub of await store.pendingOf(db, tenant, m.channel, m.from)) {
        const row = await store.confirmByHash(db, tenant, this.codeHash(sub.channel, sub.address, sub.kelurahan, text))
        if (row) {
          return row.language === 'en'
            ? `You will get warnings for kelurahan ${row.kelurahan}. Reply STOP to end.`
            : `Anda akan menerima peringatan dini kelurahan ${row.kelurahan}. Balas BERHENTI untuk berhenti.`
        }
      }
    }
    return null
  }

  private unsubscribeLink(tenant: string, to: store.SubscriptionRow): string {
    return `${this.baseUrl}/p/${tenant}/alerts?unsubscribe=${this.secrets.open(to.unsubscribeToken)}`
  }

  /** A new unsubscribe token: stored sealed (it goes into every e-mail's link) and found by its hash. */
  private unsubscribeToken(): { unsubscribeToken: string; unsubscribeHash: string } {
    const token = randomBytes(24).toString('base64url')
    return { unsubscribeToken: this.secrets.seal(token), unsubscribeHash: createHash('sha256').update(token).digest('hex') }
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

  async deliveries(db: Queryable, tenant: string, alertId: string): Promise<Delivery[]> {
    await this.alerts.get(db, tenant, alertId)
    const byMessage = (await this.channels.messaging.records(db, tenant, `alert:${alertId}`)).map((m) => ({
      id: m.id,
      subscriptionId: '',
      channel: m.channel,
      kelurahan: '',
      status: m.state === 'queued' ? ('pending' as const) : m.state,
      attempts: m.attempts,
      lastError: m.reason,
      createdAt: m.createdAt.toISOString(),
      deliveredAt: (m.deliveredAt ?? m.sentAt)?.toISOString() ?? null,
    }))
    return [
      ...(await store.deliveriesOf(db, tenant, alertId)).map((d) => ({
        id: d.id,
        subscriptionId: d.subscriptionId,
        channel: d.channel,
        kelurahan: d.kelurahan,
        status: d.status,
        attempts: d.attempts,
        lastError: d.lastError,
        createdAt: d.createdAt.toISOString(),
        deliveredAt: d.deliveredAt ? d.deliveredAt.toISOString() : null,
      })),
      ...byMessage,
    ]
  }

  /** Job: a published message reaches the subscribers of its regions and area, one durable job each. */
  async fanOut(db: Database, job: Job): Promise<void> {
    const { alertId } = job.payload as { alertId: string }
    const alert = await store.findAlert(db, job.tenant, alertId)
    await db.transaction(async (tx) => {
      for (const d of await store.createDeliveries(tx, job.tenant, alertId)) {
        await this.jobs.enqueue(tx, job.tenant, JOB_DELIVER, { deliveryId: d.id }, { maxAttempts: DELIVERY_ATTEMPTS })
      }
      if (!alert) return
      // One message per alert and address: the messaging layer keeps a number subscribed by two kelurahan to one.
      for (const to of await store.messagingSubscribers(tx, job.tenant, alertId)) {
        const text = this.compose(job.tenant, alert, to.language)
        await this.channels.messaging.send(tx, job.tenant, {
          channel: to.channel,
          to: to.address,
          topic: `alert:${alertId}`,
          message: { text: text.short, template: { purpose: 'alert', parameters: [text.subject, text.instruction || text.headline, text.portalUrl] } },
        })
      }
    })
  }

  /** The words of an alert for one language: the subject, the long text of e-mails, the short one of phones. */
  private compose(tenant: string, alert: store.AlertRow, language: string) {
    const portalUrl = `${this.baseUrl}/p/${tenant}/alerts`
    const en = language === 'en' && alert.english
    const event = en ? alert.english?.event : alert.info.event
    const headline = (en ? alert.english?.headline : alert.info.headline) ?? event ?? alert.info.event
    const description = (en ? alert.english?.description : alert.info.description) ?? ''
    const instruction = (en ? alert.english?.instruction : alert.info.instruction) ?? ''
    const prefix =
      alert.msgType === 'Cancel' ? (en ? 'CANCELLED' : 'DIBATALKAN') : alert.msgType === 'Update' ? (en ? 'UPDATE' : 'PEMBARUAN') : alert.info.severity
    const subject = `[${prefix}] ${headline}`
    const text = [headline, description, instruction, alert.areaDesc, portalUrl].filter((t) => t !== '').join('\n\n')
    const stop = en ? 'Reply STOP to unsubscribe.' : 'Balas BERHENTI untuk berhenti.'
    const short = [subject, instruction, alert.areaDesc, portalUrl, stop].filter((t) => t !== '').join('\n')
    return { subject, headline, description, instruction, text, short, portalUrl }
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
    const en = to.language === 'en' && alert.english
    const { subject, description, instruction, text, portalUrl } = this.compose(tenant, alert, to.language)
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
    const { default: webpush } = await import('web-push')
    const request = webpush.generateRequestDetails(
      { endpoint: to.address, keys: this.secrets.openEach(to.pushKeys) as typeof to.pushKeys },
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
