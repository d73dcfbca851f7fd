import { describe, expect, it } from 'vitest'
import { inZone } from './time.ts'

describe('times in the tenant zone', () => {
  it('writes an instant with the offset of WIB, WITA and WIT', () => {
    const at = new Date('2026-11-23T02:30:00Z')
    expect(inZone(at, 'Asia/Jakarta')).toBe('2026-11-23T09:30:00+07:00')
    expect(inZone(at, 'Asia/Makassar')).toBe('2026-11-23T10:30:00+08:00')
    expect(inZone(at, 'Asia/Jayapura')).toBe('2026-11-23T11:30:00+09:00')
    expect(inZone(at, 'UTC')).toBe('2026-11-23T02:30:00+00:00')
  })

  it('crosses midnight into the next day', () => {
    expect(inZone(new Date('2026-11-23T17:15:00Z'), 'Asia/Jakarta')).toBe('2026-11-24T00:15:00+07:00')
  })
})
