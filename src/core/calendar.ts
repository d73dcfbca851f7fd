// The working-time calendar: SLA deadlines and due dates in hours that count either always (continuous) or only
// in working hours, skipping weekends and holidays, in the tenant's zone. Pure functions, tested on their own.

/** Indonesia keeps no daylight saving: each zone is a fixed offset from UTC. */
const ZONE_OFFSET_MINUTES: Record<string, number> = { 'Asia/Jakarta': 7 * 60, 'Asia/Makassar': 8 * 60, 'Asia/Jayapura': 9 * 60 }

export interface WorkCalendar {
  /** ISO weekdays that are working days: 1 = Monday … 7 = Sunday. */
  workingDays: number[]
  /** Local 'HH:MM'. */
  workStart: string
  workEnd: string
  /** Local dates 'YYYY-MM-DD' that are holidays (libur nasional, cuti bersama). */
  holidays: string[]
  timezone: string
}

const DAY_MS = 86_400_000
const minutesOf = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number)
  return h * 60 + m
}

export function zoneOffsetMinutes(timezone: string): number {
  return ZONE_OFFSET_MINUTES[timezone] ?? ZONE_OFFSET_MINUTES['Asia/Jakarta']
}

/** The moment `hours` of SLA time after `start`. */
export function addSlaHours(start: Date, hours: number, calendar: WorkCalendar, mode: 'working' | 'continuous'): Date {
  if (mode === 'continuous' || hours <= 0) return new Date(start.getTime() + hours * 3_600_000)
  const offset = zoneOffsetMinutes(calendar.timezone) * 60_000
  const open = minutesOf(calendar.workStart) * 60_000
  const close = minutesOf(calendar.workEnd) * 60_000
  if (close <= open || calendar.workingDays.length === 0) return new Date(start.getTime() + hours * 3_600_000)
  const holidays = new Set(calendar.holidays)
  let remaining = hours * 3_600_000
  // Walk local days; `local` is the start as if the tenant's wall clock were UTC.
  let local = start.getTime() + offset
  for (let guard = 0; guard < 3660; guard++) {
    const dayStart = Math.floor(local / DAY_MS) * DAY_MS
    const date = new Date(dayStart)
    const isoDay = date.getUTCDay() === 0 ? 7 : date.getUTCDay()
    const isWorking = calendar.workingDays.includes(isoDay) && !holidays.has(date.toISOString().slice(0, 10))
    if (isWorking) {
      const from = Math.max(local, dayStart + open)
      const to = dayStart + close
      if (from < to) {
        if (from + remaining <= to) return new Date(from + remaining - offset)
        remaining -= to - from
      }
    }
    local = dayStart + DAY_MS
  }
  throw new Error('The work calendar has no working time in ten years')
}

/** Whether `at` falls in working time (used to tell people why a clock is not running). */
export function isWorkingTime(at: Date, calendar: WorkCalendar): boolean {
  const local = at.getTime() + zoneOffsetMinutes(calendar.timezone) * 60_000
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS
  const date = new Date(dayStart)
  const isoDay = date.getUTCDay() === 0 ? 7 : date.getUTCDay()
  if (!calendar.workingDays.includes(isoDay) || calendar.holidays.includes(date.toISOString().slice(0, 10))) return false
  const minute = (local - dayStart) / 60_000
  return minute >= minutesOf(calendar.workStart) && minute < minutesOf(calendar.workEnd)
}
