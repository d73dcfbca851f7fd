import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

/** Topics of this module and who may read them: a city's choices about what its province sees. */
export const PROVINCE_TOPICS = { province: ['admin', 'executive', 'operator'] } as const

export type ProvinceEvent = { topic: 'province'; type: 'sharing.changed'; entity: null; data: { shared: Record<string, boolean> } }

export function recordProvinceEvent(log: EventLog, tx: Tx, tenant: string, actor: string, event: ProvinceEvent) {
  return log.record(tx, tenant, actor, event)
}
