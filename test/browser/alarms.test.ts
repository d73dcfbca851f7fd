import { describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'
import { json, loginCookie } from '../support/server.ts'

describe('sensor alarms on the console', () => {
  const t = browserTest()

  it('shows a flood alarm the moment a gauge crosses Awas, and lets the operator acknowledge it', async () => {
    const { server } = t
    const admin = await loginCookie(server.kendali, 'admin')
    const inject = server.kendali.app.inject.bind(server.kendali.app)
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/devices',
      headers: { cookie: admin },
      payload: {
        name: 'AWLR Uji Peramban',
        kind: 'weather_station',
        metrics: [{ name: 'water_level', unit: 'cm' }],
        location: { type: 'Point', coordinates: [110.2176, -7.4773] },
      },
    })
    const device = json<{ id: string; token: string }>(created)
    await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      headers: { cookie: admin },
      payload: { name: 'Awas peramban', deviceId: device.id, metric: 'water_level', comparison: '>', threshold: 300, severity: 'awas' },
    })

    const page = await t.pageAs('operator')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    const item = page.getByTestId('alarm-item').filter({ hasText: 'AWLR Uji Peramban' })
    expect(await item.count()).toBe(0)

    const reading = await inject({
      method: 'POST',
      url: `/api/t/33.71/devices/${device.id}/readings`,
      headers: { authorization: `Bearer ${device.token}` },
      payload: { values: { water_level: 315 } },
    })
    expect(reading.statusCode).toBe(200)
    await item.waitFor()
    expect(await item.textContent()).toContain('Awas')
    await t.shot(page, 'console-alarm')

    await item.getByRole('button', { name: 'Akui' }).click()
    await page.getByTestId('alarm-item').filter({ hasText: 'AWLR Uji Peramban' }).and(page.locator('[data-status=acknowledged]')).waitFor()
    expect(await item.textContent()).toContain('Diakui oleh operator')

    await page.goto(`${server.url}/t/33.71/devices/${device.id}`)
    await expect.poll(() => page.getByTestId('device-latest').textContent()).toContain('315 cm')
    await page.locator('[data-testid=device-chart] canvas').waitFor()
    await t.shot(page, 'device-page')
  })
})
