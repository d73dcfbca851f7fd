import { describe, expect, it } from 'vitest'
import { cronMatches, parseCron } from './cron.ts'

describe('cron schedules', () => {
  it('fires every 15 minutes in the tenant’s zone', () => {
    const cron = parseCron('*/15 * * * *')
    expect(cronMatches(cron, new Date('2025-03-03T01:30:00Z'), 'Asia/Jakarta')).toBe(true)
    expect(cronMatches(cron, new Date('2025-03-03T01:31:00Z'), 'Asia/Jakarta')).toBe(false)
  })

  it('reads hours in WIB, weekdays with 7 as Sunday, and lists and ranges', () => {
    const cron = parseCron('0 6 * * 1-5,7')
    expect(cronMatches(cron, new Date('2025-03-02T23:00:00Z'), 'Asia/Jakarta')).toBe(true) // Monday 06:00 WIB
    expect(cronMatches(cron, new Date('2025-03-08T23:00:00Z'), 'Asia/Jakarta')).toBe(true) // Sunday 06:00 WIB
    expect(cronMatches(cron, new Date('2025-03-07T23:00:00Z'), 'Asia/Jakarta')).toBe(false) // Saturday
    expect(cronMatches(cron, new Date('2025-03-03T06:00:00Z'), 'Asia/Jakarta')).toBe(false)
  })

  it('refuses what is not cron', () => {
    for (const bad of ['* * * *', '61 * * * *', 'x * * * *', '*/0 * * * *']) expect(() => parseCron(bad)).toThrow()
  })
})
