// Time as a tenant's wall clock shows it. Every module that answers or files a time in the tenant's zone (agenda
// times, CAP messages, a market's day, KPI periods, ASN attendance) asks here, so there is one way to do it.

/** The zone of a tenant that has none set: WIB. */
export const DEFAULT_TIME_ZONE = 'Asia/Jakarta'

/** A tenant's zone, or WIB when it has none. */
export function zoneOrDefault(timeZone: string | null | undefined): string {
  return timeZone || DEFAULT_TIME_ZONE
}

interface WallClock {
  year: string
  month: string
  day: string
  hour: string
  minute: string
  second: string
  /** `+07:00`. */
  offset: string
}

// Building a formatter costs far more than using one (an import checks thousands of periods): one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>()

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
      timeZoneName: 'longOffset',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** The wall clock of `timeZone` at an instant. */
export function wallClock(at: Date, timeZone: string): WallClock {
  const p = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.slice(3)
  return { year: p.year, month: p.month, day: p.day, hour: p.hour, minute: p.minute, second: p.second, offset }
}

/** ISO 8601 of an instant as the clock of `timeZone` shows it, with that zone's offset: `2026-11-23T09:00:00+07:00` (CAP's dateTime too). */
export function isoInZone(at: Date, timeZone: string): string {
  const c = wallClock(at, timeZone)
  return `${c.year}-${c.month}-${c.day}T${c.hour}:${c.minute}:${c.second}${c.offset}`
}

/** The calendar day of an instant in `timeZone`, `YYYY-MM-DD`. */
export function dateInZone(at: Date, timeZone: string): string {
  const c = wallClock(at, timeZone)
  return `${c.year}-${c.month}-${c.day}`
}

/** The year of an instant in `timeZone` (the year in case numbers). */
export function yearInZone(at: Date, timeZone: string): number {
  return Number(wallClock(at, timeZone).year)
}

/** Minutes the zone is ahead of UTC at an instant (Indonesia has no daylight saving, but ask the zone anyway). */
export function offsetMinutesAt(at: Date, timeZone: string): number {
  const [sign, hours, minutes] = /^([+-])(\d\d):(\d\d)$/.exec(wallClock(at, timeZone).offset)?.slice(1) ?? ['+', '0', '0']
  return (sign === '-' ? -1 : 1) * (Number(hours) * 60 + Number(minutes))
}

/** Local midnight of a calendar day in the zone, as an instant (`month` and `day` may run over, as in Date.UTC). */
export function midnightInZone(year: number, month: number, day: number, timeZone: string): Date {
  const utc = Date.UTC(year, month - 1, day)
  return new Date(utc - offsetMinutesAt(new Date(utc), timeZone) * 60_000)
}
