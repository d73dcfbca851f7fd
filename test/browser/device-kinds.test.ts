import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { json, loginCookie, startTestServer, type TestServer } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')
const SIZES = [
  [390, 844],
  [1366, 768],
  [1920, 1080],
] as const

describe('device kinds a city defines, in the browser', () => {
  let server: TestServer
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
    page = await browser.newPage({ viewport: { width: 1366, height: 768 }, locale: 'id-ID' })
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it("shows a city-made kind on the admin page, in the map legend with its icon and colour, and its metric's label and unit on the device page", async () => {
    const admin = await loginCookie(server.kendali, 'admin')
    const inject = server.kendali.app.inject.bind(server.kendali.app)
    const kind = await inject({
      method: 'PUT',
      url: '/api/t/33.71/device-kinds/kebisingan',
      headers: { cookie: admin },
      payload: {
        label: { id: 'Kebisingan', en: 'Noise' },
        metrics: [{ name: 'sound_level', label: { id: 'Tingkat bunyi', en: 'Sound level' }, unit: 'dB', min: 20, max: 140 }],
        defaultRules: [],
        icon: 'noise',
        color: '#e11d48',
      },
    })
    expect(kind.statusCode).toBe(200)
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/devices',
      headers: { cookie: admin },
      payload: { name: 'Sonometer Alun-alun', kind: 'kebisingan', location: { type: 'Point', coordinates: [110.2176, -7.4773] } },
    })
    const device = json<{ id: string; token: string }>(created)
    const reading = await inject({
      method: 'POST',
      url: `/api/t/33.71/devices/${device.id}/readings`,
      headers: { authorization: `Bearer ${device.token}` },
      payload: { values: { sound_level: 82.5 } },
    })
    expect(reading.statusCode).toBe(200)

    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', 'admin')
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    await expect.poll(() => page.getByTestId('sensors-legend').textContent(), { timeout: 60_000 }).toContain('Kebisingan')
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await page.screenshot({ path: join(SHOTS, `sensors-legend-${width}.png`) })
    }

    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(`${server.url}/t/33.71/admin/device-kinds`)
    const row = page.getByTestId('kind-row').filter({ hasText: 'Kebisingan' })
    await row.waitFor()
    expect(await row.textContent()).toContain('Tingkat bunyi (dB)')
    await row.getByRole('button', { name: 'Ubah' }).click()
    await page.getByTestId('kind-form').waitFor()
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await page.screenshot({ path: join(SHOTS, `device-kinds-${width}.png`), fullPage: true })
    }

    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(`${server.url}/t/33.71/devices/${device.id}`)
    await expect.poll(() => page.getByTestId('device-latest').textContent()).toContain('Tingkat bunyi82.5 dB')
    await page.locator('[data-testid=device-chart] canvas').waitFor()
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await page.screenshot({ path: join(SHOTS, `device-kind-page-${width}.png`) })
    }
  })
})
