import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'

type Picture = {
  period: string
  cities: {
    rank: number
    code: string
    openIncidents: { P1: number; P2: number; P3: number; P4: number; total: number } | null
    activeWarnings: number | null
    offlineDevices: number | null
    offlineCameras: number | null
    overdueReports: number | null
    scores: { overall: number | null; dimensions: Record<string, number | null> } | null
  }[]
  notJoined: { code: string; name: string }[]
}
type Total = { total: number; items: { status?: string }[] }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const get = async <T>(who: string, url: string): Promise<T> => {
  const res = await as(who, { method: 'GET', url })
  expect(res.statusCode, `${url}: ${res.body}`).toBe(200)
  return json<T>(res)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['pemprov', 'executive', 'admin', 'superadmin', 'malang_admin', 'malang_operator']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('the province picture', () => {
  it("counts each city's open incidents, warnings, offline devices and cameras and overdue complaints as the city's own lists do", async () => {
    const picture = await get<Picture>('pemprov', '/api/t/33/province/cities')
    const magelang = picture.cities.find((c) => c.code === '33.71')
    expect(magelang).toBeDefined()
    // The hand count: the city's own lists, read as its executive.
    for (const p of ['P1', 'P2', 'P3', 'P4'] as const) {
      const open = await get<Total>('executive', `/api/t/33.71/incidents?status=open&priority=${p}&limit=1`)
      expect(magelang?.openIncidents?.[p], p).toBe(open.total)
    }
    expect(magelang?.activeWarnings).toBe((await get<Total>('executive', '/api/t/33.71/alerts/active')).total)
    expect(magelang?.overdueReports).toBe((await get<Total>('executive', '/api/t/33.71/reports?status=open&overdue=true&limit=1')).total)
    const cameras = await get<Total>('executive', '/api/t/33.71/cameras?limit=500')
    expect(magelang?.offlineCameras).toBe(cameras.items.filter((c) => c.status === 'offline').length)
    const devices = await get<Total>('admin', '/api/t/33.71/devices?limit=500')
    expect(magelang?.offlineDevices).toBe(devices.items.filter((d) => d.status === 'offline').length)
    const summary = await get<{ dimensions: { dimension: string; score: number | null }[] }>('executive', `/api/t/33.71/kpi/summary?period=${picture.period}`)
    for (const d of summary.dimensions) expect(magelang?.scores?.dimensions[d.dimension], d.dimension).toBe(d.score)
  })

  it('says which kota and kabupaten of the province have not joined, from its boundaries', async () => {
    const picture = await get<Picture>('pemprov', '/api/t/33/province/cities')
    const notJoined = picture.notJoined.map((c) => c.code)
    // Other test files on this worker's database onboard cities of Jawa Tengah (Kendal, Batang, Boyolali…): the
    // boundaries, not a fixed list, say which these are.
    const boundaries = new Map(
      (
        JSON.parse(readFileSync(new URL('../tenancy/regions/jawa-tengah-33-kabkota.geojson', import.meta.url), 'utf8')) as {
          features: { properties: { code: string; name: string } }[]
        }
      ).features.map((f) => [f.properties.code, f.properties.name]),
    )
    const joined = picture.cities.map((c) => c.code)
    expect(joined).toContain('33.71')
    expect(notJoined).not.toContain('33.71')
    // Named as the boundaries name them (Kabupaten Magelang, Kota Semarang…).
    expect(picture.notJoined.length).toBeGreaterThan(0)
    for (const city of picture.notJoined) expect(city.name, city.code).toBe(boundaries.get(city.code))
    // Every kota and kabupaten of the boundaries is either a city on the platform or named as not joined, not both.
    expect(notJoined.filter((code) => joined.includes(code))).toEqual([])
    expect([...boundaries.keys()].filter((code) => !joined.includes(code) && !notJoined.includes(code))).toEqual([])
  })

  it('leaves out of a count the module a city does not share, and counts it again once it does', async () => {
    const created = await as('malang_operator', {
      method: 'POST',
      url: '/api/t/35.73/incidents',
      payload: { type: 'medical', priority: 'P1', source: 'call_119', location: { type: 'Point', coordinates: [112.6326, -7.9666] } },
    })
    expect(created.statusCode, created.body).toBe(201)
    try {
      const shared = (await get<Picture>('superadmin', '/api/t/35/province/cities')).cities.find((c) => c.code === '35.73')
      expect(shared?.openIncidents?.P1).toBeGreaterThanOrEqual(1)
      const off = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/province/sharing', payload: { incidents: false } })
      expect(off.statusCode, off.body).toBe(200)
      expect(json<{ modules: { module: string; isShared: boolean; updatedBy: string | null }[] }>(off).modules).toContainEqual(
        expect.objectContaining({ module: 'incidents', isShared: false, updatedBy: 'malang_admin' }),
      )
      const hidden = (await get<Picture>('superadmin', '/api/t/35/province/cities')).cities.find((c) => c.code === '35.73')
      expect(hidden?.openIncidents).toBeNull()
      // Only that module: the others still count.
      expect(hidden?.offlineCameras).toBeTypeOf('number')
      expect(hidden?.overdueReports).toBeTypeOf('number')
    } finally {
      const on = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/province/sharing', payload: { incidents: true } })
      expect(on.statusCode, on.body).toBe(200)
    }
    const again = (await get<Picture>('superadmin', '/api/t/35/province/cities')).cities.find((c) => c.code === '35.73')
    expect(again?.openIncidents?.P1).toBeGreaterThanOrEqual(1)
  })

  it('keeps the warnings of a city that does not share them off the province map', async () => {
    const before = await get<{ features: { properties: { city: string } }[] }>('pemprov', '/api/t/33/province/warnings')
    expect(before.features.every((f) => f.properties.city.startsWith('33.'))).toBe(true)
    expect(before.features.filter((f) => f.properties.city === '33.71')).toHaveLength((await get<Total>('executive', '/api/t/33.71/alerts/active')).total)
  })

  it('refuses bad input and the wrong tenant kind in words, changing nothing', async () => {
    const city = await as('pemprov', { method: 'GET', url: '/api/t/33.71/province/cities' })
    expect(city.statusCode).toBe(400)
    const province = await as('superadmin', { method: 'GET', url: '/api/t/33/province/sharing' })
    expect(province.statusCode).toBe(400)
    const unknown = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/province/sharing', payload: { levies: false } })
    expect(unknown.statusCode).toBe(400)
    const empty = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/province/sharing', payload: {} })
    expect(empty.statusCode).toBe(400)
    const period = await as('pemprov', { method: 'GET', url: '/api/t/33/province/cities?period=2026-13' })
    expect(period.statusCode).toBe(400)
  })

  it("shows a province only its own cities, and a city's people not the province", async () => {
    expect((await as('pemprov', { method: 'GET', url: '/api/t/35/province/cities' })).statusCode).toBe(403)
    expect((await as('executive', { method: 'GET', url: '/api/t/33/province/cities' })).statusCode).toBe(403)
    expect((await as('malang_operator', { method: 'PUT', url: '/api/t/35.73/province/sharing', payload: { kpi: false } })).statusCode).toBe(403)
  })
})

describe('the province never writes in a city', () => {
  it('answers 403 to a province role on every write route of a city, and the city is unchanged', async () => {
    const [before] = await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE tenant = '33.71'`)
    const writes = server.kendali.routes.filter(
      (r) =>
        r.url.startsWith('/api/t/:tenant/') &&
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) &&
        !r.websocket &&
        typeof r.access === 'object' &&
        // A read sent as a POST (a preview, a check) is a read, which the province may do.
        r.access.write !== false,
    )
    expect(writes.length).toBeGreaterThan(50)
    for (const route of writes) {
      const url = route.url.replace(':tenant', '33.71').replace(/:[a-zA-Z]+/g, '00000000-0000-4000-8000-000000000000')
      const res = await as('pemprov', { method: route.method as 'POST', url, payload: route.method === 'DELETE' ? undefined : {} })
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403)
    }
    const [after] = await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE tenant = '33.71'`)
    expect(after.n).toBe(before.n)
  })
})
