import { createHmac } from 'node:crypto'
import type { Database } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Job } from '../../core/jobs/jobs.ts'
import { recordReportEvent } from './events.ts'
import * as store from './store.ts'

const TIMEOUT_MS = 10_000

/** The signature a gateway checks: hex HMAC-SHA256 of `{timestamp}.{body}` with the tenant's secret. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/**
 * Delivers one notification of a reporter to the tenant's webhook (an SMS/WhatsApp gateway). A failure is
 * recorded and thrown, so the durable job retries it with backoff; the last failure is an event.
 */
export async function deliverNotification(db: Database, events: EventLog, job: Job, fetcher: typeof fetch = fetch): Promise<void> {
  const { deliveryId } = job.payload as { deliveryId: string }
  const delivery = await store.findDelivery(db, job.tenant, deliveryId)
  if (delivery?.status !== 'pending') return
  const settings = await store.findSettings(db, job.tenant)
  let error: string | null = null
  if (!settings?.webhookUrl) error = 'No webhook is configured any more'
  else {
    const body = JSON.stringify({ id: delivery.id, ...delivery.payload })
    const timestamp = String(Math.floor(Date.now() / 1000))
    const headers: Record<string, string> = { 'content-type': 'application/json', 'x-kendali-timestamp': timestamp, 'x-kendali-delivery': delivery.id }
    if (settings.webhookSecret) headers['x-kendali-signature'] = signWebhook(settings.webhookSecret, timestamp, body)
    try {
      const res = await fetcher(settings.webhookUrl, { method: 'POST', headers, body, signal: AbortSignal.timeout(TIMEOUT_MS) })
      if (!res.ok) error = `The gateway answered ${res.status}`
    } catch (err) {
      error = `The gateway did not answer: ${err instanceof Error ? err.message : String(err)}`
    }
  }
  if (!error) {
    await store.recordAttempt(db, job.tenant, deliveryId, { status: 'delivered', error: null })
    return
  }
  const giveUp = job.attempts >= job.maxAttempts || !settings?.webhookUrl
  await db.transaction(async (tx) => {
    await store.recordAttempt(tx, job.tenant, deliveryId, { status: giveUp ? 'failed' : 'pending', error })
    if (giveUp) {
      await recordReportEvent(events, tx, job.tenant, 'system:reports', {
        topic: 'reports',
        type: 'report.notification_failed',
        entity: delivery.reportId,
        data: { number: String((delivery.payload.report as { number?: string } | undefined)?.number ?? ''), channel: delivery.channel, error },
      })
    }
  })
  if (!giveUp) throw new Error(error)
}
