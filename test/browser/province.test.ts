import { describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'
import { json, loginCookie } from '../support/server.ts'

type Picture = {
  cities: { code: string; name: string; openIncidents: { total: number } | null; overdueReports: number | null; offlineCameras: number | null }[]
  notJoined: { code: string; name: string }[]
}

describe('the province picture in the browser', () => {
  const t = browserTest()

  it("lands a province's person on its cities: map, ranking with the API's counts, who has not joined, and a city's dashboard read-only", async () => {
    const cookie = await loginCookie(t.server.kendali, 'pemprov')
    const api = json<Picture>(await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/33/province/cities', headers: { cookie } }))
    const magelang = api.cities.find((c) => c.code === '33.71')
    if (!magelang?.openIncidents) throw new Error('Kota Magelang shares its incidents in the demo')

    const page = await t.pageAs('pemprov', { viewport: { width: 1920, height: 1080 }, landing: /\/t\/33\/province$/ })
    const row = page.getByTestId('province-ranking').locator('tr[data-city="33.71"]')
    await row.waitFor()
    const cells = await row.locator('td').allTextContents()
    expect(cells[1]).toBe('Kota Magelang')
    // Open incidents, then warnings, overdue complaints, offline cameras and devices, as the API counts them.
    expect(cells[9]).toMatch(new RegExp(`^${magelang.openIncidents.total} \\(`))
    expect(cells[11]).toBe(String(magelang.overdueReports))
    expect(cells[12]).toBe(String(magelang.offlineCameras))
    // Other browser test files on this worker's database onboard cities (Batang, a made-up 33.96): the API says which.
    const all = api.cities.length + api.notJoined.length
    await expect.poll(() => page.getByTestId('province-joined').textContent()).toBe(`${api.cities.length} dari ${all} kabupaten/kota bergabung`)
    const notJoined = (await page.getByTestId('province-not-joined').textContent()) ?? ''
    for (const city of api.notJoined) expect(notJoined).toContain(city.name)
    // Both maps: the 35 kabupaten/kota coloured by score, and the warnings over the province's outline.
    await page.locator('[data-testid=kpi-choropleth][data-regions="35"] canvas').waitFor()
    await page.locator('[data-testid=province-warnings-map] canvas').waitFor()
    // No codes on the page: words only.
    const text = await page.evaluate(() => document.body.innerText)
    expect(text.match(/\b[a-z]+(?:_[a-z0-9]+)+\b/g) ?? []).toEqual([])
    await page.waitForTimeout(500)
    await t.shot(page, 'province-1920')

    await row.getByRole('link', { name: 'Kota Magelang' }).click()
    await page.waitForURL(/\/t\/33\.71\/kpi$/)
    await page.getByTestId('tile-governance').waitFor()
    expect(await page.getByRole('button', { name: 'Hitung ulang' }).count()).toBe(0)
    await page.close()
  })

  it('fits a phone: totals, maps and a ranking that scrolls on its own', async () => {
    const page = await t.pageAs('pemprov', { viewport: { width: 390, height: 844 }, landing: /\/t\/33\/province$/ })
    await page.getByTestId('province-ranking').locator('tr[data-city="33.71"]').waitFor()
    await page.locator('[data-testid=province-warnings-map] canvas').waitFor()
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow, 'the page is wider than the phone').toBeLessThanOrEqual(0)
    await page.waitForTimeout(500)
    await t.shot(page, 'province-390')
    await t.shot(page, 'province-390-full', { fullPage: true })
    await page.close()
  })

  it("lets a city's admin choose what the province sees, and the province's count follows", async () => {
    const page = await t.pageAs('malang_admin', { viewport: { width: 1366, height: 768 } })
    await page.goto(`${t.server.url}/t/35.73/province/sharing`)
    const cameras = page.getByLabel('CCTV luring')
    await expect.poll(() => cameras.isChecked()).toBe(true)
    await cameras.uncheck()
    await page.getByRole('button', { name: 'Simpan' }).click()
    await page.getByText('Tersimpan.').waitFor()
    await page.getByText(/diubah oleh malang_admin/).waitFor()
    await t.shot(page, 'province-sharing-1366')
    const superadmin = await loginCookie(t.server.kendali, 'superadmin')
    const picture = async () =>
      json<Picture>(await t.server.kendali.app.inject({ method: 'GET', url: '/api/t/35/province/cities', headers: { cookie: superadmin } })).cities.find(
        (c) => c.code === '35.73',
      )
    expect((await picture())?.offlineCameras).toBeNull()
    await cameras.check()
    await page.getByRole('button', { name: 'Simpan' }).click()
    await expect.poll(async () => (await picture())?.offlineCameras).toBeTypeOf('number')
    await page.close()
  })
})
