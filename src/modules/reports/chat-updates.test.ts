import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type FakeProviders, startFakeProviders, WHATSAPP_PHONE_ID, WHATSAPP_TOKEN } from '../../../test/support/fake-providers.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { EventConsumer } from '../../core/events/consumer.ts'
import { listEvents } from '../../core/events/log.ts'
import { reencodePhoto } from '../../core/media/photos.ts'
import { samplePhoto } from '../../core/media/sample-photo.ts'
import { MAX_ATTEMPTS } from '../../core/messaging/messaging.ts'
import { chatTopicPrefix } from './chat-updates.ts'
import { type ReportsServices, reportChatUpdates, reportsServices } from './index.ts'
import type { ReportCaller } from './reports.ts'

// Complaint updates by WhatsApp (and the other chat channels) through ctx.messaging, against the local fake providers:
// the reporter leaves a number at intake, each told status change becomes one delivery record.

const PUBLIC_URL = 'https://kendali.magelangkota.go.id'
const operator: ReportCaller = { actor: 'operator', isOperator: true, seesAll: true, agencyIds: 'all' }
const officer: ReportCaller = { actor: 'agency_officer', isOperator: false, seesAll: false, agencyIds: 'all' }

let server: TestServer
let fake: FakeProviders
let s: ReportsServices
let consumer: EventConsumer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

let serial = 0
/** A mobile number no other test of this run uses, as a person types it and as WhatsApp writes it. */
function phone(): { local: string; wa: string } {
  serial += 1
  const tail = `${process.pid % 10_000}`.padStart(4, '0') + `${serial}`.padStart(3, '0')
  return { local: `0815${tail}`, wa: `62815${tail}` }
}

function whatsapp(version: string) {
  return {
    kind: 'whatsapp',
    enabled: true,
    ratePerSecond: 80,
    settings: { apiBaseUrl: `${fake.url}/${version}`, phoneNumberId: WHATSAPP_PHONE_ID },
    secrets: { accessToken: WHATSAPP_TOKEN, appSecret: 'reports-app-secret', verifyToken: 'reports-verify' },
  }
}

/** The consumer reads the new events, then the dispatch jobs hand the messages over (both clocks at `now`). */
async function deliver(now = new Date()) {
  server.kendali.ctx.messaging.clock = () => now
  await consumer.poke()
  while ((await server.kendali.ctx.jobs.runDue(50, now)) > 0);
}

let spot = 0
async function report(tenant: string, body: Record<string, unknown>, at: [number, number] = [110.2176, -7.5073]) {
  spot += 1
  return inject({
    method: 'POST',
    url: `/api/t/${tenant}/reports`,
    remoteAddress: `10.20.${Math.floor(spot / 250)}.${spot % 250}`,
    payload: {
      category: 'jalan_rusak',
      description: 'Jalan berlubang dalam di depan sekolah',
      location: { type: 'Point', coordinates: [at[0] + spot * 0.0004, at[1]] },
      consent: true,
      ...body,
    },
  })
}

async function resolveWithProof(tenant: string, id: string, note: string) {
  const db = server.kendali.ctx.db
  const proof = await s.reports.addPhoto(
    db,
    tenant,
    await s.reports.get(db, tenant, id, operator),
    'proof',
    await reencodePhoto(await samplePhoto()),
    'agency_officer',
  )
  await s.reports.resolve(db, tenant, officer, id, { note, proofPhotoId: proof.id })
}

