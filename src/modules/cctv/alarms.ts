import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { type CameraAlarmData, recordCctvEvent } from './events.ts'
import type { CameraAlarm } from './schema.ts'
import * as store from './store.ts'

// A camera that stops answering is an alarm as a silent sensor is one: the same lifecycle (raised, acknowledged,
// cleared) and the same event types (`alarm.raised`, `alarm.acknowledged`, `alarm.cleared`, on the cctv topic),
// so the console, the wall and whatever follows alarms treat both alike.

const OPEN = ['active', 'acknowledged']
const ALL = ['active', 'acknowledged', 'cleared']
export type AlarmStatusFilter = 'open' | 'all' | CameraAlarm['status']

function eventData(alarm: CameraAlarm): CameraAlarmData {
  return {
    name: alarm.cameraName,
    cameraId: alarm.cameraId,
    kind: alarm.kind,
    severity: alarm.severity,
    status: alarm.status,
    location: alarm.location,
  }
}

export class CameraAlarms {
  constructor(private readonly events: EventLog) {}

  private record(tx: Tx, tenant: string, actor: string | null, type: 'alarm.raised' | 'alarm.acknowledged' | 'alarm.cleared', alarm: CameraAlarm) {
    return recordCctvEvent(this.events, tx, tenant, actor, { topic: 'cctv', type, entity: alarm.id, data: eventData(alarm) })
  }

  /** After a health check: a camera that does not answer has its offline alarm open, one that answers has it cleared. */
  async checked(tx: Tx, tenant: string, cameraId: string, online: boolean, at: Date): Promise<void> {
    if (online) {
      const cleared = await store.clearOfflineAlarm(tx, tenant, cameraId, at)
      if (cleared) await this.record(tx, tenant, null, 'alarm.cleared', cleared)
    } else {
      const raised = await store.raiseOfflineAlarm(tx, tenant, cameraId, at)
      if (raised) await this.record(tx, tenant, null, 'alarm.raised', raised)
    }
  }

  /** An archived camera's alarms end with it. */
  async clearAll(tx: Tx, tenant: string, actor: string, cameraId: string): Promise<void> {
    for (const alarm of await store.clearCameraAlarms(tx, tenant, cameraId)) await this.record(tx, tenant, actor, 'alarm.cleared', alarm)
  }

  /** Alarms newest first, of the tenant or of one camera (its outage history). */
  async list(db: Queryable, tenant: string, opts: { status: AlarmStatusFilter; cameraId?: string; limit: number; cursor?: string }) {
    const statuses = opts.status === 'open' ? OPEN : opts.status === 'all' ? ALL : [opts.status]
    const cameraId = opts.cameraId ?? null
    const rows = await store.listAlarms(db, tenant, { statuses, cameraId, limit: opts.limit, after: cursorKey(opts.cursor) })
    const page = keysetPage(rows, await store.countAlarms(db, tenant, statuses, cameraId), opts.limit, (row) => row.key)
    return { ...page, items: rows.map(({ key, ...alarm }) => alarm) }
  }

  async acknowledge(db: Database, tenant: string, actor: string, id: string): Promise<CameraAlarm> {
    return db.transaction(async (tx) => {
      const outcome = await store.acknowledgeAlarm(tx, tenant, id, actor)
      if (outcome === 'missing') throw new NotFound(`There is no camera alarm ${id} in ${tenant}`)
      if (outcome === 'not_active') throw new Conflict('Only an active alarm can be acknowledged')
      const alarm = await store.findAlarm(tx, tenant, id)
      if (!alarm) throw new NotFound(`There is no camera alarm ${id} in ${tenant}`)
      await this.record(tx, tenant, actor, 'alarm.acknowledged', alarm)
      return alarm
    })
  }
}
