import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { seedDatahubDemo } from './demo.ts'
import { datahubServices } from './index.ts'
import type { AssetFeature } from './schema.ts'

type Collection = { type: string; features: AssetFeature[] }
type ErrorBody = { error: { code: string; details?: { field?: string } } }

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const hotspot = (extra: Record<string, unknown> = {}) => ({
  kind: 'wifi',
  name: unique('Hotspot Alun-alun'),
  location: { type: 'Point', coordinates: [110.2176, -7.4773] },
  provider: 'Telkom',
  status: 'up',
  ...extra,
})

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['operator', 'field_crew', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('public assets', () => {
  it('adds a wifi hotspot and serves each kind as a GeoJSON FeatureCollection to everyone', async () => {
    const res = await as('operator', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })
    expect(res.statusCode, res.body).toBe(201)
    const created = json<AssetFeature>(res)
    expect(created).toMatchObject({ type: 'Feature', geometry: { type: 'Point', coordinates: [110.2176, -7.4773] } })
    expect(created.properties).toMatchObject({ kind: 'wifi', provider: 'Telkom', status: 'up' })
    const wifi = await inject({ method: 'GET', url: '/api/t/33.71/assets?kind=wifi' })
    expect(wifi.statusCode).toBe(200)
    expect(wifi.headers['content-type']).toContain('application/geo+json')
    const body = json<Collection>(wifi)
    expect(body.type).toBe('FeatureCollection')
    expect(body.features.map((f) => f.id)).toContain(created.id)
    expect(new Set(body.features.map((f) => f.properties.kind))).toEqual(new Set(['wifi']))
    const facilities = json<Collection>(await inject({ method: 'GET', url: '/api/t/33.71/assets?kind=facility' })).features
    expect(facilities.map((f) => f.id)).not.toContain(created.id)
  })

  it('refuses bad input, a wrong role and a wrong tenant, and changes nothing', async () => {
    const count = async () => json<Collection>(await inject({ method: 'GET', url: '/api/t/33.71/assets' })).features.length
    const before = await count()
    for (const extra of [
      { kind: 'cctv' },
      { location: { type: 'Point', coordinates: [200, 0] } },
      { location: { type: 'Point', coordinates: [110.2] } },
      { status: 'broken' },
      { name: '' },
    ]) {
      const res = await as('operator', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot(extra) })
      expect(res.statusCode, JSON.stringify(extra)).toBe(400)
      expect(json<ErrorBody>(res).error.code).toBe('invalid')
    }
    expect((await inject({ method: 'GET', url: '/api/t/33.71/assets?kind=cctv' })).statusCode).toBe(400)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(401)
    expect((await as('field_crew', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(403)
    const same = hotspot()
    expect((await as('operator', { method: 'POST', url: '/api/t/33.71/assets', payload: same })).statusCode).toBe(201)
    const twice = await as('operator', { method: 'POST', url: '/api/t/33.71/assets', payload: { ...same, name: same.name.toUpperCase() } })
    expect(twice.statusCode).toBe(409)
    expect(await count()).toBe(before + 1)
    const malang = json<Collection>(await inject({ method: 'GET', url: '/api/t/35.73/assets' })).features
    expect(malang.map((f) => f.properties.name)).not.toContain(same.name)
  })

  it('seeds Kota Magelang with hotspots, facilities and evacuation points, once', async () => {
    const ctx = server.kendali.ctx
    const services = datahubServices(ctx)
    await seedDatahubDemo(ctx.db, services)
    const sizes = async () =>
      Promise.all(['wifi', 'facility', 'evacuation'].map(async (kind) => (await services.assets.collection(ctx.db, '33.71', kind as 'wifi')).features.length))
    const first = await sizes()
    await seedDatahubDemo(ctx.db, services)
    expect(await sizes()).toEqual(first)
    const names = async (kind: 'wifi' | 'facility' | 'evacuation') =>
      (await services.assets.collection(ctx.db, '33.71', kind)).features.map((f) => f.properties.name)
    expect(first[0]).toBeGreaterThanOrEqual(30)
    expect(await names('wifi')).toContain('Terminal Tidar')
    expect(await names('facility')).toContain('RSUD Tidar')
    expect(await names('facility')).not.toContain('Titik kumpul evakuasi Stadion')
    expect(await names('evacuation')).toContain('Titik kumpul evakuasi Stadion')
  })
})
