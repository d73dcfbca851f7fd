import { createHmac, randomBytes } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

// Local stand-ins for the messaging providers, speaking their documented formats:
// - WhatsApp Business Cloud API (developers.facebook.com/docs/whatsapp/cloud-api): POST /{version}/{phone-number-id}/messages
//   with a bearer token, answering {messaging_product, contacts, messages: [{id: "wamid…"}]}; errors as Graph API
//   errors {error: {message, type, code, error_data: {messaging_product, details}, fbtrace_id}} (130429 rate limit with
//   429, 100 invalid parameter with 400). Status webhooks POST {object: "whatsapp_business_account", entry: [{changes:
//   [{field: "messages", value: {statuses: [...]}}]}]} signed with X-Hub-Signature-256 = sha256=HMAC(app secret, body).
// - Telegram Bot API (core.telegram.org/bots/api): POST /bot{token}/sendMessage → {ok: true, result: Message};
//   {ok: false, error_code: 429, description: "Too Many Requests: retry after N", parameters: {retry_after: N}};
//   400 "Bad Request: chat not found". Updates POSTed with X-Telegram-Bot-Api-Secret-Token.
// - An SMS gateway of the kind Indonesian cities rent: GET /sms/send?to=&msg= with basic auth, answering
//   {"status":"OK","data":{"id":…}}, or 400 {"status":"ERROR","message":"invalid number"}.

export interface SentMessage {
  provider: 'whatsapp' | 'telegram' | 'sms'
  to: string
  text: string
  template?: { name: string; language: string; parameters: string[] }
  id: string
  /** The path the request came to (a channel's configured base URL shows in it). */
  path: string
  headers: IncomingHttpHeaders
}

export interface FakeProviders {
  url: string
  sent: SentMessage[]
  /** Recipients the providers refuse as invalid (WhatsApp digits, Telegram chat ids, SMS numbers as sent). */
  invalid: Set<string>
  /** The next n sends of a provider answer 503 (an outage). */
  outage(provider: SentMessage['provider'], n: number): void
  /** The next n sends of a provider answer 429 (rate limit). */
  rateLimit(provider: SentMessage['provider'], n: number): void
  /** How many messages a second each provider accepts; past it they answer 429 (0: no limit). */
  acceptPerSecond: number
  /** Counts only, without keeping each message (benchmarks). */
  countOnly: boolean
  accepted: number
  refused: number
  close(): Promise<void>
}

export const WHATSAPP_TOKEN = 'EAAG-fake-access-token'
export const WHATSAPP_PHONE_ID = '106540352242922'
export const TELEGRAM_TOKEN = '123456789:AAE-fake-bot-token'

function graphError(code: number, message: string, details: string) {
  return {
    error: {
      message: `(#${code}) ${message}`,
      type: 'OAuthException',
      code,
      error_data: { messaging_product: 'whatsapp', details },
      fbtrace_id: randomBytes(8).toString('base64url'),
    },
  }
}

