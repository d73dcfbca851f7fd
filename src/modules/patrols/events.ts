import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'

/** Topics of this module and who may read them. NIPs and names of ASN never travel in events. */
export const PATROL_TOPICS = {
  /** Plans, start and finish, and every check-in (the live patrol layer of the console). */
  patrols: ['admin', 'operator', 'patrol_officer', 'executive'],
  /** Findings and every step of their follow-up. */
  patrol_findings: ['admin', 'operator', 'patrol_officer', 'agency_officer', 'executive'],
  /** Progress of large ASN imports (counts only), for the admins who import. */
  asn: ['admin'],
} as const

export type PatrolSummary = { name: string; status: string; team: string[] }

export type CheckinData = {
  patrolId: string
  name: string
  actor: string
  location: GeoPoint
  at: string
  isWithin: boolean
  checkpoint: string | null
  kelurahan: string | null
}

/** Enough for an inbox and a map to update without asking again. */
export type FindingSummary = {
  number: string
  patrolId: string
  type: string
  kind: string
  status: string
  location: GeoPoint
  agencyId: string | null
  dueAt: string | null
  escalationLevel: number
}

export type PatrolEvent =
  | { topic: 'patrols'; type: 'patrol.planned' | 'patrol.started' | 'patrol.finished'; entity: string; data: PatrolSummary }
  | { topic: 'patrols'; type: 'patrol.checked_in'; entity: string; data: CheckinData }
  | {
      topic: 'patrol_findings'
      type: 'finding.recorded' | 'finding.photo_added' | 'finding.closed' | 'finding.reopened'
      entity: string
      data: FindingSummary
    }
  | { topic: 'patrol_findings'; type: 'finding.responded'; entity: string; data: FindingSummary & { action: string } }
  | {
      topic: 'patrol_findings'
      type: 'finding.handed_off'
      entity: string
      data: FindingSummary & { reportId: string | null; reportNumber: string | null; incidentId: string | null; incidentNumber: string | null }
    }
  | { topic: 'patrol_findings'; type: 'finding.handoff_failed'; entity: string; data: FindingSummary & { error: string } }
  | { topic: 'patrol_findings'; type: 'finding.escalated'; entity: string; data: FindingSummary & { level: number; to: 'inspectorate' | 'command_center' } }

export function recordPatrolEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: PatrolEvent) {
  return log.record(tx, tenant, actor, event)
}
