import { execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import ExcelJS from 'exceljs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { startTestSmtp, type TestSmtp } from '../../../test/support/smtp.ts'
import { wallClock } from '../../core/time.ts'
import { briefingService } from './index.ts'

// Scheduled reports through a real SMTP server on a local port; each mail's attachments are opened as a person
// would: the PDF's text with pdftotext (poppler-utils), the XLSX's cells with exceljs.

type Delivery = { id: string; status: string; note: string | null; attachments: string[]; attempts: number; period: string; isTest: boolean }
type Attachment = { filename: string; contentType: string; content: Buffer }

let smtp: TestSmtp
let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

/** The attachments of a MIME message (multipart/mixed, base64 parts as nodemailer writes them). */
function attachmentsOf(raw: string): Attachment[] {
  const boundaries = [...raw.matchAll(/boundary="?([^";\r\n]+)"?/g)].map((m) => m[1])
  const parts = boundaries.flatMap((b) => raw.split(`--${b}`))
  return parts.flatMap((part) => {
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) return []
    const head = part.slice(0, split).replace(/\r\n[ \t]+/g, ' ')
    const filename = /filename="?([^";\r\n]+)"?/.exec(head)?.[1]
    if (!filename || !/Content-Transfer-Encoding: base64/i.test(head)) return []
    const contentType = /Content-Type: ([^;\r\n]+)/i.exec(head)?.[1] ?? ''
    return [{ filename, contentType, content: Buffer.from(part.slice(split + 4).replace(/\s+/g, ''), 'base64') }]
  })
}

function pdfText(pdf: Buffer): string {
  const dir = mkdtempSync(join(tmpdir(), 'briefing-'))
  writeFileSync(join(dir, 'report.pdf'), pdf)
  return execFileSync('pdftotext', ['-layout', join(dir, 'report.pdf'), '-'], { encoding: 'utf8' })
}

async function sheets(xlsx: Buffer): Promise<Record<string, unknown[][]>> {
  const workbook = new ExcelJS.Workbook()
  await workbook.xlsx.load(xlsx as unknown as ArrayBuffer)
  const out: Record<string, unknown[][]> = {}
  workbook.eachSheet((sheet) => {
    const rows: unknown[][] = []
    sheet.eachRow((row) => rows.push((row.values as unknown[]).slice(1)))
    out[sheet.name] = rows
  })
  return out
}

