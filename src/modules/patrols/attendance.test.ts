import { describe, expect, it } from 'vitest'
import { DEFAULT_SCHEDULE, dayCodes, hoursOn, ladderStep, type WorkSchedule } from './attendance.ts'

const schedule: WorkSchedule = {
  ...DEFAULT_SCHEDULE,
  // Ramadan 2026 (18 February – 19 March): 08:00–15:00 Monday to Thursday, 08:00–15:30 Friday.
  overrides: [
    {
      from: '2026-02-18',
      to: '2026-03-19',
      weekdays: {
        '1': { start: '08:00', end: '15:00' },
        '2': { start: '08:00', end: '15:00' },
        '3': { start: '08:00', end: '15:00' },
        '4': { start: '08:00', end: '15:00' },
        '5': { start: '08:00', end: '15:30' },
      },
    },
  ],
  holidays: ['2026-01-01'],
}
const day = (checkIn: string | null, checkOut: string | null, remark: 'H' | 'S' | 'TK' | 'DL' | null = null) => ({ checkIn, checkOut, remark })

describe('working hours', () => {
  it('follows the weekday, the overrides and the holidays', () => {
    expect(hoursOn('2026-01-08', schedule)).toEqual({ start: '07:30', end: '16:00' }) // Thursday
    expect(hoursOn('2026-01-09', schedule)).toEqual({ start: '07:30', end: '16:30' }) // Friday
    expect(hoursOn('2026-01-10', schedule)).toBeNull() // Saturday
    expect(hoursOn('2026-01-01', schedule)).toBeNull() // Tahun Baru
    expect(hoursOn('2026-02-20', schedule)).toEqual({ start: '08:00', end: '15:30' }) // a Friday in Ramadan
  })
})

describe('day codes', () => {
  it('grades lateness and leaving early in 30-minute steps', () => {
    expect(dayCodes('2026-01-08', day('07:30', '16:00'), schedule)).toMatchObject({ codes: [], isOnTime: true, lateMinutes: 0 })
    expect(dayCodes('2026-01-08', day('08:00', '16:00'), schedule)).toMatchObject({ codes: ['TL1'], lateMinutes: 30 })
    expect(dayCodes('2026-01-08', day('08:01', '16:00'), schedule)).toMatchObject({ codes: ['TL2'], lateMinutes: 31 })
    expect(dayCodes('2026-01-08', day('09:00', '16:00'), schedule).codes).toEqual(['TL3'])
    expect(dayCodes('2026-01-08', day('09:01', '16:00'), schedule).codes).toEqual(['TL4'])
    expect(dayCodes('2026-01-08', day('07:20', '15:30'), schedule)).toMatchObject({ codes: ['PSW1'], earlyMinutes: 30 })
    expect(dayCodes('2026-01-08', day('07:45', '14:00'), schedule)).toMatchObject({ codes: ['TL1', 'PSW4'], lateMinutes: 15, earlyMinutes: 120 })
    // Friday ends at 16:30: leaving at 16:00 is early.
    expect(dayCodes('2026-01-09', day('07:30', '16:00'), schedule).codes).toEqual(['PSW1'])
  })

  it('uses the override hours in Ramadan', () => {
    expect(dayCodes('2026-02-19', day('07:55', '15:00'), schedule).codes).toEqual([])
    expect(dayCodes('2026-01-08', day('07:55', '15:00'), schedule).codes).toEqual(['TL1', 'PSW2'])
  })

  it('counts a missing record on a working day as TK, and nothing on a holiday', () => {
    expect(dayCodes('2026-01-08', null, schedule)).toMatchObject({ codes: ['TK'], isAbsent: true })
    expect(dayCodes('2026-01-08', day(null, null, 'TK'), schedule).codes).toEqual(['TK'])
    expect(dayCodes('2026-01-01', null, schedule)).toMatchObject({ codes: [], isWorkday: false })
    expect(dayCodes('2026-01-10', null, schedule).isWorkday).toBe(false)
  })

  it('excuses sick leave and official travel, and grades a missing check-out as PSW4', () => {
    expect(dayCodes('2026-01-08', day(null, null, 'S'), schedule)).toMatchObject({ codes: ['S'], isAbsent: false })
    expect(dayCodes('2026-01-08', day(null, null, 'DL'), schedule).codes).toEqual(['DL'])
    expect(dayCodes('2026-01-08', day('07:25', null, 'H'), schedule).codes).toEqual(['PSW4'])
  })
})

describe('discipline ladder', () => {
  it('reaches the PP 94/2021 steps at 3, 4, 7, 11, 21 and 28 days', () => {
    expect([0, 2, 3, 4, 6, 7, 10, 11, 20, 21, 27, 28, 40].map((d) => ladderStep(d))).toEqual([
      null,
      null,
      'teguran_lisan',
      'teguran_tertulis',
      'teguran_tertulis',
      'pernyataan_tidak_puas',
      'pernyataan_tidak_puas',
      'potongan_tunjangan',
      'potongan_tunjangan',
      'penurunan_jabatan',
      'penurunan_jabatan',
      'pemberhentian',
      'pemberhentian',
    ])
  })
})
