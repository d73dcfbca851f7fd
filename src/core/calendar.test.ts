import { describe, expect, it } from 'vitest'
import { addSlaHours, isWorkingTime, type WorkCalendar } from './calendar.ts'

const WIB: WorkCalendar = { workingDays: [1, 2, 3, 4, 5], workStart: '08:00', workEnd: '16:00', holidays: ['2026-08-17'], timezone: 'Asia/Jakarta' }
const at = (iso: string) => new Date(iso)

describe('SLA deadlines', () => {
  it('counts every hour on a continuous clock', () => {
    expect(addSlaHours(at('2026-08-15T22:00:00+07:00'), 4, WIB, 'continuous').toISOString()).toBe(at('2026-08-16T02:00:00+07:00').toISOString())
  })

  it('counts working hours inside one working day', () => {
    expect(addSlaHours(at('2026-08-12T09:00:00+07:00'), 4, WIB, 'working').toISOString()).toBe(at('2026-08-12T13:00:00+07:00').toISOString())
  })

  it('carries the rest of the hours over to the next working morning', () => {
    // Wednesday 14:00 + 4 working hours = 2 h on Wednesday, 2 h from Thursday 08:00.
    expect(addSlaHours(at('2026-08-12T14:00:00+07:00'), 4, WIB, 'working').toISOString()).toBe(at('2026-08-13T10:00:00+07:00').toISOString())
  })

  it('skips weekends and national holidays', () => {
    // Friday 2026-08-14 15:00 + 3 h: 1 h Friday; Saturday, Sunday and Monday 17 August (HUT RI) skipped; 2 h Tuesday.
    expect(addSlaHours(at('2026-08-14T15:00:00+07:00'), 3, WIB, 'working').toISOString()).toBe(at('2026-08-18T10:00:00+07:00').toISOString())
  })

  it('starts a report made at night on the next working morning', () => {
    expect(addSlaHours(at('2026-08-12T21:30:00+07:00'), 1, WIB, 'working').toISOString()).toBe(at('2026-08-13T09:00:00+07:00').toISOString())
  })

  it('uses the tenant zone (WITA is an hour ahead of WIB)', () => {
    const wita = { ...WIB, timezone: 'Asia/Makassar' }
    expect(addSlaHours(at('2026-08-12T09:00:00+08:00'), 2, wita, 'working').toISOString()).toBe(at('2026-08-12T11:00:00+08:00').toISOString())
    expect(isWorkingTime(at('2026-08-12T07:30:00+07:00'), wita)).toBe(true)
    expect(isWorkingTime(at('2026-08-12T07:30:00+07:00'), WIB)).toBe(false)
  })
})
