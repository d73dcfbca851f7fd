import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

/** Topics of this module and who may read them (checked on the event log and the live channel). */
export const ALERT_TOPICS = {
  /** Public warnings, every step of them, and their deliveries. Subscribers' addresses never travel in events. */
  alerts: ['admin', 'operator', 'dispatcher', 'agency_officer', 'executive'],
} as const

/** What an alert event carries: enough for the console and the alert list to update without asking again. */
export type AlertSummary = {
  identifier: string
  thread: string
  msgType: string
  status: string
  event: string
  severity: string
  urgency: string
  headline: string | null
  expires: string
  regions: string[]
}

export type AlertEvent =
  | {
      topic: 'alerts'
      type: 'alert.drafted' | 'alert.changed' | 'alert.published' | 'alert.superseded' | 'alert.cancelled' | 'alert.expired' | 'alert.discarded'
      entity: string
      data: AlertSummary & { by?: string }
    }
  | {
      topic: 'alerts'
      type: 'alert.delivered' | 'alert.delivery_failed'
      entity: string
      data: { identifier: string; channel: string; deliveryId: string; error: string | null }
    }
  | { topic: 'alerts'; type: 'alert.bmkg_received'; entity: string; data: { key: string; kind: string; incidentId: string; distanceKm: number | null } }
  | { topic: 'alerts'; type: 'alert.template_saved' | 'alert.template_removed'; entity: string; data: { name: string } }

export function recordAlertEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: AlertEvent) {
  return log.record(tx, tenant, actor, event)
}
