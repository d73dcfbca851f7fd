import { describe, expect, it } from 'vitest'
import { nextRun } from './schedule.ts'

describe('when a briefing is due, on the tenant’s wall clock', () => {
  it('sends the monthly report on the 1st at 07.00 WIB, the next month once this one has passed', () => {
    const when = { frequency: 'monthly' as const, day: 1, atTime: '07:00' }
    // 30 November 23.30 WIB is 16.30 UTC: the next 1st at 07.00 WIB is 1 December 00.00 UTC.
    expect(nextRun(when, new Date('2026-11-30T16:30:00Z'), 'Asia/Jakarta').toISOString()).toBe('2026-12-01T00:00:00.000Z')
    expect(nextRun(when, new Date('2026-12-01T00:00:00Z'), 'Asia/Jakarta').toISOString()).toBe('2027-01-01T00:00:00.000Z')
  })

  it('sends the weekly report on Monday in the tenant’s zone, not the server’s', () => {
    const when = { frequency: 'weekly' as const, day: 1, atTime: '07:30' }
    // Sunday 6 December 2026, 20.00 UTC, is already Monday 05.00 WIT in Jayapura: due at 07.30 WIT that Monday.
    expect(nextRun(when, new Date('2026-12-06T20:00:00Z'), 'Asia/Jayapura').toISOString()).toBe('2026-12-06T22:30:00.000Z')
    // In Jakarta the same instant is Monday 03.00 WIB: due at 07.30 WIB, two hours later in UTC than in Jayapura.
    expect(nextRun(when, new Date('2026-12-06T20:00:00Z'), 'Asia/Jakarta').toISOString()).toBe('2026-12-07T00:30:00.000Z')
  })

  it('sends the daily summary at 06.00 every day, tomorrow once today’s has passed', () => {
    const when = { frequency: 'daily' as const, day: null, atTime: '06:00' }
    // 22.00 UTC is 06.00 WITA the next day: one just sent is not due again until the day after.
    expect(nextRun(when, new Date('2026-12-07T21:59:00Z'), 'Asia/Makassar').toISOString()).toBe('2026-12-07T22:00:00.000Z')
    expect(nextRun(when, new Date('2026-12-07T22:00:00Z'), 'Asia/Makassar').toISOString()).toBe('2026-12-08T22:00:00.000Z')
  })
})
