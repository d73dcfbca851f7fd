import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../support/server.ts'

type Feature = { type: 'Feature'; properties: { code: string; name: string; level: string; parent?: string | null }; geometry: unknown }
type Collection = { type: 'FeatureCollection'; features: Feature[] }
type ImportResult = { accepted: number; rejected: { index: number; code: string; name: string; field: string; message: string }[] }

// The real Kabupaten Kendal (20 kecamatan, 20 kelurahan, 266 desa) and a malformed piece of it.
const fixture = (path: string) => JSON.parse(readFileSync(new URL(`../fixtures/${path}`, import.meta.url), 'utf8')) as Collection
const KENDAL = fixture('kpi/kabupaten-kendal-33.24.geojson')
const MALFORMED = fixture('tenancy/kendal-malformed.geojson')

/** The same boundaries under another code, so this file does not take 33.24 from the onboarding test in the same worker. */
function recoded(collection: Collection, code: string): Collection {
  const to = (c: string) => c.replace(/^33\.24(?=\.|$)/, code)
  return {
    type: 'FeatureCollection',
    features: collection.features.map((f) => ({
      ...f,
      properties: { ...f.properties, code: to(f.properties.code), parent: f.properties.parent ? to(f.properties.parent) : f.properties.parent },
    })),
  }
}

let server: TestServer
let superadmin: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const importInto = async (tenant: string, body: unknown, cookie = superadmin) => {
  const res = await inject({ method: 'POST', url: `/api/t/${tenant}/regions/import`, headers: { cookie }, payload: body as Record<string, unknown> })
  expect(res.statusCode, res.body).toBe(200)
  return json<ImportResult>(res)
}
const createTenant = async (code: string, name: string) => {
  const res = await inject({ method: 'POST', url: '/api/tenants', headers: { cookie: superadmin }, payload: { code, name, kind: 'kabupaten', parent: '33' } })
  expect(res.statusCode, res.body).toBe(201)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  superadmin = await loginCookie(server.kendali, 'superadmin')
})
afterAll(() => server.close())

