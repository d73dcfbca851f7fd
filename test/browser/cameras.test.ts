import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'
import { startFakeCamera } from '../support/fake-camera.ts'
import { loginCookie } from '../support/server.ts'

describe('cameras on the console', () => {
  // The cameras are a fake one on loopback.
  const t = browserTest({ server: { env: { OUTBOUND_ALLOW: '127.0.0.1' } } })
  let camera: Awaited<ReturnType<typeof startFakeCamera>>
  let page: Page

  beforeAll(async () => {
    camera = await startFakeCamera()
    t.onClose(() => camera.close())
    page = await t.newPage()
  })

  it('shows a camera on the map and its live picture, through the server, on a click', async () => {
    const tenant = await (await fetch(`${t.server.url}/api/t/33.71`)).json()
    const [minLon, minLat, maxLon, maxLat] = tenant.bbox as number[]
    const admin = await loginCookie(t.server.kendali, 'admin')
    const res = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: admin },
      // At the middle of the city's extent, where the console centres the map.
      payload: {
        name: 'Kamera Tengah Kota',
        location: { type: 'Point', coordinates: [(minLon + maxLon) / 2, (minLat + maxLat) / 2] },
        mjpegUrl: `${camera.url}/video.mjpg`,
      },
    })
    expect(res.statusCode).toBe(201)
    await t.loginAs(page, 'operator')
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    const box = await page.getByTestId('map').boundingBox()
    if (!box) throw new Error('map has no box')
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    const popup = page.getByTestId('camera-popup')
    await popup.waitFor()
    expect(await popup.textContent()).toContain('Kamera Tengah Kota')
    const image = popup.locator('img.camera-view')
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64)
    expect(await image.getAttribute('src')).not.toContain(camera.url)
    await t.shot(page, 'console-camera')
  })

  it('follows an incident on the camera wall: the nearest cameras fill the tiles, HLS plays through the server', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const spot = [110.2231, -7.4935]
    const add = (payload: Record<string, unknown>) =>
      t.server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/cameras', headers: { cookie: admin }, payload })
    expect(
      (
        await add({
          name: 'Kamera HLS Terdekat',
          location: { type: 'Point', coordinates: [spot[0] + 0.0002, spot[1]] },
          hlsUrl: `${camera.url}/live/index.m3u8`,
        })
      ).statusCode,
    ).toBe(201)
    expect(
      (
        await add({
          name: 'Kamera Foto Kedua',
          location: { type: 'Point', coordinates: [spot[0] + 0.0006, spot[1]] },
          snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`,
        })
      ).statusCode,
    ).toBe(201)
    const incident = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/incidents',
      headers: { cookie: admin },
      payload: { type: 'fire', source: 'call_112', location: { type: 'Point', coordinates: spot }, description: 'Kebakaran gudang' },
    })
    expect(incident.statusCode).toBe(201)
    const { id, number } = JSON.parse(incident.body) as { id: string; number: string }

    const segment = page.waitForRequest((r) => r.url().includes('/hls/seg0.ts'))
    await page.goto(`${t.server.url}/t/33.71/cameras`)
    await page.getByTestId('layout-4').click()
    await page.getByTestId('follow-incident').selectOption(id)
    const tiles = page.getByTestId('camera-tile')
    await expect.poll(() => tiles.count()).toBe(4)
    await expect.poll(() => tiles.nth(0).textContent()).toContain('Kamera HLS Terdekat')
    await expect.poll(() => tiles.nth(1).textContent()).toContain('Kamera Foto Kedua')
    // The player asks the server for the stream's segments; the camera's own address never reaches the page.
    expect((await segment).url()).toContain(`${t.server.url}/api/t/33.71/cameras/`)
    await expect
      .poll(() =>
        tiles
          .nth(1)
          .locator('img')
          .evaluate((img: HTMLImageElement) => img.naturalWidth),
      )
      .toBe(64)
    expect(await page.content()).not.toContain(camera.url)
    expect(await page.getByTestId('follow-incident').textContent()).toContain(number)
    await t.shot(page, 'camera-wall')
  })
})
