import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'
import { json, loginCookie } from '../support/server.ts'

const SIZES = [
  [390, 844],
  [1366, 768],
  [1920, 1080],
] as const

describe('device kinds a city defines, in the browser', () => {
  const t = browserTest()
  let page: Page

  beforeAll(async () => {
    page = await t.newPage({ viewport: { width: 1366, height: 768 } })
  })

  it("shows a city-made kind on the admin page, in the map legend with its icon and colour, and its metric's label and unit on the device page", async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const inject = t.server.kendali.app.inject.bind(t.server.kendali.app)
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

    await t.loginAs(page, 'admin')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    await expect.poll(() => page.getByTestId('sensors-legend').textContent(), { timeout: 60_000 }).toContain('Kebisingan')
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `sensors-legend-${width}`)
    }

    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(`${t.server.url}/t/33.71/admin/device-kinds`)
    const row = page.getByTestId('kind-row').filter({ hasText: 'Kebisingan' })
    await row.waitFor()
    expect(await row.textContent()).toContain('Tingkat bunyi (dB)')
    await row.getByRole('button', { name: 'Ubah' }).click()
    await page.getByTestId('kind-form').waitFor()
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `device-kinds-${width}`, { fullPage: true })
    }

    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(`${t.server.url}/t/33.71/devices/${device.id}`)
    await expect.poll(() => page.getByTestId('device-latest').textContent()).toContain('Tingkat bunyi82.5 dB')
    await page.locator('[data-testid=device-chart] canvas').waitFor()
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `device-kind-page-${width}`)
    }
  })
})
