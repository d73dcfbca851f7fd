import { createHmac } from 'node:crypto'
import type { OutboundPolicy } from './policy.ts'

// Every webhook Kendali sends (data hub subscriptions, alert gateways, the reports gateway) is signed one way,
// described once in the README: `x-kendali-signature: sha256=<hex HMAC-SHA256 of "{timestamp}.{body}">` with the
// Unix time in `x-kendali-timestamp`, so a receiver can refuse an old message replayed.

export const SIGNATURE_HEADER = 'x-kendali-signature'
export const TIMESTAMP_HEADER = 'x-kendali-timestamp'
export const DELIVERY_HEADER = 'x-kendali-delivery'

const TIMEOUT_MS = 10_000
// A receiver's answer is read only for its status.
const MAX_ANSWER_BYTES = 64 * 1024

/** `sha256=<hex>` of `{timestamp}.{body}` under the secret; an empty secret is a bug, never a signature. */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  if (secret === '') throw new Error('A webhook is never signed with an empty secret')
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

export interface SignedWebhook {
  url: string
  secret: string
  /** The id the receiver may use to drop a delivery it has seen (retries send it again). */
  deliveryId: string
  body: string
  /** Receivers told apart by kind, e.g. the data hub's `x-kendali-event`. */
  headers?: Record<string, string>
}

/**
 * POSTs a signed JSON body through the outbound guard; resolves with the receiver's 2xx status and throws an
 * OutboundError otherwise (its `status` set when the receiver answered).
 */
export async function postWebhook(policy: OutboundPolicy, hook: SignedWebhook, now = Date.now()): Promise<number> {
  const timestamp = String(Math.floor(now / 1000))
  const res = await policy.fetch(hook.url, {
    method: 'POST',
    headers: {
      ...hook.headers,
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: timestamp,
      [DELIVERY_HEADER]: hook.deliveryId,
      [SIGNATURE_HEADER]: signWebhook(hook.secret, timestamp, hook.body),
    },
    body: hook.body,
    timeoutMs: TIMEOUT_MS,
    maxBytes: MAX_ANSWER_BYTES,
  })
  return res.status
}
