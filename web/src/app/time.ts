// Indonesia's three zones and the abbreviations people read on a clock.
const ZONE_ABBREVIATIONS: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

/** A time as people of the tenant read it: in its zone, with WIB/WITA/WIT, and the date when not today. */
export function formatTime(iso: string, timeZone: string, language: string, now: Date = new Date()): string {
  const locale = language === 'en' ? 'en-GB' : 'id-ID'
  const day = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })
  const when = new Date(iso)
  const isToday = day.format(when) === day.format(now)
  const formatter = new Intl.DateTimeFormat(locale, {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    ...(isToday ? {} : { day: 'numeric', month: 'short' }),
  })
  return `${formatter.format(when)} ${ZONE_ABBREVIATIONS[timeZone] ?? timeZone}`
}
