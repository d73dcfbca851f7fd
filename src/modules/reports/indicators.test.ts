import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope } from '../../core/indicators.ts'

let server: TestServer
// January 2026 in WIB, as the kpi module hands it over.
const JANUARY = { key: '2026-01', frequency: 'monthly' as const, start: new Date('2025-12-31T17:00:00Z'), end: new Date('2026-01-31T17:00:00Z') }
const scope = (tenant: string, period = JANUARY): IndicatorScope => ({ tenant, period, entered: async () => [] })
const A = randomUUID()
const B = randomUUID()

async function report(tenant: string, r: { agency: string; created: string; resolved: string | null; due: string; status?: string }) {
  await server.kendali.ctx.db.query(
    `INSERT INTO reports (tenant, number, code, category, source, location, description, agency_id, is_public, status, status_since,
       due_at, resolved_at, created_at, updated_at)
     VALUES ($1, $2, $3, 'jalan_rusak', 'web', ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), 'uji', $4, true, $5, $6, $7, $8, $6, $6)`,
    [tenant, unique('R'), unique('C'), r.agency, r.status ?? 'resolved', r.created, r.due, r.resolved],
  )
}

const compute = (code: string, s: IndicatorScope) => {
  const indicator = server.kendali.ctx.indicators.get(code)
  if (!indicator) throw new Error(`${code} is not registered`)
  return indicator.compute(s)
}
const sorted = (values: { breakdown?: { key: string }; value: number }[]) =>
  values.map((v) => [v.breakdown?.key ?? 'city', v.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('report indicators', () => {
  it('computes the share resolved within SLA and the median hours to resolve, city-wide and per OPD', async () => {
    const tenant = unique('t')
    await report(tenant, { agency: A, created: '2026-01-05T01:00:00Z', resolved: '2026-01-05T11:00:00Z', due: '2026-01-06T00:00:00Z' })
    await report(tenant, { agency: A, created: '2026-01-10T00:00:00Z', resolved: '2026-01-12T00:00:00Z', due: '2026-01-11T00:00:00Z' })
    await report(tenant, { agency: B, created: '2026-01-20T00:00:00Z', resolved: '2026-01-20T04:00:00Z', due: '2026-01-21T00:00:00Z', status: 'closed' })
    // Resolved at local midnight of 1 January: in January.
    await report(tenant, { agency: B, created: '2025-12-31T09:00:00Z', resolved: '2025-12-31T17:00:00Z', due: '2026-01-01T00:00:00Z' })
    // Resolved one minute before (still December in WIB), and on 1 February in WIB: not in January.
    await report(tenant, { agency: A, created: '2025-12-30T00:00:00Z', resolved: '2025-12-31T16:59:00Z', due: '2025-12-30T01:00:00Z' })
    await report(tenant, { agency: A, created: '2026-01-30T00:00:00Z', resolved: '2026-01-31T17:00:00Z', due: '2026-01-30T01:00:00Z' })
    await report(tenant, { agency: A, created: '2026-01-03T00:00:00Z', resolved: null, due: '2026-01-04T00:00:00Z', status: 'rejected' })

    expect(sorted(await compute('report_sla_pct', scope(tenant)))).toEqual(
      sorted([{ value: 75 }, { breakdown: { key: A }, value: 50 }, { breakdown: { key: B }, value: 100 }]),
    )
    expect(sorted(await compute('report_resolve_hours', scope(tenant)))).toEqual(
      sorted([{ value: 9 }, { breakdown: { key: A }, value: 29 }, { breakdown: { key: B }, value: 6 }]),
    )
  })

  it('answers nothing for a month without resolved reports, so it shows as missing', async () => {
    expect(await compute('report_sla_pct', scope(unique('t')))).toEqual([])
    expect(await compute('report_resolve_hours', scope(unique('t')))).toEqual([])
  })
})
