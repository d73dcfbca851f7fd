import type { Page, Request } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { browserTest } from '../support/browser.ts'

const PHONE = { width: 390, height: 844 }
const LAPTOP = { width: 1366, height: 768 }
// The console is also seen on a control room's screens.
const WIDE = [
  { width: 1920, height: 1080 },
  { width: 3840, height: 2160 },
]

/**
 * Every demo person (src/modules/tenancy/demo.ts, levies/demo.ts), the page their roles start on, the element
 * that page shows once loaded, and whether that page draws a map (MapLibre is loaded only then).
 */
const PEOPLE: { username: string; path: string; ready: string; map: boolean }[] = [
  { username: 'superadmin', path: '/t/33.71/console', ready: 'map', map: true },
  { username: 'admin', path: '/t/33.71/console', ready: 'map', map: true },
  { username: 'operator', path: '/t/33.71/console', ready: 'map', map: true },
  { username: 'dispatcher', path: '/t/33.71/dispatch', ready: 'intake', map: true },
  { username: 'field_crew', path: '/t/33.71/field', ready: 'field-page', map: false },
  { username: 'collector', path: '/t/33.71/levies/collect', ready: 'levy-search', map: false },
  { username: 'patrol_officer', path: '/t/33.71/patrols/field', ready: 'patrol-field', map: false },
  { username: 'agency_officer', path: '/t/33.71/reports/inbox', ready: 'staff-header', map: false },
  { username: 'inspektorat', path: '/t/33.71/reports/inbox', ready: 'staff-header', map: false },
  { username: 'market_officer', path: '/t/33.71/levies', ready: 'staff-header', map: true },
  { username: 'executive', path: '/t/33.71/kpi', ready: 'tile-governance', map: true },
  { username: 'pemprov', path: '/t/33/province', ready: 'province-ranking', map: true },
]

// Usernames are shown as they are (the feed's actor): they are not codes waiting for a word.
const USERNAMES = new Set(PEOPLE.map((p) => p.username))

/**
 * Collects the API calls answered 401 or 403 among the requests the page makes from now on (an anonymous page's
 * "who am I" still under way is not one of them).
 */
function watchRefusals(page: Page): string[] {
  const refused: string[] = []
  const mine = new Set<Request>()
  page.on('request', (r) => mine.add(r))
  page.on('response', (r) => {
    if (mine.has(r.request()) && r.url().includes('/api/') && (r.status() === 401 || r.status() === 403)) refused.push(`${r.status()} ${r.url()}`)
  })
  return refused
}

/** Words of the page that look like codes (snake_case) rather than words for people. */
async function codesOnPage(page: Page): Promise<string[]> {
  const text = await page.evaluate(() => document.body.innerText)
  return [...new Set(text.match(/\b[a-z]+(?:_[a-z0-9]+)+\b/g) ?? [])].filter((w) => !USERNAMES.has(w))
}

/** The staff header's tools (live state, language, the person's menu) are on screen and on one line. */
async function expectHeaderFits(page: Page, size: string): Promise<void> {
  const header = page.getByTestId('staff-header')
  await header.waitFor()
  const fits = await header.evaluate((el) => el.scrollWidth <= el.clientWidth)
  expect(fits, `${size}: the header is wider than the screen`).toBe(true)
  const menu = await page.getByTestId('user-menu').locator('summary').boundingBox()
  const width = page.viewportSize()?.width ?? 0
  expect(menu, `${size}: no user menu`).not.toBeNull()
  if (menu) expect(menu.x + menu.width, `${size}: the user menu is off screen`).toBeLessThanOrEqual(width)
  const tools = await page.locator('.staff-tools').boundingBox()
  // One line: the name and role stacked are about 40 px; a wrapped line would double it.
  expect(tools?.height ?? 0, `${size}: the header's tools wrap`).toBeLessThan(60)
}

/** Whether the element shows on the screen as it is (inside the viewport and not scrolled out of its panel). */
function onScreen(page: Page, selector: string): Promise<boolean> {
  return page
    .locator(selector)
    .first()
    .evaluate((el) => {
      const r = el.getBoundingClientRect()
      const x = r.left + Math.min(r.width / 2, 20)
      const y = r.top + Math.min(r.height / 2, 8)
      return y >= 0 && y < window.innerHeight && el.contains(document.elementFromPoint(x, y))
    })
}

describe("every role's first hour", () => {
  // Console errors fail the test (the harness watches every context it makes).
  const t = browserTest()

  for (const person of PEOPLE) {
    it(`${person.username} starts on their role's page, at a phone's and a laptop's size, without errors or refusals`, async () => {
      for (const viewport of [PHONE, LAPTOP, ...(person.username === 'operator' ? WIDE : [])]) {
        const context = await t.newContext({ viewport })
        const page = await context.newPage()
        const scripts: string[] = []
        page.on('request', (r) => {
          if (r.resourceType() === 'script') scripts.push(r.url())
        })
        await page.goto(`${t.server.url}/login`)
        await page.fill('input[name=username]', person.username)
        await page.fill('input[name=password]', 'kendali-demo')
        // Before logging in, the anonymous visitor's 401 to "who am I" is expected.
        const refused = watchRefusals(page)
        await page.click('button[type=submit]')
        const size = `${viewport.width}x${viewport.height}`
        try {
          await page.waitForURL((url) => url.pathname === person.path, { timeout: 10_000 })
          await page.getByTestId(person.ready).first().waitFor({ timeout: 10_000 })
          // Let the page's panels ask and answer.
          await page.waitForTimeout(1500)
        } finally {
          await t.shot(page, `first-hour-${person.username}-${size}`)
        }

        expect(new URL(page.url()).pathname, size).toBe(person.path)
        expect(refused, `${person.username} ${size}: refused calls`).toEqual([])
        expect(await codesOnPage(page), `${person.username} ${size}: codes on the page`).toEqual([])
        if (person.path.endsWith('/console') && viewport !== PHONE) {
          // The operator's work is in view without scrolling: the incident queue, the units and the alarms.
          await page.getByTestId('unit-item').first().waitFor()
          for (const what of ['[data-testid=incidents-panel] h2', '[data-testid=unit-item]', '[data-testid=alarms-panel] h2']) {
            expect(await onScreen(page, what), `${person.username} ${size}: ${what} on screen`).toBe(true)
          }
        }
        const map = scripts.some((s) => /MapView|maplibre/.test(s))
        if (!person.map) expect(map, `${person.username} ${size}: MapLibre loaded`).toBe(false)
        // One staff header on every page: the person's menu (name, role, logout) inside the screen, nothing cut off.
        await expectHeaderFits(page, size)
        await context.close()
      }
    })
  }

  // The console is in everyone's menu: it shows each role only what it may read, without refused calls.
  for (const person of PEOPLE.filter((p) => p.path.startsWith('/t/33.71/'))) {
    it(`${person.username} opens the console without refused calls or console errors`, async () => {
      const page = await t.newPage({ viewport: LAPTOP })
      await t.loginAs(page, person.username, { landing: new RegExp(`${person.path.replaceAll('.', '\\.')}$`) })
      const refused = watchRefusals(page)
      await page.goto(`${t.server.url}/t/33.71/console`)
      await page.getByTestId('map').waitFor()
      await page.waitForTimeout(2000)
      await t.shot(page, `first-hour-console-${person.username}`)
      expect(refused, `${person.username}: refused calls on the console`).toEqual([])
      expect(await codesOnPage(page), `${person.username}: codes on the console`).toEqual([])
      await page.context().close()
    })
  }
})
