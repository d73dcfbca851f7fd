import { describe, expect, it } from 'vitest'
import { billLines, monthsLate, sanctionOf, type TariffRow } from './reckoning.ts'

const tariff = (id: string, effectiveFrom: string, rate: number, basis: TariffRow['basis'] = 'per_m2_day'): TariffRow => ({
  id,
  kind: 'kios',
  class: 'I',
  basis,
  rate,
  legalBasis: `Perda ${id}`,
  effectiveFrom,
})

describe('tariffs over a period', () => {
  it('charges a whole month at the tariff in force, per m² per day', () => {
    const lines = billLines('2026-02', { startsOn: '2026-01-01', endsOn: null }, { areaM2: 12 }, [tariff('a', '2024-01-01', 1000)])
    expect(lines).toEqual([expect.objectContaining({ from: '2026-02-01', to: '2026-02-28', days: 28, amount: 336_000, legalBasis: 'Perda a' })])
  })

  it('applies a new tariff from its date only, splitting the month', () => {
    const tariffs = [tariff('old', '2024-01-01', 1000), tariff('new', '2026-03-16', 1200)]
    const lines = billLines('2026-03', { startsOn: '2026-01-01', endsOn: null }, { areaM2: 10 }, tariffs)
    expect(lines.map((l) => [l.tariffId, l.from, l.to, l.amount])).toEqual([
      ['old', '2026-03-01', '2026-03-15', 150_000],
      ['new', '2026-03-16', '2026-03-31', 192_000],
    ])
    // A month before the change is reckoned as it always was.
    expect(billLines('2026-02', { startsOn: '2026-01-01', endsOn: null }, { areaM2: 10 }, tariffs)[0].amount).toBe(280_000)
  })

  it('charges only the days of the permit, and nothing before any tariff', () => {
    const lines = billLines('2026-04', { startsOn: '2026-04-11', endsOn: '2026-04-20' }, { areaM2: 1 }, [tariff('d', '2026-04-15', 2000, 'flat_day')])
    expect(lines).toEqual([expect.objectContaining({ from: '2026-04-15', to: '2026-04-20', days: 6, amount: 12_000 })])
    expect(billLines('2026-05', { startsOn: '2026-04-11', endsOn: '2026-04-20' }, { areaM2: 1 }, [tariff('d', '2026-04-15', 2000)])).toEqual([])
  })

  it('shares a monthly flat rate over the days held', () => {
    const lines = billLines('2026-06', { startsOn: '2026-06-16', endsOn: null }, { areaM2: 1 }, [tariff('m', '2024-01-01', 90_000, 'flat_month')])
    expect(lines[0]).toMatchObject({ days: 15, amount: 45_000 })
  })
})

describe('late sanction', () => {
  it('counts every month begun after the due date, up to the cap', () => {
    expect(monthsLate('2026-02-10', '2026-02-10', 24)).toBe(0)
    expect(monthsLate('2026-02-10', '2026-02-11', 24)).toBe(1)
    expect(monthsLate('2026-02-10', '2026-03-10', 24)).toBe(1)
    expect(monthsLate('2026-02-10', '2026-03-11', 24)).toBe(2)
    expect(monthsLate('2020-01-10', '2026-03-11', 24)).toBe(24)
  })

  const TWO_PERCENT = { sanctionPercent: 2, sanctionMaxMonths: 24 }
  const unpaid = { amount: 300_000, paid: 0, sanction: 0, sanctionMonths: 0, dueOn: '2026-02-10' }

  it('charges the configured percent of the levy per month', () => {
    // 2 % of Rp300.000 = Rp6.000 for each of the 3 months begun by 20 April.
    expect(sanctionOf(unpaid, '2026-04-20', TWO_PERCENT)).toEqual({ sanction: 18_000, months: 3 })
    expect(sanctionOf(unpaid, '2026-02-01', TWO_PERCENT)).toEqual({ sanction: 0, months: 0 })
  })

  it('charges the months after a partial payment on the unpaid remainder only', () => {
    // Rp100.000 paid on 5 March, in the first month late: that month's Rp6.000 was fixed with the payment.
    const partly = { ...unpaid, paid: 100_000, sanction: 6_000, sanctionMonths: 1 }
    // April and the month begun on 11 April: 2 % of the Rp200.000 left = Rp4.000 each, Rp14.000 in all (not Rp18.000).
    expect(sanctionOf(partly, '2026-04-20', TWO_PERCENT)).toEqual({ sanction: 14_000, months: 3 })
    // Still in the month the payment fell in: nothing more.
    expect(sanctionOf(partly, '2026-03-10', TWO_PERCENT)).toEqual({ sanction: 6_000, months: 1 })
    // The levy paid in full (Rp306.000 with the sanction part): later months add nothing.
    expect(sanctionOf({ ...unpaid, paid: 300_000, sanction: 6_000, sanctionMonths: 1 }, '2026-09-20', TWO_PERCENT)).toEqual({ sanction: 6_000, months: 8 })
  })
})
