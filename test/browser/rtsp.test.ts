import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { answered, browserTest } from '../support/browser.ts'
import { startFakeRtsp } from '../support/fake-rtsp.ts'
import { loginCookie, unique } from '../support/server.ts'

// An RTSP camera (ffmpeg's test pattern behind a local RTSP server) watched in Chromium: the server remuxes it to
// HLS and hls.js plays it. Each step polls for what it needs; nothing waits on the clock.
describe('RTSP cameras in the browser', () => {
  const t = browserTest({ server: { env: { OUTBOUND_ALLOW: '127.0.0.1' } } })
  let rtsp: Awaited<ReturnType<typeof startFakeRtsp>>
  let page: Page
  const LONG = { timeout: 90_000, interval: 250 }

  beforeAll(async () => {
    rtsp = await startFakeRtsp()
    t.onClose(() => rtsp.close())
    page = await t.newPage()
  })

  it('plays the RTSP camera nearest an incident on the camera wall and on the incident’s page, one remux, shown to the admin', async () => {
    // The wall opens on every camera of the city first: on this worker's shared database some are other test files'
    // fake cameras, gone by now, whose streams answer 502.
    t.allowConsoleErrors(answered(502, '/mjpeg'), answered(502, '/snapshot'))
    const admin = await loginCookie(t.server.kendali, 'admin')
    // A spot of its own, so the nearest camera is this one whatever else the shared database holds.
    const spot = [110.2057, -7.4581]
    const name = unique('Kamera RTSP Jembatan')
    const camera = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: admin },
      payload: { name, location: { type: 'Point', coordinates: spot }, rtspUrl: rtsp.url.replace('rtsp://', 'rtsp://admin:rahasia@') },
    })
    expect(camera.statusCode, camera.body).toBe(201)
    const incident = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/incidents',
      headers: { cookie: admin },
      payload: { type: 'fire', source: 'call_112', location: { type: 'Point', coordinates: spot }, description: 'Kebakaran dekat jembatan' },
    })
    expect(incident.statusCode).toBe(201)
    const { id } = JSON.parse(incident.body) as { id: string }

    await t.loginAs(page, 'admin')
    const playlist = page.waitForRequest((r) => r.url().includes('/hls/?viewer='), LONG)
    await page.goto(`${t.server.url}/t/33.71/cameras`)
    await page.getByTestId('layout-1').click()
    await page.getByTestId('follow-incident').selectOption(id)
    const tile = page.getByTestId('camera-tile').first()
    await expect.poll(() => tile.textContent(), LONG).toContain(name)
    expect((await playlist).url()).toContain(`${t.server.url}/api/t/33.71/cameras/`)
    // Frames decoded: the test pattern's size, and time moving on.
    const video = tile.getByTestId('camera-video')
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth), LONG).toBe(160)
    await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.currentTime), LONG).toBeGreaterThan(0)
    expect(await page.content()).not.toContain(rtsp.url.split('/cam')[0])
    await t.shot(page, 'camera-wall-rtsp')

    // The admin's page counts the wall's player as the stream's one viewer.
    const wall = await t.newPage()
    await t.loginAs(wall, 'admin')
    await wall.goto(`${t.server.url}/t/33.71/admin/cameras`)
    const row = wall.getByTestId('camera-stream').filter({ hasText: name })
    await expect.poll(() => row.getAttribute('data-health'), LONG).toBe('live')
    expect(await row.getByTestId('stream-viewers').textContent()).toBe('1')
    expect(await wall.getByTestId('camera-streams').textContent()).toContain('Lancar')
    for (const [width, height] of [
      [390, 844],
      [1366, 768],
      [1920, 1080],
    ]) {
      await wall.setViewportSize({ width, height })
      await t.shot(wall, `camera-streams-${width}`, { fullPage: true })
    }

    // The incident's page shows its nearest cameras live: the same remux, another viewer.
    await page.goto(`${t.server.url}/t/33.71/incidents/${id}`)
    const nearby = page.getByTestId('incident-camera').filter({ hasText: name })
    const nearVideo = nearby.getByTestId('camera-video')
    await expect.poll(() => nearVideo.evaluate((v: HTMLVideoElement) => v.videoWidth), LONG).toBe(160)
    await expect.poll(() => nearVideo.evaluate((v: HTMLVideoElement) => v.currentTime), LONG).toBeGreaterThan(0)
    expect(await page.getByTestId('incident-cameras').textContent()).toContain('Kamera terdekat')
    await t.shot(page, 'incident-cameras-rtsp')
    expect(rtsp.plays()).toBe(1)
  })
})
