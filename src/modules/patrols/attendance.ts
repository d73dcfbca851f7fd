// ASN attendance rules: working hours per weekday (with date-range overrides such as Ramadan and holidays)
// and the day's codes: TL1–TL4 (terlambat, late) and PSW1–PSW4 (pulang sebelum waktunya, left early) in
// 30-minute steps, and TK (tanpa keterangan, absent without reason). Pure functions, tested on their own.

export interface Hours {
  /** Local 'HH:MM'. */
  start: string
  end: string
}

/** ISO weekday ('1' Monday … '7' Sunday) → hours; a weekday not listed is no working day. */
export type WeekHours = Record<string, Hours>

export interface WorkSchedule {
  weekdays: WeekHours
  /** Inclusive local date ranges with other hours, e.g. Ramadan. */
  overrides: { from: string; to: string; weekdays: WeekHours }[]
  /** Local dates 'YYYY-MM-DD' without work (libur nasional, cuti bersama). */
  holidays: string[]
}

export const DEFAULT_SCHEDULE: WorkSchedule = {
  weekdays: {
    '1': { start: '07:30', end: '16:00' },
    '2': { start: '07:30', end: '16:00' },
    '3': { start: '07:30', end: '16:00' },
    '4': { start: '07:30', end: '16:00' },
    '5': { start: '07:30', end: '16:30' },
  },
  overrides: [],
  holidays: [],
}

/** What `keterangan` may say: H hadir; I izin, S sakit, C… cuti, DL dinas luar, TB tugas belajar (excused); TK absent. */
export const REMARKS = ['H', 'I', 'S', 'C', 'CT', 'CB', 'CS', 'CM', 'CAP', 'DL', 'TB', 'TK'] as const
export type Remark = (typeof REMARKS)[number]
export const EXCUSED = ['I', 'S', 'C', 'CT', 'CB', 'CS', 'CM', 'CAP', 'DL', 'TB'] as const

export const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** A real local time 'HH:MM' or 'HH:MM:SS'. */
export function isClockTime(value: string): boolean {
  const m = /^([01][0-9]|2[0-3]):([0-5][0-9])(:[0-5][0-9])?$/.exec(value)
  return m !== null
}

/** The hours of a local date, or null when it is no working day. */
export function hoursOn(date: string, schedule: WorkSchedule): Hours | null {
  if (schedule.holidays.includes(date)) return null
  const day = new Date(`${date}T00:00:00Z`).getUTCDay()
  const weekday = String(day === 0 ? 7 : day)
  const override = schedule.overrides.find((o) => o.from <= date && date <= o.to)
  return (override ?? schedule).weekdays[weekday] ?? null
}

export interface DayRecord {
  checkIn: string | null
  checkOut: string | null
  remark: Remark | null
}

export interface DayCodes {
  /** TL1–TL4, PSW1–PSW4, TK, or an excused remark; empty when on time (or no working day). */
  codes: string[]
  lateMinutes: number
  earlyMinutes: number
  isWorkday: boolean
  isOnTime: boolean
  isAbsent: boolean
}

/** 1–30 minutes → step 1, 31–60 → 2, 61–90 → 3, more → 4. */
function step(minutes: number): number {
  return Math.min(4, Math.ceil(minutes / 30))
}

/** The codes of one person's day under the schedule; a working day without a record is TK. */
export function dayCodes(date: string, record: DayRecord | null, schedule: WorkSchedule): DayCodes {
  const hours = hoursOn(date, schedule)
  const none = { codes: [], lateMinutes: 0, earlyMinutes: 0, isWorkday: hours !== null, isOnTime: false, isAbsent: false }
  if (!hours) return none
  if (record?.remark && (EXCUSED as readonly string[]).includes(record.remark)) return { ...none, codes: [record.remark] }
  if (!record || record.remark === 'TK' || (!record.checkIn && !record.checkOut)) return { ...none, codes: ['TK'], isAbsent: true }
  const codes: string[] = []
  // No check-in or check-out recorded counts as the last step (as the e-presensi rules do).
  const lateMinutes = record.checkIn ? Math.max(0, minutesOf(record.checkIn) - minutesOf(hours.start)) : 0
  const earlyMinutes = record.checkOut ? Math.max(0, minutesOf(hours.end) - minutesOf(record.checkOut)) : 0
  if (!record.checkIn) codes.push('TL4')
  else if (lateMinutes > 0) codes.push(`TL${step(lateMinutes)}`)
  if (!record.checkOut) codes.push('PSW4')
  else if (earlyMinutes > 0) codes.push(`PSW${step(earlyMinutes)}`)
  return { codes, lateMinutes, earlyMinutes, isWorkday: true, isOnTime: codes.length === 0, isAbsent: false }
}

// The discipline ladder: cumulative unexcused absence days in a year → the step reached (PP 94/2021 defaults).

export interface LadderStep {
  fromDays: number
  step: string
}

export const DEFAULT_LADDER: LadderStep[] = [
  { fromDays: 3, step: 'teguran_lisan' },
  { fromDays: 4, step: 'teguran_tertulis' },
  { fromDays: 7, step: 'pernyataan_tidak_puas' },
  { fromDays: 11, step: 'potongan_tunjangan' },
  { fromDays: 21, step: 'penurunan_jabatan' },
  { fromDays: 28, step: 'pemberhentian' },
]

export function ladderStep(tkDays: number, ladder: LadderStep[] = DEFAULT_LADDER): string | null {
  let reached: string | null = null
  for (const s of [...ladder].sort((a, b) => a.fromDays - b.fromDays)) if (tkDays >= s.fromDays) reached = s.step
  return reached
}
