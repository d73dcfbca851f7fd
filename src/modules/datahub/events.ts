import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

export const DATAHUB_TOPICS = {
  /** Datasets, their versions, pushed batches, and connector runs (a failed run is an alarm). */
  datahub: ['admin', 'operator', 'agency_officer', 'executive'],
} as const

/** Events of datasets, their resources and pushed rows. */
export type DatasetEventBody =
  | { type: 'dataset.created' | 'dataset.updated'; data: { name: string; title: string; public: boolean } }
  | { type: 'dataset.deleted'; data: { name: string } }
  | { type: 'resource.added'; data: { dataset: string; kind: string } }
  | { type: 'resource.version_added'; data: { dataset: string; version: number; rows: number } }
  | { type: 'rows.pushed'; data: { dataset: string; batchId: string; stored: number; rejected: number } }

export type DatahubEvent = { topic: 'datahub'; entity: string } & (
  | DatasetEventBody
  | { type: 'connector.created' | 'connector.updated' | 'connector.alarm_acknowledged'; data: { name: string; dataset: string } }
  | { type: 'connector.run'; data: { runId: string; status: string; bytes: number; rows?: number } }
  | { type: 'connector.recovered'; data: { name: string; dataset: string; runId: string; alarm: unknown } }
  | {
      type: 'connector.failed'
      data: { name: string; dataset: string; runId: string; error: string; alarm: string; raised: boolean; severity: 'warning' }
    }
  | { type: 'app.created'; data: { name: string; url: string } }
  | { type: 'app.updated' | 'app.archived'; data: { name: string } }
  | { type: 'asset.created' | 'asset.updated' | 'asset.archived'; data: { kind: string; name: string } }
  | { type: 'asset.status_changed'; data: { kind: string; name: string; status: string; previous: string; severity?: 'warning' } }
)

export function recordDatahubEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: DatahubEvent) {
  return log.record(tx, tenant, actor, event)
}

/** An event only for the live channel, not kept in the log (a connector run's progress). */
export function announceDatahubEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: DatahubEvent) {
  return log.announce(tx, tenant, actor, event)
}
