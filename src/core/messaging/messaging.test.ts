import type { InjectOptions } from 'fastify'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import {
  type FakeProviders,
  startFakeProviders,
  TELEGRAM_TOKEN,
  telegramUpdate,
  WHATSAPP_PHONE_ID,
  WHATSAPP_TOKEN,
  whatsappNotification,
  whatsappStatus,
} from '../../../test/support/fake-providers.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { ChannelKind } from './channel.ts'
import { MAX_ATTEMPTS, type MessageRecord } from './messaging.ts'
import { toE164 } from './phone.ts'
import { smsParts } from './sms.ts'

const TENANT = '33.71'
const APP_SECRET = 'fake-app-secret'
const VERIFY_TOKEN = 'kendali-verify'
const TELEGRAM_SECRET = 'tg-secret_123'

let server: TestServer
let fake: FakeProviders
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

/** Runs due jobs until none is left, both clocks at `now`. */
async function runJobs(now?: Date) {
  server.kendali.ctx.messaging.clock = () => now ?? new Date()
  while ((await server.kendali.ctx.jobs.runDue(50, now)) > 0);
}

async function queue(channel: ChannelKind, to: string, text: string, topic = unique('topic')) {
  return server.kendali.ctx.db.transaction((tx) => server.kendali.ctx.messaging.send(tx, TENANT, { channel, to, topic, message: { text } }))
}

async function record(topic: string): Promise<MessageRecord> {
  const [r] = await server.kendali.ctx.messaging.records(server.kendali.ctx.db, TENANT, topic)
  return r
}

function channelSettings(fakeUrl: string) {
  return {
    whatsapp: {
      kind: 'whatsapp',
      enabled: true,
      ratePerSecond: 80,
      settings: { apiBaseUrl: `${fakeUrl}/v21.0`, phoneNumberId: WHATSAPP_PHONE_ID, templates: { alert: { name: 'peringatan_dini', language: 'id' } } },
      secrets: { accessToken: WHATSAPP_TOKEN, appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN },
    },
    telegram: {
      kind: 'telegram',
      enabled: true,
      ratePerSecond: 30,
      settings: { apiBaseUrl: fakeUrl, botUsername: 'KendaliMagelangBot' },
      secrets: { botToken: TELEGRAM_TOKEN, webhookSecret: TELEGRAM_SECRET },
    },
    sms: {
      kind: 'sms',
      enabled: true,
      ratePerSecond: 20,
      settings: {
        method: 'GET',
        urlTemplate: `${fakeUrl}/sms/send?to={{to}}&msg={{text}}`,
        auth: 'basic',
        authName: 'kendali',
        numberFormat: 'local',
        idPath: 'data.id',
      },
      secrets: { authSecret: 'sms-secret', inboundToken: 'sms-inbound-token' },
    },
  }
}