const subjectOf = (raw: string) => /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1].replace(/\r\n[ \t]+/g, ' ') ?? ''
/** MIME encoded-word subjects (UTF-8 "—") decoded. */
const decoded = (subject: string) =>
  subject.replace(/=\?utf-8\?([QB])\?([^?]*)\?=\s?/gi, (_m, enc: string, text: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(
          text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_x, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
          'latin1',
        ).toString('utf8'),
  )

async function schedule(who: string, tenant: string, body: Record<string, unknown>) {
  const res = await as(who, { method: 'POST', url: `/api/t/${tenant}/briefings`, payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return json<{ id: string; nextRunAt: string }>(res)
}
const deliveries = async (tenant: string, id: string) =>
  json<{ items: Delivery[] }>(await as('admin', { method: 'GET', url: `/api/t/${tenant}/briefings/${id}/deliveries` })).items

beforeAll(async () => {
  smtp = await startTestSmtp()
  server = await startTestKendali({ listen: false, env: { SMTP_URL: smtp.url, SMTP_FROM: 'Kendali Magelang <kendali@magelangkota.go.id>' } })
  for (const who of ['admin', 'executive', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(async () => {
  await server.close()
  await smtp.close()
})

describe('scheduled reports', () => {
  it('sends the monthly KPI report to the Wali Kota on the 1st at 07.00 WIB with the PDF and the XLSX, retried once the mail server takes it', async () => {
    const to = `walikota-${Date.now()}@magelangkota.go.id`
    const briefing = await schedule('admin', '33.71', {
      name: 'Laporan KPI bulanan untuk Wali Kota',
      kind: 'kpi_monthly',
      frequency: 'monthly',
      day: 1,
      atTime: '07:00',
      recipients: [{ email: to, name: 'Wali Kota Magelang' }],
    })
    const next = wallClock(new Date(briefing.nextRunAt), 'Asia/Jakarta')
    expect([next.day, next.hour, next.minute]).toEqual(['01', '07', '00'])
    expect(new Date(briefing.nextRunAt).getTime()).toBeGreaterThan(Date.now())

    // Its time comes; the mail server is busy at first.
    await server.kendali.ctx.db.query(`UPDATE briefings SET next_run_at = now() - interval '1 minute' WHERE id = $1`, [briefing.id])
    smtp.refuseNext(1)
    expect(await briefingService(server.kendali.ctx).runDue(server.kendali.ctx.db)).toBeGreaterThanOrEqual(1)
    await server.kendali.ctx.jobs.runDue(50)
    const [first] = await deliveries('33.71', briefing.id)
    expect(first).toMatchObject({ status: 'pending', attempts: 1, isTest: false })
    expect(first.note).toMatch(/Mailbox busy/)
    expect(smtp.mails.filter((m) => m.to.includes(to))).toHaveLength(0)
    // The retry, after the queue's backoff.
    await server.kendali.ctx.jobs.runDue(50, new Date(Date.now() + 15 * 60_000))
    const [sent] = await deliveries('33.71', briefing.id)
    expect(sent).toMatchObject({ status: 'sent', attempts: 2 })
    expect(sent.attachments).toHaveLength(2)

    const mail = smtp.mails.find((m) => m.to.includes(to))
    if (!mail) throw new Error('no mail reached the SMTP server')
    expect(decoded(subjectOf(mail.raw))).toContain(`Laporan KPI Bulanan — Kota Magelang — ${sent.period}`)
    const files = attachmentsOf(mail.raw)
    expect(files.map((f) => f.contentType).sort()).toEqual(['application/pdf', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'])
    const summary = json<{ dimensions: { dimension: string; score: number | null }[] }>(
      await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/summary?period=${sent.period}` }),
    )
    const text = pdfText(files.find((f) => f.contentType === 'application/pdf')?.content ?? Buffer.alloc(0))
    expect(text).toContain('Kota Magelang')
    expect(text).toContain('Smart Governance')
    const cells = await sheets(files.find((f) => f.filename.endsWith('.xlsx'))?.content ?? Buffer.alloc(0))
    expect(cells.Dimensi[0]).toEqual(['Dimensi', 'Skor', 'Skor bulan sebelumnya'])
    const governance = summary.dimensions.find((d) => d.dimension === 'governance')?.score ?? null
    expect(cells.Dimensi.find((r) => r[0] === 'Smart Governance')?.[1] ?? null).toBe(governance)
    expect(cells.Indikator.length).toBeGreaterThan(5)

    // Moved on to the next 1st, 07.00 WIB.
    const [row] = await server.kendali.ctx.db.query<{ next: Date }>(`SELECT next_run_at AS next FROM briefings WHERE id = $1`, [briefing.id])
    expect(row.next.getTime()).toBeGreaterThan(Date.now())
    expect(wallClock(row.next, 'Asia/Jakarta').day).toBe('01')
  })

  it("sends each OPD head their own OPD's complaint SLA on 'kirim uji sekarang', counted as the reports list counts", async () => {
    const agencies = json<{ items: { id: string; code: string }[] }>(await as('admin', { method: 'GET', url: '/api/t/33.71/agencies?limit=100' })).items
    const open = json<{ items: { agencyId: string | null; sla: { overdue: boolean } }[] }>(
      await as('admin', { method: 'GET', url: '/api/t/33.71/reports?status=open&limit=1000' }),
    ).items
    const busiest = agencies.map((a) => ({ ...a, open: open.filter((r) => r.agencyId === a.id) })).sort((a, b) => b.open.length - a.open.length)[0]
    expect(busiest.open.length, 'the demo has open reports for an OPD').toBeGreaterThan(0)
    const head = `kepala-${busiest.code}-${Date.now()}@magelangkota.go.id`
    const briefing = await schedule('admin', '33.71', {
      name: 'SLA aduan mingguan per OPD',
      kind: 'complaint_sla_weekly',
      frequency: 'weekly',
      day: 1,
      atTime: '07:00',
      recipients: [{ email: head, agencyId: busiest.id }],
    })
    const res = await as('admin', { method: 'POST', url: `/api/t/33.71/briefings/${briefing.id}/test` })
    expect(res.statusCode, res.body).toBe(200)
    expect(json<{ items: Delivery[] }>(res).items).toEqual([expect.objectContaining({ status: 'sent', isTest: true, attempts: 1 })])
    const mail = smtp.mails.find((m) => m.to.includes(head))
    if (!mail) throw new Error('no test mail')
    expect(decoded(subjectOf(mail.raw))).toMatch(/^\[UJI\] SLA Aduan per OPD — Kota Magelang/)
    const files = attachmentsOf(mail.raw)
    const cells = await sheets(files.find((f) => f.filename.endsWith('.xlsx'))?.content ?? Buffer.alloc(0))
    const rows = cells['SLA per OPD']
    // Only the head's own OPD, with the list's counts.
    expect(rows).toHaveLength(2)
    expect(rows[1].slice(1, 3)).toEqual([busiest.open.length, busiest.open.filter((r) => r.sla.overdue).length])
    expect(pdfText(files.find((f) => f.contentType === 'application/pdf')?.content ?? Buffer.alloc(0))).toMatch(/SLA Aduan per OPD[\s\S]*Halaman 1 \/ 1/)
  })

  it('skips and logs a daily incident summary when there were no incidents, sending nothing', async () => {
    const to = `pusat-kendali-${Date.now()}@malangkota.go.id`
    const briefing = await schedule('malang_admin', '35.73', {
      name: 'Ringkasan kejadian harian',
      kind: 'incident_daily',
      frequency: 'daily',
      atTime: '06:00',
      recipients: [{ email: to }],
    })
    const res = await as('malang_admin', { method: 'POST', url: `/api/t/35.73/briefings/${briefing.id}/test` })
    expect(res.statusCode, res.body).toBe(200)
    expect(json<{ items: Delivery[] }>(res).items).toEqual([expect.objectContaining({ status: 'skipped', note: 'Tidak ada kejadian kemarin.' })])
    expect(smtp.mails.filter((m) => m.to.includes(to))).toHaveLength(0)
    const [event] = await server.kendali.ctx.db.query<{ type: string }>(
      `SELECT type FROM events WHERE tenant = '35.73' AND entity = $1 ORDER BY seq DESC LIMIT 1`,
      [briefing.id],
    )
    expect(event.type).toBe('briefing.skipped')
  })

  it('refuses a schedule without its day, an OPD of another city, and a reader who is not an admin, changing nothing', async () => {
    const base = { name: 'Mingguan', kind: 'complaint_sla_weekly', frequency: 'weekly', atTime: '07:00', recipients: [{ email: 'a@magelangkota.go.id' }] }
    const [before] = await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM briefings WHERE tenant = '33.71'`)
    const noDay = await as('admin', { method: 'POST', url: '/api/t/33.71/briefings', payload: base })
    expect(noDay.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string } } }>(noDay).error.details.field).toBe('day')
    const malangOpd = json<{ items: { id: string }[] }>(await as('malang_admin', { method: 'GET', url: '/api/t/35.73/agencies' })).items[0].id
    const otherOpd = await as('admin', {
      method: 'POST',
      url: '/api/t/33.71/briefings',
      payload: { ...base, day: 1, recipients: [{ email: 'a@magelangkota.go.id', agencyId: malangOpd }] },
    })
    expect(otherOpd.statusCode).toBe(400)
    expect((await as('admin', { method: 'POST', url: '/api/t/33.71/briefings', payload: { ...base, day: 1, atTime: '24:00' } })).statusCode).toBe(400)
    expect((await as('executive', { method: 'POST', url: '/api/t/33.71/briefings', payload: { ...base, day: 1 } })).statusCode).toBe(403)
    expect((await as('executive', { method: 'GET', url: '/api/t/33.71/briefings' })).statusCode).toBe(200)
    const [after] = await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM briefings WHERE tenant = '33.71'`)
    expect(after.n).toBe(before.n)
  })
})
