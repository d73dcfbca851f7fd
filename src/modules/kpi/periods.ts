import { Invalid } from '../../core/errors.ts'
import type { Frequency, IndicatorPeriod } from '../../core/indicators.ts'
import { dateInZone, midnightInZone } from '../../core/time.ts'

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/
const DAY = /^(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/
const YEAR = /^(\d{4})$/

export function frequencyOf(key: string): Frequency {
  if (MONTH.test(key)) return 'monthly'
  if (DAY.test(key)) return 'daily'
  if (YEAR.test(key)) return 'yearly'
  throw new Invalid(`${key} is not a period (YYYY, YYYY-MM or YYYY-MM-DD)`, { field: 'period' })
}

/** The instants a period spans in the tenant's zone. */
export function periodOf(key: string, timezone: string): IndicatorPeriod {
  const frequency = frequencyOf(key)
  const [y, m = 1, d = 1] = key.split('-').map(Number)
  if (frequency === 'yearly') return { key, frequency, start: midnightInZone(y, 1, 1, timezone), end: midnightInZone(y + 1, 1, 1, timezone) }
  if (frequency === 'monthly') return { key, frequency, start: midnightInZone(y, m, 1, timezone), end: midnightInZone(y, m + 1, 1, timezone) }
  const start = midnightInZone(y, m, d, timezone)
  if (Number.isNaN(start.getTime()) || new Date(Date.UTC(y, m - 1, d)).getUTCDate() !== d) throw new Invalid(`${key} is not a day`, { field: 'period' })
  return { key, frequency, start, end: midnightInZone(y, m, d + 1, timezone) }
}

/** The period of a frequency that contains an instant, in the tenant's zone. */
export function periodAt(at: Date, frequency: Frequency, timezone: string): string {
  const day = dateInZone(at, timezone)
  return frequency === 'yearly' ? day.slice(0, 4) : frequency === 'monthly' ? day.slice(0, 7) : day
}

/** The month before `YYYY-MM`. */
export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** Months from `from` to `to`, both included, oldest first. */
export function monthsBetween(from: string, to: string): string[] {
  if (!MONTH.test(from) || !MONTH.test(to)) throw new Invalid('from and to are months (YYYY-MM)', { field: MONTH.test(from) ? 'to' : 'from' })
  if (from > to) throw new Invalid('from comes after to', { field: 'from' })
  const out: string[] = []
  for (let month = to; month >= from; month = previousMonth(month)) out.unshift(month)
  return out
}

/** The periods of an indicator's frequency that fall in a month (the month, its year, or its days). */
export function periodsInMonth(month: string, frequency: Frequency): string[] {
  if (frequency === 'monthly') return [month]
  if (frequency === 'yearly') return [month.slice(0, 4)]
  const [y, m] = month.split('-').map(Number)
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate()
  return Array.from({ length: days }, (_, i) => `${month}-${String(i + 1).padStart(2, '0')}`)
}

/** How the dashboard and the report group months: a month, a quarter or a year. */
export type ReportPeriodKind = 'month' | 'quarter' | 'year'
const QUARTER = /^(\d{4})-Q([1-4])$/

/** A dashboard period (`2026-12`, `2026-Q4`, `2026`) and its months, oldest first. */
export function reportPeriod(key: string): { key: string; kind: ReportPeriodKind; months: string[] } {
  const quarter = QUARTER.exec(key)
  if (quarter) {
    const first = (Number(quarter[2]) - 1) * 3 + 1
    return { key, kind: 'quarter', months: [0, 1, 2].map((i) => `${quarter[1]}-${String(first + i).padStart(2, '0')}`) }
  }
  if (MONTH.test(key)) return { key, kind: 'month', months: [key] }
  if (YEAR.test(key)) return { key, kind: 'year', months: Array.from({ length: 12 }, (_, i) => `${key}-${String(i + 1).padStart(2, '0')}`) }
  throw new Invalid(`${key} is not a period (YYYY-MM, YYYY-Qn or YYYY)`, { field: 'period' })
}

/** The period `steps` periods of the same kind before (negative) or after a dashboard period. */
export function shiftReportPeriod(key: string, steps: number): string {
  const { kind, months } = reportPeriod(key)
  const [y, m] = months[0].split('-').map(Number)
  if (kind === 'year') return String(y + steps)
  const size = kind === 'quarter' ? 3 : 1
  const index = y * 12 + (m - 1) + steps * size
  const year = Math.floor(index / 12)
  const month = (index % 12) + 1
  return kind === 'quarter' ? `${year}-Q${Math.ceil(month / 3)}` : `${year}-${String(month).padStart(2, '0')}`
}

/** The dashboard period of a kind that holds a month. */
export function reportPeriodOf(month: string, kind: ReportPeriodKind): string {
  if (kind === 'month') return month
  if (kind === 'year') return month.slice(0, 4)
  return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`
}
