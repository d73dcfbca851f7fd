import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { signWebhook } from '../../src/core/outbound/webhook.ts'
import { browserTest } from '../support/browser.ts'
import { json, loginCookie, unique } from '../support/server.ts'

const SIZES = [
  [390, 844],
  [1366, 768],
  [1920, 1080],
] as const

describe('video analytics in the browser', () => {
  const t = browserTest()
  let page: Page

  beforeAll(async () => {
    page = await t.newPage({ viewport: { width: 1366, height: 768 } })
  })

  it('shows a signed detection as an alarm in words on the console, and its source, mapping and rule on the admin page', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const inject = t.server.kendali.app.inject.bind(t.server.kendali.app)
    const cameraName = unique('Jembatan Kali Elo')
    const camera = json<{ id: string }>(
      await inject({
        method: 'POST',
        url: '/api/t/33.71/cameras',
        headers: { cookie: admin },
        payload: { name: cameraName, location: { type: 'Point', coordinates: [110.2176, -7.4773] }, snapshotUrl: 'https://cctv.example.org/1.jpg' },
      }),
    )
    const source = json<{ id: string; secret: string; webhookPath: string }>(
      await inject({
        method: 'POST',
        url: '/api/t/33.71/analytics/sources',
        headers: { cookie: admin },
        payload: { kind: 'webhook', name: unique('NVR Dahua Elo') },
      }),
    )
    const mapped = await inject({
      method: 'PUT',
      url: `/api/t/33.71/analytics/sources/${source.id}/cameras`,
      headers: { cookie: admin },
      payload: { items: [{ camera: 'ch01', zone: 'bantaran', cameraId: camera.id, zoneLabel: 'Bantaran Kali Elo' }] },
    })
    expect(mapped.statusCode).toBe(200)
    const ruleName = unique('Orang di bantaran malam')
    const rule = await inject({
      method: 'POST',
      url: '/api/t/33.71/analytics/rules',
      headers: { cookie: admin },
      payload: { name: ruleName, label: 'person', zone: 'bantaran', from: '22:00', to: '05:00', minScore: 0.6, action: 'alarm', severity: 'siaga' },
    })
    expect(rule.statusCode).toBe(201)

    await t.loginAs(page, 'admin')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    const raw = JSON.stringify({
      id: unique('elo'),
      type: 'new',
      camera: 'ch01',
      label: 'person',
      score: 0.91,
      zones: ['bantaran'],
      startTime: '2026-12-07T23:10:00+07:00',
    })
    const timestamp = String(Math.floor(Date.now() / 1000))
    const posted = await inject({
      method: 'POST',
      url: source.webhookPath,
      headers: { 'content-type': 'application/json', 'x-kendali-timestamp': timestamp, 'x-kendali-signature': signWebhook(source.secret, timestamp, raw) },
      payload: raw,
    })
    expect(json(posted)).toEqual({ outcome: 'raised' })

    // The live feed and the detections panel say what was seen where, in Indonesian, never a code.
    const feedLine = page.getByTestId('event-item').filter({ hasText: `Orang di Bantaran Kali Elo · ${cameraName}` })
    await expect.poll(() => feedLine.first().textContent(), { timeout: 30_000 }).toContain('Alarm deteksi video')
    const item = page.getByTestId('detection-item').filter({ hasText: 'Orang di Bantaran Kali Elo' })
    await item.first().waitFor()
    expect(await item.first().textContent()).toContain('Siaga')
    expect(await item.first().textContent()).not.toMatch(/alarm\.raised|person|siaga\b/)
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `analytics-console-${width}`)
    }

    await page.setViewportSize({ width: 1366, height: 768 })
    await page.goto(`${t.server.url}/t/33.71/admin/analytics`)
    const row = page.getByTestId('rule-row').filter({ hasText: ruleName })
    await row.waitFor()
    expect(await row.textContent()).toContain('22:00–05:00')
    expect(await row.textContent()).toContain('Orang')
    await page.getByTestId('source-row').filter({ hasText: 'NVR Dahua Elo' }).getByRole('button', { name: 'Petakan kamera' }).click()
    await page.getByTestId('mapping-row').first().waitFor()
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `analytics-admin-${width}`, { fullPage: true })
    }
  })
})
