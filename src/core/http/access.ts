import { Forbidden, Unauthorized } from '../errors.ts'

export const ROLES = ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'patrol_officer', 'collector', 'executive'] as const
export type Role = (typeof ROLES)[number]

export interface Grant {
  tenant: string
  roles: Role[]
  /** Ids of the OPDs (agencies) the person works for in this tenant. */
  agencies: string[]
}

/** Who is calling: a person with a session, or a system with an API token. */
export interface Principal {
  kind: 'user' | 'token'
  id: string
  /** Written as the actor of events: the username, or `token:<name>`. */
  actor: string
  isPlatformAdmin: boolean
  grants: Grant[]
  /** Reads what its grants read and never writes (a situation-room screen's wall token). */
  readOnly?: boolean
  /**
   * A situation-room screen: it passes only routes marked for the wall (`wall` in their access or action) and
   * reads only these live topics, whatever its grants would otherwise read.
   */
  wall?: { topics: readonly string[] }
  /** An API token issued by someone who acts for every OPD of its tenant, and not narrowed to some of them. */
  everyOpd?: boolean
}

/**
 * What a route requires, declared on every route:
 * - `public`: anyone, including anonymous callers
 * - `authenticated`: any person or token
 * - `platform_admin`: operators of the whole install
 * - `{ roles }`: one of these roles in the route's tenant (`'any'` = any role there). A grant on an
 *   ancestor tenant (the province `33` for the city `33.71`) counts for reading only. `wall`: a situation-room
 *   screen may call it too (it shows this on one of its panels).
 */
export type Access = 'public' | 'authenticated' | 'platform_admin' | { roles: readonly Role[] | 'any'; write?: boolean; wall?: boolean }

export interface TenantRef {
  code: string
  /** From the tenant itself up to the root: `['33.71', '33']`. */
  lineage: string[]
}

/** The caller's roles in a tenant; `direct` grants allow writes, inherited ones only reads. */
export function rolesIn(principal: Principal, tenant: TenantRef): { direct: Set<Role>; inherited: Set<Role> } {
  const direct = new Set<Role>()
  const inherited = new Set<Role>()
  for (const grant of principal.grants) {
    if (grant.tenant === tenant.code) for (const r of grant.roles) direct.add(r)
    else if (tenant.lineage.includes(grant.tenant)) for (const r of grant.roles) inherited.add(r)
  }
  return { direct, inherited }
}

/** Throws Unauthorized or Forbidden unless the principal may pass `access` in `tenant`. */
export function authorize(principal: Principal | null, access: Access, tenant: TenantRef | null, isWrite: boolean): void {
  if (access === 'public') return
  if (!principal) throw new Unauthorized()
  const write = typeof access === 'object' ? (access.write ?? isWrite) : isWrite
  if (principal.readOnly && write) throw new Forbidden('This token only reads')
  if (principal.wall && !(typeof access === 'object' && access.wall)) throw new Forbidden('A wall screen reads only what the wall shows')
  if (principal.isPlatformAdmin || access === 'authenticated') return
  if (access === 'platform_admin') throw new Forbidden('Only platform administrators may do this')
  if (!tenant) throw new Forbidden()
  const { direct, inherited } = rolesIn(principal, tenant)
  const usable = write ? direct : new Set([...direct, ...inherited])
  const allowed = access.roles === 'any' ? usable.size > 0 : access.roles.some((r) => usable.has(r))
  if (!allowed) {
    const hint = write && access.roles !== 'any' && access.roles.some((r) => inherited.has(r)) ? ' (a grant on a parent region is read-only here)' : ''
    throw new Forbidden(`This needs one of the roles ${access.roles === 'any' ? 'of this tenant' : access.roles.join(', ')} in ${tenant.code}${hint}`)
  }
}

/** The roles usable for reading in a tenant (direct and inherited); platform admins hold all. */
export function readableRoles(principal: Principal, tenant: TenantRef): Set<Role> {
  if (principal.isPlatformAdmin) return new Set(ROLES)
  const { direct, inherited } = rolesIn(principal, tenant)
  return new Set([...direct, ...inherited])
}

/**
 * The OPDs the caller may act for in a tenant: every one for platform admins and the tenant's own admins and
 * operators; otherwise the agencies their direct grant links them to (none for an officer linked to none).
 */
export function agenciesIn(principal: Principal, tenant: TenantRef): 'all' | string[] {
  if (principal.isPlatformAdmin) return 'all'
  const grant = principal.grants.find((g) => g.tenant === tenant.code)
  if (!grant) return []
  if (grant.roles.includes('admin') || grant.roles.includes('operator') || principal.everyOpd) return 'all'
  return grant.agencies
}

export function mayActForAgency(principal: Principal, tenant: TenantRef, agencyId: string): boolean {
  const agencies = agenciesIn(principal, tenant)
  return agencies === 'all' || agencies.includes(agencyId)
}
