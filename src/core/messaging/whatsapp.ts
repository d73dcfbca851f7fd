import { createHmac } from 'node:crypto'
import {
  type ChannelAdapter,
  type ChannelConfig,
  callProvider,
  type InboundBatch,
  type InboundMessage,
  jsonOf,
  SendError,
  type StatusReport,
  sameSecret,
} from './channel.ts'

// WhatsApp Business Platform, Cloud API (Meta Graph API): POST {base}/{phone-number-id}/messages with a bearer token.
// Outside the 24-hour customer service window only an approved template may open a conversation, so a message with
// a purpose the tenant mapped to a template goes as that template; anything else goes as text.

export const GRAPH_API = 'https://graph.facebook.com/v21.0'
// A text message's body is at most 4096 characters.
const MAX_TEXT = 4096
// Graph API error codes that say "later": throughput (130429), pair rate (131056), account rate (80007, 4), service
// unavailable (1, 2, 131000 something went wrong).
const RETRY_CODES = new Set([1, 2, 4, 80007, 130429, 131000, 131056])

export interface WhatsAppSettings {
  apiBaseUrl?: string
  phoneNumberId: string
  /** Approved templates by purpose (`alert`, `report_update`, `verification`): their body takes the parameters in order. */
  templates?: Record<string, { name: string; language: string }>
}

interface GraphError {
  error?: { message?: string; code?: number; error_data?: { details?: string } }
}

export const whatsappAdapter: ChannelAdapter = {
  kind: 'whatsapp',
  addressesArePhones: true,
  async send(outbound, config, to, message) {
    const settings = config.settings as unknown as WhatsAppSettings
    const template = message.template ? settings.templates?.[message.template.purpose] : undefined
    const recipient = to.replace(/^\+/, '')
    const payload = template
      ? {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: recipient,
          type: 'template',
          template: {
            name: template.name,
            language: { code: template.language },
            components: [{ type: 'body', parameters: (message.template?.parameters ?? []).map((text) => ({ type: 'text', text })) }],
          },
        }
      : {
          messaging_product: 'whatsapp',
          recipient_type: 'individual',
          to: recipient,
          type: 'text',
          text: { preview_url: true, body: message.text.slice(0, MAX_TEXT) },
        }
    const answer = await callProvider(
      outbound,
      'WhatsApp',
      `${(settings.apiBaseUrl ?? GRAPH_API).replace(/\/$/, '')}/${encodeURIComponent(settings.phoneNumberId)}/messages`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${config.secrets.accessToken ?? ''}`, 'content-type': 'application/json' },
        body: JSON.stringify(payload),
      },
    )
    const body = jsonOf(answer.text) as ({ messages?: { id?: string }[] } & GraphError) | null
    if (answer.status >= 200 && answer.status < 300) {
      const id = body?.messages?.[0]?.id
      if (!id) throw new SendError('WhatsApp answered without a message id', true)
      return [id]
    }
    const code = body?.error?.code
    const what = body?.error
      ? `${body.error.message ?? ''}${body.error.error_data?.details ? ` (${body.error.error_data.details})` : ''}`
      : `status ${answer.status}`
    const retry = answer.status === 429 || answer.status >= 500 || (code !== undefined && RETRY_CODES.has(code))
    throw new SendError(`WhatsApp refused the message: ${what}`, retry)
  },
}

/** The webhook verification handshake: the challenge to echo when the token matches, otherwise null. */
export function verifyWhatsAppSubscription(config: ChannelConfig, query: Record<string, string | undefined>): string | null {
  if (query['hub.mode'] !== 'subscribe' || !sameSecret(query['hub.verify_token'], config.secrets.verifyToken)) return null
  return query['hub.challenge'] ?? null
}

/** Whether `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body under the app secret. */
export function whatsAppSignatureValid(config: ChannelConfig, rawBody: string, header: string | undefined): boolean {
  const secret = config.secrets.appSecret
  if (!secret || !header) return false
  return sameSecret(header, `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`)
}

interface WhatsAppWebhook {
  entry?: {
    changes?: {
      value?: {
        messages?: {
          from?: string
          type?: string
          text?: { body?: string }
          location?: { latitude?: number; longitude?: number }
          interactive?: { button_reply?: { id?: string; title?: string }; list_reply?: { id?: string; title?: string } }
          button?: { text?: string }
        }[]
        statuses?: { id?: string; status?: string; errors?: { code?: number; title?: string; message?: string }[] }[]
      }
    }[]
  }[]
}

const STATES = new Set(['sent', 'delivered', 'read', 'failed'])

/** Messages and statuses of a (signature-checked) webhook notification. */
export function readWhatsAppWebhook(body: unknown): InboundBatch {
  const messages: InboundMessage[] = []
  const statuses: StatusReport[] = []
  for (const entry of (body as WhatsAppWebhook).entry ?? []) {
    for (const change of entry.changes ?? []) {
      for (const m of change.value?.messages ?? []) {
        if (!m.from) continue
        const reply = m.interactive?.list_reply ?? m.interactive?.button_reply
        const text = m.text?.body ?? reply?.id ?? reply?.title ?? m.button?.text ?? ''
        const location =
          m.location && typeof m.location.latitude === 'number' && typeof m.location.longitude === 'number'
            ? { lat: m.location.latitude, lon: m.location.longitude }
            : undefined
        messages.push({ channel: 'whatsapp', from: `+${m.from.replace(/^\+/, '')}`, text, ...(location ? { location } : {}) })
      }
      for (const s of change.value?.statuses ?? []) {
        if (!s.id || !s.status || !STATES.has(s.status)) continue
        const error = s.errors?.[0]
        statuses.push({
          providerId: s.id,
          state: s.status as StatusReport['state'],
          ...(error ? { reason: `WhatsApp: ${error.title ?? error.message ?? ''}${error.code ? ` (${error.code})` : ''}` } : {}),
        })
      }
    }
  }
  return { messages, statuses }
}
