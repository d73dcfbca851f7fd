import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startRedirectTrap } from '../../../test/support/redirect-trap.ts'
import { agencyIdsOf, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { listEvents } from '../../core/events/log.ts'
import { reencodePhoto } from '../../core/media/photos.ts'
import { samplePhoto } from '../../core/media/sample-photo.ts'
import { type ReportsServices, reportsServices } from './index.ts'
import type { ReportCaller } from './reports.ts'

// SLA clocks with a controlled clock: reports are made "in the past" (January 2026) and due jobs are run
// with JobQueue.runDue(limit, now), so only this file's jobs are due and no test waits for time to pass.

const TENANT = '33.71'
let server: TestServer
let s: ReportsServices
const operator: ReportCaller = { actor: 'operator', isOperator: true, seesAll: true, agencyIds: 'all' }
let officer: ReportCaller
const wib = (local: string) => new Date(`${local}+07:00`)
const iso = (t: string | null) => (t ? new Date(t).toISOString() : null)

async function runDueUntil(now: Date): Promise<void> {
  while ((await server.kendali.ctx.jobs.runDue(50, now)) > 0) {
    // keep claiming until nothing more is due at `now`
  }
}

async function escalations(reportId: string) {
  const events = await listEvents(server.kendali.ctx.db, TENANT, { topics: ['reports'], types: ['report.escalated'], order: 'asc', limit: 1000 })
  return events.filter((e) => e.entity === reportId).map((e) => ({ level: e.data.level, to: e.data.to, clock: e.data.clock, at: e.at }))
}

let spot = 0
async function submitAt(now: Date, category = 'jalan_rusak', reporter?: { phone: string }) {
  spot += 1
  return s.reports.submit(
    server.kendali.ctx.db,
    TENANT,
    {
      category,
      description: 'Jalan berlubang di depan pasar',
      location: { type: 'Point', coordinates: [110.2176 + spot * 0.0002, -7.4773 - 0.02] },
      consent: true,
      reporter,
    },
    { source: 'web', actor: null, ip: null },
    now,
  )
}

beforeAll(async () => {
  // The reporters' gateway below runs on loopback.
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  s = reportsServices(server.kendali.ctx)
  officer = {
    actor: 'agency_officer',
    isOperator: false,
    seesAll: false,
    agencyIds: await agencyIdsOf(server.kendali, 'agency_officer', TENANT),
  }
})
afterAll(() => server.close())

describe('SLA escalation', () => {
  it('escalates an overdue assigned report to the OPD head, then to the command center, counting working hours only', async () => {
    const db = server.kendali.ctx.db
    // Wednesday 7 January 2026, 09:00 WIB; the demo city works 07:30–16:00 on weekdays.
    const report = await submitAt(wib('2026-01-07T09:00:00'))
    await s.reports.verify(db, TENANT, operator, report.id, undefined, wib('2026-01-07T09:05:00'))
    const assigned = await s.reports.assign(db, TENANT, operator, report.id, {}, wib('2026-01-07T09:10:00'))
    // 16 working hours for DPUPR: 6 h 50 min on Wednesday, 8 h 30 min on Thursday, 40 min on Friday.
    expect(iso(assigned.sla.statusDueAt)).toBe(wib('2026-01-09T08:10:00').toISOString())

    await runDueUntil(wib('2026-01-09T08:09:00'))
    expect(await escalations(report.id)).toEqual([])
    await runDueUntil(wib('2026-01-09T08:11:00'))
    expect(await escalations(report.id)).toEqual([{ level: 1, to: 'agency_head', clock: 'assigned', at: expect.any(String) }])

    // One more SLA period without a move: Friday's rest, the weekend skipped, Monday until 15:40.
    await runDueUntil(wib('2026-01-12T15:39:00'))
    expect(await escalations(report.id)).toHaveLength(1)
    await runDueUntil(wib('2026-01-12T15:41:00'))
    expect((await escalations(report.id)).map((e) => e.to)).toEqual(['agency_head', 'command_center'])

    const detail = await s.reports.detail(db, TENANT, report.id, operator, wib('2026-01-12T15:42:00'))
    expect(detail.sla).toMatchObject({ escalationLevel: 2, overdue: true })
    expect(detail.timeline.filter((e) => e.kind === 'escalated').map((e) => iso(e.at))).toEqual([
      wib('2026-01-09T08:10:00').toISOString(),
      wib('2026-01-12T15:40:00').toISOString(),
    ])

    // Starting work restarts the clock: the escalation level goes back to 0.
    const started = await s.reports.start(db, TENANT, officer, report.id, undefined, wib('2026-01-12T15:45:00'))
    expect(started.sla.escalationLevel).toBe(0)
  })

  it('does nothing when the report moved on before its deadline', async () => {
    const db = server.kendali.ctx.db
    const report = await submitAt(wib('2026-01-07T10:00:00'))
    // Verified at 11:00, before the 4 working hours of `submitted` ran out (14:00).
    await s.reports.verify(db, TENANT, operator, report.id, undefined, wib('2026-01-07T11:00:00'))
    await runDueUntil(wib('2026-01-07T14:30:00'))
    expect(await escalations(report.id)).toEqual([])
  })

  it('sends a report nobody verified straight to the command center', async () => {
    const report = await submitAt(wib('2026-01-07T13:00:00'))
    // 4 working hours from Wednesday 13:00: 3 h on Wednesday, 1 h from Thursday 07:30.
    await runDueUntil(wib('2026-01-08T08:31:00'))
    expect(await escalations(report.id)).toEqual([{ level: 2, to: 'command_center', clock: 'submitted', at: expect.any(String) }])
  })

  it('closes a resolved report when the reopen window has passed', async () => {
    const db = server.kendali.ctx.db
    const report = await submitAt(wib('2026-01-07T08:00:00'))
    await s.reports.verify(db, TENANT, operator, report.id, undefined, wib('2026-01-07T08:10:00'))
    await s.reports.assign(db, TENANT, operator, report.id, {}, wib('2026-01-07T08:20:00'))
    await s.reports.start(db, TENANT, officer, report.id, undefined, wib('2026-01-07T09:00:00'))
    const proof = await s.reports.addPhoto(
      db,
      TENANT,
      await s.reports.get(db, TENANT, report.id, operator),
      'proof',
      await reencodePhoto(await samplePhoto()),
      'agency_officer',
      wib('2026-01-07T10:00:00'),
    )
    await s.reports.resolve(db, TENANT, officer, report.id, { note: 'Sudah ditambal', proofPhotoId: proof.id }, wib('2026-01-07T10:05:00'))
    await runDueUntil(wib('2026-01-14T10:04:00'))
    expect((await s.reports.get(db, TENANT, report.id, operator)).status).toBe('resolved')
    await runDueUntil(wib('2026-01-14T10:06:00'))
    const closed = await s.reports.get(db, TENANT, report.id, operator)
    expect(closed.status).toBe('closed')
    expect(iso(closed.closedAt)).toBe(wib('2026-01-14T10:05:00').toISOString())
  })
})

describe('reporter notifications', () => {
  let gateway: Server
  const received: { headers: IncomingHttpHeaders; body: string }[] = []
  let failNext = 1

  beforeAll(async () => {
    gateway = createServer((req, res) => {
      let body = ''
      req.on('data', (chunk) => {
        body += chunk
      })
      req.on('end', () => {
        received.push({ headers: req.headers, body })
        res.statusCode = failNext-- > 0 ? 503 : 204
        res.end()
      })
    })
    await new Promise<void>((resolve) => gateway.listen(0, '127.0.0.1', resolve))
  })
  afterAll(async () => {
    await s.reports.putSettings(server.kendali.ctx.db, TENANT, 'system:test', { webhookUrl: null, webhookSecret: null })
    await new Promise((resolve) => gateway.close(resolve))
  })

  it('posts each public status change to the gateway signed with HMAC, retrying until delivered', async () => {
    const db = server.kendali.ctx.db
    const secret = 'rahasia-gateway-sms-0123456789'
    const { port } = gateway.address() as AddressInfo
    await s.reports.putSettings(db, TENANT, 'system:test', { webhookUrl: `http://127.0.0.1:${port}/kendali`, webhookSecret: secret })
    const [stored] = await db.query<{ webhook_secret: string }>('SELECT webhook_secret FROM report_settings WHERE tenant = $1', [TENANT])
    expect(stored.webhook_secret).not.toContain(secret)
    const report = await submitAt(new Date(), 'sampah_liar', { phone: '081233344455' })
    await s.reports.verify(db, TENANT, operator, report.id, 'Terima kasih, laporan diverifikasi')

    await server.kendali.ctx.jobs.runDue(50)
    expect(received).toHaveLength(1)
    let [delivery] = (await s.reports.detail(db, TENANT, report.id, operator)).deliveries
    expect(delivery).toMatchObject({ channel: 'webhook', status: 'pending', attempts: 1, lastError: 'The gateway answered 503' })

    // The retry comes after the queue's backoff; run it as if a minute had passed.
    await server.kendali.ctx.jobs.runDue(50, new Date(Date.now() + 60_000))
    expect(received).toHaveLength(2)
    ;[delivery] = (await s.reports.detail(db, TENANT, report.id, operator)).deliveries
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 2 })

    const { headers, body } = received[1]
    const timestamp = String(headers['x-kendali-timestamp'])
    expect(headers['x-kendali-signature']).toBe(`sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`)
    const payload = JSON.parse(body) as { to: { phone: string }; report: { number: string; status: string }; message: string }
    expect(payload).toMatchObject({ to: { phone: '081233344455' }, report: { number: report.number, status: 'verified' } })
    expect(payload.message).toContain('Diverifikasi')
  })

  it("refuses a gateway without a secret or at a private address, and follows no redirect into the server's network", async () => {
    const db = server.kendali.ctx.db
    const secret = 'rahasia-gateway-sms-0123456789'
    await expect(s.reports.putSettings(db, TENANT, 'system:test', { webhookUrl: 'https://sms.example.id/kendali', webhookSecret: null })).rejects.toMatchObject(
      {
        code: 'invalid',
        details: { field: 'webhookSecret' },
      },
    )
    await expect(
      s.reports.putSettings(db, TENANT, 'system:test', { webhookUrl: 'http://169.254.169.254/latest/meta-data/', webhookSecret: secret }),
    ).rejects.toMatchObject({ code: 'invalid', details: { field: 'webhookUrl' } })

    const trap = await startRedirectTrap()
    try {
      await s.reports.putSettings(db, TENANT, 'system:test', { webhookUrl: `${trap.url}/kendali`, webhookSecret: secret })
      const report = await submitAt(new Date(), 'sampah_liar', { phone: '081233344466' })
      await s.reports.verify(db, TENANT, operator, report.id, 'Terima kasih, laporan diverifikasi')
      await server.kendali.ctx.jobs.runDue(50)
      const [delivery] = (await s.reports.detail(db, TENANT, report.id, operator)).deliveries
      expect(delivery).toMatchObject({ channel: 'webhook', status: 'pending', attempts: 1, lastError: expect.stringContaining('127.0.0.2') })
      expect(trap.trapped()).toBe(0)
    } finally {
      await trap.close()
    }
  })
})
