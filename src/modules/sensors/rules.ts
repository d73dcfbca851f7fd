// Threshold rules with a duration and hysteresis, as pure functions so the rule logic is tested alone.

export type Comparison = '>' | '>=' | '<' | '<='

export interface Threshold {
  comparison: Comparison
  threshold: number
  /** The condition must hold this long before an alarm is raised. */
  durationSeconds: number
  /** Once raised, the value must come back past the threshold by this much before the alarm clears. */
  hysteresis: number
}

export interface RuleStep {
  breachSince: Date | null
  raise: boolean
  clear: boolean
}

function breaches(rule: Threshold, value: number): boolean {
  switch (rule.comparison) {
    case '>':
      return value > rule.threshold
    case '>=':
      return value >= rule.threshold
    case '<':
      return value < rule.threshold
    case '<=':
      return value <= rule.threshold
  }
}

function clearOf(rule: Threshold, value: number): boolean {
  return rule.comparison === '>' || rule.comparison === '>=' ? value < rule.threshold - rule.hysteresis : value > rule.threshold + rule.hysteresis
}

/** One reading through a rule: whether the breach goes on, an alarm is to be raised, or the open one clears. */
export function evaluateRule(rule: Threshold, value: number, at: Date, breachSince: Date | null, alarmOpen: boolean): RuleStep {
  if (breaches(rule, value)) {
    const since = breachSince ?? at
    const held = at.getTime() - since.getTime() >= rule.durationSeconds * 1000
    return { breachSince: since, raise: !alarmOpen && held, clear: false }
  }
  if (alarmOpen) {
    // Inside the hysteresis band an open alarm stays open, so a level hovering at the line does not flap.
    return clearOf(rule, value) ? { breachSince: null, raise: false, clear: true } : { breachSince, raise: false, clear: false }
  }
  return { breachSince: null, raise: false, clear: false }
}
