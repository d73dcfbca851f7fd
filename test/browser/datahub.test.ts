import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { startTestServer, type TestServer, unique } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')
const FIXTURE = join(ROOT, 'test/fixtures/datahub/wifi-magelang-semicolon.csv')

describe('data hub pages', () => {
  let server: TestServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1400, height: 850 }, locale: 'id-ID' })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('uploads a CSV of hotspots, previews it, publishes it, and finds it on the map, the portal and in package_search', async () => {
    const name = unique('wifi').toLowerCase()
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', 'operator')
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/console/)
    await page.goto(`${server.url}/t/33.71/datasets`)
    await page.fill('input[name=name]', name)
    await page.fill('input[name=title]', 'Hotspot wifi uji')
    await page.selectOption('select[name=organization]', 'diskominsta')
    await page.fill('input[name=tags]', 'wifi')
    await page.click('form.datahub-form button[type=submit]')
    await page.getByTestId('dataset-detail').waitFor()

    await page.setInputFiles('input[type=file][name=file]', FIXTURE)
    const preview = page.getByTestId('upload-preview')
    await preview.waitFor()
    expect(await preview.textContent()).toContain('3 baris, 3 dengan lokasi')
    expect(await preview.locator('th').allTextContents()).toContain('lintangangka')
    await page.screenshot({ path: join(SHOTS, 'datahub-preview.png') })
    await page.click('text=Simpan sebagai versi baru')
    await page.getByText('3 baris').first().waitFor()
    await page.click('text=Terbitkan sebagai data terbuka')
    await page.locator('.badge.public').first().waitFor()

    const search = await (await fetch(`${server.url}/api/t/33.71/ckan/3/action/package_search?q=${name}`)).json()
    expect(search.result.results.map((p: { name: string }) => p.name)).toEqual([name])

    await page.goto(`${server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    const points = page.waitForResponse((r) => r.url().includes('/api/t/33.71/dataset-points'))
    await page.getByLabel('Data titik OPD').check()
    const layer = await (await points).json()
    expect(layer.features.filter((f: { properties: { dataset: string } }) => f.properties.dataset === name)).toHaveLength(3)
    await page.screenshot({ path: join(SHOTS, 'datahub-console.png') })

    await page.goto(`${server.url}/p/33.71/data`)
    await page.fill('input[name=q]', name)
    await page.getByText('Hotspot wifi uji').click()
    await page.getByTestId('open-dataset').locator('table').waitFor()
    expect(await page.getByTestId('open-dataset').textContent()).toContain('Alun-alun Kota Magelang')
    await page.screenshot({ path: join(SHOTS, 'datahub-portal.png'), fullPage: true })
  })

  it('lists a city app on the staff page, checks it, and shows it in the portal app store', async () => {
    const name = unique('SIM Uji')
    await page.goto(`${server.url}/t/33.71/apps`)
    await page.getByTestId('apps-table').waitFor()
    await page.fill('form.datahub-form input[name=name]', name)
    // Not reachable offline: the probe must say so rather than hide the app.
    await page.fill('form.datahub-form input[name=url]', 'https://sim-uji.invalid/')
    await page.selectOption('form.datahub-form select[name=organization]', 'diskominsta')
    await page.fill('form.datahub-form input[name=category]', 'layanan publik')
    await page.click('form.datahub-form button[type=submit]')
    const row = page.locator('tr', { hasText: name })
    await row.getByText('Belum diperiksa').waitFor()
    await row.getByRole('button', { name: 'Periksa sekarang' }).click()
    await row.getByText('Tidak dapat diakses').waitFor()
    expect(await row.textContent()).toContain('0.0%')
    await page.screenshot({ path: join(SHOTS, 'datahub-apps.png'), fullPage: true })

    const visitor = await browser.newPage({ viewport: { width: 1200, height: 850 }, locale: 'id-ID' })
    await visitor.goto(`${server.url}/p/33.71/apps`)
    await visitor.getByTestId('app-store').getByText('Portal Kota Magelang').waitFor()
    const card = visitor.getByTestId('app-card').filter({ hasText: name })
    expect(await card.textContent()).toContain('Tidak dapat diakses')
    await visitor.selectOption('select[name=audience]', 'asn')
    await visitor.getByText('SIMPEG').waitFor()
    expect(await visitor.getByText('LPSE Kota Magelang').count()).toBe(0)
    await visitor.screenshot({ path: join(SHOTS, 'datahub-app-store.png'), fullPage: true })
    await visitor.close()
  })

  it('switches on the public wifi layer of the console and shows a hotspot', async () => {
    await page.goto(`${server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    const wifi = page.waitForResponse((r) => r.url().includes('/api/t/33.71/assets?kind=wifi'))
    await page.getByLabel('Wifi publik').check()
    const layer = await (await wifi).json()
    expect(layer.type).toBe('FeatureCollection')
    expect(layer.features.map((f: { properties: { name: string } }) => f.properties.name)).toContain('Terminal Tidar')
    await page.screenshot({ path: join(SHOTS, 'datahub-wifi-layer.png') })
  })
})
