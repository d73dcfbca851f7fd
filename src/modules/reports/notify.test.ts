import type { AddressInfo } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { listEvents } from '../../core/events/log.ts'
import { type ReportsServices, reportsServices } from './index.ts'
import type { ReportCaller } from './reports.ts'

// Reporter e-mail through a real SMTP server on a local port; the retry after a refusal runs with
// JobQueue.runDue(limit, now) a minute ahead instead of waiting for the backoff.

const TENANT = '33.71'
const operator: ReportCaller = { actor: 'operator', isOperator: true, seesAll: true, agencyIds: 'all' }
let smtp: SMTPServer
let server: TestServer
let s: ReportsServices
const mails: { from: string; to: string[]; raw: string }[] = []
let refuseNext = 0

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo: (_address, _session, callback) => {
      if (refuseNext-- > 0) {
        callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }))
        return
      }
      callback()
    },
    onData: (stream, session, callback) => {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (chunk: string) => {
        raw += chunk
      })
      stream.on('end', () => {
        const from = session.envelope.mailFrom
        mails.push({ from: from ? from.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve))
  const { port } = smtp.server.address() as AddressInfo
  server = await startTestKendali({
    listen: false,
    env: {
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      SMTP_FROM: 'Kendali Magelang <aduan@magelangkota.go.id>',
      PUBLIC_URL: 'https://kendali.magelangkota.go.id',
    },
  })
  s = reportsServices(server.kendali.ctx)
})
afterAll(async () => {
  await server.close()
  await new Promise<void>((resolve) => smtp.close(() => resolve()))
})

/** The body as written, undoing quoted-printable soft breaks and escapes (enough for ASCII checks). */
function quotedPrintable(raw: string): string {
  return raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)))
}

let spot = 0
function submit(reporter: { name?: string; phone?: string; email?: string } | undefined) {
  spot += 1
  return s.reports.submit(
    server.kendali.ctx.db,
    TENANT,
    {
      category: 'lampu_jalan_mati',
      description: 'Lampu jalan mati sejak kemarin malam',
      location: { type: 'Point', coordinates: [110.2176 + spot * 0.0003, -7.4773 - 0.03] },
      consent: true,
      reporter,
    },
    { source: 'web', actor: null, ip: null },
  )
}

describe('reporter e-mail', () => {
  it('mails the reporter on a public status change through SMTP, retrying after a refusal', async () => {
    const db = server.kendali.ctx.db
    const email = `warga.${process.pid}.${Date.now()}@example.id`
    const report = await submit({ name: 'Sri Wahyuni', email })
    refuseNext = 1
    await s.reports.verify(db, TENANT, operator, report.id, 'Terima kasih, segera kami tindak lanjuti')

    await server.kendali.ctx.jobs.runDue(50)
    let [delivery] = (await s.reports.detail(db, TENANT, report.id, operator)).deliveries
    expect(delivery).toMatchObject({ channel: 'email', status: 'pending', attempts: 1 })
    expect(delivery.lastError).toContain('Mailbox busy')
    expect(mails.filter((m) => m.to.includes(email))).toEqual([])

    await server.kendali.ctx.jobs.runDue(50, new Date(Date.now() + 60_000))
    ;[delivery] = (await s.reports.detail(db, TENANT, report.id, operator)).deliveries
    expect(delivery).toMatchObject({ channel: 'email', status: 'delivered', attempts: 2, lastError: null })

    const [mail] = mails.filter((m) => m.to.includes(email))
    expect(mail.from).toBe('aduan@magelangkota.go.id')
    expect(mail.raw).toContain(`Subject: Laporan ${report.number}: Diverifikasi`)
    const text = quotedPrintable(mail.raw)
    expect(text).toContain(report.code)
    expect(text).toContain('segera kami tindak lanjuti')
    expect(text).toContain(`https://kendali.magelangkota.go.id/p/33.71/reports/track/${report.code}`)
  })

  it('does not mail a reporter who left only a phone number', async () => {
    const db = server.kendali.ctx.db
    const report = await submit({ phone: '081299988877' })
    await s.reports.verify(db, TENANT, operator, report.id, undefined)
    expect((await s.reports.detail(db, TENANT, report.id, operator)).deliveries).toEqual([])
  })

  it('gives up after the last attempt and records the failure as an event', async () => {
    const db = server.kendali.ctx.db
    const email = `gagal.${process.pid}.${Date.now()}@example.id`
    const report = await submit({ email })
    refuseNext = 6
    await s.reports.verify(db, TENANT, operator, report.id, undefined)
    for (let minute = 0; minute < 6 * 60; minute += 30) {
      await server.kendali.ctx.jobs.runDue(50, new Date(Date.now() + minute * 60_000))
    }
    const [delivery] = (await s.reports.detail(db, TENANT, report.id, operator)).deliveries
    expect(delivery).toMatchObject({ channel: 'email', status: 'failed', attempts: 6 })
    const failed = await listEvents(db, TENANT, { topics: ['reports'], types: ['report.notification_failed'], order: 'asc', limit: 1000 })
    expect(failed.filter((e) => e.entity === report.id).map((e) => e.data.channel)).toEqual(['email'])
    refuseNext = 0
  })
})
