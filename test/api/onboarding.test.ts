import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { periodAt, previousMonth } from '../../src/modules/kpi/periods.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../support/server.ts'

// Kabupaten Kendal (33.24) joins the province's install with Kota Magelang (33.71) as its template: the issue's
// onboarding test, step by step. The boundary file is ../shared/data/kabupaten-kendal-33.24.geojson, copied.
const KENDAL = JSON.parse(readFileSync(new URL('../fixtures/kpi/kabupaten-kendal-33.24.geojson', import.meta.url), 'utf8')) as {
  type: 'FeatureCollection'
  features: { type: 'Feature'; properties: { code: string; level: string }; geometry: unknown }[]
}
const LAST_MONTH = previousMonth(periodAt(new Date(), 'monthly', 'Asia/Jakarta'))

type ErrorBody = { error: { code: string; details?: { field?: string } } }
type Page<T> = { items: T[] }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'superadmin', 'pemprov']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('onboarding Kabupaten Kendal from Kota Magelang as template', () => {
  it('creates the kabupaten under its province, for platform administrators only', async () => {
    const payload = { code: '33.24', name: 'Kabupaten Kendal', kind: 'kabupaten', parent: '33', timeZone: 'Asia/Jakarta' }
    expect((await as('admin', { method: 'POST', url: '/api/tenants', payload })).statusCode).toBe(403)
    const created = await as('superadmin', { method: 'POST', url: '/api/tenants', payload })
    expect(created.statusCode, created.body).toBe(201)
    expect(json(created)).toMatchObject({ code: '33.24', kind: 'kabupaten', parent: '33', timezone: 'Asia/Jakarta', bbox: null })
    expect((await as('superadmin', { method: 'POST', url: '/api/tenants', payload })).statusCode).toBe(409)
    const disagreeing = await as('superadmin', { method: 'POST', url: '/api/tenants', payload: { ...payload, code: '33.25', timezone: 'Asia/Makassar' } })
    expect(disagreeing.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string } } }>(disagreeing).error.details.field).toBe('timeZone')
  })

  it('refuses a malformed boundary file whole and stores nothing', async () => {
    const url = '/api/t/33.24/regions/import'
    const headers = { 'content-type': 'application/json' }
    const malformed = [
      '{"type":"FeatureCollection","features":[{"type":"Feature"',
      JSON.stringify({ type: 'Feature', properties: KENDAL.features[0].properties, geometry: KENDAL.features[0].geometry }),
      JSON.stringify({ type: 'FeatureCollection', features: [] }),
      JSON.stringify({ type: 'FeatureCollection', features: [{ type: 'Feature', properties: { code: '33.24.01' }, geometry: KENDAL.features[0].geometry }] }),
    ]
    for (const payload of malformed) {
      const res = await as('superadmin', { method: 'POST', url, payload, headers })
      expect(res.statusCode, payload.slice(0, 60)).toBe(400)
      expect(json<ErrorBody>(res).error.code).toMatch(/invalid|bad_request/)
    }
    const regions = json<{ features: unknown[] }>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/regions' }))
    expect(regions.features).toEqual([])
  })

  it('imports its kecamatan and desa/kelurahan, naming each rejected feature, and its map works', async () => {
    const point = { type: 'Point', coordinates: [110.1, -7.0] }
    const features = [
      ...KENDAL.features,
      { type: 'Feature', properties: { code: '33.71.01', name: 'Bukan Kendal', level: 'kecamatan', parent: '33.71' }, geometry: KENDAL.features[0].geometry },
      { type: 'Feature', properties: { code: '33.24.99', name: 'Rusak', level: 'kecamatan', parent: '33.24' }, geometry: point },
    ]
    const imported = await as('superadmin', { method: 'POST', url: '/api/t/33.24/regions/import', payload: { type: 'FeatureCollection', features } })
    expect(imported.statusCode, imported.body).toBe(200)
    const result = json<{ accepted: number; rejected: { index: number; field: string; message: string }[] }>(imported)
    expect(result.accepted).toBe(KENDAL.features.length)
    expect(result.rejected.map((r) => [r.index, r.field])).toEqual([
      [KENDAL.features.length, 'properties.code'],
      [KENDAL.features.length + 1, 'geometry'],
    ])

    // Its own map: 20 kecamatan, 286 desa and kelurahan, a bounding box, and a point found in its kelurahan.
    const kecamatan = json<{ features: unknown[] }>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/regions?level=kecamatan' }))
    expect(kecamatan.features).toHaveLength(20)
    const desa = json<{ features: unknown[] }>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/regions?level=desa' }))
    const kelurahan = json<{ features: unknown[] }>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/regions?level=kelurahan' }))
    expect(desa.features.length + kelurahan.features.length).toBe(286)
    const bbox = json<{ bbox: number[] }>(await as('superadmin', { method: 'GET', url: '/api/t/33.24' })).bbox
    expect(bbox[0]).toBeCloseTo(109.92, 1)
    expect(bbox[3]).toBeCloseTo(-6.83, 1)
    const found = await as('superadmin', { method: 'GET', url: '/api/t/33.24/regions/lookup?lon=110.2035&lat=-6.9222' })
    expect(found.statusCode, found.body).toBe(200)
    expect(json<{ kelurahan: { code: string } }>(found).kelurahan.code).toMatch(/^33\.24\./)
  })

  it("copies Magelang's shareable configuration, never its data or people", async () => {
    const copyUrl = '/api/t/33.24/config/copy'
    // Magelang's own incident type, beside the built-in ones every city has anyway.
    const ownType = await as('admin', {
      method: 'PUT',
      url: '/api/t/33.71/incident-types/banjir_rob',
      payload: { label: { id: 'Banjir rob', en: 'Tidal flood' }, defaultPriority: 'P2', unitKinds: ['rescue'] },
    })
    expect(ownType.statusCode, ownType.body).toBe(200)
    expect((await as('admin', { method: 'POST', url: copyUrl, payload: { from: '33.71' } })).statusCode).toBe(403)
    expect((await as('superadmin', { method: 'POST', url: copyUrl, payload: { from: '33.24' } })).statusCode).toBe(400)
    expect((await as('superadmin', { method: 'POST', url: copyUrl, payload: { from: '33.99' } })).statusCode).toBe(404)
    const copied = await as('superadmin', { method: 'POST', url: copyUrl, payload: { from: '33.71' } })
    expect(copied.statusCode, copied.body).toBe(200)
    const counts = json<{ copied: Record<string, number> }>(copied).copied
    expect(counts.kpi).toBeGreaterThan(20)
    expect(counts.incidents).toBeGreaterThan(0)
    expect(counts.reports).toBeGreaterThan(3)
    // Copying again keeps what is there and adds nothing.
    const again = json<{ copied: Record<string, number> }>(await as('superadmin', { method: 'POST', url: copyUrl, payload: { from: '33.71' } }))
    expect(Object.values(again.copied).every((n) => n === 0)).toBe(true)

    const magelangCategories = json<Page<{ code: string }>>(await as('admin', { method: 'GET', url: '/api/t/33.71/report-categories' })).items
    const categories = json<Page<{ code: string; agencyId: string | null }>>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/report-categories' }))
    expect(categories.items.map((c) => c.code).sort()).toEqual(magelangCategories.map((c) => c.code).sort())
    // OPDs differ between regions: Magelang's owners are not carried over.
    expect(categories.items.every((c) => c.agencyId === null)).toBe(true)
    const indicators = json<Page<{ code: string; agencyId: string | null }>>(
      await as('superadmin', { method: 'GET', url: '/api/t/33.24/kpi/indicators' }),
    ).items
    expect(indicators.map((i) => i.code)).toContain('green_space_pct')
    expect(indicators.every((i) => i.agencyId === null)).toBe(true)
    const types = json<Page<{ code: string }>>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/incident-types' })).items
    expect(types.map((t) => t.code)).toContain('banjir_rob')
    const users = json<Page<{ username: string }>>(await as('superadmin', { method: 'GET', url: '/api/t/33.24/users' })).items
    expect(users).toEqual([])
  })

  it('has its own people and empty modules working, and Magelang sees nothing of it', async () => {
    const user = await as('superadmin', {
      method: 'POST',
      url: '/api/t/33.24/users',
      payload: { username: 'kendal_bupati', name: 'Bupati Kendal', password: 'kendali-demo', roles: ['executive', 'admin'] },
    })
    expect(user.statusCode, user.body).toBe(201)
    cookies.kendal = await loginCookie(server.kendali, 'kendal_bupati')
    const summary = await as('kendal', { method: 'GET', url: `/api/t/33.24/kpi/summary?period=${LAST_MONTH}` })
    expect(summary.statusCode, summary.body).toBe(200)
    const assessed = json<{ dimensions: { indicators: { status: string }[] }[] }>(summary).dimensions.flatMap((d) => d.indicators)
    // Nothing entered or computed yet: every indicator is missing (or its module absent), never zero.
    expect(assessed.length).toBeGreaterThan(20)
    expect(assessed.some((i) => i.status === 'ok')).toBe(false)
    const series = json<Page<{ status: string }>>(await as('kendal', { method: 'GET', url: '/api/t/33.24/kpi/indicators/spbe_index/values?from=2025&to=2026' }))
    expect(series.items.every((p) => p.status === 'missing')).toBe(true)
    // Its admin enters its first value; its own OPD is its own to create.
    const opd = await as('kendal', { method: 'POST', url: '/api/t/33.24/agencies', payload: { code: 'diskominfo', name: 'Dinas Komunikasi dan Informatika' } })
    expect(opd.statusCode, opd.body).toBe(201)
    const entered = await as('kendal', { method: 'POST', url: '/api/t/33.24/kpi/indicators/city_events/values', payload: { period: LAST_MONTH, value: 2 } })
    expect(entered.statusCode, entered.body).toBe(201)
    for (const path of ['reports', 'incidents']) {
      const res = await as('kendal', { method: 'GET', url: `/api/t/33.24/${path}` })
      expect(res.statusCode, `${path} ${res.body}`).toBe(200)
      expect(json<Page<unknown>>(res).items).toEqual([])
    }

    // Neighbours do not see each other; the province sees both side by side.
    for (const path of [`kpi/summary?period=${LAST_MONTH}`, 'reports', 'users', 'wall-tokens']) {
      expect((await as('admin', { method: 'GET', url: `/api/t/33.24/${path}` })).statusCode, path).toBe(403)
      expect((await as('kendal', { method: 'GET', url: `/api/t/33.71/${path}` })).statusCode, path).toBe(403)
    }
    const magelangIndicators = json<Page<{ code: string }>>(await as('admin', { method: 'GET', url: '/api/t/33.71/kpi/indicators' })).items
    expect(magelangIndicators.length).toBeGreaterThan(20)
    const rollup = json<Page<{ tenant: string; status: string; value: number | null }>>(
      await as('pemprov', { method: 'GET', url: `/api/t/33/kpi/rollup?indicator=city_events&period=${LAST_MONTH}` }),
    )
    expect(rollup.items.find((i) => i.tenant === '33.24')).toMatchObject({ status: 'ok', value: 2 })
    expect(rollup.items.map((i) => i.tenant)).toContain('33.71')
  })
})
