import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { OutboundPolicy } from '../../core/outbound/policy.ts'
import { AssetService } from './assets.ts'
import { seedDatahubDemo } from './demo.ts'
import { datahubServices } from './index.ts'
import type { AssetDetail, AssetFeature, CreateAsset } from './schema.ts'

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

/** A hotspot's router: answers 200 while `routerUp`, else 503. */
let routerUp = true
let router: Server
let routerUrl = ''

beforeAll(async () => {
  router = createServer((_req, res) => void res.writeHead(routerUp ? 200 : 503).end())
  await new Promise<void>((resolve) => router.listen(0, '127.0.0.1', resolve))
  routerUrl = `http://127.0.0.1:${(router.address() as AddressInfo).port}/status`
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'agency_officer', 'field_crew', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(async () => {
  await server.close()
  await new Promise((resolve) => router.close(resolve))
})

const statusEvents = (id: string) =>
  server.kendali.ctx.db.query<{ type: string; data: { status: string; previous: string } }>(
    "SELECT type, data FROM events WHERE tenant = '33.71' AND entity = $1 AND type = 'asset.status_changed' ORDER BY seq",
    [id],
  )

describe('public assets', () => {
  it('adds a wifi hotspot and serves each kind as a GeoJSON FeatureCollection to everyone', async () => {
    const res = await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })
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
      const res = await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot(extra) })
      expect(res.statusCode, JSON.stringify(extra)).toBe(400)
      expect(json<ErrorBody>(res).error.code).toBe('invalid')
    }
    expect((await inject({ method: 'GET', url: '/api/t/33.71/assets?kind=cctv' })).statusCode).toBe(400)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(401)
    expect((await as('field_crew', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(403)
    // Public assets belong to no OPD: only administrators add, change or remove them.
    const kept = json<AssetDetail>(await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() }))
    for (const who of ['operator', 'agency_officer']) {
      expect((await as(who, { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() })).statusCode).toBe(403)
      expect((await as(who, { method: 'PATCH', url: `/api/t/33.71/assets/${kept.id}`, payload: { name: unique('Diubah') } })).statusCode).toBe(403)
      expect((await as(who, { method: 'DELETE', url: `/api/t/33.71/assets/${kept.id}` })).statusCode).toBe(403)
    }
    expect((await as('admin', { method: 'DELETE', url: `/api/t/33.71/assets/${kept.id}` })).statusCode).toBe(204)
    const same = hotspot()
    expect((await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: same })).statusCode).toBe(201)
    const twice = await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: { ...same, name: same.name.toUpperCase() } })
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

  it('edits and archives an asset with tenant and role checked; an archived asset leaves the map and frees its name', async () => {
    const created = json<AssetDetail>(await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() }))
    const url = `/api/t/33.71/assets/${created.id}`
    const patch = { name: unique('Hotspot Taman Kiai Langgeng'), location: { type: 'Point', coordinates: [110.22, -7.49] }, provider: null }
    for (const [who, status] of [
      [undefined, 401],
      ['field_crew', 403],
      ['malang_admin', 403],
    ] as const) {
      const res = who ? await as(who, { method: 'PATCH', url, payload: patch }) : await inject({ method: 'PATCH', url, payload: patch })
      expect(res.statusCode, who).toBe(status)
      expect((who ? await as(who, { method: 'DELETE', url }) : await inject({ method: 'DELETE', url })).statusCode).toBe(status)
    }
    expect((await as('malang_admin', { method: 'PATCH', url: `/api/t/35.73/assets/${created.id}`, payload: patch })).statusCode).toBe(404)
    for (const bad of [{}, { status: 'broken' }, { location: { type: 'Point', coordinates: [0, 95] } }, { probeUrl: 'http://169.254.169.254/' }]) {
      const res = await as('admin', { method: 'PATCH', url, payload: bad })
      expect(res.statusCode, JSON.stringify(bad)).toBe(400)
    }
    expect(json<ErrorBody>(await as('admin', { method: 'PATCH', url, payload: { probeUrl: 'http://10.0.0.8/' } })).error.details?.field).toBe('probeUrl')

    const edited = await as('admin', { method: 'PATCH', url, payload: patch })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(json<AssetDetail>(edited)).toMatchObject({
      geometry: { coordinates: [110.22, -7.49] },
      properties: { name: patch.name, provider: null, status: 'up', kind: 'wifi' },
    })
    const listed = async () => json<Collection>(await inject({ method: 'GET', url: '/api/t/33.71/assets?kind=wifi' })).features
    expect((await listed()).find((f) => f.id === created.id)?.properties.name).toBe(patch.name)

    const other = json<AssetDetail>(await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot() }))
    const clash = await as('admin', { method: 'PATCH', url: `/api/t/33.71/assets/${other.id}`, payload: { name: patch.name } })
    expect(clash.statusCode).toBe(409)

    expect((await as('admin', { method: 'DELETE', url })).statusCode).toBe(204)
    expect((await listed()).map((f) => f.id)).not.toContain(created.id)
    expect((await as('admin', { method: 'GET', url })).statusCode).toBe(404)
    expect((await as('admin', { method: 'DELETE', url })).statusCode).toBe(404)
    const again = await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot({ name: patch.name }) })
    expect(again.statusCode, again.body).toBe(201)
  })

  it('takes a status reported by an OPD system and records each change as an event', async () => {
    const created = json<AssetDetail>(await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot({ status: 'unknown' }) }))
    const url = `/api/t/33.71/assets/${created.id}/status`
    expect((await as('field_crew', { method: 'POST', url, payload: { status: 'down' } })).statusCode).toBe(403)
    expect((await as('admin', { method: 'POST', url, payload: { status: 'sideways' } })).statusCode).toBe(400)
    for (const status of ['down', 'down', 'up']) {
      const res = await as('operator', { method: 'POST', url, payload: { status } })
      expect(res.statusCode, res.body).toBe(200)
      expect(json<AssetDetail>(res).properties.status).toBe(status)
    }
    expect((await statusEvents(created.id)).map((e) => [e.data.previous, e.data.status])).toEqual([
      ['unknown', 'down'],
      ['down', 'up'],
    ])
  })

  it('refuses a probe URL at a private address unless OUTBOUND_ALLOW lists it', async () => {
    const res = await as('admin', { method: 'POST', url: '/api/t/33.71/assets', payload: hotspot({ probeUrl: routerUrl }) })
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details?.field).toBe('probeUrl')
  })

  it('probes a hotspot on schedule: up while its router answers, down when it fails, one event per change', async () => {
    const ctx = server.kendali.ctx
    const probing = new AssetService(ctx.events, new OutboundPolicy(['127.0.0.1']), { timeoutMs: 2000, parallel: 2 })
    const location: CreateAsset['location'] = { type: 'Point', coordinates: [110.2176, -7.4773] }
    const created = await probing.create(ctx.db, '33.71', 'test', { kind: 'wifi', name: unique('Hotspot Rejowinangun'), location, probeUrl: routerUrl })
    expect(created.properties).toMatchObject({ probeUrl: routerUrl, checkedAt: null })
    const statusOf = async () => (await probing.get(ctx.db, '33.71', created.id)).properties
    routerUp = true
    expect(await probing.probeAll(ctx.db)).toBeGreaterThanOrEqual(1)
    expect(await statusOf()).toMatchObject({ status: 'up', checkedAt: expect.any(String) })
    await probing.probeAll(ctx.db)
    routerUp = false
    await probing.probeAll(ctx.db)
    expect((await statusOf()).status).toBe('down')
    // The guard still applies at every call: a service without OUTBOUND_ALLOW finds the router unreachable.
    routerUp = true
    await new AssetService(ctx.events, new OutboundPolicy([])).probe(ctx.db, '33.71', created.id, routerUrl)
    expect((await statusOf()).status).toBe('down')
    await probing.probeAll(ctx.db)
    expect((await statusOf()).status).toBe('up')
    expect((await statusEvents(created.id)).map((e) => e.data.status)).toEqual(['up', 'down', 'up'])
  })
})
