import { describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'

// An old bookmark or a mistyped link must not leave a person before an empty dark screen.
describe('an address no page answers', () => {
  const t = browserTest()

  it('tells staff so inside the staff frame and leads to their own first page', async () => {
    const page = await t.pageAs('operator', { viewport: { width: 390, height: 844 } })
    await page.goto(`${t.server.url}/t/33.71/reports`)
    const notFound = page.getByTestId('not-found')
    await expect.poll(() => notFound.textContent()).toContain('Alamat ini tidak menunjuk ke halaman mana pun')
    expect(await page.getByTestId('staff-header').locator('h1').textContent()).toContain('Halaman tidak ditemukan')
    await t.shot(page, 'not-found-staff-390')
    await notFound.getByRole('link', { name: 'Ke halaman utama saya' }).click()
    await page.waitForURL((url) => url.pathname !== '/t/33.71/reports' && url.pathname !== '/t/33.71')
    expect(await page.getByTestId('not-found').count()).toBe(0)
  })

  it('tells a citizen so on the public portal', async () => {
    const page = await t.newPage({ viewport: { width: 390, height: 844 } })
    await page.goto(`${t.server.url}/p/33.71/aduan-lama`)
    await expect.poll(() => page.getByTestId('not-found').textContent()).toContain('Halaman ini tidak ada atau sudah dipindahkan.')
    await page.getByRole('link', { name: 'Kembali ke layanan publik' }).click()
    await page.waitForURL((url) => url.pathname === '/p/33.71')
  })
})

describe('the staff header on a small phone', () => {
  const t = browserTest()

  it("shows the page's title whole, on its own row under the tools", async () => {
    const page = await t.pageAs('collector', { viewport: { width: 390, height: 844 } })
    const title = page.getByTestId('staff-header').locator('h1')
    await expect.poll(() => title.textContent()).toContain('Tagih retribusi')
    // Not cut with an ellipsis: the heading is as wide as its text needs.
    expect(await title.evaluate((h) => h.scrollWidth <= h.clientWidth)).toBe(true)
    const user = page.getByTestId('staff-header').locator('.user-menu .user-name')
    expect(await user.evaluate((n) => n.scrollWidth <= n.clientWidth)).toBe(true)
    await t.shot(page, 'collector-header-390')
  })
})
