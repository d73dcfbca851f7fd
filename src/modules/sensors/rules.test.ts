import { describe, expect, it } from 'vitest'
import { evaluateRule, type Threshold } from './rules.ts'

// Siaga for a river gauge: above 250 cm for 10 minutes; clears below 240 cm.
const siaga: Threshold = { comparison: '>', threshold: 250, durationSeconds: 600, hysteresis: 10 }
const at = (minute: number) => new Date(Date.UTC(2026, 10, 23, 1, minute))

/** Runs readings (minute, value) through the rule, as the service does, and returns what each step did. */
function run(rule: Threshold, readings: [number, number][]) {
  let since: Date | null = null
  let open = false
  return readings.map(([minute, value]) => {
    const step = evaluateRule(rule, value, at(minute), since, open)
    since = step.breachSince
    if (step.raise) open = true
    if (step.clear) open = false
    return step.raise ? 'raise' : step.clear ? 'clear' : open ? 'open' : '-'
  })
}

describe('threshold rules', () => {
  it('raises only once the condition has held for the rule duration', () => {
    expect(
      run(siaga, [
        [0, 251],
        [5, 260],
        [10, 262],
        [15, 270],
      ]),
    ).toEqual(['-', '-', 'raise', 'open'])
  })

  it('restarts the duration when the level dips below the threshold before an alarm', () => {
    expect(
      run(siaga, [
        [0, 255],
        [5, 249],
        [8, 255],
        [15, 256],
        [18, 257],
      ]),
    ).toEqual(['-', '-', '-', '-', 'raise'])
  })

  it('keeps an alarm open inside the hysteresis band and clears it below', () => {
    expect(
      run(siaga, [
        [0, 260],
        [10, 260],
        [12, 248],
        [14, 245],
        [16, 239],
      ]),
    ).toEqual(['-', 'raise', 'open', 'open', 'clear'])
  })

  it('raises at once when the duration is zero, for falling thresholds too', () => {
    const lowBattery: Threshold = { comparison: '<=', threshold: 11.5, durationSeconds: 0, hysteresis: 0.5 }
    expect(
      run(lowBattery, [
        [0, 12.4],
        [1, 11.5],
        [2, 11.8],
        [3, 12.1],
      ]),
    ).toEqual(['-', 'raise', 'open', 'clear'])
  })
})
