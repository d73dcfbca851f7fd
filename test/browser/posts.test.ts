import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { json, loginCookie, startTestServer, type TestServer, unique } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')

describe('agency posts in the browser', () => {
  let server: TestServer
  let browser: Browser
  let admin: string
  let dinkes: string

  const post = async (body: Record<string, unknown>) => {
    const res = await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/posts', headers: { cookie: admin }, payload: body })
    expect(res.statusCode, res.body).toBe(201)
    return json<{ id: string; title: string }>(res)
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
    admin = await loginCookie(server.kendali, 'admin')
    const agencies = json<{ items: { id: string; code: string }[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=1000' }),
    )
    dinkes = agencies.items.find((a) => a.code === 'dinkes')?.id ?? ''
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows a newly published public post on the open portal without reload, and opens it', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'id-ID' })
    await page.goto(`${server.url}/p/33.71`)
    await page.getByTestId('posts-section').waitFor()
    // The demo seed's public agenda and announcements are there; its internal and draft posts are not.
    await page.getByTestId('portal-latest').getByText('Jadwal Posyandu Balita dan Lansia Bulan Ini').waitFor()
    expect(await page.getByText('Rapat Evaluasi SLA Aduan Warga Triwulan IV').count()).toBe(0)
    expect(await page.getByText('Rekayasa Lalu Lintas Car Free Day Minggu Pagi').count()).toBe(0)

    const title = unique('Vaksinasi HPV di Sekolah')
    const draft = await post({ kind: 'announcement', agencyId: dinkes, title, body: 'Bagi siswi kelas 5 dan 6 SD.', visibility: 'public' })
    const internal = await post({ kind: 'announcement', agencyId: dinkes, title: unique('Catatan internal'), body: 'x', status: 'published' })
    const published = await server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/publish`, headers: { cookie: admin } })
    expect(published.statusCode).toBe(200)
    const line = page.getByTestId('portal-latest').getByText(title)
    await line.waitFor()
    expect(await page.getByText(internal.title).count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'portal-posts.png'), fullPage: true })

    await line.click()
    await page.getByTestId('post-page').getByRole('heading', { name: title }).waitFor()
    expect(await page.getByTestId('post-page').textContent()).toContain('Dinas Kesehatan')
    await page.screenshot({ path: join(SHOTS, 'portal-post.png'), fullPage: true })
    await page.close()
  })

  it('puts an agenda item of today on the console’s agenda as it is published', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 }, locale: 'id-ID' })
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', 'operator')
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    const panel = page.getByTestId('agenda-panel')
    await panel.waitFor()

    const title = unique('Apel Siaga Bencana')
    const now = new Date()
    await post({
      kind: 'agenda',
      agencyId: dinkes,
      title,
      body: 'Apel gabungan BPBD, Dinkes dan relawan.',
      place: 'Alun-alun Kota Magelang',
      startsAt: now.toISOString(),
      endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
      visibility: 'internal',
      status: 'published',
    })
    await panel.getByTestId('agenda-item').filter({ hasText: title }).waitFor()
    // Published a moment ago: among the newest posts too.
    await panel.getByTestId('newest-posts').getByText(title).waitFor()
    await panel.scrollIntoViewIfNeeded()
    await page.screenshot({ path: join(SHOTS, 'console-agenda.png') })

    await panel.getByTestId('agenda-item').getByText(title).click()
    await page.getByTestId('post-form').waitFor()
    expect(await page.locator('input[name=title]').inputValue()).toBe(title)
    expect(await page.locator('input[name=place]').inputValue()).toBe('Alun-alun Kota Magelang')
    await page.screenshot({ path: join(SHOTS, 'posts-page.png') })
    await page.close()
  })

  it('writes an agenda item through the staff page in the city’s time, whatever the browser’s zone', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 850 }, locale: 'id-ID', timezoneId: 'Asia/Jayapura' })
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', 'operator')
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    await page.goto(`${server.url}/t/33.71/posts`)
    await page.getByTestId('new-post').click()
    const written = unique('Lomba Inovasi Daerah')
    await page.fill('input[name=title]', written)
    await page.fill('textarea[name=body]', 'Presentasi inovasi OPD di hadapan juri.')
    await page.fill('input[name=startsAt]', '2026-12-01T09:00')
    await page.fill('input[name=place]', 'Gedung Wiworo Wiji Pinilih')
    await page.getByTestId('publish').click()
    await page.getByTestId('post-item').filter({ hasText: written }).waitFor()
    const list = json<{ items: { title: string; startsAt: string; status: string; visibility: string }[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/posts?kind=agenda&limit=1000', headers: { cookie: admin } }),
    )
    expect(list.items.find((p) => p.title === written)).toMatchObject({ startsAt: '2026-12-01T09:00:00+07:00', status: 'published', visibility: 'public' })
    await page.close()
  })

  it('lets an OPD officer write for their own OPD with the place on a map, shows it publicly, and restores an archived post', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, locale: 'id-ID' })
    await page.goto(`${server.url}/login`)
    // The demo officer works for DPUPR only.
    await page.fill('input[name=username]', 'agency_officer')
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/t\//)
    await page.goto(`${server.url}/t/33.71/posts`)
    await page.getByTestId('new-post').click()
    const form = page.getByTestId('post-form')
    const agency = form.locator('select[name=agencyId]')
    expect(await agency.locator('option').allTextContents()).toEqual(['Dinas Pekerjaan Umum dan Penataan Ruang'])
    const title = unique('Sosialisasi Perbaikan Drainase')
    await form.locator('input[name=title]').fill(title)
    await form.locator('textarea[name=body]').fill('Warga diundang mendengar jadwal perbaikan saluran.')
    await form.locator('input[name=startsAt]').fill('2026-12-03T09:00')
    await form.locator('input[name=place]').fill('Balai Kelurahan Rejowinangun Utara')
    const picker = page.getByTestId('post-place-picker')
    await picker.locator('canvas').waitFor()
    await page.waitForTimeout(500)
    await picker.locator('canvas').click()
    await form.getByText('Lokasi kegiatan sudah ditandai').waitFor()
    await picker.screenshot({ path: join(SHOTS, 'posts-place-picker.png') })
    await form.getByTestId('publish').click()
    await page.getByTestId('post-item').filter({ hasText: title }).waitFor()
    const list = json<{ items: { id: string; title: string; agency: { name: string }; location: { coordinates: [number, number] } | null }[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/posts?kind=agenda&limit=1000', headers: { cookie: admin } }),
    )
    const written = list.items.find((p) => p.title === title)
    expect(written?.agency.name).toBe('Dinas Pekerjaan Umum dan Penataan Ruang')
    // Somewhere in Kota Magelang.
    const [lon, lat] = written?.location?.coordinates ?? [0, 0]
    expect(lon).toBeGreaterThan(110.1)
    expect(lon).toBeLessThan(110.3)
    expect(lat).toBeGreaterThan(-7.6)
    expect(lat).toBeLessThan(-7.4)

    // Another OPD's post is read only for them.
    const other = await post({ kind: 'announcement', agencyId: dinkes, title: unique('Pengumuman Dinkes'), body: 'x' })
    await page.goto(`${server.url}/t/33.71/posts?id=${other.id}`)
    await page.getByText('Postingan OPD lain: hanya dapat dibaca.').waitFor()
    expect(await page.getByTestId('post-form').locator('input[name=title]').isDisabled()).toBe(true)

    // Archived, then restored: back on the public agenda.
    await page.goto(`${server.url}/t/33.71/posts?id=${written?.id}`)
    await page.getByTestId('post-form').getByRole('button', { name: 'Arsipkan' }).click()
    await page.getByTestId('restore').click()
    await page.getByTestId('post-form').getByRole('heading', { name: 'Terbit' }).waitFor()
    await page.close()

    const portal = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'id-ID' })
    await portal.goto(`${server.url}/p/33.71/posts/${written?.id}`)
    await portal.getByTestId('post-page').getByText('Balai Kelurahan Rejowinangun Utara').waitFor()
    const map = portal.getByTestId('post-place-map')
    await map.locator('canvas').waitFor()
    await portal.waitForTimeout(1000)
    await map.screenshot({ path: join(SHOTS, 'portal-post-place.png') })
    await portal.close()
  })
})
