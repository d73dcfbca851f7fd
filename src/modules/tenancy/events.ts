import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'

/** Topics of this module and who may read them (checked on the event log and the live channel). */
export const TENANCY_TOPICS = {
  /** Agencies (OPD) added, changed, archived: every role of the tenant sees them. */
  agencies: 'any',
  /** Region boundaries imported. */
  regions: 'any',
  /** People, roles and API tokens: the tenant's administrators only. */
  access: ['admin'],
} as const

export type TenancyEvent =
  | { topic: 'agencies'; type: 'agency.created' | 'agency.updated' | 'agency.archived'; entity: string; data: { code: string; name: string } }
  | { topic: 'regions'; type: 'regions.imported'; entity: null; data: { accepted: number; rejected: number } }
  | { topic: 'access'; type: 'tenant.created'; entity: string; data: { name: string; kind: string } }
  | {
      topic: 'access'
      type: 'user.created' | 'user.updated'
      entity: string
      data: { username: string; roles?: string[]; agencies?: string[]; disabled?: boolean }
    }
  | { topic: 'access'; type: 'token.created' | 'token.revoked'; entity: string; data: { name: string; roles: string[]; agencies?: string[] } }
  /** A person changed their own password; their other sessions ended. */
  | { topic: 'access'; type: 'user.password_changed'; entity: string; data: { username: string } }
  /** Failed logins began to slow an account down: someone may be guessing its password. */
  | { topic: 'access'; type: 'user.login_throttled'; entity: string; data: { username: string; failures: number; lastAddress: string } }

export function recordTenancyEvent(log: EventLog, tx: Tx, tenant: string, actor: string | null, event: TenancyEvent) {
  return log.record(tx, tenant, actor, event)
}
