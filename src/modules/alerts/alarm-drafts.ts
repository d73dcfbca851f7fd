import type { Database } from '../../core/db/database.ts'
import { Conflict } from '../../core/errors.ts'
import type { ConsumerSpec } from '../../core/events/consumer.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import type { AlertService } from './alerts.ts'

export const JOB_ALARM_DRAFT = 'alerts.draft_from_alarm'

/** The alarm a raised sensor alarm asks a warning draft for (its rule's action is `alert_draft`); null otherwise. */
export function alarmAskingForDraft(event: KendaliEvent): string | null {
  if (event.topic !== 'sensors' || event.type !== 'alarm.raised' || event.data.action !== 'alert_draft') return null
  return event.entity
}

/**
 * Reads the sensors module's alarms from the event log: an alarm whose rule asks for a warning becomes a durable
 * job (one per alarm while pending), also when it was raised while no instance listened; the operator still
 * writes and approves the warning.
 */
export function alarmDraftIntake(jobs: JobQueue): ConsumerSpec {
  return {
    name: 'alerts.alarm_drafts',
    topics: ['sensors'],
    types: ['alarm.raised'],
    handle: async (db, event) => {
      const alarmId = alarmAskingForDraft(event)
      if (alarmId) await jobs.enqueue(db, event.tenant, JOB_ALARM_DRAFT, { alarmId }, { dedupeKey: alarmId })
    },
  }
}

/** Drafts the warning of one alarm, once: a second job for the same alarm finds the draft there already. */
export async function draftForAlarm(db: Database, alerts: AlertService, job: Job): Promise<void> {
  const alarmId = String(job.payload.alarmId)
  try {
    await alerts.draftFromAlarm(db, job.tenant, 'system:sensors', alarmId, { source: 'alarm', sourceKey: `alarm:${alarmId}` })
  } catch (err) {
    if (!(err instanceof Conflict)) throw err
  }
}
