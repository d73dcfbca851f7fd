import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

export const CCTV_TOPICS = {
  /** Cameras, their online state and their alarms: the console and the camera wall show them live. */
  cctv: 'any',
} as const

/** What an alarm event carries: the camera, the alarm's kind and state, where it is. */
export type CameraAlarmData = {
  name: string
  cameraId: string
  kind: string
  severity: string
  status: string
  location: unknown
}

export type CctvEvent =
  | {
      topic: 'cctv'
      type: 'camera.created' | 'camera.updated' | 'camera.archived' | 'camera.online' | 'camera.offline'
      entity: string
      data: { name: string }
    }
  | { topic: 'cctv'; type: 'alarm.raised' | 'alarm.acknowledged' | 'alarm.cleared'; entity: string; data: CameraAlarmData }

export function recordCctvEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: CctvEvent) {
  return log.record(tx, tenant, actor, event)
}