beforeAll(async () => {
  fake = await startFakeProviders()
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  for (const who of ['admin', 'operator', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
  for (const body of Object.values(channelSettings(fake.url))) {
    const res = await as('admin', { method: 'PUT', url: `/api/t/${TENANT}/messaging/channels`, payload: body })
    expect(res.statusCode, res.body).toBe(200)
  }
})

afterEach(() => {
  server.kendali.ctx.messaging.clock = () => new Date()
})

afterAll(async () => {
  await server.close()
  await fake.close()
})

describe('phone numbers', () => {
  it('writes Indonesian numbers in E.164 and refuses what is not a number', () => {
    expect(toE164('0812-3456-7890')).toBe('+6281234567890')
    expect(toE164('+62 812 3456 7890')).toBe('+6281234567890')
    expect(toE164('6281234567890')).toBe('+6281234567890')
    expect(toE164('(0293) 362 000')).toBe('+62293362000')
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958')
    for (const bad of ['', '12345', '0812', '+62 0812 3456 7890', 'halo', '081234567890123456', '+6281']) {
      expect(() => toE164(bad), bad).toThrow(/not a phone number/)
    }
  })

  it('splits long SMS texts into numbered parts that each fit one SMS', () => {
    expect(smsParts('Banjir di Kali Progo.')).toEqual(['Banjir di Kali Progo.'])
    const long = 'Peringatan banjir: air Kali Progo naik. '.repeat(10)
    const parts = smsParts(long)
    expect(parts.length).toBe(3)
    expect(parts.every((p) => p.length <= 153)).toBe(true)
    expect(parts[0].startsWith('(1/3) ')).toBe(true)
    // Outside GSM-7 (an emoji) a part holds 67 characters.
    expect(smsParts(`⚠️ ${long}`).every((p) => [...p].length <= 67)).toBe(true)
  })
})

describe('channel configuration', () => {
  it('keeps credentials sealed and never shows them back', async () => {
    const res = await as('admin', { method: 'GET', url: `/api/t/${TENANT}/messaging/channels` })
    expect(res.statusCode).toBe(200)
    const channels = json<{ kind: string; secretsSet: string[]; webhookUrl: string }[]>(res)
    expect(channels.map((c) => c.kind)).toEqual(['sms', 'telegram', 'whatsapp'])
    expect(channels.find((c) => c.kind === 'whatsapp')?.secretsSet).toEqual(['accessToken', 'appSecret', 'verifyToken'])
    expect(res.body).not.toContain(WHATSAPP_TOKEN)
    expect(res.body).not.toContain(APP_SECRET)
    const [row] = await server.kendali.ctx.db.query<{ secrets: string }>(
      `SELECT secrets::text FROM messaging_channels WHERE tenant = $1 AND kind = 'whatsapp'`,
      [TENANT],
    )
    expect(row.secrets).not.toContain(WHATSAPP_TOKEN)
    expect(row.secrets).toContain(server.kendali.ctx.secrets.currentPrefix)
    // Saving again without credentials keeps them.
    const { secrets: _kept, ...withoutSecrets } = channelSettings(fake.url).whatsapp
    expect((await as('admin', { method: 'PUT', url: `/api/t/${TENANT}/messaging/channels`, payload: withoutSecrets })).statusCode).toBe(200)
    const stored = await server.kendali.ctx.messaging.channel(server.kendali.ctx.db, TENANT, 'whatsapp')
    expect(stored?.secrets.accessToken).toBe(WHATSAPP_TOKEN)
  })

  it('is for admins, and refuses incomplete or unsafe settings', async () => {
    const body = channelSettings(fake.url).telegram
    expect((await as('operator', { method: 'GET', url: `/api/t/${TENANT}/messaging/channels` })).statusCode).toBe(403)
    expect((await as('operator', { method: 'PUT', url: `/api/t/${TENANT}/messaging/channels`, payload: body })).statusCode).toBe(403)
    expect((await inject({ method: 'PUT', url: `/api/t/${TENANT}/messaging/channels`, payload: body })).statusCode).toBe(401)
    // An admin of another city configures nothing here.
    expect((await as('admin', { method: 'PUT', url: '/api/t/35.73/messaging/channels', payload: body })).statusCode).toBe(403)
    const noToken = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/messaging/channels', payload: { ...body, secrets: { webhookSecret: 'x' } } })
    expect(noToken.statusCode).toBe(400)
    expect(json<{ error: { message: string } }>(noToken).error.message).toContain('botToken')
    const internal = await as('malang_admin', {
      method: 'PUT',
      url: '/api/t/35.73/messaging/channels',
      payload: { ...body, settings: { apiBaseUrl: 'http://169.254.169.254/latest' } },
    })
    expect(internal.statusCode).toBe(400)
    const unknownKind = await as('admin', { method: 'PUT', url: `/api/t/${TENANT}/messaging/channels`, payload: { ...body, kind: 'pigeon' } })
    expect(unknownKind.statusCode).toBe(400)
    expect((await server.kendali.ctx.messaging.channels(server.kendali.ctx.db, '35.73')).length).toBe(0)
  })
})

describe('sending', () => {
  it('sends WhatsApp text, then moves the record by signed status webhooks, and refuses a forged one', async () => {
    const topic = unique('wa')
    const queued = await queue('whatsapp', '0812 1111 2222', 'Banjir: jauhi sungai.', topic)
    expect(queued.duplicate).toBe(false)
    // The same topic to the same number is one message.
    expect((await queue('whatsapp', '+6281211112222', 'Banjir: jauhi sungai.', topic)).duplicate).toBe(true)
    await runJobs()
    const sent = fake.sent.filter((m) => m.provider === 'whatsapp' && m.to === '6281211112222' && m.text === 'Banjir: jauhi sungai.')
    expect(sent.length).toBe(1)
    expect((await record(topic)).state).toBe('sent')

    const forged = whatsappNotification('not-the-app-secret', whatsappStatus(sent[0].id, '6281211112222', 'read'))
    const refused = await inject({
      method: 'POST',
      url: `/api/t/${TENANT}/messaging/whatsapp/webhook`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': forged.signature },
      payload: forged.body,
    })
    expect(refused.statusCode).toBe(403)
    const unsigned = await inject({
      method: 'POST',
      url: `/api/t/${TENANT}/messaging/whatsapp/webhook`,
      headers: { 'content-type': 'application/json' },
      payload: forged.body,
    })
    expect(unsigned.statusCode).toBe(403)
    expect((await record(topic)).state).toBe('sent')

    for (const status of ['delivered', 'read'] as const) {
      const n = whatsappNotification(APP_SECRET, whatsappStatus(sent[0].id, '6281211112222', status))
      const res = await inject({
        method: 'POST',
        url: `/api/t/${TENANT}/messaging/whatsapp/webhook`,
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': n.signature },
        payload: n.body,
      })
      expect(res.statusCode, res.body).toBe(200)
    }
    // A late "delivered" never moves a read message back.
    const late = whatsappNotification(APP_SECRET, whatsappStatus(sent[0].id, '6281211112222', 'delivered'))
    await inject({
      method: 'POST',
      url: `/api/t/${TENANT}/messaging/whatsapp/webhook`,
      headers: { 'content-type': 'application/json', 'x-hub-signature-256': late.signature },
      payload: late.body,
    })
    const read = await record(topic)
    expect(read.state).toBe('read')
    expect(read.deliveredAt).not.toBeNull()
  })

  it('answers the WhatsApp verification handshake only with the verify token', async () => {
    const ok = await inject({
      method: 'GET',
      url: `/api/t/${TENANT}/messaging/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`,
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.body).toBe('1158201444')
    const bad = await inject({
      method: 'GET',
      url: `/api/t/${TENANT}/messaging/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1158201444`,
    })
    expect(bad.statusCode).toBe(403)
    expect(bad.body).not.toContain('1158201444')
  })

  it('refuses invalid numbers before anything is queued', async () => {
    await expect(queue('whatsapp', '0812', 'x')).rejects.toThrow(/not a phone number/)
    await expect(queue('telegram', '+62812', 'x')).rejects.toThrow(/chat id/)
  })

  it('fails a number the provider refuses at once, with its reason', async () => {
    fake.invalid.add('6281299990000')
    const topic = unique('invalid')
    await queue('whatsapp', '081299990000', 'Tes', topic)
    await runJobs()
    const r = await record(topic)
    expect(r.state).toBe('failed')
    expect(r.attempts).toBe(1)
    expect(r.reason).toContain("Invalid 'to' parameter")
  })

  it('retries a provider outage with backoff, then fails with the reason', async () => {
    fake.outage('sms', 100)
    const topic = unique('outage')
    await queue('sms', '081233334444', 'Pemadaman listrik', topic)
    let now = new Date()
    await runJobs(now)
    let r = await record(topic)
    expect(r.state).toBe('queued')
    expect(r.reason).toContain('(503)')
    // Nothing more is tried before the backoff is over.
    await runJobs(new Date(now.getTime() + 5_000))
    expect((await record(topic)).attempts).toBe(1)
    for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
      now = new Date(now.getTime() + 3600_000)
      await runJobs(now)
      expect((await record(topic)).attempts).toBe(attempt)
    }
    r = await record(topic)
    expect(r.state).toBe('failed')
    expect(r.reason).toContain('maintenance')
    fake.outage('sms', 0)
  })

  it('waits out a rate limit and sends after it', async () => {
    fake.rateLimit('telegram', 1)
    const topic = unique('limited')
    await queue('telegram', '555000111', 'Jalan ditutup', topic)
    const now = new Date()
    await runJobs(now)
    expect((await record(topic)).state).toBe('queued')
    await runJobs(new Date(now.getTime() + 60_000))
    expect((await record(topic)).state).toBe('sent')
    expect(fake.sent.some((m) => m.provider === 'telegram' && m.to === '555000111' && m.text === 'Jalan ditutup')).toBe(true)
  })

  it('splits a long SMS into parts through the gateway, in the local number format', async () => {
    const topic = unique('long')
    const text = `Peringatan: ${'hujan lebat disertai angin kencang di Magelang Utara. '.repeat(5)}`
    await queue('sms', '+6281277778888', text, topic)
    await runJobs()
    const parts = fake.sent.filter((m) => m.provider === 'sms' && m.to === '081277778888')
    expect(parts.length).toBe(smsParts(text).length)
    expect(parts.length).toBeGreaterThan(1)
    expect(parts[0].text.startsWith(`(1/${parts.length}) Peringatan`)).toBe(true)
    expect((await record(topic)).state).toBe('sent')
  })
})

describe('inbound webhooks', () => {
  it('refuses a Telegram update without the secret token, and stores nothing', async () => {
    const before = await server.kendali.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE tenant = $1', [TENANT])
    const update = telegramUpdate(777001, 'halo')
    for (const headers of [{}, { 'x-telegram-bot-api-secret-token': 'wrong' }]) {
      const res = await inject({ method: 'POST', url: `/api/t/${TENANT}/messaging/telegram/webhook`, headers, payload: update })
      expect(res.statusCode).toBe(403)
    }
    const after = await server.kendali.ctx.db.query<{ n: number }>('SELECT count(*)::int AS n FROM messages WHERE tenant = $1', [TENANT])
    expect(after[0].n).toBe(before[0].n)
  })

  it('refuses an SMS gateway call without the inbound token', async () => {
    const res = await inject({ method: 'POST', url: `/api/t/${TENANT}/messaging/sms/webhook?token=guess`, payload: { from: '081211112222', text: 'STOP' } })
    expect(res.statusCode).toBe(403)
    const none = await inject({ method: 'POST', url: '/api/t/35.73/messaging/sms/webhook?token=x', payload: { from: '081211112222', text: 'STOP' } })
    expect(none.statusCode).toBe(404)
  })
})
