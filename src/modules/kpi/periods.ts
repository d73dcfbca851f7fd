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
