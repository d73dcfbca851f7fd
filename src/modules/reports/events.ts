import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'

/** Topics of this module and who may read them (checked on the event log and the live channel). */
export const REPORT_TOPICS = {
  /** Reports and every step of them. Reporters' names, phones and e-mails never travel in events. */
  reports: ['admin', 'operator', 'agency_officer', 'executive'],
  /** The catalogue, SLAs, settings and officer assignments. */
  report_config: ['admin', 'operator'],
} as const

/** What a report event carries: enough for a map, a queue and an inbox to update without asking again. */
export type ReportSummary = {
  number: string
  category: string
  status: string
  location: GeoPoint
  kelurahan: string | null
  agencyId: string | null
  escalationLevel: number
}

export type ReportEvent =
  | { topic: 'reports'; type: 'report.submitted' | 'report.photo_added' | 'report.noted'; entity: string; data: ReportSummary }
  | {
      topic: 'reports'
      type: 'report.status_changed' | 'report.reopened'
      entity: string
      data: ReportSummary & { from: string; note: string | null }
    }
  | {
      topic: 'reports'
      type: 'report.routed' | 'report.handed_back'
      entity: string
      data: ReportSummary & { fromAgencyId: string | null; note: string | null }
    }
  | {
      topic: 'reports'
      type: 'report.escalated'
      entity: string
      data: ReportSummary & { level: number; to: 'agency_head' | 'command_center'; clock: string; dueAt: string }
    }
  | { topic: 'reports'; type: 'report.supported'; entity: string; data: ReportSummary & { supporters: number } }
  | { topic: 'reports'; type: 'report.merged'; entity: string; data: ReportSummary & { into: string; intoNumber: string } }
  | { topic: 'reports'; type: 'report.incident_raised'; entity: string; data: ReportSummary & { incidentId: string; incidentNumber: string } }
  | { topic: 'reports'; type: 'report.notification_failed'; entity: string; data: { number: string; channel: string; error: string } }
  | { topic: 'report_config'; type: 'report_contacts.erased'; entity: null; data: { reports: number; supporters: number; closedBefore: string } }
  | {
      topic: 'report_config'
      type: 'report_category.changed' | 'report_settings.changed' | 'report_officer.changed'
      entity: string
      data: Record<string, unknown>
    }

export function recordReportEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: ReportEvent) {
  return log.record(tx, tenant, actor, event)
}
