// How much a permit owes for a month, and how much sanction a late bill carries. Pure: dates are
// `YYYY-MM-DD` strings in the tenant's calendar, amounts whole rupiah.

export type StallKind = 'kios' | 'los' | 'pelataran' | 'lapak'
export type TariffBasis = 'per_m2_day' | 'flat_day' | 'flat_month'

export interface TariffRow {
  id: string
  kind: StallKind
  class: string
  basis: TariffBasis
  rate: number
  legalBasis: string
  effectiveFrom: string
}

export interface BillLine {
  from: string
  to: string
  days: number
  tariffId: string
  basis: TariffBasis
  rate: number
  areaM2: number
  legalBasis: string
  amount: number
}

const DAY_MS = 86_400_000
const toDay = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS
const fromDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10)

export function periodBounds(period: string): { first: string; last: string; days: number } {
  const [year, month] = period.split('-').map(Number)
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate()
  return { first: `${period}-01`, last: `${period}-${String(days).padStart(2, '0')}`, days }
}

/** The tariff in force on a date: the newest that took effect on or before it. */
export function tariffOn(tariffs: readonly TariffRow[], date: string): TariffRow | null {
  let found: TariffRow | null = null
  for (const t of tariffs) if (t.effectiveFrom <= date && (!found || t.effectiveFrom > found.effectiveFrom)) found = t
  return found
}

/**
 * The lines of a month's bill for a stall held from `startsOn` to `endsOn`: each day is charged at the
 * tariff in force that day, so a new tariff counts from its date and never reaches back. A monthly flat
 * rate is shared out over the days of the month. Days without a tariff are not charged.
 */
export function billLines(
  period: string,
  permit: { startsOn: string; endsOn: string | null },
  stall: { areaM2: number },
  tariffs: readonly TariffRow[],
): BillLine[] {
  const month = periodBounds(period)
  const first = Math.max(toDay(month.first), toDay(permit.startsOn))
  const last = Math.min(toDay(month.last), permit.endsOn ? toDay(permit.endsOn) : Number.POSITIVE_INFINITY)
  const lines: BillLine[] = []
  let open: { tariff: TariffRow; from: number; to: number } | null = null
  const close = () => {
    if (!open) return
    const days = open.to - open.from + 1
    const { tariff } = open
    const amount =
      tariff.basis === 'per_m2_day' ? tariff.rate * stall.areaM2 * days : tariff.basis === 'flat_day' ? tariff.rate * days : (tariff.rate * days) / month.days
    lines.push({
      from: fromDay(open.from),
      to: fromDay(open.to),
      days,
      tariffId: tariff.id,
      basis: tariff.basis,
      rate: tariff.rate,
      areaM2: stall.areaM2,
      legalBasis: tariff.legalBasis,
      amount: Math.round(amount),
    })
    open = null
  }
  for (let day = first; day <= last; day++) {
    const tariff = tariffOn(tariffs, fromDay(day))
    if (open && tariff?.id === open.tariff.id) open.to = day
    else {
      close()
      if (tariff) open = { tariff, from: day, to: day }
    }
  }
  close()
  return lines
}

/** Months late: every month begun after the due date counts, up to `maxMonths`. */
export function monthsLate(dueOn: string, asOf: string, maxMonths: number): number {
  if (asOf <= dueOn) return 0
  const [y1, m1, d1] = dueOn.split('-').map(Number)
  const [y2, m2, d2] = asOf.split('-').map(Number)
  const months = (y2 - y1) * 12 + (m2 - m1) + (d2 > d1 ? 1 : 0)
  return Math.min(Math.max(months, 1), maxMonths)
}

/**
 * The administrative sanction of a bill on a date. Each month late begun adds the configured percent of the
 * levy still unpaid when it begins; `sanction` is what was charged for the first `sanctionMonths` months,
 * fixed at the last payment. Payments settle the levy first, then the sanction, so after a partial payment
 * the following months are charged on the remainder only.
 */
export function sanctionOf(
  bill: { amount: number; paid: number; sanction: number; sanctionMonths: number; dueOn: string },
  asOf: string,
  settings: { sanctionPercent: number; sanctionMaxMonths: number },
): { sanction: number; months: number } {
  const months = monthsLate(bill.dueOn, asOf, settings.sanctionMaxMonths)
  if (months <= bill.sanctionMonths) return { sanction: bill.sanction, months: bill.sanctionMonths }
  const unpaid = Math.max(0, bill.amount - bill.paid)
  return { sanction: bill.sanction + Math.round((unpaid * settings.sanctionPercent) / 100) * (months - bill.sanctionMonths), months }
}

export function addDays(date: string, days: number): string {
  return fromDay(toDay(date) + days)
}

/** Days from one date to another (negative when `to` comes first). */
export function daysBetween(from: string, to: string): number {
  return toDay(to) - toDay(from)
}
