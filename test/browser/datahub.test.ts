import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { datahubServices } from '../../src/modules/datahub/index.ts'
import type { CreateAsset } from '../../src/modules/datahub/schema.ts'
import * as datahubStore from '../../src/modules/datahub/store.ts'
import { parseTable } from '../../src/modules/datahub/tabular.ts'
import { browserTest } from '../support/browser.ts'
import { unique } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const FIXTURE = join(ROOT, 'test/fixtures/datahub/wifi-magelang-semicolon.csv')

describe('data hub pages', () => {
  const t = browserTest()
  let page: Page

  beforeAll(async () => {
    page = await t.newPage()
  })

  /** A page of its own (own cookies) logged in as the city's admin, who keeps apps, assets and webhooks. */
  async function adminPage(): Promise<Page> {
    const admin = await t.newPage({ viewport: { width: 1200, height: 850 } })
    await t.loginAs(admin, 'admin', { landing: /\/console/ })
    return admin
  }

  it('uploads a CSV of hotspots, previews it, publishes it, and finds it on the map, the portal and in package_search', async () => {
    const name = unique('wifi').toLowerCase()
    await t.loginAs(page, 'operator', { landing: /\/console/ })
    await page.goto(`${t.server.url}/t/33.71/datasets`)
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
    await t.shot(page, 'datahub-preview')
    await page.click('text=Simpan sebagai versi baru')
    await page.getByText('3 baris').first().waitFor()
    await page.click('text=Terbitkan sebagai data terbuka')
    await page.locator('.badge.public').first().waitFor()

    const search = await (await fetch(`${t.server.url}/api/t/33.71/ckan/3/action/package_search?q=${name}`)).json()
    expect(search.result.results.map((p: { name: string }) => p.name)).toEqual([name])

    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    const points = page.waitForResponse((r) => r.url().includes('/api/t/33.71/dataset-points'))
    await page.getByLabel('Data titik OPD').check()
    const layer = await (await points).json()
    expect(layer.features.filter((f: { properties: { dataset: string } }) => f.properties.dataset === name)).toHaveLength(3)
    await t.shot(page, 'datahub-console')

    await page.goto(`${t.server.url}/p/33.71/data`)
    await page.fill('input[name=q]', name)
    await page.getByText('Hotspot wifi uji').click()
    await page.getByTestId('open-dataset').locator('table').waitFor()
    expect(await page.getByTestId('open-dataset').textContent()).toContain('Alun-alun Kota Magelang')
    await t.shot(page, 'datahub-portal', { fullPage: true })
  })

  it('charts a public dataset by its first text and numeric columns, lets the reader pick others, and maps its points, on a phone', async () => {
    const name = unique('wifi-chart').toLowerCase()
    const { datasets } = datahubServices(t.server.kendali.ctx)
    const db = t.server.kendali.ctx.db
    await datasets.create(db, '33.71', 'test', { name, title: 'Kecepatan wifi uji', public: true })
    const bytes = readFileSync(FIXTURE)
    await datasets.addFile(db, '33.71', 'test', name, { filename: 'wifi.csv', bytes, table: await parseTable('csv', bytes) })
    const phone = await t.newPage({ viewport: { width: 390, height: 844 }, isMobile: true })
    const points = phone.waitForResponse((r) => r.url().includes(`/dataset-points?dataset=${name}`))
    await phone.goto(`${t.server.url}/p/33.71/data/${name}`)
    const chart = phone.getByTestId('dataset-chart')
    await chart.locator('canvas').waitFor()
    // Bars by name, summing the speed: the coordinates, numbers too, are not the default.
    expect(await chart.locator('select[name=chart-label]').inputValue()).toBe('nama')
    expect(await chart.locator('select[name=chart-value]').inputValue()).toBe('kecepatan_mbps')
    expect(await chart.getAttribute('data-bars')).toBe('3')
    await t.shot(chart, 'datahub-chart')
    await chart.locator('select[name=chart-label]').selectOption('status')
    await chart.locator('select[name=chart-value]').selectOption('')
    await phone.waitForSelector('[data-testid=dataset-chart][data-bars="2"]')
    const layer = await (await points).json()
    expect(layer.features).toHaveLength(3)
    const map = phone.getByTestId('open-dataset').getByTestId('map')
    await map.locator('canvas').waitFor()
    const box = await map.boundingBox()
    expect(box?.width).toBeLessThanOrEqual(390)
    await t.shot(map, 'datahub-dataset-map')
    await phone.close()
  })

  it('lists a city app on the staff page as the admin, checks it, and shows it in the portal app store', async () => {
    const page = await adminPage()
    const name = unique('SIM Uji')
    await page.goto(`${t.server.url}/t/33.71/apps`)
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
    await t.shot(page, 'datahub-apps', { fullPage: true })

    const visitor = await t.newPage({ viewport: { width: 1200, height: 850 } })
    await visitor.goto(`${t.server.url}/p/33.71/apps`)
    await visitor.getByTestId('app-store').getByText('Portal Kota Magelang').waitFor()
    const card = visitor.getByTestId('app-card').filter({ hasText: name })
    expect(await card.textContent()).toContain('Tidak dapat diakses')
    await visitor.selectOption('select[name=audience]', 'asn')
    await visitor.getByText('SIMPEG').waitFor()
    expect(await visitor.getByText('LPSE Kota Magelang').count()).toBe(0)
    await t.shot(visitor, 'datahub-app-store', { fullPage: true })
    await visitor.close()
    await page.close()
  })

  it('switches on the public wifi layer of the console and shows a hotspot', async () => {
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    const wifi = page.waitForResponse((r) => r.url().includes('/api/t/33.71/assets?kind=wifi'))
    await page.getByLabel('Wifi publik').check()
    const layer = await (await wifi).json()
    expect(layer.type).toBe('FeatureCollection')
    expect(layer.features.map((f: { properties: { name: string } }) => f.properties.name)).toContain('Terminal Tidar')
    await t.shot(page, 'datahub-wifi-layer')
  })

  it('shows the public assets on the portal: a light front-page block, then a map with wifi status and a list by kind', async () => {
    const visitor = await t.newPage({ viewport: { width: 390, height: 844 }, isMobile: true })
    const chunks: string[] = []
    visitor.on('request', (r) => chunks.push(r.url()))
    await visitor.goto(`${t.server.url}/p/33.71`)
    const section = visitor.getByTestId('assets-section')
    await section.getByText(/\d+ dari \d+ titik wifi sedang aktif/).waitFor()
    expect(await section.textContent()).toContain('Titik evakuasi')
    // The map's code is not part of the front page.
    expect(chunks.filter((u) => /PortalMap|AssetsLayer|PublicAssets/.test(u))).toEqual([])
    await section.getByRole('link', { name: 'Buka peta' }).click()
    const page = visitor.getByTestId('public-assets')
    // The map library loads on demand and draws in software here: a busy machine takes its time.
    await page.getByTestId('map').locator('canvas').waitFor({ timeout: 90_000 })
    expect(await page.getByTestId('assets-wifi').textContent()).toContain('Terminal Tidar')
    expect(await page.getByTestId('assets-facility').textContent()).toContain('RSUD Tidar')
    await visitor.getByLabel('Fasilitas publik').uncheck()
    await page.getByTestId('assets-facility').waitFor({ state: 'detached' })
    await t.shot(page.getByTestId('map'), 'datahub-portal-assets-map')
    await t.shot(visitor, 'datahub-portal-assets', { fullPage: true })
    await visitor.close()
  })

  it('adds, edits, sets down and archives a hotspot on the admin page, live', async () => {
    const page = await adminPage()
    const name = unique('Hotspot Uji')
    await page.goto(`${t.server.url}/t/33.71/admin/assets`)
    const form = page.getByTestId('asset-form')
    await page.getByTestId('assets-table').waitFor()
    await form.locator('input[name=name]').fill(name)
    await form.locator('input[name=provider]').fill('Diskominsta')
    await form.locator('input[name=lat]').fill('-7.4801')
    await form.locator('input[name=lon]').fill('110.2201')
    await form.locator('select[name=status]').selectOption('up')
    await form.locator('button[type=submit]').click()
    const row = page.getByTestId('asset-row').filter({ hasText: name })
    await row.getByText('Aktif').waitFor()

    await row.getByRole('button', { name: 'Ubah' }).click()
    await form.getByText(`Ubah ${name}`).waitFor()
    expect(await form.locator('input[name=lat]').inputValue()).toBe('-7.4801')
    await form.locator('input[name=name]').fill(`${name} Baru`)
    await form.locator('select[name=status]').selectOption('down')
    await form.locator('button[type=submit]').click()
    const renamed = page.getByTestId('asset-row').filter({ hasText: `${name} Baru` })
    await renamed.getByText('Tidak dapat diakses').waitFor()

    // A status an OPD system reports shows on the page without a reload.
    const { assets } = datahubServices(t.server.kendali.ctx)
    const wifi = await assets.collection(t.server.kendali.ctx.db, '33.71', 'wifi')
    const id = wifi.features.find((f) => f.properties.name === `${name} Baru`)?.id ?? ''
    await assets.setStatus(t.server.kendali.ctx.db, '33.71', 'sim-wifi', id, 'up')
    await renamed.getByText('Aktif').waitFor()
    await t.shot(page, 'datahub-assets-admin', { fullPage: true })

    page.once('dialog', (dialog) => void dialog.accept())
    await renamed.getByRole('button', { name: 'Arsipkan' }).click()
    await renamed.waitFor({ state: 'detached' })
    const after = await (await fetch(`${t.server.url}/api/t/33.71/assets?kind=wifi`)).json()
    expect(after.features.map((f: { id: string }) => f.id)).not.toContain(id)
    await page.close()
  })

  it('shows a failing connector as an alarm on the console, counts a new failure live, and acknowledges it there', async () => {
    const { datasets, connectors } = datahubServices(t.server.kendali.ctx)
    const db = t.server.kendali.ctx.db
    const name = unique('sim-pasar').toLowerCase()
    await datasets.create(db, '33.71', 'test', { name, title: 'Harga pasar' })
    // Unreachable offline: every run fails.
    const connector = await connectors.create(db, '33.71', 'test', {
      name: 'SIM Pasar',
      dataset: name,
      url: 'https://sim-pasar.invalid/harga.json',
      format: 'json',
    })
    await connectors.pull(db, '33.71', connector.id, await datahubStore.startRun(db, '33.71', connector.id))
    await page.goto(`${t.server.url}/t/33.71/console`)
    const alarm = page.getByTestId('connector-alarm').filter({ hasText: name })
    await alarm.getByText('1× gagal').waitFor()
    // A second failure arrives live and counts on the same alarm.
    await connectors.pull(db, '33.71', connector.id, await datahubStore.startRun(db, '33.71', connector.id))
    await alarm.getByText('2× gagal').waitFor()
    await t.shot(page.getByTestId('connector-alarms'), 'datahub-connector-alarms')
    await alarm.getByRole('button', { name: 'Tandai diketahui' }).click()
    await page.waitForSelector(`[data-testid=connector-alarm][data-status=acknowledged]`)
    expect(await alarm.textContent()).toContain('Diketahui oleh')
  })

  it('adds a webhook on a topic as an admin, shows its secret once, and its delivery log with the failed attempt', async () => {
    const admin = await adminPage()
    await admin.goto(`${t.server.url}/t/33.71/admin/webhooks`)
    const name = unique('SIM Kominfo')
    await admin.fill('form.datahub-form input[name=name]', name)
    // Unreachable offline: the first attempt fails and the delivery waits for its retry.
    await admin.fill('form.datahub-form input[name=url]', 'https://sim-kominfo.invalid/kendali')
    await admin.check('input[name=topic-datahub]')
    await admin.click('form.datahub-form button[type=submit]')
    expect(await admin.getByTestId('webhook-secret').locator('code').textContent()).toMatch(/^[\w-]{20,}$/)
    const hook = admin.getByTestId('webhook').filter({ hasText: name })
    await hook.waitFor()

    const { assets, webhooks } = datahubServices(t.server.kendali.ctx)
    // Background work is off in tests: hear the bus as the module's start() does.
    const stop = t.server.kendali.ctx.bus.subscribe((event) => void webhooks.onEvent(t.server.kendali.ctx.db, event))
    const location: CreateAsset['location'] = { type: 'Point', coordinates: [110.2176, -7.4773] }
    await assets.create(t.server.kendali.ctx.db, '33.71', 'test', { kind: 'facility', name: unique('Balai Warga'), location })
    // A lookup of the unknown host may take a while: poll longer than the default second.
    await expect
      .poll(
        async () => {
          await t.server.kendali.ctx.jobs.runDue(1000)
          const hooks = await (await admin.request.get(`${t.server.url}/api/t/33.71/webhooks`)).json()
          const id = hooks.items.find((h: { name: string }) => h.name === name)?.id
          const log = await (await admin.request.get(`${t.server.url}/api/t/33.71/webhooks/${id}/deliveries`)).json()
          return log.items.filter((d: { eventType: string; attempts: number }) => d.eventType === 'asset.created' && d.attempts > 0).length
        },
        { timeout: 25_000, interval: 500 },
      )
      .toBe(1)
    await hook.getByRole('button', { name: 'Log pengiriman' }).click()
    const row = hook.getByTestId('deliveries').locator('tr', { hasText: 'asset.created' })
    await row.waitFor()
    expect(await row.getAttribute('data-status')).toBe('pending')
    expect(await row.textContent()).toContain('sim-kominfo.invalid')
    await t.shot(admin, 'datahub-webhooks', { fullPage: true })
    await hook.locator('select[name=delivery-status]').selectOption('dead')
    await hook.getByText('Belum ada pengiriman.').waitFor()
    stop()
    await admin.close()
  })
})
