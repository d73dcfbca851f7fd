import { timingSafeEqual } from 'node:crypto'
import { OutboundError, type OutboundPolicy } from '../outbound/policy.ts'

export const CHANNEL_KINDS = ['whatsapp', 'telegram', 'sms'] as const
export type ChannelKind = (typeof CHANNEL_KINDS)[number]

/** What goes out: the text, and for WhatsApp outside the 24-hour window the approved template it fills. */
export interface OutgoingMessage {
  text: string
  /** A purpose (`alert`, `report_update`, `verification`) the channel may map to an approved template, with its values. */
  template?: { purpose: string; parameters: string[] }
}

/** A channel's configuration as stored: settings in clear, credentials opened from their sealed form. */
export interface ChannelConfig<S = Record<string, unknown>> {
  kind: ChannelKind
  settings: S
  secrets: Record<string, string>
}

/**
 * Why a send failed. `retry`: the provider was down, slow or limiting (5xx, 429, no answer): try again later.
 * Otherwise the message can never go as it is (an invalid number, a blocked bot, a bad credential).
 */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
    /** Seconds the provider asked to wait (Telegram's retry_after, a Retry-After header). */
    readonly retryAfter?: number,
  ) {
    super(message)
  }
}

/** A status the provider reports for a message it took (WhatsApp status webhooks). */
export interface StatusReport {
  providerId: string
  state: 'sent' | 'delivered' | 'read' | 'failed'
  reason?: string
}

/** A message a person sent to the city on a channel. */
export interface InboundMessage {
  channel: ChannelKind
  /** E.164 for WhatsApp and SMS, the chat id for Telegram: where a reply goes. */
  from: string
  text: string
  /** A shared location (WhatsApp, Telegram). */
  location?: { lat: number; lon: number }
}

/** What a provider's webhook carried, once its authenticity was checked. */
export interface InboundBatch {
  messages: InboundMessage[]
  statuses: StatusReport[]
}

/** One provider: how to send a message to one recipient, and how to read its webhooks. */
export interface ChannelAdapter {
  kind: ChannelKind
  /** Whether recipients are phone numbers (normalised to E.164) or opaque chat ids. */
  addressesArePhones: boolean
  /** Sends; resolves with the provider's ids of what it took (several for a split SMS), throws SendError otherwise. */
  send(outbound: OutboundPolicy, config: ChannelConfig, to: string, message: OutgoingMessage): Promise<string[]>
}

/** Seconds of a Retry-After header, when it is a number. */
export function retryAfterOf(value: string | undefined): number | undefined {
  const seconds = Number(value)
  return value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined
}

const PROVIDER_TIMEOUT_MS = 15_000
const MAX_ANSWER_BYTES = 256 * 1024

/** A provider's answer to a request through the outbound guard: its status and body, whatever the status. */
export interface ProviderAnswer {
  status: number
  text: string
  headers: Record<string, string | string[] | undefined>
}

/** Calls a provider through the outbound guard; a network failure or timeout is a SendError to retry. */
export async function callProvider(
  outbound: OutboundPolicy,
  provider: string,
  url: string,
  request: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
): Promise<ProviderAnswer> {
  try {
    const res = await outbound.fetch(url, { ...request, timeoutMs: PROVIDER_TIMEOUT_MS, maxBytes: MAX_ANSWER_BYTES })
    return { status: res.status, text: res.body.toString('utf8'), headers: {} }
  } catch (err) {
    if (err instanceof OutboundError && err.status !== undefined && err.answer) {
      return { status: err.status, text: err.answer.body.toString('utf8'), headers: err.answer.headers }
    }
    const why = err instanceof Error ? err.message : String(err)
    // The guard refusing the address is a configuration mistake, not an outage.
    const retry = !(err instanceof OutboundError && (err.reason === 'forbidden_address' || err.reason === 'forbidden_redirect'))
    throw new SendError(`${provider} could not be reached: ${why}`, retry)
  }
}

/** JSON of an answer, or null when it is not JSON. */
export function jsonOf(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    return null
  }
}

/** Whether an inbound credential matches the stored one, in constant time. */
export function sameSecret(given: string | undefined, stored: string | undefined): boolean {
  if (!given || !stored) return false
  const a = Buffer.from(given)
  const b = Buffer.from(stored)
  return a.length === b.length && timingSafeEqual(a, b)
}

/**
 * Splits a long text into parts of at most `max` characters, at spaces where it can, each numbered `(1/3) `
 * (the number counted in the part's length).
 */
export function splitText(text: string, max: number): string[] {
  const chars = [...text]
  if (chars.length <= max) return [text]
  // Room for "(nn/nn) " on every part.
  const room = max - 8
  const parts: string[] = []
  let rest = chars
  while (rest.length > 0) {
    if (rest.length <= room) {
      parts.push(rest.join(''))
      break
    }
    let cut = rest.lastIndexOf(' ', room)
    if (cut < room / 2) cut = room
    parts.push(rest.slice(0, cut).join('').trimEnd())
    rest = [...rest.slice(cut).join('').trimStart()]
  }
  return parts.map((part, i) => `(${i + 1}/${parts.length}) ${part}`)
}
