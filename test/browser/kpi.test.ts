import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { kpiService } from '../../src/modules/kpi/index.ts'
import { periodAt, previousMonth } from '../../src/modules/kpi/periods.ts'
import { browserTest } from '../support/browser.ts'
import { startFakeCamera } from '../support/fake-camera.ts'
import { loginCookie, restartablePort, startTestServer } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

/** A point inside each region (its label point in the boundary file), on the choropleth map's canvas in page pixels. */
async function pointsOnMap(page: Page, codes: string[]): Promise<Record<string, { x: number; y: number }>> {
  const file = JSON.parse(readFileSync(join(ROOT, 'src/modules/tenancy/regions/jawa-tengah-33-kabkota.geojson'), 'utf8'))
  const inside = new Map<string, { lat: number; lng: number }>(
    file.features.map((f: { properties: { code: string; lat: number; lng: number } }) => [f.properties.code, f.properties]),
  )
  const box = await page.locator('[data-testid=kpi-choropleth] canvas').boundingBox()
  const bbox = (await (await page.request.get(`${new URL(page.url()).origin}/api/t/33`)).json()).bbox as [number, number, number, number]
  if (!box) throw new Error('the map has no canvas')
  // Web Mercator, as MapLibre fits the bounds with 40 px padding around them.
  const x = (lng: number) => (lng + 180) / 360
  const y = (lat: number) => (180 - (180 / Math.PI) * Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360))) / 360
  const scale = Math.min((box.width - 80) / (x(bbox[2]) - x(bbox[0])), (box.height - 80) / (y(bbox[1]) - y(bbox[3])))
  const [cx, cy] = [(x(bbox[0]) + x(bbox[2])) / 2, (y(bbox[1]) + y(bbox[3])) / 2]
  return Object.fromEntries(
    codes.map((code) => {
      const p = inside.get(code)
      if (!p) throw new Error(`no region ${code} in the boundary file`)
      return [code, { x: box.x + box.width / 2 + (x(p.lng) - cx) * scale, y: box.y + box.height / 2 + (y(p.lat) - cy) * scale }]
    }),
  )
}

