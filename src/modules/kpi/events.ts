import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

/** Topics of this module and who may read them. */
export const KPI_TOPICS = {
  /** Catalogue changes, entered values and recompute progress: the people who read the dashboard. */
  kpi: ['admin', 'executive', 'operator', 'agency_officer'],
} as const

type IndicatorName = { id: string; en: string }

export type KpiEvent =
  // An indicator's name in both languages, so the live feed names it in the reader's language, not by its code.
  | { topic: 'kpi'; type: 'indicator.created' | 'indicator.updated'; entity: string; data: { code: string; name: IndicatorName } }
  | {
      topic: 'kpi'
      type: 'value.entered'
      entity: string
      data: { code: string; name: IndicatorName; period: string; breakdown: string; value: number; version: number }
    }
  | { topic: 'kpi'; type: 'values.imported'; entity: null; data: { codes: string[]; count: number } }
  | { topic: 'kpi'; type: 'config.copied'; entity: null; data: { from: string; copied: Record<string, number> } }
  | { topic: 'kpi'; type: 'wall_token.created' | 'wall_token.revoked'; entity: string; data: { name: string } }
  | { topic: 'kpi'; type: 'wall.scheduled'; entity: null; data: { panels: string[] } }
  | { topic: 'kpi'; type: 'recompute.requested' | 'recompute.progressed'; entity: string; data: { done: number; total: number; status: string } }

export function recordKpiEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: KpiEvent) {
  return log.record(tx, tenant, actor, event)
}
