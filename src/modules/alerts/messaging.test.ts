import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type FakeProviders,
  startFakeProviders,
  TELEGRAM_TOKEN,
  telegramUpdate,
  WHATSAPP_PHONE_ID,
  WHATSAPP_TOKEN,
  whatsappNotification,
  whatsappStatus,
  whatsappText,
} from '../../../test/support/fake-providers.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'

// Public warnings to WhatsApp, SMS and Telegram subscribers through the core messaging layer, against local fakes.
const APP_SECRET = 'alerts-app-secret'
const TG_SECRET = 'alerts-tg-secret'
const INSIDE_A = '33.71.03.1001'
const INSIDE_B = '33.71.03.1002'
const OUTSIDE = '33.71.02.1008'

let server: TestServer
let fake: FakeProviders
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

let serial = 0
/** A mobile number no other test of this run uses, as a person would type it, and as WhatsApp writes it. */
function phone(): { local: string; wa: string } {
  serial += 1
  const tail = `${process.pid % 10_000}`.padStart(4, '0') + `${serial}`.padStart(3, '0')
  return { local: `0813${tail}`, wa: `62813${tail}` }
}

/** SMS parts (`(1/3) …`) joined back into the messages they belong to. */
function smsMessages(parts: { text: string }[]): string[] {
  const out: string[] = []
  for (const { text } of parts) {
    const numbered = /^\((\d+)\/\d+\) /.exec(text)
    if (!numbered || numbered[1] === '1') out.push(text.slice(numbered?.[0].length ?? 0))
    else out[out.length - 1] += ` ${text.slice(numbered[0].length)}`
  }
  return out
}

async function runJobs() {
  while ((await server.kendali.ctx.jobs.runDue(50)) > 0);
}

async function whatsappWebhook(value: Record<string, unknown>, secret = APP_SECRET) {
  const n = whatsappNotification(secret, value)
  return inject({
    method: 'POST',
    url: '/api/t/33.71/messaging/whatsapp/webhook',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': n.signature },
    payload: n.body,
  })
}

const subscribe = (payload: Record<string, unknown>) => inject({ method: 'POST', url: '/api/t/33.71/subscriptions', payload })

/** The code the number was last sent (a WhatsApp verification template, or an SMS text). */
async function codeSentTo(to: string): Promise<string> {
  await runJobs()
  const m = fake.sent.filter((s) => s.to === to).at(-1)
  const code = m?.template?.parameters[0] ?? /\b([0-9]{6})\b/.exec(m?.text ?? '')?.[1]
  if (!code) throw new Error(`no code was sent to ${to}`)
  return code
}

async function publish(body: Record<string, unknown>, path = '/api/t/33.71/alerts'): Promise<{ id: string; identifier: string }> {
  const res = await as('operator', {
    method: 'POST',
    url: path,
    payload: path.endsWith('/alerts')
      ? { event: 'Banjir', category: ['Met'], urgency: 'Immediate', severity: 'Severe', certainty: 'Observed', expires: inHours(2), ...body }
      : body,
  })
  expect(res.statusCode, res.body).toBeLessThan(300)
  const { id } = json<{ id: string }>(res)
  const approved = await as('admin', { method: 'POST', url: `/api/t/33.71/alerts/${id}/approve` })
  expect(approved.statusCode, approved.body).toBe(200)
  return json<{ id: string; identifier: string }>(approved)
}

beforeAll(async () => {
  fake = await startFakeProviders()
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  for (const who of ['admin', 'operator']) cookies[who] = await loginCookie(server.kendali, who)
  const channels = [
    {
      kind: 'whatsapp',
      enabled: true,
      ratePerSecond: 80,
      settings: {
        apiBaseUrl: `${fake.url}/v21.0`,
        phoneNumberId: WHATSAPP_PHONE_ID,
        templates: { alert: { name: 'peringatan_dini', language: 'id' }, verification: { name: 'kode_verifikasi', language: 'id' } },
      },
      secrets: { accessToken: WHATSAPP_TOKEN, appSecret: APP_SECRET, verifyToken: 'v' },
    },
    {
      kind: 'telegram',
      enabled: true,
      ratePerSecond: 30,
      settings: { apiBaseUrl: fake.url, botUsername: 'KendaliMagelangBot' },
      secrets: { botToken: TELEGRAM_TOKEN, webhookSecret: TG_SECRET },
    },
    {
      kind: 'sms',
      enabled: true,
      ratePerSecond: 20,
      settings: { method: 'GET', urlTemplate: `${fake.url}/sms/send?to={{to}}&msg={{text}}`, auth: 'basic', authName: 'kendali', numberFormat: 'local' },
      secrets: { authSecret: 'sms-secret' },
    },
  ]
  for (const payload of channels) expect((await as('admin', { method: 'PUT', url: '/api/t/33.71/messaging/channels', payload })).statusCode).toBe(200)
})

