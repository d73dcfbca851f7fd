import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import { launchBrowser } from '../support/browser.ts'
import { startTestServer, type TestServer, unique } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')

describe('changing one’s own password in the browser', () => {
  let server: TestServer
  let browser: Browser

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('reaches the form from the staff header’s menu, says what is wrong, and the new password logs in', async () => {
    const username = unique('kru').toLowerCase()
    const ctx = server.kendali.ctx
    await tenancyServices(ctx).accounts.createUser(ctx.db, '33.71', 'system:test', {
      username,
      name: 'Kru Lapangan',
      password: 'kata-sandi-lama',
      roles: ['field_crew'],
    })
    for (const [width, height] of [
      [390, 844],
      [1366, 768],
    ]) {
      const context = await browser.newContext({ viewport: { width, height }, locale: 'id-ID' })
      const page = await context.newPage()
      const password = width === 390 ? 'kata-sandi-lama' : 'kata-sandi-baru-1'
      await page.goto(`${server.url}/login`)
      await page.fill('input[name=username]', username)
      await page.fill('input[name=password]', password)
      await page.click('button[type=submit]')
      await page.waitForURL(/\/t\//)
      await page.getByTestId('user-menu').locator('summary').click()
      await page.getByRole('link', { name: 'Ubah kata sandi' }).click()
      const form = page.getByTestId('password-form')
      await form.waitFor()
      const submit = async (current: string, next: string, repeat = next) => {
        await form.locator('[name=currentPassword]').fill(current)
        await form.locator('[name=newPassword]').fill(next)
        await form.locator('[name=repeatPassword]').fill(repeat)
        await form.getByRole('button', { name: 'Simpan kata sandi' }).click()
      }
      await submit(password, 'pendek')
      await expect.poll(() => form.getByRole('alert').textContent()).toBe('Kata sandi baru minimal 10 karakter.')
      await submit(password, 'kata-sandi-baru-2', 'kata-sandi-baru-3')
      await expect.poll(() => form.getByRole('alert').textContent()).toBe('Kedua kata sandi baru tidak sama.')
      await submit('bukan-sandi-saya', 'kata-sandi-baru-2')
      await expect.poll(() => form.getByRole('alert').textContent()).toBe('Kata sandi saat ini salah.')
      await page.screenshot({ path: join(SHOTS, `account-password-error-${width}x${height}.png`), fullPage: true })
      await submit(password, width === 390 ? 'kata-sandi-baru-1' : 'kata-sandi-baru-2')
      await form.getByRole('status').waitFor()
      expect(await form.getByRole('status').textContent()).toContain('Kata sandi diubah')
      await page.screenshot({ path: join(SHOTS, `account-password-saved-${width}x${height}.png`), fullPage: true })
      await context.close()
    }
  })
})
