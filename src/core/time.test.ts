import { describe, expect, it } from 'vitest'
import { dateInZone, isoInZone, midnightInZone, offsetMinutesAt } from './time.ts'

describe('times in the tenant zone', () => {
  it('writes an instant with the offset of WIB, WITA and WIT', () => {
    const at = new Date('2026-11-23T02:30:00Z')
    expect(isoInZone(at, 'Asia/Jakarta')).toBe('2026-11-23T09:30:00+07:00')
    expect(isoInZone(at, 'Asia/Makassar')).toBe('2026-11-23T10:30:00+08:00')
    expect(isoInZone(at, 'Asia/Jayapura')).toBe('2026-11-23T11:30:00+09:00')
    expect(isoInZone(at, 'UTC')).toBe('2026-11-23T02:30:00+00:00')
  })

  it('crosses midnight into the next day', () => {
    expect(isoInZone(new Date('2026-11-23T17:15:00Z'), 'Asia/Jakarta')).toBe('2026-11-24T00:15:00+07:00')
    expect(dateInZone(new Date('2026-11-23T17:15:00Z'), 'Asia/Jakarta')).toBe('2026-11-24')
    expect(dateInZone(new Date('2026-11-23T14:59:00Z'), 'Asia/Jayapura')).toBe('2026-11-23')
    expect(dateInZone(new Date('2026-11-23T15:00:00Z'), 'Asia/Jayapura')).toBe('2026-11-24')
  })

  it('finds a local midnight and the offset of a zone', () => {
    expect(offsetMinutesAt(new Date('2026-11-23T00:00:00Z'), 'Asia/Makassar')).toBe(480)
    expect(offsetMinutesAt(new Date('2026-07-01T00:00:00Z'), 'America/New_York')).toBe(-240)
    expect(midnightInZone(2026, 11, 24, 'Asia/Jakarta').toISOString()).toBe('2026-11-23T17:00:00.000Z')
    // Months run over as in Date.UTC: the 13th month is January of the next year.
    expect(midnightInZone(2026, 13, 1, 'Asia/Jayapura').toISOString()).toBe('2026-12-31T15:00:00.000Z')
  })
})
