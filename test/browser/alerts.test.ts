import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { json, loginCookie, startTestServer, type TestServer, unique } from '../support/server.ts'
import { ROOT } from '../support/template.ts'

const SHOTS = join(ROOT, 'test-results/screenshots')

describe('public warnings in the browser', () => {
  let server: TestServer
  let browser: Browser
  let operator: string
  let admin: string

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    server = await startTestServer()
    browser = await launchBrowser()
    operator = await loginCookie(server.kendali, 'operator')
    admin = await loginCookie(server.kendali, 'admin')
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
  })

  it('shows an approved alert with its instruction on the open portal without reload', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, locale: 'id-ID' })
    await page.goto(`${server.url}/p/33.71`)
    const section = page.getByTestId('active-alerts')
    await section.waitFor()

    const headline = unique('Banjir di Cacaban')
    const drafted = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/alerts',
      headers: { cookie: operator },
      payload: {
        event: 'Banjir',
        category: ['Met'],
        urgency: 'Immediate',
        severity: 'Severe',
        certainty: 'Observed',
        headline,
        instruction: 'Jauhi bantaran Kali Progo.',
        expires: new Date(Date.now() + 3_600_000).toISOString(),
        regions: ['33.71.03.1002'],
      },
    })
    expect(drafted.statusCode, drafted.body).toBe(201)
    const { id } = json<{ id: string }>(drafted)
    // A draft is not public.
    expect(await section.getByText(headline).count()).toBe(0)
    const approved = await server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/alerts/${id}/approve`, headers: { cookie: admin } })
    expect(approved.statusCode, approved.body).toBe(200)

    const card = section.getByTestId('active-alert').filter({ hasText: headline })
    await card.waitFor()
    expect(await card.textContent()).toContain('Jauhi bantaran Kali Progo.')
    expect(await card.textContent()).toContain('Cacaban')
    await page.screenshot({ path: join(SHOTS, 'portal-alerts.png'), fullPage: true })
    await page.close()
  })

  it('lets an operator draft on the staff page, refuses their own approval, and shows a second person’s approval live', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 }, locale: 'id-ID' })
    await page.goto(`${server.url}/login`)
    await page.fill('input[name=username]', 'operator')
    await page.fill('input[name=password]', 'kendali-demo')
    await page.click('button[type=submit]')
    await page.waitForURL(/\/t\//)
    await page.goto(`${server.url}/t/33.71/alerts`)
    const form = page.getByTestId('alert-form')
    await form.waitFor()
    const event = unique('Angin kencang')
    await form.locator('input[name=event]').fill(event)
    await form.locator('select[name=severity]').selectOption('Moderate')
    await form.locator('textarea[name=instruction]').fill('Hindari berteduh di bawah pohon.')
    await form.locator('select[name=regions]').selectOption(['33.71.02.1003'])
    await form.locator('button[type=submit]').click()

    const card = page.getByTestId('staff-alert').filter({ hasText: event })
    await card.getByTestId('alert-status').getByText('Konsep').waitFor()
    await card.getByRole('button', { name: 'Setujui & terbitkan' }).click()
    await page.getByText('A second person must approve').waitFor()

    const list = json<{ items: { id: string; event: string }[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/alerts?status=draft&limit=1000', headers: { cookie: admin } }),
    )
    const mine = list.items.find((a) => a.event === event)
    if (!mine) throw new Error('the draft is not listed')
    await server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/alerts/${mine.id}/approve`, headers: { cookie: admin } })
    await card.getByTestId('alert-status').getByText('Terbit').waitFor()
    await page.screenshot({ path: join(SHOTS, 'staff-alerts.png'), fullPage: true })
    await page.close()
  })
})
