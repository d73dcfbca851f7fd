import type { Page } from 'playwright-core'
import { beforeAll, describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'

describe('sensor admin pages', () => {
  const t = browserTest()
  let page: Page

  beforeAll(async () => {
    page = await t.newPage({ viewport: { width: 1400, height: 900 } })
    page.on('dialog', (dialog) => void dialog.accept())
    await t.loginAs(page, 'admin', { landing: /\/console/ })
  })

  it('registers a device and shows its token once, which then works for readings; rotating gives a new one', async () => {
    await page.goto(`${t.server.url}/t/33.71/admin/devices`)
    await page.getByTestId('device-row').first().waitFor()
    await page.getByTestId('device-new').click()
    const form = page.getByTestId('device-form')
    await form.locator('input[name=name]').fill('AWLR Kali Bening')
    await form.locator('select[name=kind]').selectOption('flood_level')
    await form.locator('input[name=metrics]').fill('water_level:cm')
    await form.locator('button[type=submit]').click()
    const shown = page.getByTestId('device-token')
    await shown.waitFor()
    const token = (await shown.locator('code').textContent()) ?? ''
    const row = page.getByTestId('device-row').filter({ hasText: 'AWLR Kali Bening' })
    await row.waitFor()
    const id = ((await row.locator('small').textContent()) ?? '').trim()
    await t.shot(page, 'sensors-admin-token')
    const send = (bearer: string) =>
      fetch(`${t.server.url}/api/t/33.71/devices/${id}/readings`, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
        body: JSON.stringify({ ts: new Date().toISOString(), values: { water_level: 120 } }),
      })
    expect((await send(token)).status).toBe(200)
    await shown.getByRole('button').click()
    await expect.poll(() => shown.count()).toBe(0)
    // After a reload the token is gone for good; the reading it sent shows.
    await page.reload()
    await expect.poll(() => row.textContent()).toContain('120 cm')
    expect(await page.content()).not.toContain(token)

    await row.getByRole('button', { name: 'Ganti token' }).click()
    await shown.waitFor()
    const rotated = (await shown.locator('code').textContent()) ?? ''
    expect(rotated).not.toBe(token)
    expect((await send(token)).status).toBe(401)
    expect((await send(rotated)).status).toBe(200)
  })

  it('adds a Siaga rule for every water-level gauge, changes it to Awas, and deletes it', async () => {
    await page.goto(`${t.server.url}/t/33.71/admin/rules`)
    await page.getByTestId('rule-table').waitFor()
    await page.getByTestId('rule-new').click()
    const form = page.getByTestId('rule-form')
    await form.locator('input[name=name]').fill('Siaga Kali Bening')
    await form.locator('select[name=target]').selectOption('kind:flood_level')
    await form.locator('input[name=metric]').fill('water_level')
    await form.locator('input[name=threshold]').fill('180')
    await form.locator('select[name=severity]').selectOption('siaga')
    await form.locator('button[type=submit]').click()
    const row = page.getByTestId('rule-row').filter({ hasText: 'Siaga Kali Bening' })
    await row.waitFor()
    // The metric in words, from the kind's catalogue, not its code.
    expect(await row.textContent()).toContain('Tinggi muka air >= 180')
    expect(await row.textContent()).toContain('Siaga')

    await row.getByRole('button', { name: 'Ubah' }).click()
    await page.getByTestId('rule-form').locator('input[name=threshold]').fill('190')
    await page.getByTestId('rule-form').locator('select[name=severity]').selectOption('awas')
    await page.getByTestId('rule-form').locator('button[type=submit]').click()
    await expect.poll(() => row.textContent()).toContain('Tinggi muka air >= 190')
    expect(await row.textContent()).toContain('Awas')
    await t.shot(page, 'sensors-admin-rules')

    await row.getByRole('button', { name: 'Hapus' }).click()
    await expect.poll(() => row.count()).toBe(0)
  })
})
