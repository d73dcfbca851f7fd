import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { incidentsServices } from '../../src/modules/incidents/index.ts'
import { browserTest } from '../support/browser.ts'
import { json, loginCookie } from '../support/server.ts'

// The colour the console gives a dispatched unit (web/src/modules/incidents/api.ts).
const DISPATCHED = '#ff8c1a'

// Runs where Debian's Chromium is installed (CI installs it); it belongs with test/browser when that suite takes module folders.
describe('dispatch in the browser', () => {
  const t = browserTest()

  it('takes a call at the intake form, sends the recommended ambulance, and another console sees the unit change colour without reload', async () => {
    const operator = await t.pageAs('operator')
    await operator.goto(`${t.server.url}/t/33.71/console`)
    await operator.waitForSelector('[data-testid=live-status][data-state=open]')
    await operator.getByTestId('unit-item').first().waitFor()

    const dispatcher = await t.pageAs('dispatcher')
    await dispatcher.goto(`${t.server.url}/t/33.71/dispatch`)
    await dispatcher.waitForSelector('[data-testid=live-status][data-state=open]', { state: 'attached' })
    const intake = dispatcher.getByTestId('intake')
    await intake.locator('select[name=type] option[value=traffic_accident]').waitFor({ state: 'attached' })
    await intake.locator('select[name=type]').selectOption('traffic_accident')
    await intake.locator('input[name=coordinates]').fill('110.2205, -7.4689')
    await intake.locator('input[name=address]').fill('Jl. Ahmad Yani depan Armada')
    await intake.locator('input[name=callerName]').fill('Pak Joko')
    await intake.locator('input[name=callerPhone]').fill('081234500099')
    await intake.locator('textarea[name=description]').fill('Motor terjatuh, pengendara luka di kepala')
    await intake.locator('button[type=submit]').click()
    await expect.poll(() => dispatcher.getByTestId('intake-message').textContent()).toMatch(/33\.71-\d{4}-\d{5} tersimpan/)
    const number = (await dispatcher.getByTestId('intake-message').textContent())?.match(/33\.71-\d{4}-\d{5}/)?.[0] ?? ''

    // The new call is selected: its recommendations come fastest first; send the first ambulance.
    const first = dispatcher.getByTestId('recommendation').first()
    await first.waitFor()
    expect(await dispatcher.getByTestId('recommendations').textContent()).toContain(number)
    const callsign = (await first.getAttribute('data-callsign')) ?? ''
    expect(await first.textContent()).toContain('Ambulans')
    await t.shot(dispatcher, 'dispatch-console')

    const unitOnConsole = operator.locator(`[data-testid=unit-item][data-callsign="${callsign}"]`)
    expect(await unitOnConsole.getAttribute('data-status')).toBe('available')
    await first.getByRole('button', { name: 'Kirim' }).click()

    await operator.locator(`[data-testid=unit-item][data-callsign="${callsign}"][data-status=dispatched]`).waitFor()
    expect(await unitOnConsole.locator('.swatch').getAttribute('data-color')).toBe(DISPATCHED)
    await dispatcher.locator(`[data-testid=queue-item][data-number="${number}"]`).filter({ hasText: 'Ditangani' }).waitFor()
    await t.shot(operator, 'console-incidents')

    await dispatcher.locator(`[data-testid=recommendations] a`).click()
    await dispatcher.getByTestId('timeline').filter({ hasText: callsign }).waitFor()
    await t.shot(dispatcher, 'incident-detail')
  })

  it('shows the crew its assignment, sends the phone’s position, and moves the unit with big buttons', async () => {
    const { app } = t.server.kendali
    const dispatcherCookie = await loginCookie(t.server.kendali, 'dispatcher')
    const units = json<{ items: { id: string; callsign: string; status: string }[] }>(
      await app.inject({ method: 'GET', url: '/api/t/33.71/units?limit=1000', headers: { cookie: dispatcherCookie } }),
    )
    const amb = units.items.find((u) => u.callsign === 'AMB-119-01')
    expect(amb?.status).toBe('available')
    const incident = json<{ id: string; number: string }>(
      await app.inject({
        method: 'POST',
        url: '/api/t/33.71/incidents',
        headers: { cookie: dispatcherCookie },
        payload: { type: 'medical', source: 'call_119', location: { type: 'Point', coordinates: [110.2125, -7.479] }, address: 'Kampung Cacaban' },
      }),
    )
    const sent = await app.inject({
      method: 'POST',
      url: `/api/t/33.71/incidents/${incident.id}/dispatch`,
      headers: { cookie: dispatcherCookie },
      payload: { unitId: amb?.id },
    })
    expect(sent.statusCode).toBe(201)

    const phone = await t.newContext({
      viewport: { width: 390, height: 800 },
      locale: 'id-ID',
      geolocation: { longitude: 110.2151, latitude: -7.4823 },
      permissions: ['geolocation'],
    })
    const crew = await phone.newPage()
    await t.loginAs(crew, 'field_crew')
    await crew.goto(`${t.server.url}/t/33.71/field`)
    await crew.getByTestId('assignment').filter({ hasText: incident.number }).waitFor()
    expect(await crew.getByTestId('field-page').locator('h2').first().textContent()).toContain('AMB-119-01')
    await crew.getByText('Posisi terkirim').waitFor()
    const moved = json<{ location: { coordinates: [number, number] } }>(
      await app.inject({ method: 'GET', url: `/api/t/33.71/units/${amb?.id}`, headers: { cookie: dispatcherCookie } }),
    )
    expect(moved.location.coordinates).toEqual([110.2151, -7.4823])
    await crew.getByRole('button', { name: 'Menuju lokasi' }).click()
    await crew.locator('[data-testid=unit-status][data-status=en_route]').waitFor()
    await crew.getByRole('button', { name: 'Di lokasi' }).click()
    await crew.locator('[data-testid=unit-status][data-status=on_scene]').waitFor()
    await t.shot(crew, 'field-page')
    await crew.getByRole('button', { name: 'Kembali' }).click()
    await crew.locator('[data-testid=unit-status][data-status=returning]').waitFor()
    const closed = json<{ status: string; outcome: string }>(
      await app.inject({ method: 'GET', url: `/api/t/33.71/incidents/${incident.id}`, headers: { cookie: dispatcherCookie } }),
    )
    expect(closed).toMatchObject({ status: 'closed', outcome: 'treated_on_scene' })
    await crew.getByRole('button', { name: 'Tersedia' }).click()
    await crew.locator('[data-testid=unit-status][data-status=available]').waitFor()
    await phone.close()
  })

  it('names the Rojak finding an incident came from, with a link to it', async () => {
    const finding = { id: randomUUID(), number: `RJK-${Date.now().toString(36)}` }
    const incident = await incidentsServices(t.server.kendali.ctx).incidents.createFromFinding(
      t.server.kendali.ctx.db,
      '33.71',
      'patrol_officer',
      { type: 'public_order', source: 'patrol', location: { type: 'Point', coordinates: [110.2185, -7.4745] }, description: 'Baliho tanpa izin' },
      finding,
    )
    const page = await t.pageAs('dispatcher')
    await page.goto(`${t.server.url}/t/33.71/incidents/${incident.id}`)
    const link = page.getByTestId('from-finding')
    await link.waitFor()
    expect(await link.textContent()).toBe(`Dari temuan Rojak ${finding.number}`)
    expect(await link.getAttribute('href')).toBe(`/t/33.71/patrols/findings?id=${finding.id}`)
    await t.shot(page.getByTestId('incident-detail'), 'incident-from-finding')
    await page.close()
  })
})
