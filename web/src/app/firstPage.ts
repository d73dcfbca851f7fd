import { api, type Me, type Role } from './api.ts'

/** A phone: the field roles' pages come first there, the desk roles' pages on a desk. */
export const PHONE_QUERY = '(max-width: 640px)'

const STORAGE_KEY = 'kendali.firstPage'

/** The pages people of a role start on, for a desk and for a phone; the first role of this list that a person holds wins. */
const DESK: [Role, string][] = [
  ['admin', 'console'],
  ['operator', 'console'],
  ['dispatcher', 'dispatch'],
  ['executive', 'kpi'],
  ['agency_officer', 'reports/inbox'],
  ['field_crew', 'field'],
  ['patrol_officer', 'patrols/field'],
  ['collector', 'levies/collect'],
]
const FIELD: Role[] = ['field_crew', 'patrol_officer', 'collector']

/** A province (two-digit BPS code) has no console of its own: its people start on the picture of its cities. */
const isProvince = (tenant: string) => /^\d{2}$/.test(tenant)

/** The page a person picked last from the staff menu, if they picked one (per person, on this browser). */
function remembered(me: Me): string | null {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, unknown>
    const path = stored[me.username]
    if (typeof path !== 'string') return null
    const tenant = /^\/t\/([^/]+)\//.exec(path)?.[1]
    // Only a tenant the person still holds a role in (a platform administrator holds every one).
    return tenant && (me.isPlatformAdmin || me.grants.some((g) => g.tenant === tenant && g.roles.length > 0)) ? path : null
  } catch {
    return null
  }
}

/** Keeps the page a person picked from the staff menu as the one they start on next time. */
export function rememberFirstPage(me: Me, path: string): void {
  try {
    const stored = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '{}') as Record<string, string>
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...stored, [me.username]: path }))
  } catch {
    // A browser without storage simply starts on the role's page.
  }
}

/**
 * The page a person's roles start on in a tenant: the console for operators, dispatch for dispatchers, the
 * dashboard for executives, the OPD inbox (the market office for an OPD that keeps markets), the phone pages of
 * the field roles. On a phone a field role comes before a desk role (but for an administrator).
 */
export async function rolePage(tenant: string, roles: ReadonlySet<Role>, phone: boolean): Promise<string> {
  if (isProvince(tenant)) return `/t/${tenant}/province`
  // An administrator (who holds every role's rights) keeps the console on any screen.
  const phoneFirst = phone && !roles.has('admin')
  const order = phoneFirst ? [...DESK.filter(([r]) => FIELD.includes(r)), ...DESK.filter(([r]) => !FIELD.includes(r))] : DESK
  const page = order.find(([role]) => roles.has(role))?.[1] ?? 'console'
  if (page === 'reports/inbox' && (await keepsMarkets(tenant))) return `/t/${tenant}/levies`
  return `/t/${tenant}/${page}`
}

/** Whether the person works for an OPD that keeps one of the tenant's markets (a market officer). */
async function keepsMarkets(tenant: string): Promise<boolean> {
  try {
    const markets = await api<{ items: { mayManage?: boolean }[] }>(`/api/t/${tenant}/levies/markets`)
    return markets.items.some((m) => m.mayManage)
  } catch {
    return false
  }
}

/** Where a person goes after logging in: the page they picked last, else their role's first page in their home tenant. */
export function firstPage(me: Me, tenant: string, roles: ReadonlySet<Role>): Promise<string> {
  return Promise.resolve(remembered(me) ?? rolePage(tenant, roles, window.matchMedia(PHONE_QUERY).matches))
}
