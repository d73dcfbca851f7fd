import type { Observation } from './observation.ts'
import type { AnalyticsRule } from './schema.ts'

// Which rule, if any, a detection answers to. Pure, so the rules are tested without a broker or a database.

const SEVERITY_RANK: Record<AnalyticsRule['severity'], number> = { info: 0, waspada: 1, siaga: 2, awas: 3 }

/** "22:00" → 1320. */
export function minuteOf(clock: string): number {
  const [h, m] = clock.split(':').map(Number)
  return h * 60 + m
}

/** "22:00" from 1320. */
export function clockOf(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`
}

/** Whether a minute of the day falls in [from, to); a window whose end comes before its start runs past midnight. */
export function inWindow(minute: number, from: number | null, to: number | null): boolean {
  if (from === null || to === null || from === to) return true
  return from < to ? minute >= from && minute < to : minute >= from || minute < to
}

/** The rule matches the label, one of its zones, its camera, at least its score, in its hours (the tenant's clock). */
export function ruleMatches(rule: AnalyticsRule, seen: Observation, cameraId: string, minuteOfDay: number): boolean {
  if (!rule.isActive || rule.label.toLowerCase() !== seen.label.toLowerCase()) return false
  if (rule.zone !== null && !seen.zones.includes(rule.zone)) return false
  if (rule.cameraId !== null && rule.cameraId !== cameraId) return false
  return seen.score >= rule.minScore && inWindow(minuteOfDay, rule.from === null ? null : minuteOf(rule.from), rule.to === null ? null : minuteOf(rule.to))
}

/** Of the matching rules, the most severe; an incident before an alarm of the same severity; then by name. */
export function chooseRule(rules: readonly AnalyticsRule[], seen: Observation, cameraId: string, minuteOfDay: number): AnalyticsRule | null {
  const matching = rules.filter((r) => ruleMatches(r, seen, cameraId, minuteOfDay))
  matching.sort(
    (a, b) =>
      SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
      Number(b.action === 'incident') - Number(a.action === 'incident') ||
      a.name.localeCompare(b.name),
  )
  return matching[0] ?? null
}
