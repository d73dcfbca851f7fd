import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { answered, browserTest } from '../support/browser.ts'
import { loginCookie, unique } from '../support/server.ts'

describe('the command-center console in a browser', () => {
  const t = browserTest()
  let page: Page
  const shot = (name: string) => t.shot(page, name)

  beforeAll(async () => {
    page = await t.newPage()
  })

  it('shows the city on the public landing page, in Bahasa Indonesia and in English', async () => {
    await page.goto(`${t.server.url}/`)
    await expect.poll(() => page.getByTestId('city-name').textContent()).toBe('Ruang Kendali Kota Magelang')
    await shot('landing')
    await page.getByTestId('language').selectOption('en')
    await expect.poll(() => page.getByTestId('city-name').textContent()).toBe('Kota Magelang Command Center')
    await page.getByTestId('language').selectOption('id')
  })

  it('refuses a wrong password with a clear message', async () => {
    t.allowConsoleErrors(answered(401, '/api/auth/login'))
    await page.goto(`${t.server.url}/login`)
    await page.getByTestId('login-form').waitFor()
    await shot('login')
    await page.fill('input[name=username]', 'operator')
    await page.fill('input[name=password]', 'bukan-ini')
    await page.click('button[type=submit]')
    await expect.poll(() => page.getByTestId('login-error').textContent()).toBe('Nama pengguna atau kata sandi salah.')
    await shot('login-error')
  })

  it('logs an operator in to a map of the 17 kelurahan and shows a clicked region', async () => {
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForURL('**/t/33.71/console')
    // The wrong password just before is told to the owner, until read.
    const notice = page.getByTestId('failed-logins')
    await expect.poll(() => notice.textContent()).toContain('percobaan masuk gagal')
    await notice.getByRole('button').click()
    await notice.waitFor({ state: 'detached' })
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')
    // The demo city's markers (reports, markets, cameras…) crowd the centre: the operator shows only the kelurahan.
    for (const layer of await page.locator('input[data-layer]:not([data-layer=regions])').all()) await layer.uncheck()
    const map = await page.getByTestId('map').boundingBox()
    if (!map) throw new Error('map has no box')
    await page.mouse.click(map.x + map.width / 2, map.y + map.height / 2)
    const popup = page.getByTestId('region-popup')
    await popup.waitFor()
    expect(await popup.textContent()).toMatch(/Kelurahan.*33\.71\.\d{2}\.\d{4}/)
    await shot('console')
  })

  it('shows an event caused elsewhere in the feed without reload', async () => {
    const admin = await loginCookie(t.server.kendali, 'admin')
    const name = `Dinas Uji Siaran ${unique('b')}`
    const res = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers: { cookie: admin },
      payload: { code: unique('ui'), name },
    })
    expect(res.statusCode).toBe(201)
    const item = page.getByTestId('event-item').filter({ hasText: name })
    await item.waitFor()
    expect(await item.textContent()).toContain('Instansi (OPD) ditambahkan')
    expect(await item.textContent()).toMatch(/\d{2}\.\d{2}\.\d{2} WIB/)
    // Once, and on top: the feed is newest first (and full in the demo city, so it does not grow).
    expect(await item.count()).toBe(1)
    expect(await page.getByTestId('event-item').first().textContent()).toContain(name)
    await shot('console-with-event')
  })

  it('switches the console to English without reload', async () => {
    await page.getByTestId('language').selectOption('en')
    await expect.poll(() => page.getByTestId('live-status').textContent()).toBe('Connected')
    await expect.poll(() => page.getByTestId('event-feed').textContent()).toContain('Agency added')
    await page.getByTestId('language').selectOption('id')
  })

  it("groups a module's several pages under its name in the staff menu", async () => {
    const admin = await t.newPage()
    await t.addSession(admin.context(), 'admin')
    await admin.goto(`${t.server.url}/t/33.71/console`)
    const nav = admin.getByTestId('staff-nav')
    const rojak = nav.getByTestId('nav-group-patrols')
    await rojak.locator('summary').click()
    await t.shot(admin, 'staff-nav-group', { clip: { x: 0, y: 0, width: 1400, height: 420 } })
    expect(await rojak.getByRole('link').allTextContents()).toEqual(['Temuan Rojak', 'Disiplin ASN', 'Rencana Rojak', 'Jenis temuan Rojak'])
    await rojak.getByRole('link', { name: 'Rencana Rojak' }).click()
    await admin.waitForURL('**/t/33.71/patrols/plan')
    await expect.poll(() => admin.getByTestId('nav-group-patrols').getAttribute('class')).toContain('current')
    expect(await admin.getByTestId('nav-group-patrols').getAttribute('open')).toBeNull()
    await admin.close()
  })
})
