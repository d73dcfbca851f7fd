import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

/** Topics of this module and who may read them. Vendors' NIK and phone never travel in events. */
export const LEVY_TOPICS = {
  /** Bills issued and payments received: the market office, collectors and the city's leaders follow revenue live. */
  levies: ['admin', 'operator', 'agency_officer', 'collector', 'executive'],
  /** Markets, stalls, vendors, permits, tariffs and settings. */
  levy_config: ['admin', 'agency_officer'],
} as const

export type LevyEvent =
  | { topic: 'levies'; type: 'levy.bills_generated'; entity: string; data: { period: string; created: number } }
  | {
      topic: 'levies'
      type: 'levy.payment_recorded'
      entity: string
      data: {
        receipt: string
        billNumber: string
        marketId: string
        marketName: string
        amount: number
        method: string
        isCashless: boolean
        billStatus: string
      }
    }
  | { topic: 'levies'; type: 'levy.notification_rejected'; entity: string | null; data: { provider: string; orderId: string | null; reason: string } }
  | { topic: 'levies'; type: 'levy.collector_day_opened' | 'levy.collector_day_closed'; entity: string; data: Record<string, unknown> }
  | {
      topic: 'levy_config'
      type:
        | 'levy_market.created'
        | 'levy_market.changed'
        | 'levy_stall.created'
        | 'levy_stall.changed'
        | 'levy_stall.range_created'
        | 'levy_vendor.created'
        | 'levy_vendor.changed'
        | 'levy_permit.created'
        | 'levy_permit.ended'
        | 'levy_tariff.created'
        | 'levy_target.set'
        | 'levy_settings.changed'
      entity: string
      data: Record<string, unknown>
    }
  // One event for a bulk load of stalls or vendors (which the items' own results detail).
  | { topic: 'levy_config'; type: 'levy_stall.bulk_saved' | 'levy_vendor.bulk_saved'; entity: null; data: { created: number; updated: number } }

export function recordLevyEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: LevyEvent) {
  return log.record(tx, tenant, actor, event)
}
