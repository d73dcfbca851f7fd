import { randomUUID } from 'node:crypto'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { incidentsServices } from '../../src/modules/incidents/index.ts'
import { launchBrowser } from '../support/browser.ts'
import { json, loginCookie, startTestServer, type TestServer } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')
// The colour the console gives a dispatched unit (web/src/modules/incidents/api.ts).
const DISPATCHED = '#ff8c1a'

// Runs where Debian's Chromium is installed (CI installs it); it belongs with test/browser when that suite takes module folders.
describe('dispatch in the browser', () => {
  let server: TestServer
  let browser: Browser

  async function loggedIn(username: string, viewport = { width: 1400, height: 850 }): Promise<Page> {
    const page = await browser.newPage({ viewport, locale: 'id-ID' })
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', username)
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/t\//)
    return page
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('takes a call at the intake form, sends the recommended ambulance, and another console sees the unit change colour without reload', async () => {
    const operator = await loggedIn('operator')
    await operator.goto(`${server.url}/t/33.71/console`)
    await operator.waitForSelector('[data-testid=live-status][data-state=open]')
    await operator.getByTestId('unit-item').first().waitFor()

    const dispatcher = await loggedIn('dispatcher')
    await dispatcher.goto(`${server.url}/t/33.71/dispatch`)
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
    await dispatcher.screenshot({ path: join(SHOTS, 'dispatch-console.png') })

    const unitOnConsole = operator.locator(`[data-testid=unit-item][data-callsign="${callsign}"]`)
    expect(await unitOnConsole.getAttribute('data-status')).toBe('available')
    await first.getByRole('button', { name: 'Kirim' }).click()

    await operator.locator(`[data-testid=unit-item][data-callsign="${callsign}"][data-status=dispatched]`).waitFor()
    expect(await unitOnConsole.locator('.swatch').getAttribute('data-color')).toBe(DISPATCHED)
    await dispatcher.locator(`[data-testid=queue-item][data-number="${number}"]`).filter({ hasText: 'Ditangani' }).waitFor()
    await operator.screenshot({ path: join(SHOTS, 'console-incidents.png') })

    await dispatcher.locator(`[data-testid=recommendations] a`).click()
    await dispatcher.getByTestId('timeline').filter({ hasText: callsign }).waitFor()
    await dispatcher.screenshot({ path: join(SHOTS, 'incident-detail.png') })
  })

  it('shows the crew its assignment, sends the phone’s position, and moves the unit with big buttons', async () => {
    const { app } = server.kendali
    const dispatcherCookie = await loginCookie(server.kendali, 'dispatcher')
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

    const phone = await browser.newContext({
      viewport: { width: 390, height: 800 },
      locale: 'id-ID',
      geolocation: { longitude: 110.2151, latitude: -7.4823 },
      permissions: ['geolocation'],
    })
    const crew = await phone.newPage()
    await crew.goto(`${server.url}/login`)
    await crew.fill('input[name=username]', 'field_crew')
    await crew.fill('input[name=password]', 'kendali-demo')
    await crew.click('button[type=submit]')
    await crew.waitForURL(/\/t\//)
    await crew.goto(`${server.url}/t/33.71/field`)
    await crew.getByTestId('assignment').filter({ hasText: incident.number }).waitFor()
    expect(await crew.locator('h1').textContent()).toContain('AMB-119-01')
    await crew.getByText('Posisi terkirim').waitFor()
    const moved = json<{ location: { coordinates: [number, number] } }>(
      await app.inject({ method: 'GET', url: `/api/t/33.71/units/${amb?.id}`, headers: { cookie: dispatcherCookie } }),
    )
    expect(moved.location.coordinates).toEqual([110.2151, -7.4823])
    await crew.getByRole('button', { name: 'Menuju lokasi' }).click()
    await crew.locator('[data-testid=unit-status][data-status=en_route]').waitFor()
    await crew.getByRole('button', { name: 'Di lokasi' }).click()
    await crew.locator('[data-testid=unit-status][data-status=on_scene]').waitFor()
    await crew.screenshot({ path: join(SHOTS, 'field-page.png') })
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
    const incident = await incidentsServices(server.kendali.ctx).incidents.createFromFinding(
      server.kendali.ctx.db,
      '33.71',
      'patrol_officer',
      { type: 'public_order', source: 'patrol', location: { type: 'Point', coordinates: [110.2185, -7.4745] }, description: 'Baliho tanpa izin' },
      finding,
    )
    const page = await loggedIn('dispatcher')
    await page.goto(`${server.url}/t/33.71/incidents/${incident.id}`)
    const link = page.getByTestId('from-finding')
    await link.waitFor()
    expect(await link.textContent()).toBe(`Dari temuan Rojak ${finding.number}`)
    expect(await link.getAttribute('href')).toBe(`/t/33.71/patrols/findings?id=${finding.id}`)
    await page.getByTestId('incident-detail').screenshot({ path: join(SHOTS, 'incident-from-finding.png') })
    await page.close()
  })
})
