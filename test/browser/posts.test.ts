import { beforeAll, describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'
import { json, loginCookie, unique } from '../support/server.ts'

describe('agency posts in the browser', () => {
  const t = browserTest()
  let admin: string
  let dinkes: string

  const post = async (body: Record<string, unknown>) => {
    const res = await t.server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/posts', headers: { cookie: admin }, payload: body })
    expect(res.statusCode, res.body).toBe(201)
    return json<{ id: string; title: string }>(res)
  }

  beforeAll(async () => {
    admin = await loginCookie(t.server.kendali, 'admin')
    const agencies = json<{ items: { id: string; code: string }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=1000' }),
    )
    dinkes = agencies.items.find((a) => a.code === 'dinkes')?.id ?? ''
  })

  it('shows a newly published public post on the open portal without reload, and opens it', async () => {
    const page = await t.newPage({ viewport: { width: 390, height: 844 } })
    await page.goto(`${t.server.url}/p/33.71`)
    await page.getByTestId('posts-section').waitFor()
    // The demo seed's public agenda and announcements are there; its internal and draft posts are not.
    await page.getByTestId('portal-latest').getByText('Jadwal Posyandu Balita dan Lansia Bulan Ini').waitFor()
    expect(await page.getByText('Rapat Evaluasi SLA Aduan Warga Triwulan IV').count()).toBe(0)
    expect(await page.getByText('Rekayasa Lalu Lintas Car Free Day Minggu Pagi').count()).toBe(0)

    const title = unique('Vaksinasi HPV di Sekolah')
    const draft = await post({ kind: 'announcement', agencyId: dinkes, title, body: 'Bagi siswi kelas 5 dan 6 SD.', visibility: 'public' })
    const internal = await post({ kind: 'announcement', agencyId: dinkes, title: unique('Catatan internal'), body: 'x', status: 'published' })
    const published = await t.server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/publish`, headers: { cookie: admin } })
    expect(published.statusCode).toBe(200)
    const line = page.getByTestId('portal-latest').getByText(title)
    await line.waitFor()
    expect(await page.getByText(internal.title).count()).toBe(0)
    await t.shot(page, 'portal-posts', { fullPage: true })

    await line.click()
    await page.getByTestId('post-page').getByRole('heading', { name: title }).waitFor()
    expect(await page.getByTestId('post-page').textContent()).toContain('Dinas Kesehatan')
    await t.shot(page, 'portal-post', { fullPage: true })
    await page.close()
  })

  it('puts an agenda item of today on the console’s agenda as it is published', async () => {
    const page = await t.newPage()
    await t.loginAs(page, 'operator')
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
    await t.shot(page, 'console-agenda')

    await panel.getByTestId('agenda-item').getByText(title).click()
    await page.getByTestId('post-form').waitFor()
    expect(await page.locator('input[name=title]').inputValue()).toBe(title)
    expect(await page.locator('input[name=place]').inputValue()).toBe('Alun-alun Kota Magelang')
    await t.shot(page, 'posts-page')
    await page.close()
  })

  it('writes an agenda item through the staff page in the city’s time, whatever the browser’s zone', async () => {
    const page = await t.newPage({ viewport: { width: 1400, height: 850 }, timezoneId: 'Asia/Jayapura' })
    await t.loginAs(page, 'operator')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    await page.goto(`${t.server.url}/t/33.71/posts`)
    await page.getByTestId('new-post').click()
    const written = unique('Lomba Inovasi Daerah')
    await page.fill('input[name=title]', written)
    await page.fill('textarea[name=body]', 'Presentasi inovasi OPD di hadapan juri.')
    await page.fill('input[name=startsAt]', '2026-12-01T09:00')
    await page.fill('input[name=place]', 'Gedung Wiworo Wiji Pinilih')
    await page.getByTestId('publish').click()
    await page.getByTestId('post-item').filter({ hasText: written }).waitFor()
    const list = json<{ items: { title: string; startsAt: string; status: string; visibility: string }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/posts?kind=agenda&limit=1000', headers: { cookie: admin } }),
    )
    expect(list.items.find((p) => p.title === written)).toMatchObject({ startsAt: '2026-12-01T09:00:00+07:00', status: 'published', visibility: 'public' })
    await page.close()
  })

  it('lets an OPD officer write for their own OPD with the place on a map, shows it publicly, and restores an archived post', async () => {
    // The demo officer works for DPUPR only.
    const page = await t.pageAs('agency_officer', { viewport: { width: 1400, height: 1000 } })
    await page.goto(`${t.server.url}/t/33.71/posts`)
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
    await t.shot(picker, 'posts-place-picker')
    await form.getByTestId('publish').click()
    await page.getByTestId('post-item').filter({ hasText: title }).waitFor()
    const list = json<{ items: { id: string; title: string; agency: { name: string }; location: { coordinates: [number, number] } | null }[] }>(
      await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/posts?kind=agenda&limit=1000', headers: { cookie: admin } }),
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
    await page.goto(`${t.server.url}/t/33.71/posts?id=${other.id}`)
    await page.getByText('Postingan OPD lain: hanya dapat dibaca.').waitFor()
    expect(await page.getByTestId('post-form').locator('input[name=title]').isDisabled()).toBe(true)

    // Archived, then restored: back on the public agenda.
    await page.goto(`${t.server.url}/t/33.71/posts?id=${written?.id}`)
    await page.getByTestId('post-form').getByRole('button', { name: 'Arsipkan' }).click()
    await page.getByTestId('restore').click()
    await page.getByTestId('post-form').getByRole('heading', { name: 'Terbit' }).waitFor()
    await page.close()

    const portal = await t.newPage({ viewport: { width: 390, height: 844 } })
    await portal.goto(`${t.server.url}/p/33.71/posts/${written?.id}`)
    await portal.getByTestId('post-page').getByText('Balai Kelurahan Rejowinangun Utara').waitFor()
    const map = portal.getByTestId('post-place-map')
    await map.locator('canvas').waitFor()
    await portal.waitForTimeout(1000)
    await t.shot(map, 'portal-post-place')
    await portal.close()
  })
})
