import { type ChannelAdapter, type ChannelConfig, callProvider, type InboundBatch, jsonOf, SendError, sameSecret, splitText } from './channel.ts'

// Telegram Bot API: POST {base}/bot{token}/sendMessage with {chat_id, text}; answers {ok, result} or
// {ok: false, error_code, description, parameters: {retry_after}}. Updates arrive at the webhook set with a
// `secret_token`, which Telegram sends back in `X-Telegram-Bot-Api-Secret-Token`. A bot can write only to a chat
// that wrote to it first, so recipients are chat ids, learnt from /start.

export const BOT_API = 'https://api.telegram.org'
const MAX_TEXT = 4096

export interface TelegramSettings {
  apiBaseUrl?: string
  /** The bot's @name, for t.me links. */
  botUsername?: string
}

interface BotAnswer {
  ok?: boolean
  result?: { message_id?: number }
  error_code?: number
  description?: string
  parameters?: { retry_after?: number }
}

export const telegramAdapter: ChannelAdapter = {
  kind: 'telegram',
  addressesArePhones: false,
  async send(outbound, config, to, message) {
    const settings = config.settings as TelegramSettings
    const url = `${(settings.apiBaseUrl ?? BOT_API).replace(/\/$/, '')}/bot${config.secrets.botToken ?? ''}/sendMessage`
    const ids: string[] = []
    for (const text of splitText(message.text, MAX_TEXT)) {
      const answer = await callProvider(outbound, 'Telegram', url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ chat_id: to, text }),
      })
      const body = jsonOf(answer.text) as BotAnswer | null
      if (answer.status >= 200 && answer.status < 300 && body?.ok && body.result?.message_id !== undefined) {
        ids.push(`${to}:${body.result.message_id}`)
        continue
      }
      const retry = answer.status === 429 || answer.status >= 500
      throw new SendError(`Telegram refused the message: ${body?.description ?? `status ${answer.status}`}`, retry, body?.parameters?.retry_after)
    }
    return ids
  },
}

export function telegramTokenValid(config: ChannelConfig, header: string | undefined): boolean {
  return sameSecret(header, config.secrets.webhookSecret)
}

interface TelegramUpdate {
  message?: { chat?: { id?: number | string }; text?: string; caption?: string; location?: { latitude?: number; longitude?: number } }
}

/** The message of a (token-checked) update; Telegram reports no delivery statuses. */
export function readTelegramUpdate(body: unknown): InboundBatch {
  const m = (body as TelegramUpdate).message
  if (m?.chat?.id === undefined) return { messages: [], statuses: [] }
  const location =
    m.location && typeof m.location.latitude === 'number' && typeof m.location.longitude === 'number'
      ? { lat: m.location.latitude, lon: m.location.longitude }
      : undefined
  return { messages: [{ channel: 'telegram', from: String(m.chat.id), text: m.text ?? m.caption ?? '', ...(location ? { location } : {}) }], statuses: [] }
}
