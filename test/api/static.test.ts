import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { brotliDecompressSync, gunzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createKendali, type Kendali } from '../../src/core/app.ts'
import { allModules } from '../../src/modules/index.ts'
import { testConfig } from '../support/template.ts'

// The built web app (npm test builds web/dist first): what a browser downloads and how long it may keep it.
const dist = new URL('../../web/dist/', import.meta.url).pathname
const assets = readdirSync(join(dist, 'assets'))
// The largest script is the map bundle, the one that matters most.
const [mapBundle] = assets.filter((f) => f.endsWith('.js')).sort((a, b) => statSync(join(dist, 'assets', b)).size - statSync(join(dist, 'assets', a)).size)
const stylesheet = assets.find((f) => f.endsWith('.css'))
const indexHtml = readFileSync(join(dist, 'index.html'))

let kendali: Kendali
beforeAll(async () => {
  kendali = await createKendali(testConfig(), allModules(), { logger: false, background: false, mqtt: false })
})
afterAll(() => kendali.close())

const get = (url: string, acceptEncoding?: string) =>
  kendali.app.inject({ method: 'GET', url, headers: acceptEncoding ? { 'accept-encoding': acceptEncoding } : {} })

const decoders = { br: brotliDecompressSync, gzip: gunzipSync }

describe('web app delivery', () => {
  it.each([
    ['br', 'gzip, deflate, br, zstd'],
    ['gzip', 'gzip, deflate'],
  ] as const)('sends the %s file the build wrote, which unpacks to the asset itself, cached for good', async (encoding, accept) => {
    for (const file of [mapBundle, stylesheet]) {
      const res = await get(`/assets/${file}`, accept)
      expect(res.statusCode).toBe(200)
      expect(res.headers['content-encoding']).toBe(encoding)
      expect(String(res.headers.vary)).toMatch(/accept-encoding/i)
      expect(res.headers['content-type']).toMatch(file?.endsWith('.css') ? /^text\/css/ : /^(text|application)\/javascript/)
      expect(res.rawPayload.length).toBeLessThan(statSync(join(dist, 'assets', String(file))).size / 2)
      expect(decoders[encoding](res.rawPayload).equals(readFileSync(join(dist, 'assets', String(file))))).toBe(true)
      expect(res.headers['cache-control']).toBe('public, max-age=31536000, immutable')
    }
  })

  it('sends the plain file to a client that accepts no compression, still saying the answer varies', async () => {
    const res = await get(`/assets/${mapBundle}`)
    expect(res.headers['content-encoding']).toBeUndefined()
    expect(String(res.headers.vary)).toMatch(/accept-encoding/i)
    expect(res.rawPayload.equals(readFileSync(join(dist, 'assets', mapBundle)))).toBe(true)
  })

  it('never lets a cache keep index.html, at / or as the page of an app path, nor the push service worker', async () => {
    for (const url of ['/', '/index.html', '/t/33.71/console', '/p/33.71']) {
      const res = await get(url, 'br, gzip')
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['cache-control'], url).toBe('no-cache')
      expect(res.headers['content-encoding'], url).toBe('br')
      expect(brotliDecompressSync(res.rawPayload).equals(indexHtml), url).toBe(true)
    }
    const worker = await get('/alerts-sw.js', 'gzip')
    expect(worker.statusCode).toBe(200)
    expect(worker.headers['cache-control']).toBe('no-cache')
  })

  it('answers a revalidation of index.html with 304 from its ETag', async () => {
    const first = await get('/t/33.71/console')
    const again = await kendali.app.inject({ method: 'GET', url: '/t/33.71/console', headers: { 'if-none-match': String(first.headers.etag) } })
    expect(again.statusCode).toBe(304)
  })
})
