import { midnightInZone, wallClock } from '../../core/time.ts'

export type Frequency = 'daily' | 'weekly' | 'monthly'

export interface When {
  frequency: Frequency
  /** Weekly: ISO weekday 1 (Monday) … 7; monthly: 1–28; daily: null. */
  day: number | null
  /** HH:MM on the tenant's wall clock. */
  atTime: string
}

/** The first instant after `after` at which a schedule is due, on the wall clock of `timeZone`. */
export function nextRun(when: When, after: Date, timeZone: string): Date {
  const [hour, minute] = when.atTime.split(':').map(Number)
  const c = wallClock(after, timeZone)
  const [y, m, d] = [Number(c.year), Number(c.month), Number(c.day)]
  const at = (year: number, month: number, day: number) => new Date(midnightInZone(year, month, day, timeZone).getTime() + (hour * 60 + minute) * 60_000)
  // Today and the next 62 days hold every daily, weekly and monthly time; the first one after `after` wins.
  for (let offset = 0; offset <= 62; offset++) {
    const candidate = at(y, m, d + offset)
    if (candidate <= after) continue
    const local = wallClock(candidate, timeZone)
    const weekday = ((new Date(Date.UTC(Number(local.year), Number(local.month) - 1, Number(local.day))).getUTCDay() + 6) % 7) + 1
    if (when.frequency === 'daily') return candidate
    if (when.frequency === 'weekly' && weekday === when.day) return candidate
    if (when.frequency === 'monthly' && Number(local.day) === when.day) return candidate
  }
  throw new Error(`no run of ${JSON.stringify(when)} within two months`)
}