export async function startFakeProviders(): Promise<FakeProviders> {
  const outages = new Map<string, number>()
  const limits = new Map<string, number>()
  let windowStart = Date.now()
  let inWindow = 0
  const fake: FakeProviders = {
    url: '',
    sent: [],
    invalid: new Set(),
    outage: (p, n) => void outages.set(p, n),
    rateLimit: (p, n) => void limits.set(p, n),
    acceptPerSecond: 0,
    countOnly: false,
    accepted: 0,
    refused: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
  const take = (map: Map<string, number>, p: string) => {
    const left = map.get(p) ?? 0
    if (left > 0) map.set(p, left - 1)
    return left > 0
  }
  const overLimit = () => {
    if (fake.acceptPerSecond <= 0) return false
    const now = Date.now()
    if (now - windowStart >= 1000) {
      windowStart = now
      inWindow = 0
    }
    inWindow += 1
    return inWindow > fake.acceptPerSecond
  }
  const record = (m: SentMessage) => {
    fake.accepted += 1
    if (!fake.countOnly) fake.sent.push(m)
  }

  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const body = Buffer.concat(chunks).toString('utf8')
      const answer = (status: number, value: unknown) => {
        if (status >= 300) fake.refused += 1
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(value))
      }
      const wa = /^\/v[0-9.]+\/([0-9]+)\/messages$/.exec(url.pathname)
      if (wa && req.method === 'POST') {
        if (req.headers.authorization !== `Bearer ${WHATSAPP_TOKEN}` || wa[1] !== WHATSAPP_PHONE_ID) {
          return answer(401, graphError(190, 'Access token has expired', 'Error validating access token'))
        }
        if (take(outages, 'whatsapp')) return answer(503, graphError(2, 'Service temporarily unavailable', 'Temporary due to downtime'))
        if (take(limits, 'whatsapp') || overLimit()) return answer(429, graphError(130429, 'Rate limit hit', 'Cloud API message throughput has been reached'))
        const m = JSON.parse(body) as {
          to: string
          type: string
          text?: { body: string }
          template?: { name: string; language: { code: string }; components: { parameters: { text: string }[] }[] }
        }
        if (fake.invalid.has(m.to)) return answer(400, graphError(100, 'Invalid parameter', `Invalid 'to' parameter: ${m.to} is not a valid WhatsApp number`))
        const id = `wamid.${randomBytes(18).toString('base64url')}`
        record({
          provider: 'whatsapp',
          to: m.to,
          text: m.text?.body ?? '',
          ...(m.template
            ? {
                template: {
                  name: m.template.name,
                  language: m.template.language.code,
                  parameters: m.template.components.flatMap((c) => c.parameters.map((p) => p.text)),
                },
              }
            : {}),
          id,
          path: url.pathname,
          headers: req.headers,
        })
        return answer(200, { messaging_product: 'whatsapp', contacts: [{ input: m.to, wa_id: m.to }], messages: [{ id }] })
      }
      const tg = /^\/bot([^/]+)\/sendMessage$/.exec(url.pathname)
      if (tg && req.method === 'POST') {
        if (tg[1] !== TELEGRAM_TOKEN) return answer(401, { ok: false, error_code: 401, description: 'Unauthorized' })
        if (take(outages, 'telegram')) return answer(502, { ok: false, error_code: 502, description: 'Bad Gateway' })
        if (take(limits, 'telegram') || overLimit()) {
          return answer(429, { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } })
        }
        const m = JSON.parse(body) as { chat_id: string | number; text: string }
        if (fake.invalid.has(String(m.chat_id))) return answer(400, { ok: false, error_code: 400, description: 'Bad Request: chat not found' })
        const messageId = fake.accepted + 1
        record({ provider: 'telegram', to: String(m.chat_id), text: m.text, id: `${m.chat_id}:${messageId}`, path: url.pathname, headers: req.headers })
        return answer(200, {
          ok: true,
          result: { message_id: messageId, chat: { id: Number(m.chat_id), type: 'private' }, date: Math.floor(Date.now() / 1000), text: m.text },
        })
      }
      if (url.pathname === '/sms/send') {
        if (req.headers.authorization !== `Basic ${Buffer.from('kendali:sms-secret').toString('base64')}`)
          return answer(401, { status: 'ERROR', message: 'unauthorized' })
        if (take(outages, 'sms')) return answer(503, { status: 'ERROR', message: 'maintenance' })
        if (take(limits, 'sms') || overLimit()) return answer(429, { status: 'ERROR', message: 'too many requests' })
        const to = url.searchParams.get('to') ?? ''
        const text = url.searchParams.get('msg') ?? ''
        if (fake.invalid.has(to)) return answer(400, { status: 'ERROR', message: 'invalid number' })
        const id = randomBytes(6).toString('hex')
        record({ provider: 'sms', to, text, id, path: url.pathname, headers: req.headers })
        return answer(200, { status: 'OK', data: { id } })
      }
      answer(404, { error: 'no such fake endpoint' })
    })
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  fake.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return fake
}

/** A WhatsApp notification as Meta posts it: the JSON body and its X-Hub-Signature-256 under the app secret. */
export function whatsappNotification(appSecret: string, value: Record<string, unknown>): { body: string; signature: string } {
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [
      {
        id: '102290129340398',
        changes: [
          {
            field: 'messages',
            value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: WHATSAPP_PHONE_ID }, ...value },
          },
        ],
      },
    ],
  })
  return { body, signature: `sha256=${createHmac('sha256', appSecret).update(body).digest('hex')}` }
}

/** An inbound text message from a WhatsApp user (digits without +). */
export function whatsappText(from: string, text: string): Record<string, unknown> {
  return {
    contacts: [{ profile: { name: 'Warga' }, wa_id: from }],
    messages: [
      { from, id: `wamid.${randomBytes(12).toString('base64url')}`, timestamp: String(Math.floor(Date.now() / 1000)), type: 'text', text: { body: text } },
    ],
  }
}

/** A status of a message the business sent. */
export function whatsappStatus(
  id: string,
  recipient: string,
  status: 'sent' | 'delivered' | 'read' | 'failed',
  error?: { code: number; title: string },
): Record<string, unknown> {
  return {
    statuses: [
      {
        id,
        status,
        timestamp: String(Math.floor(Date.now() / 1000)),
        recipient_id: recipient,
        ...(error ? { errors: [{ code: error.code, title: error.title, message: error.title, error_data: { details: error.title } }] } : {}),
      },
    ],
  }
}

/** A Telegram update carrying a private text message. */
export function telegramUpdate(chatId: number, text: string): Record<string, unknown> {
  return {
    update_id: Math.floor(Math.random() * 1e9),
    message: {
      message_id: Math.floor(Math.random() * 1e6),
      from: { id: chatId, is_bot: false, first_name: 'Warga', language_code: 'id' },
      chat: { id: chatId, first_name: 'Warga', type: 'private' },
      date: Math.floor(Date.now() / 1000),
      text,
    },
  }
}
