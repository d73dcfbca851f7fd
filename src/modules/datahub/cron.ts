import { Invalid } from '../../core/errors.ts'

// Five-field cron (minute hour day-of-month month day-of-week) as crontab(5) writes it: *, n, a-b, */s,
// a-b/s and lists. Day-of-week 0 and 7 are Sunday. Evaluated in the tenant's time zone.

const RANGES: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
]

export type Cron = Set<number>[]

export function parseCron(expr: string): Cron {
  const fields = expr.trim().split(/\s+/)
  if (fields.length !== 5) throw new Invalid('schedule must be "manual" or five cron fields: minute hour day month weekday', { field: 'schedule' })
  return fields.map((field, i) => {
    const [min, max] = RANGES[i]
    const values = new Set<number>()
    for (const part of field.split(',')) {
      const m = /^(\*|(\d+)(?:-(\d+))?)(?:\/(\d+))?$/.exec(part)
      if (!m) throw new Invalid(`schedule field "${part}" is not cron`, { field: 'schedule' })
      const from = m[1] === '*' ? min : Number(m[2])
      const to = m[1] === '*' ? max : m[3] !== undefined ? Number(m[3]) : m[4] !== undefined ? max : from
      const step = m[4] !== undefined ? Number(m[4]) : 1
      if (from < min || to > max || from > to || step < 1) throw new Invalid(`schedule field "${part}" is out of range`, { field: 'schedule' })
      for (let v = from; v <= to; v += step) values.add(i === 4 && v === 7 ? 0 : v)
    }
    return values
  })
}

/** Whether the cron fires in the minute of `at`, read in `timeZone`. */
export function cronMatches(cron: Cron, at: Date, timeZone: string): boolean {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', minute: 'numeric', hour: 'numeric', day: 'numeric', month: 'numeric', weekday: 'short' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  )
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday)
  const [minute, hour, day, month] = [parts.minute, parts.hour, parts.day, parts.month].map(Number)
  const [mins, hours, days, months, weekdays] = cron
  // As in crontab: when both day fields are restricted, either may match.
  const dayRestricted = days.size < 31
  const weekdayRestricted = weekdays.size < 7
  const dayOk = dayRestricted && weekdayRestricted ? days.has(day) || weekdays.has(weekday) : days.has(day) && weekdays.has(weekday)
  return mins.has(minute) && hours.has(hour) && months.has(month) && dayOk
}
