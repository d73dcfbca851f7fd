import { describe, expect, it } from 'vitest'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import { answered, browserTest } from '../support/browser.ts'
import { unique } from '../support/server.ts'

describe('changing one’s own password in the browser', () => {
  const t = browserTest()

  it('reaches the form from the staff header’s menu, says what is wrong, and the new password logs in', async () => {
    // The wrong passwords the test types.
    t.allowConsoleErrors(answered(400, '/api/auth/password'))
    const username = unique('kru').toLowerCase()
    const ctx = t.server.kendali.ctx
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
      const context = await t.newContext({ viewport: { width, height } })
      const page = await context.newPage()
      const password = width === 390 ? 'kata-sandi-lama' : 'kata-sandi-baru-1'
      await t.loginAs(page, username, { password })
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
      await t.shot(page, `account-password-error-${width}x${height}`, { fullPage: true })
      await submit(password, width === 390 ? 'kata-sandi-baru-1' : 'kata-sandi-baru-2')
      await form.getByRole('status').waitFor()
      expect(await form.getByRole('status').textContent()).toContain('Kata sandi diubah')
      await t.shot(page, `account-password-saved-${width}x${height}`, { fullPage: true })
      await context.close()
    }
  })
})
