import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

export const SENSOR_TOPICS = {
  /** Devices, their online state and alarms: the console shows them live. */
  sensors: 'any',
} as const

export type SensorEvent =
  | { topic: 'sensors'; type: 'device.created' | 'device.token_rotated' | 'device.updated'; entity: string; data: { name: string; kind: string } }
  // One event for a bulk load (the items' own results detail it).
  | { topic: 'sensors'; type: 'device.bulk_saved'; entity: null; data: { created: number; updated: number } }
  | { topic: 'sensors'; type: 'device.offline' | 'device.online' | 'device.archived'; entity: string; data: { name: string } }
  | { topic: 'sensors'; type: 'device_kind.changed'; entity: string; data: { code: string; name: string } }
  | {
      topic: 'sensors'
      type: 'alarm.raised' | 'alarm.acknowledged' | 'alarm.cleared'
      entity: string
      data: {
        name: string
        deviceId: string
        ruleId: string | null
        kind: string
        severity: string
        status: string
        metric: string | null
        value: number | null
        threshold: number | null
        action?: string
        location: unknown
      }
    }

export function recordSensorEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: SensorEvent) {
  return log.record(tx, tenant, actor, event)
}
