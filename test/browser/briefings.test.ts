import { describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'

describe('scheduled reports in the browser', () => {
  // No mail server here: a test sending is recorded as failed, in words.
  const t = browserTest()

  it('lets an admin schedule the daily incident summary for 06.00 WIB and send a test, in Indonesian', async () => {
    const page = await t.pageAs('admin', { viewport: { width: 1366, height: 768 } })
    await page.goto(`${t.server.url}/t/33.71/briefings`)
    const form = page.getByTestId('briefings-form')
    const name = `Ringkasan harian ${Date.now()}`
    await form.getByLabel('Nama').fill(name)
    await form.getByLabel('Isi laporan').selectOption({ label: 'Ringkasan kejadian harian' })
    await form.getByLabel('Frekuensi').selectOption({ label: 'Setiap hari' })
    await form.getByLabel(/Pukul/).fill('06:00')
    await form.getByLabel(/Penerima/).fill('pusat-kendali@magelangkota.go.id')
    await form.getByRole('button', { name: 'Jadwalkan' }).click()
    const item = page.getByTestId('briefings-list').locator('li.briefing', { hasText: name })
    await item.waitFor()
    expect(await item.textContent()).toContain('Setiap hari pukul 06.00 WIB')
    await item.getByRole('button', { name: 'Kirim uji sekarang' }).click()
    const history = item.getByTestId('briefings-history')
    await history.waitFor()
    // Yesterday's incidents exist in the demo or not: either way the sending is recorded in words, never a code.
    await expect.poll(async () => (await history.textContent()) ?? '').toMatch(/(Gagal|Dilewati).*\(uji\)/)
    const text = await page.evaluate(() => document.body.innerText)
    expect(text.match(/\b[a-z]+(?:_[a-z0-9]+)+\b/g) ?? []).toEqual([])
    expect(text).not.toMatch(/No mail server|did not take/)
    await t.shot(page, 'briefings-1366', { fullPage: true })
    await page.setViewportSize({ width: 390, height: 844 })
    await t.shot(page, 'briefings-390', { fullPage: true })
    await page.close()
  })
})
