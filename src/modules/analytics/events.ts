import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

export const ANALYTICS_TOPICS = {
  /** Detections are alarms: the console's feed and map show them live, as sensor and camera alarms. */
  analytics: 'any',
  /** Sources and rules are configuration (a source's name and kind, never its URLs). */
  analytics_config: ['admin'],
} as const

/** What a detection alarm event carries: words for the feed (in both languages), where, and what it became. */
export type DetectionAlarmData = {
  name: { id: string; en: string }
  detectionId: string
  cameraId: string
  cameraName: string
  label: string
  zones: string[]
  severity: string
  status: string
  action: string
  score: number
  location: unknown
  incidentNumber: string | null
}

export type AnalyticsEvent =
  | { topic: 'analytics'; type: 'alarm.raised' | 'alarm.acknowledged' | 'alarm.cleared'; entity: string; data: DetectionAlarmData }
  | {
      topic: 'analytics_config'
      type: 'analytics_source.changed' | 'analytics_rules.changed'
      entity: string
      data: { name: string }
    }

export function recordAnalyticsEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: AnalyticsEvent) {
  return log.record(tx, tenant, actor, event)
}
