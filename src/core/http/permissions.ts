import { Forbidden } from '../errors.ts'
import { type Access, authorize, type Principal, ROLES, type Role, rolesIn, type TenantRef } from './access.ts'

/**
 * One thing a person may do, with the roles that may do it in the route's tenant. Where the action belongs to
 * an OPD ("manages this market", "owns this dataset"), `opd` says which one: the roles in `everyOpd` (by default
 * every role the action names but agency officer) do it for any OPD, the others only for the OPDs they work
 * for, which the module resolves and checks with `assertActsFor` or `opdScope`.
 */
export interface ActionRule {
  roles: readonly Role[] | 'any'
  /**
   * `false`: a read through a POST (a check, a preview) that inherited grants (the province) and read-only
   * tokens may use; `true`: even reading needs a direct grant (secrets of the tenant's own systems).
   */
  write?: boolean
  opd?: string
  everyOpd?: readonly Role[]
  /** A situation-room screen reads it on one of its panels; every other action is refused to a wall. */
  wall?: true
}

export type ActionRules = Readonly<Record<string, ActionRule>>

/** A module's actions, named `<module>.<thing>.<verb>`; the module lists them as `KendaliModule.actions`. */
export const defineActions = <const T extends ActionRules>(rules: T): T => rules

const OPD_ROLE: Role = 'agency_officer'

/**
 * The permission matrix of the install: every module's actions. Routes name their action in `config.action`
 * and the server checks it before the handler; `/api/auth/me` serves what a person may do per tenant.
 */
export class PermissionMatrix {
  readonly #rules = new Map<string, ActionRule & { module: string }>()
  /** Actions some route performs with a writing method (and so needs a direct grant). */
  readonly #writes = new Set<string>()

  constructor(modules: readonly { name: string; actions?: ActionRules }[]) {
    for (const module of modules) {
      for (const [action, rule] of Object.entries(module.actions ?? {})) {
        if (this.#rules.has(action)) throw new Error(`Action ${action} is declared twice (by ${this.#rules.get(action)?.module} and ${module.name})`)
        this.#rules.set(action, { ...rule, module: module.name })
      }
    }
  }

  rule(action: string): ActionRule {
    const rule = this.#rules.get(action)
    if (!rule) throw new Error(`No module declares the action ${action}`)
    return rule
  }

  /** What a route naming the action requires; `isWrite` is whether the route's method writes. */
  access(action: string, isWrite = false): Access {
    const { roles, write, wall } = this.rule(action)
    if (isWrite && write !== false) this.#writes.add(action)
    return { roles, ...(write === undefined ? {} : { write }), ...(wall ? { wall } : {}) }
  }

  entries(): [string, ActionRule & { module: string }][] {
    return [...this.#rules.entries()].sort(([a], [b]) => a.localeCompare(b))
  }

  /** The matrix as the README's Markdown table: one row per action, a column per role, then the OPD scope. */
  table(): string {
    const head = `| Action | ${ROLES.map((r) => `\`${r}\``).join(' | ')} | OPD scope |`
    const rule = `|${' --- |'.repeat(ROLES.length + 2)}`
    const rows = this.entries().map(([action, r]) => {
      const cells = ROLES.map((role) => (r.roles === 'any' || r.roles.includes(role) ? '✓' : ''))
      const only = `only for the OPD that ${r.opd}`
      const opd = r.opd ? (r.everyOpd ? `${r.everyOpd.join(', ')}: every OPD; the others ${only}` : `agency officers ${only}`) : ''
      const scope = [opd, r.write ? 'direct grant only, even to read' : '', r.wall ? 'a wall screen reads it' : '']
      return `| \`${action}\` | ${cells.join(' | ')} | ${scope.filter(Boolean).join('; ')} |`
    })
    return [head, rule, ...rows].join('\n')
  }

  /**
   * The actions a caller may start in a tenant (a write needs a direct grant there, a read may come from the
   * province); an OPD-scoped action may still be refused for an OPD the caller does not act for.
   */
  permitted(principal: Principal, tenant: TenantRef): string[] {
    return this.entries()
      .filter(([action]) => passes(principal, this.access(action), tenant, this.#writes.has(action)))
      .map(([action]) => action)
  }
}

function passes(principal: Principal, access: Access, tenant: TenantRef, isWrite: boolean): boolean {
  try {
    authorize(principal, access, tenant, isWrite)
    return true
  } catch {
    return false
  }
}

/** The OPDs the caller may do an OPD-scoped action for (see `ActionRule`); every one for platform admins. */
export function opdScope(principal: Principal, tenant: TenantRef, rule: ActionRule): 'all' | string[] {
  if (principal.isPlatformAdmin) return 'all'
  const direct = [...rolesIn(principal, tenant).direct]
  const named = rule.roles === 'any' ? ROLES : rule.roles
  const everyOpd = rule.everyOpd ?? named.filter((role) => role !== OPD_ROLE)
  if (direct.some((role) => everyOpd.includes(role))) return 'all'
  if (!direct.some((role) => named.includes(role))) return []
  // An API token acts for the OPDs it was issued for, or for every one its issuer (an administrator) acts for.
  if (principal.everyOpd) return 'all'
  return principal.grants.find((g) => g.tenant === tenant.code)?.agencies ?? []
}

/** Throws Forbidden unless the caller may do the action for this OPD (`null`: a thing no OPD owns, admins' only). */
export function assertActsFor(principal: Principal, tenant: TenantRef, action: string, rule: ActionRule, agencyId: string | null): void {
  const scope = opdScope(principal, tenant, rule)
  if (scope === 'all' || (agencyId !== null && scope.includes(agencyId))) return
  throw new Forbidden(`Only the OPD that ${rule.opd ?? 'owns this'} may do this`, { action })
}
