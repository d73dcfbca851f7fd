import { describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'
import { type FakeProviders, startFakeProviders, WHATSAPP_PHONE_ID, WHATSAPP_TOKEN } from '../support/fake-providers.ts'

// The portal's report form offers status updates by the chat channels the city configured.
describe('report updates by chat on the portal form', () => {
  const t = browserTest({ server: { env: { OUTBOUND_ALLOW: '127.0.0.1' } } })
  let fake: FakeProviders

  it('lets a citizen choose WhatsApp and give a number; a wrong number is refused in words', async () => {
    // The wrong number is refused by the server (a 400 the page shows in words).
    t.allowConsoleErrors(/status of 400/)
    fake = await startFakeProviders()
    t.onClose(() => fake.close())
    const { ctx } = t.server.kendali
    await ctx.messaging.configure(
      ctx.db,
      '33.71',
      {
        kind: 'whatsapp',
        enabled: true,
        ratePerSecond: 80,
        settings: { apiBaseUrl: `${fake.url}/v21.0`, phoneNumberId: WHATSAPP_PHONE_ID },
        secrets: { accessToken: WHATSAPP_TOKEN, appSecret: 'browser-app-secret', verifyToken: 'browser-verify' },
      },
      'admin',
    )
    const spot = { longitude: 110.2201 + (process.pid % 50) * 0.00001, latitude: -7.4861 }
    for (const [width, height] of [
      [1920, 1080],
      [1366, 768],
      [390, 844],
    ]) {
      const page = await (await t.newContext({ viewport: { width, height }, geolocation: spot, permissions: ['geolocation'] })).newPage()
      await page.goto(`${t.server.url}/p/33.71/reports/new`)
      await page.locator('select[name=category] option[value=lampu_jalan_mati]').waitFor({ state: 'attached' })
      await page.locator('select[name=category]').selectOption('lampu_jalan_mati')
      await page.locator('textarea[name=description]').fill('Lampu jalan mati sejak tiga hari, gelap sekali')
      await page.getByRole('button', { name: 'Pakai lokasi saya' }).click()
      await page.getByTestId('picked').waitFor()
      await page.locator('select[name=updatesChannel] option[value=whatsapp]').waitFor({ state: 'attached' })
      await page.locator('select[name=updatesChannel]').selectOption('whatsapp')
      await page.locator('input[name=updatesTo]').fill(width === 390 ? '0812' : '081298765432')
      await page.locator('input[name=consent]').check()
      await t.shot(page, `report-updates-form-${width}`, { fullPage: true })
      if (width !== 390) continue
      await page.getByTestId('send-report').click()
      await page.getByRole('alert').filter({ hasText: '«Nomor untuk kabar aduan» bukan nomor telepon' }).waitFor()
      await t.shot(page, 'report-updates-refused-390', { fullPage: true })
      await page.locator('input[name=updatesTo]').fill('0812 9876 5432')
      await page.getByTestId('send-report').click()
      const code = page.getByTestId('tracking-code')
      await code.waitFor()
      const [row] = await ctx.db.query<{ updates_channel: string; updates_to: string; language: string }>(
        'SELECT updates_channel, updates_to, language FROM reports WHERE code = $1',
        [((await code.textContent()) ?? '').trim()],
      )
      expect(row).toEqual({ updates_channel: 'whatsapp', updates_to: '+6281298765432', language: 'id' })
    }
  })
})
