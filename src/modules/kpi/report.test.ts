import { execFileSync } from 'node:child_process'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { periodAt, previousMonth } from './periods.ts'

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const LAST_MONTH = previousMonth(periodAt(new Date(), 'monthly', 'Asia/Jakarta'))
const textOf = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8')

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['executive', 'dispatcher', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('monthly KPI report (PDF)', () => {
  it('gives the leader a PDF in Bahasa Indonesia with the city, the period and the six dimensions', async () => {
    const res = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/report.pdf?period=${LAST_MONTH}` })
    expect(res.statusCode, res.body).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    expect(res.rawPayload.subarray(0, 5).toString()).toBe('%PDF-')
    const text = textOf(res.rawPayload)
    expect(text).toContain('Kota Magelang')
    expect(text).toContain('Laporan Bulanan Kinerja Kota Cerdas')
    expect(text).toContain(`(${LAST_MONTH})`)
    for (const name of ['Tata Kelola', 'Citra Daerah', 'Ekonomi', 'Kualitas Hidup', 'Masyarakat', 'Lingkungan']) expect(text).toContain(name)
    for (const name of ['Smart Governance', 'Smart Branding', 'Smart Economy', 'Smart Living', 'Smart Society', 'Smart Environment']) {
      expect(text).toContain(name)
    }
    // An indicator's value against its target, the formula and the generation time in the city's zone.
    expect(text).toContain('Aduan selesai tepat SLA')
    expect(text).toMatch(/Capaian/)
    expect(text).toContain('rata-rata capaian')
    expect(text).toMatch(/Dibuat: .* WIB/)
  })

  it('speaks English when asked, by parameter or by Accept-Language', async () => {
    for (const opts of [
      { url: `/api/t/33.71/kpi/report.pdf?period=${LAST_MONTH}&lang=en` },
      { url: `/api/t/33.71/kpi/report.pdf?period=${LAST_MONTH}`, headers: { 'accept-language': 'en-GB,en;q=0.9' } },
    ]) {
      const res = await as('executive', { method: 'GET', ...opts })
      expect(res.statusCode, res.body).toBe(200)
      const text = textOf(res.rawPayload)
      expect(text).toContain('Monthly Smart City Performance Report')
      expect(text).toContain('Complaints resolved within SLA')
      expect(text).toContain('Smart Environment')
      expect(text).not.toContain('Tata Kelola')
    }
  })

  it('refuses roles without the dashboard, another city and a malformed period', async () => {
    const url = `/api/t/33.71/kpi/report.pdf?period=${LAST_MONTH}`
    expect((await as('dispatcher', { method: 'GET', url })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url })).statusCode).toBe(403)
    expect((await server.kendali.app.inject({ method: 'GET', url })).statusCode).toBe(401)
    const bad = await as('executive', { method: 'GET', url: '/api/t/33.71/kpi/report.pdf?period=bulan-lalu' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().error.code).toBe('invalid')
  })
})
