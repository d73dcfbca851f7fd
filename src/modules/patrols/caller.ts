import type { FastifyRequest } from 'fastify'
import { agenciesIn, readableRoles, rolesIn } from '../../core/http/access.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext } from '../../core/module.ts'
import type { PatrolsServices } from './index.ts'
import type { PatrolCaller } from './patrols.ts'

/** The caller as the patrol rules see it: admin, Rojak team, inspectorate, reader of the tenant, or officer of some OPDs. */
export async function callerOf(request: FastifyRequest, s: PatrolsServices, ctx: CoreContext): Promise<PatrolCaller> {
  const principal = principalOf(request)
  const tenant = tenantOf(request)
  // Admins and operators act for every OPD, the inspectorate too; others for the OPDs they work for.
  const isInspectorate = await s.findings.isInspectorate(ctx.db, tenant.code, agenciesIn(principal, tenant))
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
