import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope } from '../../core/indicators.ts'

let server: TestServer
// March 2026 in Asia/Jakarta.
const MARCH = { key: '2026-03', frequency: 'monthly' as const, start: new Date('2026-02-28T17:00:00Z'), end: new Date('2026-03-31T17:00:00Z') }
const scope = (tenant: string): IndicatorScope => ({ tenant, period: MARCH, entered: async () => [] })
const compute = (code: string, tenant: string) => {
  const indicator = server.kendali.ctx.indicators.get(code)
  if (!indicator) throw new Error(`${code} is not registered`)
  return indicator.compute(scope(tenant))
}
const q = (sql: string, params: unknown[]) => server.kendali.ctx.db.query<{ id: string }>(sql, params)

async function market(tenant: string, agency: string) {
  const [m] = await q(
    `INSERT INTO levy_markets (tenant, code, name, location, agency_id, qris_name, qris_city, terminal)
     VALUES ($1, $2, 'Pasar Uji', ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), $3, 'UPT PASAR UJI', 'MAGELANG', 'UJI') RETURNING id::text`,
    [tenant, unique('m'), agency],
  )
  return m.id
}

/** A bill of a period with the given levy, and its payments as [amount, method, paid at]. */
async function bill(tenant: string, marketId: string, period: string, amount: number, payments: [number, string, string][]) {
  const [stall] = await q(`INSERT INTO levy_stalls (tenant, market_id, code, kind, class, area_m2) VALUES ($1, $2, $3, 'kios', 'I', 10) RETURNING id::text`, [
    tenant,
    marketId,
    unique('k'),
  ])
  const [vendor] = await q(`INSERT INTO levy_vendors (tenant, code, name) VALUES ($1, $2, 'Bu Uji') RETURNING id::text`, [tenant, unique('v')])
  const [permit] = await q(`INSERT INTO levy_permits (tenant, vendor_id, stall_id, starts_on) VALUES ($1, $2, $3, '2026-01-01') RETURNING id::text`, [
    tenant,
    vendor.id,
    stall.id,
  ])
  const paid = payments.reduce((sum, [a]) => sum + a, 0)
  const [b] = await q(
    `INSERT INTO levy_bills (tenant, number, period, permit_id, vendor_id, stall_id, market_id, amount, paid, status, due_on, lines)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, '2026-04-10', '[]') RETURNING id::text`,
    [tenant, unique('SKRD'), period, permit.id, vendor.id, stall.id, marketId, amount, paid, paid >= amount ? 'paid' : paid > 0 ? 'partial' : 'unpaid'],
  )
  for (const [a, method, at] of payments) {
    await q(`INSERT INTO levy_payments (tenant, receipt, bill_id, amount, method, reference, actor, paid_at) VALUES ($1, $2, $3, $4, $5, 'REF', 'test', $6)`, [
      tenant,
      unique('STS'),
      b.id,
      a,
      method,
      at,
    ])
  }
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('levy indicators', () => {
  it('gives March’s realisation, revenue and cashless share, city-wide and per managing OPD', async () => {
    const tenant = unique('t')
    const [disdagkop, upt] = [randomUUID(), randomUUID()]
    const a = await market(tenant, disdagkop)
    const b = await market(tenant, upt)
    // OPD A: Rp300.000 assessed, Rp60.000 cash and Rp40.000 QRIS paid; Rp200.000 assessed and paid by card.
    await bill(tenant, a, '2026-03', 300_000, [
      [60_000, 'cash', '2026-03-05T02:00:00Z'],
      [40_000, 'qris', '2026-03-31T16:59:00Z'],
    ])
    await bill(tenant, a, '2026-03', 200_000, [[200_000, 'card', '2026-03-20T03:00:00Z']])
    // OPD B: Rp500.000 assessed, unpaid; February's Rp80.000 paid Rp30.000 by transfer in February, Rp50.000 cash in March.
    await bill(tenant, b, '2026-03', 500_000, [])
    await bill(tenant, b, '2026-02', 80_000, [
      [30_000, 'transfer', '2026-02-28T16:59:00Z'],
      [50_000, 'cash', '2026-03-01T01:00:00Z'],
    ])
    // April's payment on an April bill counts in neither March figure.
    await bill(tenant, b, '2026-04', 70_000, [[70_000, 'qris', '2026-03-31T17:00:00Z']])

    const byAgency = (key: string) => ({ by: 'agency', key })
    // Levy paid on March bills ÷ levy assessed: (100.000 + 200.000 + 0) ÷ 1.000.000; A 300.000 ÷ 500.000; B 0 ÷ 500.000.
    expect(await compute('levy_realisation_pct', tenant)).toEqual(
      expect.arrayContaining([{ value: 30 }, { breakdown: byAgency(disdagkop), value: 60 }, { breakdown: byAgency(upt), value: 0 }]),
    )
    // Received in March: 60.000 + 40.000 + 200.000 + 50.000.
    expect(await compute('levy_realisation_rp', tenant)).toEqual(
      expect.arrayContaining([{ value: 350_000 }, { breakdown: byAgency(disdagkop), value: 300_000 }, { breakdown: byAgency(upt), value: 50_000 }]),
    )
    // Cashless: (40.000 + 200.000) ÷ 350.000 = 68,57 %; A 240.000 ÷ 300.000; B 0 ÷ 50.000.
    expect(await compute('levy_cashless_pct', tenant)).toEqual(
      expect.arrayContaining([{ value: 68.6 }, { breakdown: byAgency(disdagkop), value: 80 }, { breakdown: byAgency(upt), value: 0 }]),
    )
    for (const code of ['levy_realisation_pct', 'levy_realisation_rp', 'levy_cashless_pct']) expect(await compute(code, tenant)).toHaveLength(3)
  })

  it('answers nothing for a city without bills or payments, so the month shows as missing', async () => {
    const tenant = unique('t')
    for (const code of ['levy_realisation_pct', 'levy_realisation_rp', 'levy_cashless_pct']) expect(await compute(code, tenant)).toEqual([])
  })
})
