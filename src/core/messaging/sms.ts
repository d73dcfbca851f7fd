import { type ChannelAdapter, type ChannelConfig, callProvider, type InboundBatch, jsonOf, SendError, sameSecret, splitText } from './channel.ts'

// SMS through the HTTP gateway a city already pays for: the request is described, not coded. `{{to}}`, `{{text}}`
// are filled in the URL (URL-encoded) and in the body (escaped for JSON, or URL-encoded for a form). A gateway
// that answers 2xx (and, when set, with `successContains` in its answer) took the message.

// One SMS holds 160 GSM-7 characters or 70 UCS-2 ones; a concatenated part 153 or 67.
const GSM_SINGLE = 160
const GSM_PART = 153
const UCS2_SINGLE = 70
const UCS2_PART = 67
const GSM_7 = new Set('@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà')

export interface SmsSettings {
  method: 'GET' | 'POST'
  /** e.g. `https://gateway.example/send?to={{to}}&msg={{text}}` */
  urlTemplate: string
  bodyTemplate?: string
  contentType?: 'json' | 'form'
  auth: 'none' | 'basic' | 'bearer' | 'header'
  /** The user of basic auth, or the header's name for `header`. */
  authName?: string
  /** `e164` (+62812…), `digits` (62812…) or `local` (0812…). */
  numberFormat?: 'e164' | 'digits' | 'local'
  /** Text the answer must contain to count as taken (gateways that answer 200 to everything). */
  successContains?: string
  /** Where the gateway's message id is in a JSON answer (`data.id`). */
  idPath?: string
  /** Longest part; longer texts are split (default by alphabet: 160/153 or 70/67). */
  maxPartLength?: number
  /** Field names of the gateway's inbound calls (default `from`, `text`). */
  inboundFrom?: string
  inboundText?: string
}

/** The parts of a text as it goes by SMS. */
export function smsParts(text: string, maxPartLength?: number): string[] {
  const gsm = [...text].every((c) => GSM_7.has(c))
  const single = maxPartLength ?? (gsm ? GSM_SINGLE : UCS2_SINGLE)
  if ([...text].length <= single) return [text]
  return splitText(text, maxPartLength ?? (gsm ? GSM_PART : UCS2_PART))
}

function formatNumber(to: string, format: SmsSettings['numberFormat']): string {
  if (format === 'digits') return to.slice(1)
  if (format === 'local' && to.startsWith('+62')) return `0${to.slice(3)}`
  return to
}

function fill(template: string, values: Record<string, string>, encode: (v: string) => string): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => (name in values ? encode(values[name]) : whole))
}

const jsonEscape = (v: string) => JSON.stringify(v).slice(1, -1)

function pathOf(value: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((at, key) => (at !== null && typeof at === 'object' ? (at as Record<string, unknown>)[key] : undefined), value)
}

export const smsAdapter: ChannelAdapter = {
  kind: 'sms',
  addressesArePhones: true,
  async send(outbound, config, to, message) {
    const s = config.settings as unknown as SmsSettings
    const headers: Record<string, string> = {}
    const secret = config.secrets.authSecret ?? ''
    if (s.auth === 'basic') headers.authorization = `Basic ${Buffer.from(`${s.authName ?? ''}:${secret}`).toString('base64')}`
    if (s.auth === 'bearer') headers.authorization = `Bearer ${secret}`
    if (s.auth === 'header' && s.authName) headers[s.authName.toLowerCase()] = secret
    const ids: string[] = []
    const parts = smsParts(message.text, s.maxPartLength)
    for (const [i, text] of parts.entries()) {
      const values = { to: formatNumber(to, s.numberFormat), text, part: String(i + 1), parts: String(parts.length) }
      let body: string | undefined
      if (s.method === 'POST' && s.bodyTemplate) {
        body = fill(s.bodyTemplate, values, s.contentType === 'form' ? encodeURIComponent : jsonEscape)
        headers['content-type'] = s.contentType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json'
      }
      const answer = await callProvider(outbound, 'The SMS gateway', fill(s.urlTemplate, values, encodeURIComponent), { method: s.method, headers, body })
      const ok = answer.status >= 200 && answer.status < 300 && (!s.successContains || answer.text.includes(s.successContains))
      if (!ok) {
        const retry = answer.status === 429 || answer.status >= 500
        throw new SendError(`The SMS gateway refused the message (${answer.status}): ${answer.text.slice(0, 200)}`, retry)
      }
      const id = s.idPath ? pathOf(jsonOf(answer.text), s.idPath) : undefined
      ids.push(id === undefined || id === null ? `sms:${to}:${Date.now()}:${i}` : String(id))
    }
    return ids
  },
}

/** Whether the inbound call carries the tenant's inbound token (gateways can rarely sign). */
export function smsTokenValid(config: ChannelConfig, token: string | undefined): boolean {
  return sameSecret(token, config.secrets.inboundToken)
}

/** The message of a gateway's inbound call: its sender and text, by the configured field names. */
export function readSmsInbound(config: ChannelConfig, body: unknown, normalise: (phone: string) => string): InboundBatch {
  const s = config.settings as unknown as SmsSettings
  const fields = (body ?? {}) as Record<string, unknown>
  const from = fields[s.inboundFrom ?? 'from']
  const text = fields[s.inboundText ?? 'text']
  if (typeof from !== 'string' || typeof text !== 'string') return { messages: [], statuses: [] }
  return { messages: [{ channel: 'sms', from: normalise(from), text }], statuses: [] }
}
