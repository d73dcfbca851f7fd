import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { periodAt, previousMonth } from './periods.ts'

type ErrorBody = { error: { code: string; details?: { field?: string } } }
type Series = { items: { period: string; status: string; value: number | null; version?: number }[] }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const THIS_MONTH = periodAt(new Date(), 'monthly', 'Asia/Jakarta')
const LAST_MONTH = previousMonth(THIS_MONTH)

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'agency_officer', 'executive', 'dispatcher', 'pemprov', 'superadmin', 'malang_admin']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
  // Kota Malang gets its catalogue as every city does, from the periodic computation.
  await server.kendali.ctx.jobs.enqueue(server.kendali.ctx.db, '*', 'kpi.compute')
  await server.kendali.ctx.jobs.runDue(50)
})
afterAll(() => server.close())

describe('kpi catalogue and dashboard', () => {
  it("lists the demo city's catalogue with every computed indicator of the installed modules available", async () => {
    const res = await as('executive', { method: 'GET', url: '/api/t/33.71/kpi/indicators' })
    expect(res.statusCode, res.body).toBe(200)
    const items = json<{ items: { code: string; availability: string; source: string }[] }>(res).items
    for (const code of ['report_sla_pct', 'ambulance_response_p50', 'incidents_per_10k', 'cctv_online_pct', 'sensor_alarms']) {
      expect(items.find((i) => i.code === code)).toMatchObject({ source: 'computed', availability: 'available' })
    }
  })

  it('answers the six dimensions of a month with the score formula', async () => {
    const res = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/summary?period=${LAST_MONTH}` })
    expect(res.statusCode, res.body).toBe(200)
    const summary = json<{ formula: { id: string }; dimensions: { dimension: string; trend: unknown[]; indicators: { status: string }[] }[] }>(res)
    expect(summary.dimensions.map((d) => d.dimension)).toEqual(['governance', 'branding', 'economy', 'living', 'society', 'environment'])
    expect(summary.dimensions[0].trend).toHaveLength(12)
    expect(summary.formula.id).toMatch(/rata-rata/)
  })

  it('lets an OPD officer enter a value, versioned, and refuses the executive, the operator and another city', async () => {
    const url = '/api/t/33.71/kpi/indicators/city_events/values'
    const first = await as('agency_officer', { method: 'POST', url, payload: { period: THIS_MONTH, value: 3, note: 'Festival' } })
    expect(first.statusCode, first.body).toBe(201)
    const second = await as('admin', { method: 'POST', url, payload: { period: THIS_MONTH, value: 4, evidenceUrl: 'https://magelangkota.go.id/agenda' } })
    expect(json<{ version: number }>(second).version).toBe(json<{ version: number }>(first).version + 1)
    for (const who of ['executive', 'operator', 'pemprov', 'malang_admin']) {
      expect((await as(who, { method: 'POST', url, payload: { period: THIS_MONTH, value: 99 } })).statusCode, who).toBe(403)
    }
    const history = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/indicators/city_events/history?period=${THIS_MONTH}` })
    const versions = json<{ items: { value: number; changedBy: string }[] }>(history).items
    expect(versions.slice(0, 2).map((v) => [v.value, v.changedBy])).toEqual([
      [4, 'admin'],
      [3, 'agency_officer'],
    ])
  })

  it('rejects bad input with 4xx JSON and changes nothing', async () => {
    const url = '/api/t/33.71/kpi/indicators/tourist_visits/values'
    const before = json<Series>(await as('admin', { method: 'GET', url: `${url}?from=${THIS_MONTH}&to=${THIS_MONTH}` })).items[0]
    for (const payload of [{ period: 'bulan ini', value: 1 }, { period: THIS_MONTH, value: 'banyak' }, { period: '2026', value: 1 }, { period: THIS_MONTH }]) {
      const res = await as('admin', { method: 'POST', url, payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(json<ErrorBody>(res).error.code).toBe('invalid')
    }
    const after = json<Series>(await as('admin', { method: 'GET', url: `${url}?from=${THIS_MONTH}&to=${THIS_MONTH}` })).items[0]
    expect(after).toEqual(before)
    expect(
      (await as('admin', { method: 'POST', url: '/api/t/33.71/kpi/indicators/report_sla_pct/values', payload: { period: THIS_MONTH, value: 1 } })).statusCode,
    ).toBe(409)
    expect((await as('admin', { method: 'GET', url: '/api/t/33.71/kpi/indicators/nope_nope' })).statusCode).toBe(404)
  })

  it('imports values from text/csv', async () => {
    const csv = `indicator,period,value,note\nwaste_managed_pct,${LAST_MONTH},77.5,TPA Banyuurip\nwaste_managed_pct,${LAST_MONTH},x,\n`
    const res = await as('agency_officer', { method: 'POST', url: '/api/t/33.71/kpi/values/import', payload: csv, headers: { 'content-type': 'text/csv' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(json(res)).toEqual({ accepted: 1, rejected: [{ row: 3, field: 'value', message: 'x is not a number' }] })
    expect(
      (await as('executive', { method: 'POST', url: '/api/t/33.71/kpi/values/import', payload: csv, headers: { 'content-type': 'text/csv' } })).statusCode,
    ).toBe(403)
  })

  it('keeps the readers of another city and roles without the dashboard out', async () => {
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/33.71/kpi/summary?period=${LAST_MONTH}` })).statusCode).toBe(403)
    expect((await as('dispatcher', { method: 'GET', url: `/api/t/33.71/kpi/summary?period=${LAST_MONTH}` })).statusCode).toBe(403)
    expect((await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/kpi/summary?period=${LAST_MONTH}` })).statusCode).toBe(401)
    // Malang's own catalogue is its own: a value entered there is not seen in Magelang.
    const res = await as('malang_admin', { method: 'POST', url: '/api/t/35.73/kpi/indicators/city_events/values', payload: { period: LAST_MONTH, value: 777 } })
    expect(res.statusCode, res.body).toBe(201)
    const magelang = json<Series>(
      await as('admin', { method: 'GET', url: `/api/t/33.71/kpi/indicators/city_events/values?from=${LAST_MONTH}&to=${LAST_MONTH}` }),
    )
    expect(magelang.items[0].value).not.toBe(777)
  })

  it('runs a recompute of past months as a job with progress, for admins only', async () => {
    const from = previousMonth(previousMonth(LAST_MONTH))
    expect((await as('executive', { method: 'POST', url: '/api/t/33.71/kpi/recompute', payload: { from, to: LAST_MONTH } })).statusCode).toBe(403)
    const res = await as('admin', { method: 'POST', url: '/api/t/33.71/kpi/recompute', payload: { from, to: LAST_MONTH } })
    expect(res.statusCode, res.body).toBe(202)
    const run = json<{ id: string; total: number }>(res)
    expect(run.total).toBe(3)
    await server.kendali.ctx.jobs.runDue(50)
    const progress = await as('admin', { method: 'GET', url: `/api/t/33.71/kpi/recompute/${run.id}` })
    expect(json(progress)).toMatchObject({ status: 'done', done: 3, total: 3 })
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/33.71/kpi/recompute/${run.id}` })).statusCode).toBe(403)
  })
})

describe('province roll-up', () => {
  it('shows the province user each of its cities side by side, read-only', async () => {
    const res = await as('pemprov', { method: 'GET', url: `/api/t/33/kpi/rollup?indicator=spbe_index&period=${LAST_MONTH}` })
    expect(res.statusCode, res.body).toBe(200)
    const items = json<{ items: { tenant: string; status: string; value: number | null }[] }>(res).items
    expect(items.find((i) => i.tenant === '33.71')).toMatchObject({ status: 'ok' })
    expect(items.every((i) => i.tenant.startsWith('33.'))).toBe(true)
    expect((await as('pemprov', { method: 'GET', url: `/api/t/33.71/kpi/summary?period=${LAST_MONTH}` })).statusCode).toBe(200)
  })

  it('keeps a city out of its province roll-up and of other provinces, and has no roll-up of a city', async () => {
    expect((await as('executive', { method: 'GET', url: `/api/t/33/kpi/rollup?indicator=spbe_index&period=${LAST_MONTH}` })).statusCode).toBe(403)
    expect((await as('pemprov', { method: 'GET', url: `/api/t/35/kpi/rollup?indicator=spbe_index&period=${LAST_MONTH}` })).statusCode).toBe(403)
    expect((await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/rollup?indicator=spbe_index&period=${LAST_MONTH}` })).statusCode).toBe(400)
  })
})