describe('executive dashboard and situation room in the browser', () => {
  // The wall test stops and restarts the server where the screen expects it.
  // The wall's camera is a fake one on loopback.
  const t = browserTest({ server: { port: restartablePort(), env: { OUTBOUND_ALLOW: '127.0.0.1' } } })

  const loggedIn = (username: string) => t.pageAs(username, { viewport: { width: 1920, height: 1080 } })

  it('drills from the six dimension tiles to an indicator with its series and OPD breakdown', async () => {
    const page = await loggedIn('executive')
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.getByTestId('staff-nav').getByRole('link', { name: 'Dasbor Eksekutif' }).click()
    for (const d of ['governance', 'branding', 'economy', 'living', 'society', 'environment']) await page.getByTestId(`tile-${d}`).waitFor()
    await page.getByRole('button', { name: 'Cara menghitung skor' }).click()
    await expect.poll(() => page.getByTestId('kpi-formula').textContent()).toMatch(/rata-rata capaian/)
    await page.getByTestId('tile-governance').click()
    const table = page.getByTestId('kpi-indicators')
    await table.getByRole('link', { name: 'CCTV daring' }).waitFor()
    // A module that is not installed says so instead of showing zero.
    await t.shot(page, 'kpi-dashboard-1920')
    await table.getByRole('link', { name: 'Aduan selesai tepat SLA' }).click()
    await expect.poll(() => page.getByTestId('kpi-indicator-name').textContent()).toBe('Aduan selesai tepat SLA')
    await page.locator('[data-testid=kpi-series-chart] canvas').waitFor()
    await page.getByText('Sumber dan rumus').click()
    await page.getByText(/sebelum batas SLA/).waitFor()
    await t.shot(page, 'kpi-indicator-1920')
    await page.close()
  })

  it('keeps the dashboard pages and ECharts off the public portal until a page needs them', async () => {
    const page = await t.newPage({ viewport: { width: 1920, height: 1080 } })
    const scripts: string[] = []
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname)
    })
    await page.goto(`${t.server.url}/p/33.71`, { waitUntil: 'networkidle' })
    expect(scripts.length).toBeGreaterThan(0)
    expect(scripts.filter((s) => /echarts|installCanvasRenderer|Dashboard-|RollupPage-|IndicatorPage-|WallPage-/.test(s))).toEqual([])
    await page.close()
  })

  it('leads an OPD officer to the indicators of their OPD and offers the entry form on those only', async () => {
    // The demo officer works for DPUPR, which owns the green open space.
    const page = await loggedIn('agency_officer')
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.getByTestId('staff-nav').getByRole('link', { name: 'Dasbor Eksekutif' }).click()
    const own = page.getByTestId('kpi-own')
    await own.getByRole('link', { name: 'Ruang terbuka hijau' }).waitFor()
    expect(await own.getByRole('link').count()).toBe(1)
    await t.shot(page, 'kpi-officer-1920')
    await own.getByRole('link', { name: 'Ruang terbuka hijau' }).click()
    await expect.poll(() => page.getByTestId('kpi-owner').textContent()).toBe('OPD pemilik: DPUPR')
    const form = page.locator('form.kpi-entry')
    await form.getByLabel('Nilai').fill('24.5')
    await form.getByLabel('Periode').fill(String(new Date().getFullYear()))
    await form.getByLabel('Catatan').fill('Taman baru Kiringan')
    await form.getByRole('button', { name: 'Simpan' }).click()
    await page.locator('table.kpi-series').getByText('Taman baru Kiringan').waitFor()
    // City events belong to Diskominsta: no form for this officer there.
    await page.goto(`${t.server.url}/t/33.71/kpi/indicators/city_events`)
    await page.getByTestId('kpi-indicator-name').waitFor()
    expect(await page.locator('form.kpi-entry').count()).toBe(0)
    await page.close()
  })

  it('maps the kelurahan breakdown of an indicator on the city boundaries', async () => {
    const page = await loggedIn('admin')
    // Population per kelurahan, entered by the admin for every kelurahan but the first (which must stay grey).
    const regions = await (await page.request.get(`${t.server.url}/api/t/33.71/regions?level=kelurahan`)).json()
    const codes: string[] = regions.features.map((f: { properties: { code: string } }) => f.properties.code)
    expect(codes.length).toBeGreaterThan(3)
    const year = String(new Date().getFullYear() - 1)
    for (const [k, key] of codes.slice(1).entries()) {
      const res = await page.request.post(`${t.server.url}/api/t/33.71/kpi/indicators/population/values`, {
        data: { period: year, value: 4000 + 900 * k, breakdown: { by: 'kelurahan', key } },
      })
      expect(res.status()).toBe(201)
    }
    await page.goto(`${t.server.url}/t/33.71/kpi/indicators/population`)
    await page.locator('[data-testid=kpi-choropleth] canvas').waitFor()
    // Every kelurahan of the city is on the map, the ones with a value coloured by it.
    await page.locator('[data-testid=kpi-choropleth][data-regions="17"]').waitFor()
    await page.getByTestId('kpi-choropleth').scrollIntoViewIfNeeded()
    // A full-page shot resizes the viewport and blanks WebGL canvases: shoot the map itself.
    await t.shot(page.getByTestId('kpi-choropleth'), 'kpi-choropleth-1920')

    // The admin gives tourist visits, which nobody owned, to an OPD.
    await page.goto(`${t.server.url}/t/33.71/kpi/indicators/tourist_visits`)
    const owner = page.getByTestId('kpi-owner')
    const diskominsta = owner.locator('option', { hasText: 'Diskominsta' })
    await diskominsta.waitFor({ state: 'attached' })
    expect(await owner.locator('option:checked').textContent()).toBe('belum ditetapkan')
    await owner.selectOption({ label: 'Diskominsta' })
    const saved = () => page.request.get(`${t.server.url}/api/t/33.71/kpi/indicators/tourist_visits`).then((r) => r.json())
    await expect.poll(async () => (await saved()).agencyId).toBe(await diskominsta.getAttribute('value'))
    await page.reload()
    await expect.poll(() => page.getByTestId('kpi-owner').locator('option:checked').textContent()).toBe('Diskominsta')
    await page.close()
  })

  it('shows a province user its cities side by side on a map of its kabupaten/kota and drills into one read-only', async () => {
    // Batang joins the province with Magelang's catalogue and one value of its own, so two regions are coloured.
    // (Not Kendal: the onboarding API test creates 33.24, and a worker may run both files on one database.)
    const superadmin = await loginCookie(t.server.kendali, 'superadmin')
    const asSuperadmin = (method: 'POST', url: string, payload: object) =>
      t.server.kendali.app.inject({ method, url, payload, headers: { cookie: superadmin } })
    const month = previousMonth(periodAt(new Date(), 'monthly', 'Asia/Jakarta'))
    for (const [url, payload] of [
      ['/api/tenants', { code: '33.25', name: 'Kabupaten Batang', kind: 'kabupaten', parent: '33' }],
      ['/api/t/33.25/config/copy', { from: '33.71' }],
      ['/api/t/33.25/kpi/indicators/city_events/values', { period: month, value: 3 }],
    ] as const) {
      const res = await asSuperadmin('POST', url, payload)
      expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(300)
    }

    const page = await loggedIn('pemprov')
    await page.goto(`${t.server.url}/t/33/kpi`)
    await page.getByRole('link', { name: 'Rekap Provinsi' }).click()
    const table = page.getByTestId('rollup-table')
    await table.getByRole('link', { name: 'Kota Magelang' }).waitFor()
    await page.locator('[data-testid=rollup-indicator] option[value=city_events]').waitFor({ state: 'attached' })
    await page.getByTestId('rollup-indicator').selectOption('city_events')
    await table.getByRole('link', { name: 'Kabupaten Batang' }).waitFor()
    // All 35 kabupaten/kota of Jawa Tengah are drawn; Magelang and Batang carry their achievement.
    const map = page.locator('[data-testid=kpi-choropleth][data-regions="35"][data-with-value="2"]')
    await map.locator('canvas').waitFor()
    await map.scrollIntoViewIfNeeded()
    await expect.poll(() => page.getByTestId('kpi-choropleth-legend').textContent()).toBe('0 %100 %Tanpa nilai')

    // Hovering a region shows its value against the target; a region not on the install says so.
    const at = await pointsOnMap(page, ['33.25', '33.71', '33.29'])
    const hover = async (code: string, text: RegExp) =>
      expect
        .poll(async () => {
          await page.mouse.move(at[code].x, at[code].y + 1)
          await page.mouse.move(at[code].x, at[code].y)
          return page
            .getByTestId('kpi-choropleth-info')
            .textContent({ timeout: 500 })
            .catch(() => '')
        })
        .toMatch(text)
    await hover('33.29', /^Kabupaten Brebes.*Belum bergabung/)
    await hover('33.25', /^Kabupaten Batang3 buah \(Target 6 buah\) · Capaian 50 %$/)
    await t.shot(map, 'kpi-rollup-map-1920')
    await t.shot(page, 'kpi-rollup-1920')

    // Clicking a city opens its dashboard, read-only: no recompute for a province's people.
    await hover('33.71', /^Kota Magelang/)
    await page.mouse.click(at['33.71'].x, at['33.71'].y)
    await page.waitForURL(/\/t\/33\.71\/kpi$/)
    await page.getByTestId('tile-governance').waitFor()
    expect(await page.getByRole('button', { name: 'Hitung ulang' }).count()).toBe(0)
    await page.close()
  })

  let wallAddress = ''

  it('lets an admin give a situation-room screen a wall token shown once and set its panels', async () => {
    const page = await loggedIn('admin')
    await page.goto(`${t.server.url}/t/33.71/kpi`)
    const panel = page.getByTestId('kpi-wall-tokens')
    await panel.getByLabel('Nama layar').fill('Layar utama Command Center')
    await panel.getByRole('button', { name: 'Buat token' }).click()
    wallAddress = (await page.getByTestId('kpi-wall-address').locator('code').textContent()) ?? ''
    expect(wallAddress).toMatch(/\/t\/33\.71\/kpi\/wall\?token=kdw_/)
    await panel.getByText('Layar utama Command Center').waitFor()

    // A short schedule: every panel for 5 s, the map first.
    const schedule = page.getByTestId('kpi-wall-schedule')
    await schedule.locator('li[data-panel=map]').getByRole('button', { name: 'Naikkan' }).click()
    for (const seconds of await schedule.locator('input[type=number]').all()) await seconds.fill('5')
    await schedule.getByRole('button', { name: 'Simpan jadwal' }).click()
    await expect.poll(() => page.getByTestId('kpi-wall-schedule-message').textContent()).toBe('Jadwal disimpan.')
    const saved = await (await page.request.get(`${t.server.url}/api/t/33.71/kpi/wall/settings`)).json()
    expect(saved.panels).toEqual(['map', 'kpi', 'cameras', 'reports', 'levies'].map((kind) => ({ kind, seconds: 5 })))

    // A recompute of this month runs as a job; the page follows its progress to the end.
    await page.getByRole('button', { name: 'Hitung ulang' }).click()
    await expect.poll(() => page.getByTestId('kpi-recompute-progress').textContent()).toMatch(/0\/1 · menunggu/)
    await t.server.kendali.ctx.jobs.runDue(10)
    await expect.poll(() => page.getByTestId('kpi-recompute-progress').textContent()).toMatch(/1\/1 · selesai/)
    await t.shot(page, 'kpi-wall-token-1920')
    await page.close()
  })

  it('shows on the dashboard the incident rate the raw incident and population lists give, with its record count', async () => {
    const operator = await loginCookie(t.server.kendali, 'operator')
    const inject = async (method: 'GET' | 'POST', url: string, cookie: string, payload?: object) => {
      const res = await t.server.kendali.app.inject({ method, url, headers: { cookie }, payload })
      if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`)
      return JSON.parse(res.body)
    }
    // Three calls at demo places inside the city's kelurahan.
    for (const coordinates of [
      [110.225, -7.4868],
      [110.2176, -7.4773],
      [110.2285, -7.501],
    ]) {
      await inject('POST', '/api/t/33.71/incidents', operator, { type: 'medical', source: 'call_119', location: { type: 'Point', coordinates } })
    }
    // What the kpi job does every 5 minutes, now.
    const month = periodAt(new Date(), 'monthly', 'Asia/Jakarta')
    await kpiService(t.server.kendali.ctx).computeMonth(t.server.kendali.ctx.db, '33.71', month)

    // The raw lists, counted here: this month's incidents (WIB) not cancelled, over the kelurahan populations' sum
    // (an incident outside every mapped kelurahan is still the city's).
    const year = month.slice(0, 4)
    const population = await inject('GET', `/api/t/33.71/kpi/indicators/population/values?from=${year}&to=${year}&by=kelurahan`, operator)
    const people = new Map<string, number>(population.items[0].breakdowns.map((b: { key: string; value: number }) => [b.key, b.value]))
    const incidents = (await inject('GET', '/api/t/33.71/incidents?limit=1000', operator)).items as {
      createdAt: string
      status: string
      kelurahan: { code: string } | null
    }[]
    const counted = incidents.filter((i) => periodAt(new Date(i.createdAt), 'monthly', 'Asia/Jakarta') === month && i.status !== 'cancelled')
    expect(counted.length).toBeGreaterThanOrEqual(3)
    const inhabitants = [...people.values()].reduce((a, b) => a + b, 0)
    const rate = Math.round((counted.length * 10_000 * 100) / inhabitants) / 100
    const shown = `${new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 }).format(rate)} per 10.000`

    const page = await loggedIn('executive')
    await page.goto(`${t.server.url}/t/33.71/kpi`)
    await page.getByTestId('tile-society').click()
    const row = page.getByTestId('kpi-indicators').getByRole('row').filter({ hasText: 'Kejadian per 10.000 penduduk' })
    await expect.poll(() => row.locator('.kpi-value').textContent()).toBe(shown)
    const provenance = await page.getByTestId('provenance-incidents_per_10k').textContent()
    expect(provenance).toContain(`dari ${counted.length} kejadian`)
    expect(provenance).toMatch(/sementara/)
    expect(provenance).toMatch(/dihitung \d{1,2} \w{3} \d{4}.* WIB/)
    // The tiles say which month they are and that it is not over.
    await expect.poll(() => page.getByTestId('kpi-tiles-period').textContent()).toMatch(/sementara/)
    await t.shot(page, 'kpi-dashboard-provenance-1920', { fullPage: true })

    // The summaries against the raw lists: this month's incidents, the open P1s, the cameras checked offline.
    await expect.poll(() => page.getByTestId('incidents-count').textContent()).toMatch(new RegExp(`^${counted.length} `))
    const p1 = await inject('GET', '/api/t/33.71/incidents?status=open&priority=P1&limit=1', operator)
    await expect.poll(() => page.getByTestId('attention-p1').textContent()).toMatch(new RegExp(`^${p1.total} kejadian P1 terbuka`))
    const cameras = (await inject('GET', '/api/t/33.71/cameras?limit=1000', operator)).items as { status: string }[]
    const checked = cameras.filter((c) => c.status !== 'unknown')
    if (checked.length > 0) {
      const offline = checked.filter((c) => c.status !== 'online').length
      await expect.poll(() => page.getByTestId('attention-cameras').textContent()).toBe(`${offline} dari ${checked.length} kamera CCTV luring`)
    }
    // The PDF the dashboard links to says the same.
    const pdf = await page.request.get(`${t.server.url}${await page.getByTestId('kpi-pdf').getAttribute('href')}`)
    expect(pdf.status()).toBe(200)
    const text = execFileSync('pdftotext', ['-layout', '-', '-'], { input: await pdf.body() }).toString('utf8')
    expect(text).toContain(`${counted.length} kejadian (tahun lalu`)
    expect(text).toContain(`Kejadian P1 terbuka: ${p1.total}`)

    // Above the fold at 1920×1080: the six dimensions with their trend, then what needs attention.
    await page.evaluate(() => window.scrollTo(0, 0))
    for (const id of ['kpi-dims', 'kpi-attention']) {
      const box = await page.getByTestId(id).boundingBox()
      expect(box && box.y < 1080, id).toBe(true)
    }
    expect(await page.locator('.kpi-trend canvas').count()).toBe(6)
    // No unstyled browser button on the page.
    const bare = await page.locator('main button:not(.button):not(.kpi-dim):not(.link)').count()
    expect(bare).toBe(0)
    await t.shot(page, 'kpi-dashboard-1920x1080')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.getByTestId('kpi-attention').waitFor()
    const width = await page.evaluate(() => document.documentElement.scrollWidth)
    expect(width).toBeLessThanOrEqual(390)
    await t.shot(page, 'kpi-dashboard-390x844')
    await t.shot(page, 'kpi-dashboard-provenance-390', { fullPage: true })
    await page.close()
  })

  it('rotates the wall through its panels on the schedule, read-only, with the token only in a cookie', async () => {
    // A camera the test serves (the demo's point at the port of a real install).
    const camera = await startFakeCamera()
    const added = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: await loginCookie(t.server.kendali, 'admin') },
      payload: {
        name: 'Kamera Uji Ruang Situasi',
        isPublic: false,
        location: { type: 'Point', coordinates: [110.2171, -7.4801] },
        snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`,
      },
    })
    expect(added.statusCode, added.body).toBe(201)
    // The screen holds only the wall token: no personal login.
    const page = await t.newPage({ viewport: { width: 1920, height: 1080 } })
    await page.goto(`${wallAddress}&refresh=2`)
    await page.waitForURL((url) => !url.search.includes('token'))
    const cookies = await page.context().cookies()
    expect(cookies.find((c) => c.name === 'kendali_wall')).toMatchObject({ httpOnly: true, sameSite: 'Strict' })
    expect(await page.getByTestId('staff-nav').count()).toBe(0)
    await expect.poll(() => page.getByTestId('wall-clock').textContent()).toMatch(/WIB/)

    await page.getByTestId('wall-panel-map').locator('canvas').waitFor()
    await expect.poll(() => page.getByTestId('wall-rotation').locator('[aria-current=step]').textContent()).toMatch(/Peta kejadian · [1-5] s/)
    await page.getByTestId('wall-stale').waitFor({ state: 'detached' })
    // The layers draw what they fetched while the panel is up.
    await expect.poll(() => page.getByTestId('wall-time-left').textContent()).toMatch(/[12] s/)
    // The whole screen, not the map element: on a busy machine the panel may rotate away while the picture is taken.
    await t.shot(page, 'kpi-wall-map-1920')
    await page.getByTestId('tile-environment').waitFor({ timeout: 10_000 })
    await t.shot(page, 'kpi-wall-1920')
    const snapshot = page.getByTestId('wall-cameras').getByAltText('Kamera Uji Ruang Situasi')
    await expect.poll(() => snapshot.evaluate((img: HTMLImageElement) => img.naturalWidth), { timeout: 10_000 }).toBe(64)
    await t.shot(page, 'kpi-wall-cameras-1920')
    await page.getByTestId('wall-reports').locator('li').first().waitFor({ timeout: 10_000 })
    await t.shot(page, 'kpi-wall-reports-1920')
    await page.getByTestId('levy-revenue').waitFor({ timeout: 10_000 })
    expect(await page.getByTestId('wall-unavailable').count()).toBe(0)
    await t.shot(page, 'kpi-wall-levies-1920')
    // The big screen: the same wall scaled to 3840×2160, everything on one screen without scrolling.
    await page.getByTestId('tile-environment').waitFor({ timeout: 15_000 })
    await page.setViewportSize({ width: 3840, height: 2160 })
    await expect.poll(() => page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(2160)
    await t.shot(page, 'kpi-wall-3840')
    await page.close()
    await camera.close()
  })

  it('marks the wall stale while the server is down and recovers after a restart', async () => {
    // The wall keeps asking while the server is down.
    t.allowConsoleErrors(/ERR_CONNECTION_REFUSED/)
    // Only the KPI panel here: the figures must come back after the restart whatever panel would be up, and a WebGL
    // map drawn in software on a busy machine would only slow the page down.
    const kpiOnly = await t.server.kendali.app.inject({
      method: 'PUT',
      url: '/api/t/33.71/kpi/wall/settings',
      headers: { cookie: await loginCookie(t.server.kendali, 'admin') },
      payload: { panels: [{ kind: 'kpi', seconds: 3600 }] },
    })
    expect(kpiOnly.statusCode, kpiOnly.body).toBe(200)
    const page = await t.newPage({ viewport: { width: 1920, height: 1080 } })
    await page.goto(`${wallAddress}&refresh=2`)
    await page.getByTestId('tile-governance').waitFor()
    await page.getByTestId('wall-stale').waitFor({ state: 'detached' })

    const port = Number(new URL(t.server.url).port)
    await t.server.close()
    await page.getByTestId('wall-stale').waitFor({ timeout: 30_000 })
    await t.shot(page, 'kpi-wall-stale-1920')

    // The harness closes the restarted server at the end.
    t.server = await startTestServer({ port })
    await page.getByTestId('wall-stale').waitFor({ state: 'detached', timeout: 30_000 })
    await page.getByTestId('tile-governance').waitFor({ timeout: 30_000 })
    await page.close()
  })
})
