import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { CameraService } from '../../src/modules/cctv/service.ts'
import { browserTest } from '../support/browser.ts'
import { startFakeCamera } from '../support/fake-camera.ts'
import { loginCookie } from '../support/server.ts'

describe('cameras for admins and on the portal', () => {
  // The cameras are a fake one on loopback.
  const t = browserTest({ server: { env: { OUTBOUND_ALLOW: '127.0.0.1' } } })
  let camera: Awaited<ReturnType<typeof startFakeCamera>>
  let page: Page

  beforeAll(async () => {
    camera = await startFakeCamera()
    t.onClose(() => camera.close())
    page = await t.newPage({ viewport: { width: 1400, height: 900 } })
    page.on('dialog', (dialog) => void dialog.accept())
  })

  it('lets an admin register a camera whose password then shows masked, edit it and archive it', async () => {
    await t.loginAs(page, 'admin', { landing: /\/console/ })
    await page.goto(`${t.server.url}/t/33.71/admin/cameras`)
    await page.getByTestId('camera-table').waitFor()
    await page.getByTestId('camera-new').click()
    const form = page.getByTestId('camera-form')
    await form.locator('input[name=name]').fill('Simpang Kebonpolo')
    await form.locator('input[name=snapshotUrl]').fill(`${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`)
    await form.locator('input[name=isPublic]').check()
    await form.locator('button[type=submit]').click()
    const row = page.getByTestId('camera-row').filter({ hasText: 'Simpang Kebonpolo' })
    await row.waitFor()

    await row.getByRole('button', { name: 'Ubah' }).click()
    const url = page.getByTestId('camera-form').locator('input[name=snapshotUrl]')
    await expect.poll(() => url.inputValue()).toContain('admin:***@')
    expect(await page.content()).not.toContain('rahasia')
    await page.getByTestId('camera-form').locator('input[name=name]').fill('Simpang Kebonpolo Utara')
    await t.shot(page, 'cctv-admin-edit')
    await page.getByTestId('camera-form').locator('button[type=submit]').click()
    await page.getByTestId('camera-row').filter({ hasText: 'Simpang Kebonpolo Utara' }).waitFor()
    // The masked password was kept: the snapshot still logs in to the camera.
    const admin = await loginCookie(t.server.kendali, 'admin')
    const cameras = (await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/cameras?limit=1000', headers: { cookie: admin } })).json()
    const edited = cameras.items.find((c: { name: string }) => c.name === 'Simpang Kebonpolo Utara')
    expect((await t.server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/cameras/${edited.id}/snapshot` })).statusCode).toBe(200)
    await t.shot(page, 'cctv-admin')
  })

  it('shows public cameras on the portal with snapshots, and the live view on a click', async () => {
    const anonymous = await t.newPage({ viewport: { width: 1200, height: 900 } })
    await anonymous.goto(`${t.server.url}/p/33.71`)
    const section = anonymous.getByTestId('portal-cameras')
    await section.waitFor()
    await anonymous.goto(`${t.server.url}/p/33.71/cctv`)
    const tile = anonymous.getByTestId('public-camera').filter({ hasText: 'Simpang Kebonpolo Utara' })
    await tile.waitFor()
    // Internal demo cameras stay off the portal.
    expect(await anonymous.getByTestId('public-camera').filter({ hasText: 'CCTV Simpang Armada' }).count()).toBe(0)
    await expect.poll(() => tile.locator('img').evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(64)
    await tile.click()
    const live = anonymous.getByTestId('public-camera-live')
    await live.waitFor()
    expect(await live.textContent()).toContain('Simpang Kebonpolo Utara')
    expect(await anonymous.content()).not.toContain(camera.url)
    await t.shot(anonymous, 'cctv-portal', { fullPage: true })
    await anonymous.close()
  })

  it('lets an admin archive a camera', async () => {
    const row = page.getByTestId('camera-row').filter({ hasText: 'Simpang Kebonpolo Utara' })
    await row.getByRole('button', { name: 'Arsipkan' }).click()
    await expect.poll(() => row.count()).toBe(0)
  })

  it('shows a camera going offline on the console live as an alarm the operator acknowledges, and its outage on the admin page', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const created = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: admin },
      payload: { name: 'Kamera Putus', location: { type: 'Point', coordinates: [110.2171, -7.4801] }, snapshotUrl: 'http://127.0.0.1:9/snapshot.jpg' },
    })
    expect(created.statusCode).toBe(201)
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.getByTestId('alarms-panel').waitFor()
    expect(await page.getByTestId('camera-alarm').filter({ hasText: 'Kamera Putus' }).count()).toBe(0)
    await new CameraService(t.server.kendali.ctx.events, t.server.kendali.ctx.secrets, {
      outbound: t.server.kendali.ctx.outbound,
      ownPort: t.server.kendali.ctx.config.port,
      timeoutMs: 1000,
    }).checkAll(t.server.kendali.ctx.db)
    const alarm = page.getByTestId('camera-alarm').filter({ hasText: 'Kamera Putus' })
    await alarm.waitFor()
    // The feed names it a camera's alarm, not a sensor's.
    await page.getByTestId('event-item').filter({ hasText: 'Alarm kamera luring' }).first().waitFor()
    await t.shot(page.getByTestId('camera-alarms'), 'cctv-alarms-panel')
    await alarm.getByRole('button', { name: 'Akui' }).click()
    await expect.poll(() => alarm.getAttribute('data-status')).toBe('acknowledged')
    await expect.poll(() => alarm.textContent()).toContain('diakui admin')

    await page.goto(`${t.server.url}/t/33.71/admin/cameras`)
    const row = page.getByTestId('camera-row').filter({ hasText: 'Kamera Putus' })
    await row.getByRole('button', { name: 'Riwayat' }).click()
    const history = page.getByTestId('camera-history')
    await expect.poll(() => history.textContent()).toContain('Luring')
    expect(await history.textContent()).toContain('sekarang')
    for (const [width, height] of [
      [390, 844],
      [1366, 768],
      [1920, 1080],
    ]) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `cctv-admin-history-${width}`, { fullPage: false })
    }
  })
})
