import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserTest, browserTest } from '../support/browser.ts'
import { startFakeCamera } from '../support/fake-camera.ts'
import { loginCookie, startTestServer } from '../support/server.ts'

declare global {
  interface Window {
    cspViolations?: string[]
  }
}

/** A page that records every CSP violation: the document's events and the console's reports (workers included). */
async function watchedPage(t: BrowserTest): Promise<{ page: Page; violations: () => Promise<string[]> }> {
  const page = await t.newPage({ viewport: { width: 1280, height: 850 } })
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

describe('the web app under its Content-Security-Policy', () => {
  // The camera wall plays a fake camera on loopback.
  const t = browserTest({
    server: { env: { OUTBOUND_ALLOW: '127.0.0.1' } },
    // The demo's cameras stand at addresses of a real install that do not answer here.
    allowConsoleErrors: [/status of 502 .*\/snapshot/],
  })
  let camera: Awaited<ReturnType<typeof startFakeCamera>>

  beforeAll(async () => {
    camera = await startFakeCamera()
    t.onClose(() => camera.close())
  })

  it('draws the console map (WebGL, blob: workers) and plays HLS on the camera wall with no violation', async () => {
    const { page, violations } = await watchedPage(t)
    await t.loginAs(page, 'operator', { landing: /\/t\/33\.71\// })
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    await page.waitForSelector('[data-testid=live-status][data-state=open]')

    const admin = await loginCookie(t.server.kendali, 'admin')
    const spot = [110.2178, -7.4801]
    const hlsCamera = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: admin },
      payload: { name: 'Kamera CSP', location: { type: 'Point', coordinates: [spot[0] + 0.0001, spot[1]] }, hlsUrl: `${camera.url}/live/index.m3u8` },
    })
    expect(hlsCamera.statusCode).toBe(201)
    const incident = await t.server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/incidents',
      headers: { cookie: admin },
      payload: { type: 'fire', source: 'call_112', location: { type: 'Point', coordinates: spot }, description: 'Uji kebijakan keamanan' },
    })
    const { id } = JSON.parse(incident.body) as { id: string }
    const segment = page.waitForResponse((r) => r.url().includes('/hls/seg0.ts'))
    await page.goto(`${t.server.url}/t/33.71/cameras`)
    await page.getByTestId('follow-incident').selectOption(id)
    expect((await segment).status()).toBe(200)
    expect(await violations()).toEqual([])
  })

  it('shows the portal and registers the Web Push service worker with no violation', async () => {
    const { page, violations } = await watchedPage(t)
    await page.goto(`${t.server.url}/p/33.71`)
    await page.getByTestId('portal-cameras').waitFor()
    const scope = await page.evaluate(async () => {
      await navigator.serviceWorker.register('/alerts-sw.js', { scope: '/p/' })
      return (await navigator.serviceWorker.ready).scope
    })
    expect(scope).toBe(`${t.server.url}/p/`)
    expect(await violations()).toEqual([])
  })

  it('runs Swagger UI at /api/docs with no violation', async () => {
    const { page, violations } = await watchedPage(t)
    await page.goto(`${t.server.url}/api/docs`)
    await page.locator('.swagger-ui .info .title').waitFor()
    await page.locator('.opblock-tag').first().waitFor()
    expect(await violations()).toEqual([])
  })
})

describe('a configured external map style under the CSP', () => {
  let styleServer: Server
  let styleRequests = 0
  const t = browserTest({
    async start() {
      // A map style on another origin, as MAP_STYLE_URL points at a tile provider.
      styleServer = createServer((_req, res) => {
        styleRequests += 1
        res.writeHead(200, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
        res.end(JSON.stringify({ version: 8, sources: {}, layers: [{ id: 'latar', type: 'background', paint: { 'background-color': '#d8e2dc' } }] }))
      })
      await new Promise<void>((resolve) => styleServer.listen(0, '127.0.0.1', resolve))
      const style = `http://localhost:${(styleServer.address() as AddressInfo).port}/style.json`
      return startTestServer({ env: { MAP_STYLE_URL: style } })
    },
  })
  afterAll(async () => {
    await new Promise((resolve) => styleServer?.close(resolve))
  })

  it('loads the style from its own origin and draws the city on it', async () => {
    const { page, violations } = await watchedPage(t)
    await t.loginAs(page, 'operator', { landing: /\/t\/33\.71\// })
    await page.goto(`${t.server.url}/t/33.71/console`)
    await page.waitForSelector('[data-testid=map][data-kelurahan-count="17"]')
    expect(styleRequests).toBeGreaterThan(0)
    expect(await violations()).toEqual([])
  })
})
