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
const THIS_YEAR = THIS_MONTH.slice(0, 4)

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'agency_officer', 'inspektorat', 'executive', 'dispatcher', 'pemprov', 'superadmin', 'malang_admin']) {
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

  it('lets an OPD officer enter a value of their OPD, versioned, and refuses other OPDs, the executive, the operator and another city', async () => {
    // The demo officer works for DPUPR, which owns the green open space; city events belong to Diskominsta.
    const url = '/api/t/33.71/kpi/indicators/green_space_pct/values'
    const first = await as('agency_officer', { method: 'POST', url, payload: { period: THIS_YEAR, value: 21.5, note: 'Taman Kyai Langgeng' } })
    expect(first.statusCode, first.body).toBe(201)
    const second = await as('admin', { method: 'POST', url, payload: { period: THIS_YEAR, value: 22, evidenceUrl: 'https://magelangkota.go.id/rth' } })
    expect(json<{ version: number }>(second).version).toBe(json<{ version: number }>(first).version + 1)
    for (const who of ['inspektorat', 'executive', 'operator', 'pemprov', 'malang_admin']) {
      const res = await as(who, { method: 'POST', url, payload: { period: THIS_YEAR, value: 99 } })
      expect(res.statusCode, who).toBe(403)
      expect(json<ErrorBody>(res).error.code).toBe('forbidden')
    }
    const other = await as('agency_officer', {
      method: 'POST',
      url: '/api/t/33.71/kpi/indicators/city_events/values',
      payload: { period: THIS_MONTH, value: 3 },
    })
    expect(other.statusCode, other.body).toBe(403)
    const history = await as('executive', { method: 'GET', url: `/api/t/33.71/kpi/indicators/green_space_pct/history?period=${THIS_YEAR}` })
    const versions = json<{ items: { value: number; changedBy: string }[] }>(history).items
    expect(versions.slice(0, 2).map((v) => [v.value, v.changedBy])).toEqual([
      [22, 'admin'],
      [21.5, 'agency_officer'],
    ])
  })

  it('tells each caller which indicators they may enter', async () => {
    const mayEnter = async (who: string) => {
      const res = await as(who, { method: 'GET', url: '/api/t/33.71/kpi/indicators' })
      return json<{ items: { code: string; mayEnter: boolean }[] }>(res)
        .items.filter((i) => i.mayEnter)
        .map((i) => i.code)
    }
    expect(await mayEnter('agency_officer')).toEqual(['green_space_pct'])
    expect(await mayEnter('executive')).toEqual([])
    const all = await mayEnter('admin')
    expect(all).toContain('tourist_visits')
    expect(all).not.toContain('report_sla_pct')
    const one = await as('inspektorat', { method: 'GET', url: '/api/t/33.71/kpi/indicators/green_space_pct' })
    expect(json<{ mayEnter: boolean }>(one).mayEnter).toBe(false)
  })

  it("keeps an indicator's owner among the city's own OPDs", async () => {
    const url = '/api/t/33.71/kpi/indicators/tourist_visits'
    const [malangOpd] = await as('malang_admin', { method: 'GET', url: '/api/t/35.73/agencies' }).then((r) => json<{ items: { id: string }[] }>(r).items)
    const res = await as('admin', { method: 'PATCH', url, payload: { agencyId: malangOpd.id } })
    expect(res.statusCode, res.body).toBe(400)
    expect(json<ErrorBody>(res).error.details?.field).toBe('agencyId')
    expect(json<{ agencyId: string | null }>(await as('admin', { method: 'GET', url })).agencyId).toBeNull()
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

  it("imports values from text/csv, rejecting bad rows and rows of another OPD's indicators by row", async () => {
    const csv = [
      'indicator,period,value,note',
      `green_space_pct,${THIS_YEAR},23.5,RTH baru`,
      `green_space_pct,${THIS_YEAR},x,`,
      `waste_managed_pct,${LAST_MONTH},77.5,TPA Banyuurip`,
    ].join('\n')
    const res = await as('agency_officer', { method: 'POST', url: '/api/t/33.71/kpi/values/import', payload: csv, headers: { 'content-type': 'text/csv' } })
    expect(res.statusCode, res.body).toBe(200)
    const result = json<{ accepted: number; rejected: { row: number; field: string; message: string }[] }>(res)
    expect(result.accepted).toBe(1)
    expect(result.rejected.map((r) => [r.row, r.field])).toEqual([
      [3, 'value'],
      [4, 'indicator'],
    ])
    expect(result.rejected[1].message).toMatch(/OPD/)
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
