import type { FastifyRequest } from 'fastify'
import { readableRoles, rolesIn } from '../../core/http/access.ts'
import { opdScope } from '../../core/http/permissions.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext } from '../../core/module.ts'
import type { PatrolsServices } from './index.ts'
import type { PatrolCaller } from './patrols.ts'
import { PATROL_ACTIONS } from './permissions.ts'

/** The caller as the patrol rules see it: admin, Rojak team, inspectorate, reader of the tenant, or officer of some OPDs. */
export async function callerOf(request: FastifyRequest, s: PatrolsServices, ctx: CoreContext): Promise<PatrolCaller> {
  const principal = principalOf(request)
  const tenant = tenantOf(request)
  // Admins are the inspectorate too; others when they work for the OPD named in the settings.
  const isInspectorate = await s.findings.isInspectorate(ctx.db, tenant.code, opdScope(principal, tenant, PATROL_ACTIONS['patrols.finding.close']))
  if (principal.isPlatformAdmin) return { actor: principal.actor, isAdmin: true, isPatrolOfficer: false, isInspectorate, seesAllFindings: true, officerOf: [] }
  const { direct } = rolesIn(principal, tenant)
  const readable = readableRoles(principal, tenant)
  const grant = principal.grants.find((g) => g.tenant === tenant.code)
  return {
    actor: principal.actor,
    isAdmin: direct.has('admin'),
    isPatrolOfficer: direct.has('patrol_officer'),
    isInspectorate,
    // The inspectorate reviews the findings of every OPD.
    seesAllFindings: isInspectorate || (['admin', 'operator', 'executive', 'patrol_officer'] as const).some((r) => readable.has(r)),
    officerOf: direct.has('agency_officer') ? (grant?.agencies ?? []) : [],
  }
}
