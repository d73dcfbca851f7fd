import { describe, expect, it } from 'vitest'
import { monthsBetween, periodAt, periodOf, periodsInMonth } from './periods.ts'
import { achievement, score } from './scores.ts'

describe('achievement and score', () => {
  it('measures a higher-is-better value as value ÷ target, capped at 100 %', () => {
    expect(achievement(45, 90, 'higher')).toBe(50)
    expect(achievement(120, 100, 'higher')).toBe(100)
    expect(achievement(0, 100, 'higher')).toBe(0)
  })

  it('measures a lower-is-better value as target ÷ value, a zero value meeting any target', () => {
    expect(achievement(30, 15, 'lower')).toBe(50)
    expect(achievement(10, 15, 'lower')).toBe(100)
    expect(achievement(0, 15, 'lower')).toBe(100)
  })

  it('has no achievement without a value or a target', () => {
    expect(achievement(null, 90, 'higher')).toBeNull()
    expect(achievement(80, null, 'higher')).toBeNull()
  })

  it('scores a dimension as the mean of the achievements there are, leaving missing ones out', () => {
    expect(score([50, 100, null, 75])).toBe(75)
    expect(score([null, null])).toBeNull()
    expect(score([33.3, 33.3, 33.4])).toBe(33.3)
  })
})

describe('periods in the tenant zone', () => {
  it('starts a WIB month at local midnight and ends at the next month', () => {
    const p = periodOf('2026-01', 'Asia/Jakarta')
    expect(p.start.toISOString()).toBe('2025-12-31T17:00:00.000Z')
    expect(p.end.toISOString()).toBe('2026-01-31T17:00:00.000Z')
    expect(periodOf('2026', 'Asia/Jayapura').start.toISOString()).toBe('2025-12-31T15:00:00.000Z')
    expect(periodOf('2026-02-28', 'Asia/Makassar').end.toISOString()).toBe('2026-02-28T16:00:00.000Z')
  })

  it('places an instant in the local period', () => {
    expect(periodAt(new Date('2026-01-31T18:00:00Z'), 'monthly', 'Asia/Jakarta')).toBe('2026-02')
    expect(periodAt(new Date('2026-01-31T16:00:00Z'), 'daily', 'Asia/Jakarta')).toBe('2026-01-31')
  })

  it('lists months across a year and the days of a month', () => {
    expect(monthsBetween('2025-11', '2026-02')).toEqual(['2025-11', '2025-12', '2026-01', '2026-02'])
    expect(periodsInMonth('2024-02', 'daily')).toHaveLength(29)
    expect(() => monthsBetween('2026-03', '2026-01')).toThrow(/after/)
    expect(() => periodOf('2026-02-30', 'Asia/Jakarta')).toThrow(/not a day/)
  })
})