describe('onboarding', () => {
  it('brings Kabupaten Kendal onto the install from Magelang as template, and Magelang sees nothing of it', async () => {
    const kendal = JSON.parse(readFileSync(new URL('../../../test/fixtures/kpi/kabupaten-kendal-33.24.geojson', import.meta.url), 'utf8'))
    const created = await as('superadmin', {
      method: 'POST',
      url: '/api/tenants',
      payload: { code: '33.24', name: 'Kabupaten Kendal', kind: 'kabupaten', parent: '33' },
    })
    expect(created.statusCode, created.body).toBe(201)

    // Boundaries: a feature outside Kendal and a point where a polygon belongs are refused by index, the rest stored.
    const point = { type: 'Point', coordinates: [110.1, -7.0] }
    const features = [
      ...kendal.features,
      { type: 'Feature', properties: { code: '33.71.01', name: 'Bukan Kendal', level: 'kecamatan' }, geometry: kendal.features[0].geometry },
      { type: 'Feature', properties: { code: '33.24.99', name: 'Rusak', level: 'kecamatan' }, geometry: point },
    ]
    const imported = await as('superadmin', { method: 'POST', url: '/api/t/33.24/regions/import', payload: { type: 'FeatureCollection', features } })
    expect(imported.statusCode, imported.body).toBe(200)
    const result = json<{ accepted: number; rejected: { index: number; field: string }[] }>(imported)
    expect(result.accepted).toBe(kendal.features.length)
    expect(result.rejected.map((r) => [r.index, r.field])).toEqual([
      [kendal.features.length, 'properties.code'],
      [kendal.features.length + 1, 'geometry'],
    ])

    // Shareable configuration only: the KPI catalogue, incident types and report categories, never Magelang's data.
    const copyUrl = '/api/t/33.24/config/copy'
    // Magelang's own incident type (the built-in ones every city has anyway).
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
    expect(again.copied).toEqual({ kpi: 0, incidents: 0, reports: 0 })

    const user = await as('superadmin', {
      method: 'POST',
      url: '/api/t/33.24/users',
      payload: { username: 'kendal_bupati', name: 'Bupati Kendal', password: 'kendali-demo', roles: ['executive', 'admin'] },
    })
    expect(user.statusCode, user.body).toBe(201)
    cookies.kendal = await loginCookie(server.kendali, 'kendal_bupati')
    const summary = await as('kendal', { method: 'GET', url: `/api/t/33.24/kpi/summary?period=${LAST_MONTH}` })
    expect(summary.statusCode, summary.body).toBe(200)
    const indicators = json<{ dimensions: { indicators: { status: string }[] }[] }>(summary).dimensions.flatMap((d) => d.indicators)
    expect(indicators.some((i) => i.status === 'ok')).toBe(false)
    const series = json<Series>(await as('kendal', { method: 'GET', url: '/api/t/33.24/kpi/indicators/spbe_index/values?from=2025&to=2026' }))
    expect(series.items.every((p) => p.status === 'missing')).toBe(true)
    const magelangCategories = json<{ items: { code: string }[] }>(await as('admin', { method: 'GET', url: '/api/t/33.71/report-categories' })).items
    const categories = json<{ items: { code: string; agencyId: string | null }[] }>(
      await as('kendal', { method: 'GET', url: '/api/t/33.24/report-categories' }),
    )
    expect(categories.items.map((c) => c.code).sort()).toEqual(magelangCategories.map((c) => c.code).sort())
    expect(categories.items.every((c) => c.agencyId === null)).toBe(true)
    const types = json<{ items: { code: string }[] }>(await as('kendal', { method: 'GET', url: '/api/t/33.24/incident-types' })).items
    expect(types.map((t) => t.code)).toContain('banjir_rob')
    expect(json<{ items: unknown[] }>(await as('kendal', { method: 'GET', url: '/api/t/33.24/reports' })).items).toEqual([])
    expect(json<{ items: unknown[] }>(await as('kendal', { method: 'GET', url: '/api/t/33.24/incidents' })).items).toEqual([])

    expect((await as('admin', { method: 'GET', url: `/api/t/33.24/kpi/summary?period=${LAST_MONTH}` })).statusCode).toBe(403)
    expect((await as('kendal', { method: 'GET', url: `/api/t/33.71/kpi/summary?period=${LAST_MONTH}` })).statusCode).toBe(403)
    const rollup = json<{ items: { tenant: string }[] }>(
      await as('pemprov', { method: 'GET', url: `/api/t/33/kpi/rollup?indicator=spbe_index&period=${LAST_MONTH}` }),
    )
    expect(rollup.items.map((i) => i.tenant)).toContain('33.24')
  })
})
