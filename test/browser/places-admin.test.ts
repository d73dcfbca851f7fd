import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { answered, browserTest } from '../support/browser.ts'
import { json, loginCookie } from '../support/server.ts'

const SIZES = [
  [390, 844],
  [1366, 768],
  [1920, 1080],
] as const

describe("the city's named places, kept by an admin in the browser", () => {
  const t = browserTest()
  let page: Page
  let admin = ''
  const inject = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown) =>
    t.server.kendali.app.inject({ method, url, headers: { cookie: admin }, ...(payload ? { payload } : {}) })
  const named = async () =>
    json<{ items: { id: string; name: string; aliases: string[] }[]; total: number }>(await inject('GET', '/api/t/33.71/places/named?limit=200'))
  const searched = async (q: string) => json<{ items: { name: string }[] }>(await inject('GET', `/api/t/33.71/places?q=${encodeURIComponent(q)}`)).items

  beforeAll(async () => {
    admin = await loginCookie(t.server.kendali, 'admin')
    // More places than a page holds, so the list pages.
    for (let i = 1; i <= 22; i++) {
      const res = await inject('POST', '/api/t/33.71/places/named', {
        name: `Tugu Batas RW ${String(i).padStart(2, '0')}`,
        kind: 'landmark',
        location: { type: 'Point', coordinates: [110.2177 + i * 0.0004, -7.4771] },
      })
      expect(res.statusCode, res.body).toBe(201)
    }
    page = await t.pageAs('admin', { viewport: { width: 1366, height: 768 } })
  })

  afterAll(async () => {
    for (const p of (await named()).items.filter((p) => /^Tugu Batas RW|Badaan/.test(p.name))) await inject('DELETE', `/api/t/33.71/places/named/${p.id}`)
  })

  it('adds a place with aliases on the map, which the place search then finds by an alias; changes and removes it', async () => {
    await page.getByRole('link', { name: 'Nama tempat' }).click()
    await page.waitForURL(/\/admin\/places$/)
    const rows = page.getByTestId('named-place-row')
    await rows.first().waitFor()
    expect(await rows.count()).toBe(20)
    const total = (await named()).total
    expect(await page.locator('.named-places-tools .muted').first().textContent()).toBe(`${total} tempat`)

    // The next page holds the rest, sorted by name.
    await page.getByTestId('named-place-next').click()
    await expect.poll(() => page.getByText('Halaman 2').count()).toBe(1)
    await expect.poll(() => rows.count()).toBe(total - 20)
    await page.getByRole('button', { name: 'Sebelumnya' }).click()
    await expect.poll(() => rows.first().locator('td').first().textContent()).toBe((await named()).items[0].name)

    await page.getByTestId('named-place-new').click()
    const form = page.getByTestId('named-place-form')
    await form.getByLabel('Nama', { exact: true }).fill('Taman Badaan')
    await form.getByLabel('Jenis').selectOption('park')
    await form.getByLabel('Nama lain').fill('Taman Kota Badaan\nTamkot Badaan')
    // The spot is a tap on the middle of the city's map (tapped again until the map has loaded and takes it).
    const map = page.getByTestId('named-place-map')
    await map.locator('canvas').waitFor()
    await expect
      .poll(async () => {
        await map.getByTestId('map').click()
        return form.getByLabel('Bujur').inputValue()
      })
      .toMatch(/^110\.\d+/)
    expect(await form.getByLabel('Lintang').inputValue()).toMatch(/^-7\.\d+/)
    for (const [width, height] of SIZES) {
      await page.setViewportSize({ width, height })
      await t.shot(page, `places-admin-form-${width}`, { fullPage: true })
    }
    await page.setViewportSize({ width: 1366, height: 768 })
    await form.getByRole('button', { name: 'Simpan' }).click()
    await form.waitFor({ state: 'detached' })
    expect(await page.getByRole('status').textContent()).toBe('Tersimpan: Taman Badaan')
    const row = rows.filter({ hasText: 'Taman Badaan' })
    await row.waitFor()
    expect(await row.textContent()).toContain('Taman Kota Badaan, Tamkot Badaan')
    expect(await row.locator('td').nth(1).textContent()).toBe('Taman')
    expect((await searched('tamkot badaan'))[0]?.name).toBe('Taman Badaan')

    await row.getByRole('button', { name: 'Ubah' }).click()
    await form.getByLabel('Nama', { exact: true }).fill('Taman Kota Badaan Magelang')
    await form.getByRole('button', { name: 'Simpan' }).click()
    await rows.filter({ hasText: 'Taman Kota Badaan Magelang' }).waitFor()
    expect((await named()).items.find((p) => p.name === 'Taman Kota Badaan Magelang')?.aliases).toEqual(['Taman Kota Badaan', 'Tamkot Badaan'])

    page.once('dialog', (dialog) => dialog.accept())
    await rows.filter({ hasText: 'Taman Kota Badaan Magelang' }).getByRole('button', { name: 'Hapus' }).click()
    await rows.filter({ hasText: 'Taman Kota Badaan Magelang' }).waitFor({ state: 'detached' })
    expect((await searched('tamkot badaan')).map((p) => p.name)).not.toContain('Taman Kota Badaan Magelang')
  })

  it('says in words why a place outside the city is refused, and keeps the form', async () => {
    t.allowConsoleErrors(answered(400, '/places/named'))
    await page.goto(`${t.server.url}/t/33.71/admin/places`)
    await page.getByTestId('named-place-new').click()
    const form = page.getByTestId('named-place-form')
    await form.getByLabel('Nama', { exact: true }).fill('Candi Borobudur')
    await form.getByLabel('Bujur').fill('110.2038')
    await form.getByLabel('Lintang').fill('-7.6079')
    await form.getByRole('button', { name: 'Simpan' }).click()
    await expect.poll(() => form.getByTestId('named-place-form-problem').textContent()).toBe('«Lokasi» berada di luar wilayah kota/kabupaten ini.')
    expect((await named()).items.map((p) => p.name)).not.toContain('Candi Borobudur')
  })

  it('shows what the search index holds and reads it again on request', async () => {
    await page.goto(`${t.server.url}/t/33.71/admin/places`)
    const index = page.getByTestId('place-index')
    await page.getByTestId('place-index-refresh').click()
    await expect.poll(() => index.textContent()).toContain('Kelurahan dan kecamatan: 20')
    await t.shot(index, 'places-admin-index')
  })
})
