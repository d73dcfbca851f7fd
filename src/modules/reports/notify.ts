import { createHmac } from 'node:crypto'
import { createTransport } from 'nodemailer'
import type { Database } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Job } from '../../core/jobs/jobs.ts'
import type { Secrets } from '../../core/secrets.ts'
import { recordReportEvent } from './events.ts'
import * as store from './store.ts'

const TIMEOUT_MS = 10_000

/** The signature a gateway checks: hex HMAC-SHA256 of `{timestamp}.{body}` with the tenant's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** Outgoing e-mail to reporters. */
export interface Mailer {
  send(mail: { to: string; subject: string; text: string }): Promise<void>
}

/** E-mail through the SMTP server of `SMTP_URL` (smtp:// with STARTTLS when offered, smtps:// for TLS). */
export function smtpMailer(url: string, from: string): Mailer {
  const transport = createTransport({ url, connectionTimeout: TIMEOUT_MS, greetingTimeout: TIMEOUT_MS, socketTimeout: TIMEOUT_MS }, { from })
  return {
    send: async (mail) => {
      await transport.sendMail(mail)
    },
  }
}

export interface Channels {
  /** Absent when `SMTP_URL` is not configured. */
  mailer: Mailer | null
  fetcher?: typeof fetch
}

/** What a notification carries (see ReportService.notifyReporter). */
interface NotificationPayload {
  to?: { email?: string | null }
  report?: { number?: string; code?: string }
  subject?: string
  message?: string
}

/**
 * Delivers one notification of a reporter: to the tenant's webhook (an SMS/WhatsApp gateway) or by e-mail.
 * A failure is recorded and thrown, so the durable job retries it with backoff; the last failure is an event.
 */
export async function deliverNotification(db: Database, events: EventLog, secrets: Secrets, job: Job, channels: Channels): Promise<void> {
  const { deliveryId } = job.payload as { deliveryId: string }
  const delivery = await store.findDelivery(db, job.tenant, deliveryId)
  if (delivery?.status !== 'pending') return
  const payload = delivery.payload as NotificationPayload
  let error: string | null
  let canRetry = true
  if (delivery.channel === 'email') {
    if (!channels.mailer) {
      error = 'No mail server is configured any more'
      canRetry = false
    } else error = await sendMail(channels.mailer, payload)
  } else {
    const settings = await store.findSettings(db, secrets, job.tenant)
    if (!settings?.webhookUrl) {
      error = 'No webhook is configured any more'
      canRetry = false
    } else error = await postWebhook(settings.webhookUrl, settings.webhookSecret, { id: delivery.id, ...delivery.payload }, channels.fetcher ?? fetch)
  }
  if (!error) {
    await store.recordAttempt(db, job.tenant, deliveryId, { status: 'delivered', error: null })
    return
  }
  const giveUp = job.attempts >= job.maxAttempts || !canRetry
  await db.transaction(async (tx) => {
    await store.recordAttempt(tx, job.tenant, deliveryId, { status: giveUp ? 'failed' : 'pending', error })
    if (giveUp) {
      await recordReportEvent(events, tx, job.tenant, 'system:reports', {
        topic: 'reports',
        type: 'report.notification_failed',
        entity: delivery.reportId,
        data: { number: String(payload.report?.number ?? ''), channel: delivery.channel, error },
      })
    }
  })
  if (!giveUp) throw new Error(error)
}

/** Posts to the gateway; the error to record, or null when it took the notification. */
async function postWebhook(url: string, secret: string | null, content: Record<string, unknown>, fetcher: typeof fetch): Promise<string | null> {
  const body = JSON.stringify(content)
  const timestamp = String(Math.floor(Date.now() / 1000))
  const headers: Record<string, string> = { 'content-type': 'application/json', 'x-kendali-timestamp': timestamp, 'x-kendali-delivery': String(content.id) }
  if (secret) headers['x-kendali-signature'] = signWebhook(secret, timestamp, body)
  try {
    const res = await fetcher(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) })
    return res.ok ? null : `The gateway answered ${res.status}`
  } catch (err) {
    return `The gateway did not answer: ${err instanceof Error ? err.message : String(err)}`
  }
}

async function sendMail(mailer: Mailer, payload: NotificationPayload): Promise<string | null> {
  const to = payload.to?.email
  if (!to) return 'The reporter left no e-mail address'
  try {
    await mailer.send({ to, subject: payload.subject ?? `Laporan ${payload.report?.number ?? ''}`, text: payload.message ?? '' })
    return null
  } catch (err) {
    return `The mail server did not take it: ${err instanceof Error ? err.message : String(err)}`
  }
}
