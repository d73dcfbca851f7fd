import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchBrowser } from '../support/browser.ts'
import { startFakeCamera } from '../support/fake-camera.ts'
import { loginCookie, startTestKendali, startTestServer, type TestServer } from '../support/server.ts'

declare global {
  interface Window {
    cspViolations?: string[]
  }
}

/** A page that records every CSP violation: the document's events and the console's reports (workers included). */
async function watchedPage(browser: Browser): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 850 }, locale: 'id-ID' })
  const reported: string[] = []
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) reported.push(message.text())
  })
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.cspViolations ??= []
      window.cspViolations.push(`${e.effectiveDirective} blocked ${e.blockedURI} (${e.sourceFile}:${e.lineNumber})`)
    })
  })
  return { page, violations: async () => [...reported, ...(await page.evaluate(() => window.cspViolations ?? []))] }
}

async function logIn(page: Page, url: string, username: string) {
  await page.goto(`${url}/login`)
  await page.fill('input[name=username]', username)
  await page.fill('input[name=password]', 'kendali-demo')
  await page.click('button[type=submit]')
  await page.waitForURL(/\/t\/33\.71\//)
}

describe('the web app under its Content-Security-Policy', () => {
  let server: TestServer
  let camera: Awaited<ReturnType<typeof startFakeCamera>>
  let browser: Browser

  beforeAll(async () => {
    // The camera wall plays a fake camera on loopback.
    server = await startTestServer({ env: { OUTBOUND_ALLOW: '127.0.0.1' } })
    camera = await startFakeCamera()
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await camera?.close()
    await server?.close()
  })

  it('draws the console map (WebGL, blob: workers) and plays HLS on the camera wall with no violation', async () => {
    const { page, violations } = await watchedPage(browser)
    await logIn(page, server.url, 'operator')
    await page.goto(`${server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')

    const admin = await loginCookie(server.kendali, 'admin')
    const spot = [110.2178, -7.4801]
    const hlsCamera = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: admin },
      payload: { name: 'Kamera CSP', location: { type: 'Point', coordinates: [spot[0] + 0.0001, spot[1]] }, hlsUrl: `${camera.url}/live/index.m3u8` },
    })
    expect(hlsCamera.statusCode).toBe(201)
    const incident = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/incidents',
      headers: { cookie: admin },
      payload: { type: 'fire', source: 'call_112', location: { type: 'Point', coordinates: spot }, description: 'Uji kebijakan keamanan' },
    })
    const { id } = JSON.parse(incident.body) as { id: string }
    const segment = page.waitForResponse((r) => r.url().includes('/hls/seg0.ts'))
    await page.goto(`${server.url}/t/33.71/cameras`)
    await page.getByTestId('follow-incident').selectOption(id)
    expect((await segment).status()).toBe(200)
    expect(await violations()).toEqual([])
  })

  it('shows the portal and registers the Web Push service worker with no violation', async () => {
    const { page, violations } = await watchedPage(browser)
    await page.goto(`${server.url}/p/33.71`)
    await page.getByTestId('portal-cameras').waitFor()
    const scope = await page.evaluate(async () => {
      await navigator.serviceWorker.register('/alerts-sw.js', { scope: '/p/' })
      return (await navigator.serviceWorker.ready).scope
    })
    expect(scope).toBe(`${server.url}/p/`)
    expect(await violations()).toEqual([])
  })

  it('runs Swagger UI at /api/docs with no violation', async () => {
    const { page, violations } = await watchedPage(browser)
    await page.goto(`${server.url}/api/docs`)
    await page.locator('.swagger-ui .info .title').waitFor()
    await page.locator('.opblock-tag').first().waitFor()
    expect(await violations()).toEqual([])
  })
})

describe('a configured external map style under the CSP', () => {
  let styleServer: Server
  let server: TestServer
  let browser: Browser
  let styleRequests = 0

  beforeAll(async () => {
    // A map style on another origin, as MAP_STYLE_URL points at a tile provider.
    styleServer = createServer((_req, res) => {
      styleRequests += 1
      res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
      res.end(JSON.stringify({ version: 8, sources: {}, layers: [{ id: 'latar', type: 'background', paint: { 'background-color': '#d8e2dc' } }] }))
    })
    await new Promise<void>((resolve) => styleServer.listen(0, '127.0.0.1', resolve))
    const style = `http://localhost:${(styleServer.address() as AddressInfo).port}/style.json`
    server = await startTestKendali({ env: { MAP_STYLE_URL: style } })
    browser = await launchBrowser()
  })
  afterAll(async () => {
    await browser?.close()
    await server?.close()
    await new Promise((resolve) => styleServer?.close(resolve))
  })

  it('loads the style from its own origin and draws the city on it', async () => {
    const { page, violations } = await watchedPage(browser)
    await logIn(page, server.url, 'operator')
    await page.goto(`${server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    expect(styleRequests).toBeGreaterThan(0)
    expect(await violations()).toEqual([])
  })
})