afterAll(async () => {
  await server.close()
  await fake.close()
})

describe('warnings on WhatsApp, SMS and Telegram', () => {
  it('reaches exactly the confirmed subscribers of the area, once per number, and records their delivery states', async () => {
    const wa = phone()
    const sms = phone()
    const far = phone()
    const lazy = phone()
    const chat = 700_000_000 + (process.pid % 100_000)

    // An invalid number is refused before anything is sent.
    const bad = await subscribe({ kelurahan: INSIDE_A, channel: 'whatsapp', phone: '0812' })
    expect(bad.statusCode).toBe(400)
    expect(json<{ error: { message: string } }>(bad).error.message).toContain('not a phone number')

    // WhatsApp: the code comes as the verification template; entered on the portal it confirms (a wrong one does not).
    const first = await subscribe({ kelurahan: INSIDE_A, channel: 'whatsapp', phone: wa.local })
    expect(first.statusCode, first.body).toBe(201)
    const sub = json<{ id: string; isConfirmed: boolean }>(first)
    expect(sub.isConfirmed).toBe(false)
    const code = await codeSentTo(wa.wa)
    expect(fake.sent.find((m) => m.to === wa.wa)?.template?.name).toBe('kode_verifikasi')
    const wrong = code === '000000' ? '111111' : '000000'
    expect((await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/confirm', payload: { id: sub.id, code: wrong } })).statusCode).toBe(404)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/confirm', payload: { id: sub.id, code } })).statusCode).toBe(204)

    // The same number for a second kelurahan of the area, confirmed by replying the code on WhatsApp.
    expect((await subscribe({ kelurahan: INSIDE_B, channel: 'whatsapp', phone: `+${wa.wa}` })).statusCode).toBe(201)
    const second = await codeSentTo(wa.wa)
    expect((await whatsappWebhook(whatsappText(wa.wa, second))).statusCode).toBe(200)
    await runJobs()
    expect(fake.sent.at(-1)).toMatchObject({ to: wa.wa, text: expect.stringContaining('Anda akan menerima peringatan dini') })

    // SMS, by a code sent as text.
    const smsSub = json<{ id: string }>(await subscribe({ kelurahan: INSIDE_B, channel: 'sms', phone: sms.local }))
    const smsCode = await codeSentTo(sms.local)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/confirm', payload: { id: smsSub.id, code: smsCode } })).statusCode).toBe(204)

    // Telegram: a t.me link whose /start confirms and teaches the bot the chat.
    const tg = json<{ telegramLink: string }>(await subscribe({ kelurahan: INSIDE_A, channel: 'telegram' }))
    expect(tg.telegramLink).toMatch(/^https:\/\/t\.me\/KendaliMagelangBot\?start=[A-Za-z0-9_-]+$/)
    const start = `/start ${new URL(tg.telegramLink).searchParams.get('start')}`
    const started = await inject({
      method: 'POST',
      url: '/api/t/33.71/messaging/telegram/webhook',
      headers: { 'x-telegram-bot-api-secret-token': TG_SECRET },
      payload: telegramUpdate(chat, start),
    })
    expect(started.statusCode).toBe(200)

    // Outside the area, and inside but never confirmed.
    const farSub = json<{ id: string }>(await subscribe({ kelurahan: OUTSIDE, channel: 'sms', phone: far.local }))
    await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/confirm', payload: { id: farSub.id, code: await codeSentTo(far.local) } })
    await subscribe({ kelurahan: INSIDE_A, channel: 'sms', phone: lazy.local })
    await runJobs()

    const before = fake.sent.length
    const alert = await publish({ regions: ['33.71.03'], headline: 'Banjir Kali Progo', instruction: 'Jauhi bantaran sungai.' })
    await runJobs()
    const got = fake.sent.slice(before)
    const toWa = got.filter((m) => m.to === wa.wa)
    expect(toWa.length).toBe(1)
    expect(toWa[0].template).toMatchObject({
      name: 'peringatan_dini',
      parameters: ['[Severe] Banjir Kali Progo', 'Jauhi bantaran sungai.', expect.stringContaining('/p/33.71/alerts')],
    })
    // One SMS message, longer than one SMS: numbered parts.
    const toSms = smsMessages(got.filter((m) => m.to === sms.local))
    expect(toSms.length).toBe(1)
    expect(toSms[0]).toContain('Jauhi bantaran sungai.')
    expect(toSms[0]).toContain('BERHENTI')
    expect(got.filter((m) => m.to === String(chat)).length).toBe(1)
    expect(got.some((m) => m.to === far.local || m.to === lazy.local)).toBe(false)

    type D = { channel: string; status: string }
    const deliveries = async () => json<{ items: D[] }>(await as('operator', { method: 'GET', url: `/api/t/33.71/alerts/${alert.id}/deliveries` })).items
    const phones = (await deliveries()).filter((d) => ['whatsapp', 'sms', 'telegram'].includes(d.channel))
    expect(phones.map((d) => d.channel).sort()).toEqual(['sms', 'telegram', 'whatsapp'])
    expect(phones.every((d) => d.status === 'sent')).toBe(true)
    // WhatsApp reports the message delivered.
    expect((await whatsappWebhook(whatsappStatus(toWa[0].id, wa.wa, 'delivered'))).statusCode).toBe(200)
    expect((await deliveries()).find((d) => d.channel === 'whatsapp')?.status).toBe('delivered')

    // The update and the cancellation follow, once each.
    const mark = fake.sent.length
    const update = await publish({ severity: 'Extreme', headline: 'Banjir Kali Progo meluas' }, `/api/t/33.71/alerts/${alert.id}/update`)
    await runJobs()
    await publish({ note: 'Air sudah surut.' }, `/api/t/33.71/alerts/${update.id}/cancel`)
    await runJobs()
    const followUps = smsMessages(fake.sent.slice(mark).filter((m) => m.to === sms.local))
    expect(followUps.map((text) => text.split('\n')[0])).toEqual(['[PEMBARUAN] Banjir Kali Progo meluas', expect.stringMatching(/^\[DIBATALKAN\]/)])
  })

  it('unsubscribes a number that writes BERHENTI, forgets it, and refuses a forged STOP', async () => {
    const wa = phone()
    const sub = json<{ id: string }>(await subscribe({ kelurahan: INSIDE_A, channel: 'whatsapp', phone: wa.local }))
    await inject({ method: 'POST', url: '/api/t/33.71/subscriptions/confirm', payload: { id: sub.id, code: await codeSentTo(wa.wa) } })
    const count = async () =>
      (
        await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM alert_subscriptions WHERE tenant = '33.71' AND address = $1`, [
          `+${wa.wa}`,
        ])
      )[0].n
    expect(await count()).toBe(1)

    // A STOP signed with another secret changes nothing.
    expect((await whatsappWebhook(whatsappText(wa.wa, 'BERHENTI'), 'forged-secret')).statusCode).toBe(403)
    expect(await count()).toBe(1)

    expect((await whatsappWebhook(whatsappText(wa.wa, 'berhenti'))).statusCode).toBe(200)
    expect(await count()).toBe(0)
    await runJobs()
    expect(fake.sent.at(-1)).toMatchObject({ to: wa.wa, text: expect.stringContaining('berhenti berlangganan') })
    // Past messages no longer keep the number (the farewell itself is still being sent).
    const kept = await server.kendali.ctx.db.query(`SELECT 1 FROM messages WHERE recipient = $1 AND NOT starts_with(topic, 'reply:')`, [`+${wa.wa}`])
    expect(kept.length).toBe(0)

    const before = fake.sent.length
    await publish({ regions: ['33.71.03'], headline: 'Angin kencang' })
    await runJobs()
    expect(fake.sent.slice(before).some((m) => m.to === wa.wa)).toBe(false)
  })
})
