import type { FastifyRequest } from 'fastify'
import { readableRoles, rolesIn } from '../../core/http/access.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext } from '../../core/module.ts'
import type { PatrolsServices } from './index.ts'
import type { PatrolCaller } from './patrols.ts'

/** The caller as the patrol rules see it: admin, Rojak team, reader of the tenant, or head of some OPDs. */
export async function callerOf(request: FastifyRequest, s: PatrolsServices, ctx: CoreContext): Promise<PatrolCaller> {
  const principal = principalOf(request)
  const tenant = tenantOf(request)
  if (principal.isPlatformAdmin) return { actor: principal.actor, isAdmin: true, isPatrolOfficer: false, seesAllFindings: true, agencyIds: [] }
  const { direct } = rolesIn(principal, tenant)
  const readable = readableRoles(principal, tenant)
  return {
    actor: principal.actor,
    isAdmin: direct.has('admin'),
    isPatrolOfficer: direct.has('patrol_officer'),
    seesAllFindings: (['admin', 'operator', 'executive', 'patrol_officer'] as const).some((r) => readable.has(r)),
    agencyIds: direct.has('agency_officer') ? await s.ports.officerAgencies(ctx.db, tenant.code, principal.actor) : [],
  }
}
