import { useTranslation } from 'react-i18next'
import { NavLink } from 'react-router-dom'
import type { Me, Role } from './api.ts'
import { useAuth } from './auth.tsx'
import { webModules } from './modules.ts'

/** The roles a person holds in a tenant, directly or through the province that hosts it (read-only there). */
export function rolesIn(me: Me, tenant: string, parent: string | null): Set<Role> {
  if (me.isPlatformAdmin) return new Set(['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'patrol_officer', 'collector', 'executive'])
  const roles = new Set<Role>()
  for (const grant of me.grants) {
    if (grant.tenant === tenant) for (const role of grant.roles) roles.add(role)
    // A province's people read their cities: they see what an executive sees.
    if (parent !== null && grant.tenant === parent && grant.roles.length > 0) roles.add('executive')
  }
  return roles
}

/** The staff menu: the console and every module page the person may open in this tenant. */
export function StaffNav({ tenant, parent = null }: { tenant: string; parent?: string | null }) {
  const { t } = useTranslation()
  const { me } = useAuth()
  if (!me) return null
  const roles = rolesIn(me, tenant, parent)
  const links = webModules.flatMap((m) => m.nav ?? []).filter((link) => (link.roles ? link.roles.some((r) => roles.has(r)) : roles.size > 0))
  return (
    <nav className="staff-nav" aria-label={t('nav.label')} data-testid="staff-nav">
      <NavLink to={`/t/${tenant}/console`}>{t('nav.console')}</NavLink>
      {links.map((link) => (
        <NavLink key={link.path} to={`/t/${tenant}/${link.path}`}>
          {t(link.labelKey)}
        </NavLink>
      ))}
    </nav>
  )
}