describe('checked boundary import', () => {
  it('accepts every feature of the real Kendal file and then places a point in its desa and kecamatan', async () => {
    await createTenant('33.98', 'Kabupaten Uji Kendal')
    const result = await importInto('33.98', recoded(KENDAL, '33.98'))
    expect(result).toEqual({ accepted: 306, rejected: [] })
    const kecamatan = json<{ features: unknown[] }>(await inject({ method: 'GET', url: '/api/t/33.98/regions?level=kecamatan' }))
    expect(kecamatan.features).toHaveLength(20)
    // Kelurahan Kebondalem, Kecamatan Kendal (33.24.15.1006 in the file), by the centre the file gives it.
    const lookup = await inject({ method: 'GET', url: '/api/t/33.98/regions/lookup?lon=110.2056&lat=-6.9327' })
    expect(lookup.statusCode, lookup.body).toBe(200)
    expect(json(lookup)).toMatchObject({
      kelurahan: { code: '33.98.15.1006', name: 'Kebondalem' },
      kecamatan: { code: '33.98.15', name: 'Kendal' },
      distanceM: 0,
    })
  })

  it('refuses each malformed feature by index, code and name with its reason, and stores the rest in any order', async () => {
    await createTenant('33.97', 'Kabupaten Uji Rusak')
    const result = await importInto('33.97', recoded(MALFORMED, '33.97'))
    // The first desa comes before its kecamatan in the file and is accepted with the other good three.
    expect(result.accepted).toBe(4)
    expect(result.rejected.map((r) => [r.index, r.code, r.field])).toEqual([
      [4, '33.97.01.2099', 'geometry'],
      [5, '33.97.1.2001', 'properties.code'],
      [6, '33.74.01', 'properties.code'],
      [7, '33.97.01.1098', 'properties.level'],
      [8, '33.97.98.2001', 'properties.parent'],
      [9, '33.97.01.2002', 'properties.code'],
      [10, '33.97.01.2097', 'geometry'],
      [11, '33.97.01.2096', 'geometry'],
    ])
    const byIndex = new Map(result.rejected.map((r) => [r.index, r]))
    expect(byIndex.get(4)?.message).toMatch(/^desa Desa Kupu-kupu \(33\.97\.01\.2099\): geometry is not a valid polygon: Self-intersection/)
    expect(byIndex.get(4)?.name).toBe('Desa Kupu-kupu')
    expect(byIndex.get(5)?.message).toContain('is not a Kemendagri code')
    expect(byIndex.get(6)?.message).toContain('33.74.01 does not lie in 33.97')
    expect(byIndex.get(7)?.message).toContain('a desa 2xxx')
    expect(byIndex.get(8)?.message).toContain('its parent 33.97.98 is neither in the file nor stored')
    expect(byIndex.get(9)?.message).toContain('appears already at index 2')
    expect(byIndex.get(10)?.message).toContain('must be a Polygon or MultiPolygon, not LINESTRING')
    expect(byIndex.get(11)?.message).toMatch(/geometry is (not valid GeoJSON geometry|not a valid polygon)/)
    const stored = json<{ features: { properties: { code: string; parent: string } }[] }>(await inject({ method: 'GET', url: '/api/t/33.97/regions' }))
    expect(stored.features.map((f) => f.properties.code)).toEqual(['33.97.01', '33.97.01.2001', '33.97.01.2002', '33.97.01.2003'])
    expect(stored.features.find((f) => f.properties.code === '33.97.01.2001')?.properties.parent).toBe('33.97.01')
  })

  it('takes a desa whose kecamatan was stored by an earlier import, and refuses an orphan', async () => {
    const features = recoded(KENDAL, '33.97').features
    const ofPlantungan = features.find((f) => f.properties.code === '33.97.01.2004')
    const ofPageruyung = features.find((f) => f.properties.code.startsWith('33.97.02.'))
    if (!ofPlantungan || !ofPageruyung) throw new Error('the Kendal fixture lost its desa')
    const result = await importInto('33.97', { type: 'FeatureCollection', features: [ofPlantungan, ofPageruyung] })
    expect(result.accepted).toBe(1)
    expect(result.rejected).toMatchObject([{ index: 1, code: ofPageruyung.properties.code, field: 'properties.parent' }])
  })

  it("lets a city's admin import its own boundaries only", async () => {
    const malangAdmin = await loginCookie(server.kendali, 'malang_admin')
    const res = await inject({ method: 'POST', url: '/api/t/33.97/regions/import', headers: { cookie: malangAdmin }, payload: recoded(MALFORMED, '33.97') })
    expect(res.statusCode).toBe(403)
  })
})

describe('finding people', () => {
  it('searches the users of a tenant by part of the username or the name, any case, with the total of matches', async () => {
    const admin = await loginCookie(server.kendali, 'admin')
    const all = json<{ items: { username: string; name: string }[]; total: number }>(
      await inject({ method: 'GET', url: '/api/t/33.71/users?limit=1000', headers: { cookie: admin } }),
    )
    const someone = all.items.find((u) => u.username === 'operator')
    expect(someone).toBeDefined()
    const byName = await inject({
      method: 'GET',
      url: `/api/t/33.71/users?q=${encodeURIComponent(String(someone?.name.toUpperCase()))}`,
      headers: { cookie: admin },
    })
    const found = json<{ items: { username: string }[]; total: number }>(byName)
    expect(found.items.map((u) => u.username)).toContain('operator')
    expect(found.total).toBeLessThan(all.total)
    const none = json<{ items: unknown[]; total: number }>(await inject({ method: 'GET', url: '/api/t/33.71/users?q=%25', headers: { cookie: admin } }))
    expect(none).toMatchObject({ items: [], total: 0 })
  })
})
