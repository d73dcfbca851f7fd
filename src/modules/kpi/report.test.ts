import { execFileSync } from 'node:child_process'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { samplePhoto } from '../../core/media/sample-photo.ts'
import { periodAt, previousMonth } from './periods.ts'

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const LAST_MONTH = previousMonth(periodAt(new Date(), 'monthly', 'Asia/Jakarta'))
const textOf = (pdf: Buffer) => execFileSync('pdftotext', ['-layout', '-', '-'], { input: pdf }).toString('utf8')
const fontsOf = (pdf: Buffer) => execFileSync('pdffonts', ['-'], { input: pdf }).toString('utf8')
const imagesOf = (pdf: Buffer) => execFileSync('pdfimages', ['-list', '-'], { input: pdf }).toString('utf8').trim().split('\n').slice(2)

function multipart(bytes: Buffer, field = 'logo'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kendali${Date.now().toString(16)}`
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="logo.png"\r\nContent-Type: image/png\r\n\r\n`),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['executive', 'dispatcher', 'malang_admin', 'admin']) cookies[who] = await loginCookie(server.kendali, who)
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

  it("prints the city's letterhead and logo set by an admin, a signature block, page numbers and embedded fonts", async () => {
    const settings = {
      heading: ['PEMERINTAH KOTA MAGELANG', 'DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK'],
      address: 'Jl. Sarwo Edie Wibowo No. 2, Magelang',
      signerName: 'Ir. Contoh Penanda, M.T.',
      signerTitle: 'Wali Kota Magelang',
      signerNip: '19700101 199003 1 001',
    }
    // Only an admin sets them, and only what the schema knows.
    expect((await as('executive', { method: 'PUT', url: '/api/t/33.71/kpi/report-settings', payload: settings })).statusCode).toBe(403)
    expect((await as('admin', { method: 'PUT', url: '/api/t/33.71/kpi/report-settings', payload: { ...settings, colour: 'red' } })).statusCode).toBe(400)
    const put = await as('admin', { method: 'PUT', url: '/api/t/33.71/kpi/report-settings', payload: settings })
    expect(put.statusCode, put.body).toBe(200)
    expect(put.json()).toMatchObject({ ...settings, updatedBy: 'admin' })
    const junk = await as('admin', { method: 'PUT', url: '/api/t/33.71/kpi/report-settings/logo', ...multipart(Buffer.from('bukan gambar')) })
    expect(junk.statusCode).toBe(400)
    const logo = await as('admin', { method: 'PUT', url: '/api/t/33.71/kpi/report-settings/logo', ...multipart(await samplePhoto('png', 120, 140)) })
    expect(logo.statusCode, logo.body).toBe(200)
    expect(logo.json().hasLogo).toBe(true)
    const shown = await as('executive', { method: 'GET', url: '/api/t/33.71/kpi/report-settings/logo' })
    expect(shown.headers['content-type']).toBe('image/jpeg')

    const res = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/report.pdf?period=${LAST_MONTH}` })
    expect(res.statusCode, res.body).toBe(200)
    const text = textOf(res.rawPayload)
    for (const line of [...settings.heading, settings.address, settings.signerName, settings.signerTitle, `NIP ${settings.signerNip}`])
      expect(text).toContain(line)
    // The attention list and the summaries the dashboard shows.
    for (const heading of [
      'Perlu perhatian',
      'Kejadian per jenis',
      'Aduan selesai tepat SLA per OPD',
      'Retribusi: realisasi terhadap target',
      'Temuan Rojak per OPD',
    ]) {
      expect(text).toContain(heading)
    }
    const pages = Number(/Halaman 1 dari (\d+)/.exec(text)?.[1])
    expect(pages).toBeGreaterThan(1)
    expect(text).toContain(`Halaman ${pages} dari ${pages}`)
    // Noto Sans shipped with the code, embedded (no reader needs it installed); the logo drawn once.
    const fonts = fontsOf(res.rawPayload)
    expect(fonts).toMatch(/NotoSans-Regular\s+CID TrueType\s+Identity-H\s+yes/)
    expect(fonts).not.toMatch(/Helvetica/)
    expect(imagesOf(res.rawPayload)).toHaveLength(1)
    // A4 portrait.
    expect(execFileSync('pdfinfo', ['-'], { input: res.rawPayload }).toString()).toMatch(/Page size:\s+595\.28 x 841\.89 pts \(A4\)/)
  })

  it('reports a quarter and a year too', async () => {
    const year = LAST_MONTH.slice(0, 4)
    const quarter = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/report.pdf?period=${year}-Q${Math.ceil(Number(LAST_MONTH.slice(5)) / 3)}` })
    expect(quarter.statusCode, quarter.body).toBe(200)
    expect(textOf(quarter.rawPayload)).toContain('Laporan Triwulan Kinerja Kota Cerdas')
    const annual = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/report.pdf?period=${year}` })
    expect(textOf(annual.rawPayload)).toContain('Laporan Tahunan Kinerja Kota Cerdas')
    expect((await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/report.pdf?period=${year}-Q5` })).statusCode).toBe(400)
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
