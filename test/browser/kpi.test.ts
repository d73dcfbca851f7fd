import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKendali, type Kendali } from '../../src/core/app.ts'
import { allModules } from '../../src/modules/index.ts'
import { launchBrowser } from '../support/browser.ts'
import { testDatabase } from '../support/db.ts'
import { startTestServer, type TestServer } from '../support/server.ts'
import { ROOT, testConfig } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')

describe('executive dashboard and situation room in the browser', () => {
  let server: TestServer
  let restarted: Kendali | null = null
  let browser: Browser

  async function loggedIn(username: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'id-ID' })
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', username)
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/t\//)
    return page
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    // The wall test closes the first server itself and leaves the restarted one.
    if (restarted) await restarted.close()
    else await server?.close()
  })

  it('drills from the six dimension tiles to an indicator with its series and OPD breakdown', async () => {
    const page = await loggedIn('executive')
    await page.goto(`${server.url}/t/33.71/console`)
    await page.getByTestId('staff-nav').getByRole('link', { name: 'Dasbor Eksekutif' }).click()
    for (const d of ['governance', 'branding', 'economy', 'living', 'society', 'environment']) await page.getByTestId(`tile-${d}`).waitFor()
    await page.getByRole('button', { name: 'Cara menghitung skor' }).click()
    await expect.poll(() => page.getByTestId('kpi-formula').textContent()).toMatch(/rata-rata capaian/)
    await page.getByTestId('tile-governance').click()
    const table = page.getByTestId('kpi-indicators')
    await table.getByRole('link', { name: 'CCTV daring' }).waitFor()
    // A module that is not installed says so instead of showing zero.
    await page.screenshot({ path: join(SHOTS, 'kpi-dashboard-1920.png') })
    await table.getByRole('link', { name: 'Aduan selesai tepat SLA' }).click()
    await expect.poll(() => page.getByTestId('kpi-indicator-name').textContent()).toBe('Aduan selesai tepat SLA')
    await page.locator('[data-testid=kpi-series-chart] canvas').waitFor()
    await page.getByText('Sumber dan rumus').click()
    await page.getByText(/sebelum batas SLA/).waitFor()
    await page.screenshot({ path: join(SHOTS, 'kpi-indicator-1920.png') })
    await page.close()
  })

  it('maps the kelurahan breakdown of an indicator on the city boundaries', async () => {
    const page = await loggedIn('admin')
    // Population per kelurahan, entered by the admin for every kelurahan but the first (which must stay grey).
    const regions = await (await page.request.get(`${server.url}/api/t/33.71/regions?level=kelurahan`)).json()
    const codes: string[] = regions.features.map((f: { properties: { code: string } }) => f.properties.code)
    expect(codes.length).toBeGreaterThan(3)
    const year = String(new Date().getFullYear() - 1)
    for (const [k, key] of codes.slice(1).entries()) {
      const res = await page.request.post(`${server.url}/api/t/33.71/kpi/indicators/population/values`, {
        data: { period: year, value: 4000 + 900 * k, breakdown: { by: 'kelurahan', key } },
      })
      expect(res.status()).toBe(201)
    }
    await page.goto(`${server.url}/t/33.71/kpi/indicators/population`)
    await page.locator('[data-testid=kpi-choropleth] canvas').waitFor()
    // Every kelurahan of the city is on the map, the ones with a value coloured by it.
    await page.locator('[data-testid=kpi-choropleth][data-regions="17"]').waitFor()
    await page.getByTestId('kpi-choropleth').scrollIntoViewIfNeeded()
    // A full-page shot resizes the viewport and blanks WebGL canvases: shoot the map itself.
    await page.getByTestId('kpi-choropleth').screenshot({ path: join(SHOTS, 'kpi-choropleth-1920.png') })
    await page.close()
  })

  it('shows a province user its cities side by side and drills into one read-only', async () => {
    const page = await loggedIn('pemprov')
    await page.goto(`${server.url}/t/33/kpi`)
    await page.getByRole('link', { name: 'Rekap Provinsi' }).click()
    const table = page.getByTestId('rollup-table')
    await table.getByRole('link', { name: 'Kota Magelang' }).waitFor()
    await page.screenshot({ path: join(SHOTS, 'kpi-rollup-1920.png') })
    await table.getByRole('link', { name: 'Kota Magelang' }).click()
    await page.getByTestId('tile-governance').waitFor()
    // Read-only: no recompute for a province's people.
    expect(await page.getByRole('button', { name: 'Hitung ulang' }).count()).toBe(0)
    await page.close()
  })

  let wallAddress = ''

  it('lets an admin give a situation-room screen a wall token shown once', async () => {
    const page = await loggedIn('admin')
    await page.goto(`${server.url}/t/33.71/kpi`)
    const panel = page.getByTestId('kpi-wall-tokens')
    await panel.getByLabel('Nama layar').fill('Layar utama Command Center')
    await panel.getByRole('button', { name: 'Buat token' }).click()
    wallAddress = (await page.getByTestId('kpi-wall-address').locator('code').textContent()) ?? ''
    expect(wallAddress).toMatch(/\/t\/33\.71\/kpi\/wall\?token=kdw_/)
    await panel.getByText('Layar utama Command Center').waitFor()
    await page.screenshot({ path: join(SHOTS, 'kpi-wall-token-1920.png') })
    await page.close()
  })

  it('shows the wall without menus, marks its data stale while the server is down and recovers after a restart', async () => {
    // The screen holds only the wall token: no personal login.
    const page = await browser.newPage({ viewport: { width: 1920, height: 1080 }, locale: 'id-ID' })
    await page.goto(`${wallAddress}&refresh=2`)
    await page.getByTestId('tile-environment').waitFor()
    await expect.poll(() => page.getByTestId('wall-clock').textContent()).toMatch(/WIB/)
    expect(await page.getByTestId('staff-nav').count()).toBe(0)
    await page.screenshot({ path: join(SHOTS, 'kpi-wall-1920.png') })

    const port = Number(new URL(server.url).port)
    await server.kendali.close()
    await page.getByTestId('wall-stale').waitFor({ timeout: 30_000 })
    await page.screenshot({ path: join(SHOTS, 'kpi-wall-stale-1920.png') })

    restarted = await createKendali(testConfig(), allModules(), { db: await testDatabase(), logger: false, rateLimitPerMinute: 0, background: false })
    await restarted.prepare()
    await restarted.app.listen({ port, host: '127.0.0.1' })
    await page.getByTestId('wall-stale').waitFor({ state: 'detached', timeout: 30_000 })
    await page.getByTestId('tile-governance').waitFor()
    await page.close()
  })
})
