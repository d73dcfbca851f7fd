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

async function target(tenant: string, marketId: string, year: number, amount: number) {
  await q('INSERT INTO levy_market_targets (tenant, market_id, year, amount, set_by) VALUES ($1, $2, $3, $4, $5)', [tenant, marketId, year, amount, 'test'])
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
  it('gives March’s revenue and cashless share, city-wide and per managing OPD', async () => {
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
    // Received in March: 60.000 + 40.000 + 200.000 + 50.000.
    expect(await compute('levy_realisation_rp', tenant)).toEqual(
      expect.arrayContaining([
        { value: 350_000, records: 4 },
        { breakdown: byAgency(disdagkop), value: 300_000, records: 3 },
        { breakdown: byAgency(upt), value: 50_000, records: 1 },
      ]),
    )
    // Cashless: (40.000 + 200.000) ÷ 350.000 = 68,57 %; A 240.000 ÷ 300.000; B 0 ÷ 50.000.
    expect(await compute('levy_cashless_pct', tenant)).toEqual(
      expect.arrayContaining([
        { value: 68.6, records: 4 },
        { breakdown: byAgency(disdagkop), value: 80, records: 3 },
        { breakdown: byAgency(upt), value: 0, records: 1 },
      ]),
    )
    for (const code of ['levy_realisation_rp', 'levy_cashless_pct']) expect(await compute(code, tenant)).toHaveLength(3)
    // Nobody set a target for 2026: the realisation is missing, not 100 % of what was billed.
    expect(await compute('levy_realisation_pct', tenant)).toEqual([])
  })

  it('measures the realisation from 1 January to the end of March against the markets’ 2026 targets', async () => {
    const tenant = unique('t')
    const [disdagkop, upt] = [randomUUID(), randomUUID()]
    const a = await market(tenant, disdagkop)
    const unset = await market(tenant, disdagkop)
    const b = await market(tenant, upt)
    await target(tenant, a, 2026, 12_000_000)
    await target(tenant, b, 2026, 6_000_000)
    // Another year's target never counts.
    await target(tenant, unset, 2025, 1_000_000)
    // A: 31 Dec 2025 23:00 WIB is last year; 1 Jan 00:30 WIB and 31 Mar 23:59 WIB count; 1 Apr 00:00 WIB is after March.
    await bill(tenant, a, '2025-12', 4_000_000, [
      [500_000, 'cash', '2025-12-31T16:00:00Z'],
      [1_000_000, 'qris', '2025-12-31T17:30:00Z'],
    ])
    await bill(tenant, a, '2026-03', 5_000_000, [
      [2_000_000, 'card', '2026-03-31T16:59:00Z'],
      [700_000, 'cash', '2026-03-31T17:00:00Z'],
    ])
    // A market of OPD A without a 2026 target adds to neither side.
    await bill(tenant, unset, '2026-02', 3_000_000, [[3_000_000, 'cash', '2026-02-10T03:00:00Z']])
    // B: Rp600.000 in February.
    await bill(tenant, b, '2026-02', 900_000, [[600_000, 'transfer', '2026-02-10T03:00:00Z']])

    const byAgency = (key: string) => ({ by: 'agency', key })
    // City: (1.000.000 + 2.000.000 + 600.000) ÷ (12.000.000 + 6.000.000) = 20 %; A 3.000.000 ÷ 12.000.000 = 25 %; B 600.000 ÷ 6.000.000 = 10 %.
    const values = await compute('levy_realisation_pct', tenant)
    expect(values).toHaveLength(3)
    // Payments counted: A's 1 Jan and 31 Mar 23:59, B's February one.
    expect(values).toEqual(
      expect.arrayContaining([
        { value: 20, records: 3 },
        { breakdown: byAgency(disdagkop), value: 25, records: 2 },
        { breakdown: byAgency(upt), value: 10, records: 1 },
      ]),
    )
  })

  it('answers nothing for a city without bills or payments, so the month shows as missing', async () => {
    const tenant = unique('t')
    for (const code of ['levy_realisation_pct', 'levy_realisation_rp', 'levy_cashless_pct']) expect(await compute(code, tenant)).toEqual([])
  })
})
