import { describe, expect, it } from 'vitest'
import { simulatedValues } from './simulator.ts'

describe('the demo sensor simulator', () => {
  it('takes a river through Waspada, Siaga and Awas and back within one flood cycle', () => {
    const start = Date.UTC(2026, 10, 23, 0, 0)
    const levels = Array.from({ length: 30 }, (_, minute) => simulatedValues('awlr-progo-1', new Date(start + minute * 60_000)).water_level)
    expect(Math.max(...levels)).toBeGreaterThan(300)
    expect(Math.min(...levels)).toBeLessThan(200)
    // Above Awas for longer than that rule's two minutes.
    expect(levels.filter((l) => l > 300).length).toBeGreaterThanOrEqual(3)
  })

  it('gives every demo device values for its metrics only', () => {
    const now = new Date()
    expect(Object.keys(simulatedValues('aqms-alun-alun', now))).toEqual(['pm25', 'pm10'])
    expect(simulatedValues('traffic-ayani', now).vehicles).toBeGreaterThanOrEqual(0)
  })
})
