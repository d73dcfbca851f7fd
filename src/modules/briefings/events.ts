import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

/** Topics of this module and who may read them. */
export const BRIEFING_TOPICS = { briefings: ['admin', 'executive', 'operator'] } as const

export type BriefingEvent =
  | { topic: 'briefings'; type: 'briefing.scheduled' | 'briefing.changed' | 'briefing.removed'; entity: string; data: { name: string } }
  | {
      topic: 'briefings'
      type: 'briefing.sent' | 'briefing.skipped' | 'briefing.failed'
      entity: string
      data: { name: string; period: string; recipient: string; note?: string }
    }

export function recordBriefingEvent(log: EventLog, tx: Tx, tenant: string, actor: string, event: BriefingEvent) {
  return log.record(tx, tenant, actor, event)
}