beforeAll(async () => {
  fake = await startFakeProviders()
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1', PUBLIC_URL } })
  s = reportsServices(server.kendali.ctx)
  for (const who of ['admin', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
  // The city offers WhatsApp only: other test files on this worker's database give 33.71 Telegram and SMS too.
  await server.kendali.ctx.db.query(`DELETE FROM messaging_channels WHERE tenant = '33.71' AND kind <> 'whatsapp'`)
  const res = await as('admin', { method: 'PUT', url: '/api/t/33.71/messaging/channels', payload: whatsapp('v21.0') })
  expect(res.statusCode, res.body).toBe(200)
  const { ctx } = server.kendali
  consumer = new EventConsumer(reportChatUpdates(ctx, s), {
    db: () => ctx.db,
    bus: ctx.bus,
    holdsLease: async () => true,
    pollMs: 3_600_000,
    onError: (err) => {
      throw err
    },
  })
  await consumer.start()
})

afterAll(async () => {
  await consumer.stop()
  await server.close()
  await fake.close()
})

describe('complaint updates by chat', () => {
  it('offers the channels the city configured', async () => {
    const res = await inject({ method: 'GET', url: '/api/t/33.71/reports/update-channels' })
    expect(res.statusCode).toBe(200)
    expect(json<{ channels: string[] }>(res).channels).toEqual(['whatsapp'])
  })

  it('tells a WhatsApp reporter of each status change (verified, routed, being handled, done) once, in order, in Bahasa Indonesia with the tracking link', async () => {
    const db = server.kendali.ctx.db
    const to = phone()
    const res = await report('33.71', { updates: { channel: 'whatsapp', to: to.local } })
    expect(res.statusCode, res.body).toBe(201)
    const { id, number, code } = json<{ id: string; number: string; code: string }>(res)
    await deliver()
    // Submitting is not a status change the reporter is told of (they got the tracking code in the answer).
    expect(fake.sent.filter((m) => m.to === to.wa)).toEqual([])

    await s.reports.verify(db, '33.71', operator, id, 'Terima kasih atas laporannya')
    await deliver()
    await s.reports.assign(db, '33.71', operator, id, { note: 'internal: cek anggaran dulu' })
    await deliver()
    await s.reports.start(db, '33.71', officer, id, undefined)
    await deliver()
    await resolveWithProof('33.71', id, 'Lubang sudah ditambal aspal')
    await deliver()

    const texts = fake.sent.filter((m) => m.to === to.wa).map((m) => m.text)
    const link = `${PUBLIC_URL}/p/33.71/reports/track/${code}`
    expect(texts).toHaveLength(4)
    expect(texts[0]).toBe(
      `Laporan ${number} sudah diverifikasi dan segera diteruskan ke dinas yang menangani. Catatan: Terima kasih atas laporannya Lacak: ${link}`,
    )
    expect(texts[1]).toMatch(new RegExp(`^Laporan ${number} diteruskan ke Dinas .+\\. Lacak: `))
    // The operator's routing note is internal.
    expect(texts[1]).not.toContain('anggaran')
    expect(texts[2]).toMatch(new RegExp(`^Laporan ${number} sedang dikerjakan oleh Dinas `))
    expect(texts[3]).toBe(
      `Laporan ${number} selesai ditangani: Lubang sudah ditambal aspal Lihat hasil dan foto buktinya: ${link} — belum beres? Buka kembali di sana dalam 7 hari.`,
    )
    const records = await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))
    expect(records.map((r) => r.state)).toEqual(['sent', 'sent', 'sent', 'sent'])
    expect(new Set(records.map((r) => r.recipient))).toEqual(new Set([`+${to.wa}`]))

    // The same events handled again (a crash before the consumer noted its progress) send nothing more.
    const spec = reportChatUpdates(server.kendali.ctx, s)
    const events = await listEvents(db, '33.71', { topics: ['reports'], types: ['report.status_changed'], order: 'asc', limit: 10_000 })
    const mine = events.filter((e) => e.entity === id)
    expect(mine.length).toBe(4)
    for (const e of mine) await spec.handle(db, e)
    await deliver()
    expect(fake.sent.filter((m) => m.to === to.wa)).toHaveLength(4)
    expect(await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))).toHaveLength(4)
  })

  it('writes in English to a reporter who reported in English, gives the reason of a rejection, and forgets the number when retention ends', async () => {
    const db = server.kendali.ctx.db
    const to = phone()
    const res = await report('33.71', { updates: { channel: 'whatsapp', to: `+${to.wa}` }, language: 'en' })
    expect(res.statusCode, res.body).toBe(201)
    const { id, number, code } = json<{ id: string; number: string; code: string }>(res)
    await s.reports.reject(db, '33.71', operator, id, 'The road belongs to the province')
    await deliver()
    expect(fake.sent.filter((m) => m.to === to.wa).map((m) => m.text)).toEqual([
      `Your report ${number} was rejected. Reason: The road belongs to the province. Track it: ${PUBLIC_URL}/p/33.71/reports/track/${code}`,
    ])

    // The number is kept for the report's retention period only: then it goes, with the messages that held it.
    expect(await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))).toHaveLength(1)
    await s.reports.eraseExpiredContacts(db, 30, new Date(Date.now() + 29 * 86_400_000))
    expect(await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))).toHaveLength(1)
    await s.reports.eraseExpiredContacts(db, 30, new Date(Date.now() + 31 * 86_400_000))
    expect(await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))).toEqual([])
    const [row] = await db.query<{ updates_to: string | null }>('SELECT updates_to FROM reports WHERE id = $1', [id])
    expect(row.updates_to).toBeNull()
  })

  it('refuses an invalid number or a channel the city does not offer at intake, in words, and stores nothing', async () => {
    const before = fake.sent.length
    const bad = await report('33.71', { updates: { channel: 'whatsapp', to: '0812' } })
    expect(bad.statusCode).toBe(400)
    const error = json<{ error: { message: string; details?: { field?: string } } }>(bad).error
    expect(error.message).toBe('0812 is not a phone number: write it as 08… or with the country code, +62…')
    expect(error.details?.field).toBe('updates.to')
    const sms = await report('33.71', { updates: { channel: 'sms', to: '081234567890' } })
    expect(sms.statusCode).toBe(400)
    expect(json<{ error: { message: string } }>(sms).error.message).toBe('This city sends no report updates by SMS: choose whatsapp')
    const pigeon = await report('33.71', { updates: { channel: 'pigeon', to: '081234567890' } })
    expect(pigeon.statusCode).toBe(400)
    await deliver()
    expect(fake.sent.length).toBe(before)
  })

  it('retries while the provider is down, then marks the update failed with the provider’s reason', async () => {
    const db = server.kendali.ctx.db
    const to = phone()
    const res = await report('33.71', { updates: { channel: 'whatsapp', to: to.local } })
    const { id } = json<{ id: string }>(res)
    fake.outage('whatsapp', 100)
    try {
      await s.reports.verify(db, '33.71', operator, id, undefined)
      let now = new Date()
      await deliver(now)
      let [r] = await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))
      expect(r).toMatchObject({ state: 'queued', attempts: 1 })
      for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt++) {
        now = new Date(now.getTime() + 3_600_000)
        await deliver(now)
        ;[r] = await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))
        expect(r.attempts).toBe(attempt)
      }
      expect(r.state).toBe('failed')
      expect(r.reason).toContain('Service temporarily unavailable')
      expect(fake.sent.filter((m) => m.to === to.wa)).toEqual([])
    } finally {
      fake.outage('whatsapp', 0)
      server.kendali.ctx.messaging.clock = () => new Date()
    }
  })

  it('sends another city’s updates only through that city’s own channel', async () => {
    const db = server.kendali.ctx.db
    // Kota Malang has no WhatsApp channel yet: Magelang's is not offered there.
    const dinkes = json<{ items: { id: string; code: string }[] }>(await as('malang_admin', { method: 'GET', url: '/api/t/35.73/agencies' })).items.find(
      (a) => a.code === 'dinkes',
    )
    const category = await as('malang_admin', {
      method: 'PUT',
      url: '/api/t/35.73/report-categories/jalan_rusak',
      payload: {
        label: { id: 'Jalan rusak', en: 'Damaged road' },
        agencyId: dinkes?.id,
        slaHours: { submitted: 4, verified: 4, assigned: 24, in_progress: 72 },
        totalSlaHours: 120,
      },
    })
    expect(category.statusCode, category.body).toBe(200)
    const malang: [number, number] = [112.6304, -7.9666]
    const to = phone()
    const refused = await report('35.73', { updates: { channel: 'whatsapp', to: to.local } }, malang)
    expect(refused.statusCode, refused.body).toBe(400)
    expect(json<{ error: { message: string } }>(refused).error.message).toContain('no report updates by WhatsApp')

    // Its own channel, at another API version so the requests tell the two apart.
    const own = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/messaging/channels', payload: whatsapp('v20.0') })
    expect(own.statusCode, own.body).toBe(200)
    const res = await report('35.73', { updates: { channel: 'whatsapp', to: to.local } }, malang)
    expect(res.statusCode, res.body).toBe(201)
    const { id, number } = json<{ id: string; number: string }>(res)
    await s.reports.verify(db, '35.73', operator, id, undefined)
    await deliver()
    const sent = fake.sent.filter((m) => m.to === to.wa)
    expect(sent.map((m) => m.path)).toEqual([`/v20.0/${WHATSAPP_PHONE_ID}/messages`])
    expect(sent[0].text).toContain(`Laporan ${number} sudah diverifikasi`)
    expect(sent[0].text).toContain(`${PUBLIC_URL}/p/35.73/reports/track/`)
    expect(await server.kendali.ctx.messaging.records(db, '33.71', chatTopicPrefix(id))).toEqual([])
    expect(await server.kendali.ctx.messaging.records(db, '35.73', chatTopicPrefix(id))).toHaveLength(1)
    // Magelang's updates kept going through Magelang's channel.
    expect(fake.sent.filter((m) => m.to.startsWith('62815') && m.path.startsWith('/v20.0/')).map((m) => m.to)).toEqual([to.wa])
  })
})
