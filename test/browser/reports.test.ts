import { describe, expect, it } from 'vitest'
import { samplePhoto } from '../../src/core/media/sample-photo.ts'
import { browserTest } from '../support/browser.ts'

describe('citizen reports in the browser', () => {
  const t = browserTest()

  const loggedIn = (username: string) => t.pageAs(username, { viewport: { width: 1400, height: 900 } })

  it('goes from the public form to the OPD and back to the citizen, whose tracking page shows selesai', async () => {
    // A spot in Kelurahan Magelang no other test uses, so no duplicate is offered.
    const spot = { longitude: 110.2158 + (process.pid % 50) * 0.00001, latitude: -7.4829 }
    const phone = `0812${String(Date.now()).slice(-8)}`
    const photo = { name: 'jalan.jpg', mimeType: 'image/jpeg', buffer: await samplePhoto('jpeg', 640, 480) }

    // The citizen, on a phone, without an account.
    const context = await t.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'id-ID',
      isMobile: true,
      hasTouch: true,
      geolocation: spot,
      permissions: ['geolocation'],
    })
    const citizen = await context.newPage()
    await citizen.goto(`${t.server.url}/p/33.71`)
    await citizen.getByTestId('reports-section').waitFor()
    await citizen.getByRole('link', { name: 'Buat aduan' }).click()
    await citizen.locator('select[name=category] option[value=jalan_rusak]').waitFor({ state: 'attached' })
    await citizen.locator('select[name=category]').selectOption('jalan_rusak')
    await citizen.locator('textarea[name=description]').fill('Jalan berlubang dalam di depan sekolah, motor sering terjatuh')
    // The map loads on request; a tap on it picks the place, the phone's GPS then refines it.
    await citizen.getByTestId('show-map').click()
    await citizen.locator('.public-map canvas').waitFor()
    await citizen.locator('.public-map canvas').tap({ position: { x: 180, y: 170 } })
    await citizen.getByTestId('picked').waitFor()
    await citizen.getByRole('button', { name: 'Pakai lokasi saya' }).click()
    await expect.poll(() => citizen.getByTestId('picked').textContent()).toContain(spot.latitude.toFixed(5))
    await citizen.locator('input[name=address]').fill('Depan SD Negeri Magelang 1')
    await citizen.locator('input[name=photos]').setInputFiles(photo)
    await citizen.locator('input[name=name]').fill('Bu Ratna')
    await citizen.locator('input[name=phone]').fill(phone)
    await citizen.locator('input[name=consent]').check()
    await t.shot(citizen, 'reports-submit', { fullPage: true })
    await citizen.getByTestId('send-report').click()
    const code = citizen.getByTestId('tracking-code')
    await code.waitFor()
    const trackingCode = ((await code.textContent()) ?? '').trim()
    const number = (await code.getAttribute('data-number')) ?? ''
    expect(trackingCode).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    await t.shot(citizen, 'reports-sent', { fullPage: true })

    // A neighbour reports the same hole: the open report is offered, and "saya juga mengalami ini" supports it.
    const neighbourContext = await t.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'id-ID',
      geolocation: spot,
      permissions: ['geolocation'],
    })
    const neighbour = await neighbourContext.newPage()
    await neighbour.goto(`${t.server.url}/p/33.71/reports/new`)
    await neighbour.locator('select[name=category] option[value=jalan_rusak]').waitFor({ state: 'attached' })
    await neighbour.locator('select[name=category]').selectOption('jalan_rusak')
    await neighbour.locator('textarea[name=description]').fill('Ada lubang besar di jalan depan sekolah')
    await neighbour.getByRole('button', { name: 'Pakai lokasi saya' }).click()
    await neighbour.getByTestId('picked').waitFor()
    await neighbour.locator('input[name=consent]').check()
    await neighbour.getByTestId('send-report').click()
    const offered = neighbour.getByTestId('duplicates').locator('li').filter({ hasText: number })
    await offered.waitFor()
    await t.shot(neighbour, 'reports-duplicate', { fullPage: true })
    await offered.getByRole('button', { name: 'Saya juga mengalami ini' }).click()
    expect(await neighbour.getByTestId('report-supported').textContent()).toContain(number)
    await neighbourContext.close()

    // The command center verifies it and routes it to the category's OPD (DPUPR).
    const operator = await loggedIn('operator')
    await operator.goto(`${t.server.url}/t/33.71/reports/queue`)
    await operator.locator(`[data-testid=report-item][data-number="${number}"] button`).click()
    const detail = operator.getByTestId('report-detail')
    await detail.locator('img').first().waitFor()
    await operator.getByTestId('verify').click()
    await operator.locator('[data-testid=report-detail][data-status=verified]').waitFor()
    await operator.getByTestId('action-assign').getByRole('button').click()
    await operator.locator('[data-testid=report-detail][data-status=assigned]').waitFor()
    expect(await detail.textContent()).toContain('OPD: Dinas Pekerjaan Umum dan Penataan Ruang')
    await t.shot(operator, 'reports-queue')

    // The DPUPR officer starts the work and finishes it with a proof photo and a note.
    const officer = await loggedIn('agency_officer')
    await officer.goto(`${t.server.url}/t/33.71/reports/inbox`)
    await officer.locator(`[data-testid=report-item][data-number="${number}"] button`).click()
    await officer.getByTestId('start').click()
    await officer.locator('[data-testid=report-detail][data-status=in_progress]').waitFor()
    const resolve = officer.getByTestId('action-resolve')
    await resolve.locator('input[name=proof]').setInputFiles({ ...photo, name: 'sesudah.jpg' })
    await resolve.locator('input[name=resolve]').fill('Lubang sudah ditambal aspal')
    await resolve.getByRole('button', { name: 'Selesaikan' }).click()
    await officer.locator('[data-testid=report-detail][data-status=resolved]').waitFor()
    await officer.getByText('Bukti penyelesaian').first().waitFor()
    await t.shot(officer, 'reports-inbox')

    // The console's map shows the reports layer.
    await operator.goto(`${t.server.url}/t/33.71/console`)
    await operator.waitForSelector('[data-testid=live-status][data-state=open]')
    await t.shot(operator, 'reports-console')

    // The citizen follows the report by its code: selesai, with the OPD's note and proof.
    await citizen.goto(`${t.server.url}/p/33.71/reports/track/${trackingCode}`)
    const status = citizen.getByTestId('track-status')
    await status.waitFor()
    expect((await status.textContent())?.toLowerCase()).toBe('selesai')
    const history = (await citizen.getByTestId('history').textContent()) ?? ''
    expect(history).toContain('Diverifikasi')
    expect(history).toContain('Dikerjakan')
    expect(await citizen.getByTestId('tracking').textContent()).toContain('Lubang sudah ditambal aspal')
    await t.shot(citizen, 'reports-track', { fullPage: true })

    // Within the window, the citizen may reopen it when the problem came back.
    await citizen.locator('input[name=reason]').fill('Lubangnya muncul lagi setelah hujan')
    await citizen.getByRole('button', { name: 'Buka kembali aduan' }).click()
    await citizen.locator('[data-testid=tracking][data-status=reopened]').waitFor()
    expect(await status.textContent()).toBe('Dibuka kembali')
    await context.close()
  })
})
