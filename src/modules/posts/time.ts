// Agenda times are read in the tenant's zone, so the API answers them with the tenant's offset
// (2026-11-23T09:00:00+07:00), not in UTC.

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

/** ISO 8601 of an instant as the clock of `timeZone` shows it, with that zone's offset. */
export function inZone(at: Date, timeZone: string): string {
  const p = Object.fromEntries(
    formatterFor(timeZone)
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  const offset = p.timeZoneName === 'GMT' ? '+00:00' : p.timeZoneName.slice(3)
  return `${p.year}-${p.month}-${p.day}T${p.hour}:${p.minute}:${p.second}${offset}`
}
