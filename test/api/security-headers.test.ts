import { afterEach, describe, expect, it } from 'vitest'
import { createKendali, type Kendali } from '../../src/core/app.ts'
import { allModules } from '../../src/modules/index.ts'
import { testConfig } from '../support/template.ts'

// Headers come before the database: a server that has not opened it yet answers with them too (its 503s included).
let kendali: Kendali | null = null
async function headersOf(url: string, env: Record<string, string> = {}) {
  kendali = await createKendali(testConfig(env), allModules(), { logger: false, background: false, mqtt: false })
  const res = await kendali.app.inject({ method: 'GET', url })
  return res.headers
}
afterEach(async () => {
  await kendali?.close()
  kendali = null
})
const directive = (csp: unknown, name: string) =>
  String(csp)
    .split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith(`${name} `))

describe('security headers', () => {
  it('sends a CSP, nosniff, a referrer policy and no framing on the API and the web app, and no HSTS over plain http', async () => {
    for (const url of ['/api/health', '/t/33.71/console', '/api/docs/static/index.html']) {
      const headers = await headersOf(url)
      expect(directive(headers['content-security-policy'], 'default-src')).toBe("default-src 'self'")
      expect(directive(headers['content-security-policy'], 'script-src')).toBe("script-src 'self'")
      expect(directive(headers['content-security-policy'], 'frame-ancestors')).toBe("frame-ancestors 'none'")
      expect(directive(headers['content-security-policy'], 'worker-src')).toBe("worker-src 'self' blob:")
      expect(String(headers['content-security-policy'])).not.toContain('upgrade-insecure-requests')
      expect(headers['x-content-type-options']).toBe('nosniff')
      expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin')
      expect(headers['x-frame-options']).toBe('DENY')
      expect(headers['strict-transport-security']).toBeUndefined()
      await kendali?.close()
      kendali = null
    }
  })

  it('adds HSTS and upgrade-insecure-requests when PUBLIC_URL is https', async () => {
    const headers = await headersOf('/api/health', { PUBLIC_URL: 'https://kendali.magelangkota.go.id' })
    expect(headers['strict-transport-security']).toMatch(/max-age=\d{7,}/)
    expect(String(headers['content-security-policy'])).toContain('upgrade-insecure-requests')
  })

  it("lets the map load an external style's origin", async () => {
    const headers = await headersOf('/t/33.71/console', { MAP_STYLE_URL: 'https://tiles.openfreemap.org/styles/liberty' })
    expect(directive(headers['content-security-policy'], 'connect-src')).toBe("connect-src 'self' https://tiles.openfreemap.org")
    expect(directive(headers['content-security-policy'], 'img-src')).toContain('https://tiles.openfreemap.org')
  })

  it('lets only the KPI wall be framed, and only by the origins of WALL_FRAME_ANCESTORS', async () => {
    const env = { WALL_FRAME_ANCESTORS: 'https://dasbor.magelangkota.go.id' }
    const wall = await headersOf('/t/33.71/kpi/wall?token=x', env)
    expect(directive(wall['content-security-policy'], 'frame-ancestors')).toBe('frame-ancestors https://dasbor.magelangkota.go.id')
    expect(wall['x-frame-options']).toBeUndefined()
    await kendali?.close()
    const console = await headersOf('/t/33.71/kpi/wall-tokens', env)
    expect(directive(console['content-security-policy'], 'frame-ancestors')).toBe("frame-ancestors 'none'")
    expect(console['x-frame-options']).toBe('DENY')
    await kendali?.close()
    const withoutOptIn = await headersOf('/t/33.71/kpi/wall')
    expect(directive(withoutOptIn['content-security-policy'], 'frame-ancestors')).toBe("frame-ancestors 'none'")
  })
})
