import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { type Browser, type BrowserContext, type BrowserContextOptions, chromium, type Locator, type Page } from 'playwright-core'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { PASSWORD } from './fixtures.ts'
import { loginCookie, startTestServer, type TestServer } from './server.ts'
import { ROOT } from './template.ts'

/** Debian's Chromium, headless, with the flags this closed network needs (never a downloaded browser). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  })
}

/** Where browser tests leave their screenshots (CI keeps them as an artifact). */
export const SHOTS = join(ROOT, 'test-results/screenshots')

/** The console error of a request the server answered with `status`, at a path that contains `path`. */
export function answered(status: number, path: string): RegExp {
  return new RegExp(`status of ${status} .*${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[^ ]*\\)$`)
}

/** Console errors that are the app working as meant: an anonymous page asks who is logged in and hears 401. */
const ALWAYS_ALLOWED = [answered(401, '/api/auth/me')]

export interface BrowserTestOptions {
  /** Starts the server instead of `startTestServer(server)` (a test that needs other modules or a restartable port). */
  start?: () => Promise<TestServer>
  /** Options for `startTestServer` (env such as OUTBOUND_ALLOW for a fake camera, a fixed port). */
  server?: Parameters<typeof startTestServer>[0]
  /** Console errors every test of this suite expects (a refused request the test provokes, say). */
  allowConsoleErrors?: RegExp[]
}

export interface BrowserTest {
  /** The Kendali under test; `server.url` is where the browser reaches it. */
  server: TestServer
  browser: Browser
  /** A context of its own (own cookies), in Bahasa Indonesia unless `options` says otherwise, watched for console errors. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>
  /** A page in a context of its own (see `newContext`); 1400×850 unless `options.viewport` says otherwise. */
  newPage(options?: BrowserContextOptions): Promise<Page>
  /** Logs `username` (a demo person is named after their role: `operator`, `admin`…) in through the login form. */
  loginAs(page: Page, username: string, opts?: { password?: string; landing?: string | RegExp }): Promise<Page>
  /** Gives a context the session of `username` without the login form (a cookie from the API). */
  addSession(context: BrowserContext, username: string, password?: string): Promise<void>
  /** `newPage` then `loginAs`. */
  pageAs(username: string, options?: BrowserContextOptions & { password?: string; landing?: string | RegExp }): Promise<Page>
  /** Saves a screenshot of a page or an element as `test-results/screenshots/<name>.png`. */
  shot(target: Page | Locator, name: string, opts?: { fullPage?: boolean; clip?: { x: number; y: number; width: number; height: number } }): Promise<void>
  /** Console errors the current test expects; the others fail it. */
  allowConsoleErrors(...patterns: RegExp[]): void
  /** Runs at teardown, before the browser and server close (a fake camera, a restarted server). */
  onClose(close: () => Promise<unknown> | unknown): void
}

/**
 * The browser, the served web app and the demo city for the enclosing `describe`: started before its tests, closed
 * after them. Every console error and uncaught page error in a context it made fails the test it happened in, unless
 * a pattern allows it.
 */
export function browserTest(options: BrowserTestOptions = {}): BrowserTest {
  const errors: string[] = []
  let allowedHere: RegExp[] = []
  const closers: (() => Promise<unknown> | unknown)[] = []

  const watch = (context: BrowserContext): BrowserContext => {
    context.on('console', (message) => {
      if (message.type() !== 'error') return
      const at = message.location().url
      errors.push(at ? `${message.text()} (${at})` : message.text())
    })
    context.on('weberror', (error) => errors.push(`uncaught: ${error.error().message}`))
    return context
  }

  const t: BrowserTest = {
    server: undefined as unknown as TestServer,
    browser: undefined as unknown as Browser,
    newContext: async (contextOptions = {}) => watch(await t.browser.newContext({ locale: 'id-ID', ...contextOptions })),
    newPage: async (contextOptions = {}) => (await t.newContext({ viewport: { width: 1400, height: 850 }, ...contextOptions })).newPage(),
    async loginAs(page, username, { password = PASSWORD, landing = /\/t\// } = {}) {
      await page.goto(`${t.server.url}/login`)
      await page.fill('input[name=username]', username)
      await page.fill('input[name=password]', password)
      await page.click('button[type=submit]')
      await page.waitForURL(landing)
      return page
    },
    async addSession(context, username, password) {
      const [name, value] = (await loginCookie(t.server.kendali, username, password)).split('=') as [string, string]
      await context.addCookies([{ name, value, url: t.server.url }])
    },
    async pageAs(username, { password, landing, ...contextOptions } = {}) {
      return t.loginAs(await t.newPage(contextOptions), username, { password, landing })
    },
    async shot(target, name, opts = {}) {
      const path = join(SHOTS, `${name}.png`)
      await ('goto' in target ? target.screenshot({ path, ...opts }) : target.screenshot({ path }))
    },
    allowConsoleErrors: (...patterns) => {
      allowedHere.push(...patterns)
    },
    onClose: (close) => {
      closers.push(close)
    },
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    t.server = await (options.start ?? (() => startTestServer(options.server)))()
    t.browser = await launchBrowser()
  })
  afterEach(() => {
    const allowed = [...ALWAYS_ALLOWED, ...(options.allowConsoleErrors ?? []), ...allowedHere]
    const unexpected = errors.splice(0).filter((e) => !allowed.some((pattern) => pattern.test(e)))
    allowedHere = []
    if (unexpected.length > 0) throw new Error(`console errors in the browser:\n${unexpected.join('\n')}`)
  })
  afterAll(async () => {
    for (const close of closers.reverse()) await close()
    await t.browser?.close()
    await t.server?.close()
  })
  return t
}
