import type { Database } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Job } from '../../core/jobs/jobs.ts'
import type { Mailer } from '../../core/outbound/mail.ts'
import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'
import { postWebhook } from '../../core/outbound/webhook.ts'
import type { Secrets } from '../../core/secrets.ts'
import { recordReportEvent } from './events.ts'
import * as store from './store.ts'

export interface Channels {
  /** Absent when `SMTP_URL` is not configured. */
  mailer: Mailer | null
  outbound: OutboundPolicy
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
    } else if (!settings.webhookSecret) {
      // Set before every webhook needed a secret: never sent unsigned.
      error = 'The webhook has no secret: set webhookSecret'
      canRetry = false
    } else error = await notifyGateway(channels.outbound, settings.webhookUrl, settings.webhookSecret, { id: delivery.id, ...delivery.payload })
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
async function notifyGateway(outbound: OutboundPolicy, url: string, secret: string, content: Record<string, unknown>): Promise<string | null> {
  try {
    await postWebhook(outbound, { url, secret, deliveryId: String(content.id), body: JSON.stringify(content) })
    return null
  } catch (err) {
    if (err instanceof OutboundError && err.status !== undefined) return `The gateway answered ${err.status}`
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
