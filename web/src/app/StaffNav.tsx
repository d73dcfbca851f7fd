import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { NavLink, useLocation } from 'react-router-dom'
import type { Me, Role } from './api.ts'
import { useAuth } from './auth.tsx'
import { rememberFirstPage } from './firstPage.ts'
import { type WebModule, webModules } from './modules.ts'

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

type NavLinkEntry = NonNullable<WebModule['nav']>[number]

/**
 * The staff menu: the console, then each module's pages the person may open in this tenant. A module with one
 * page is a link; a module with several is a menu under the module's name, so an admin's ~25 pages stay one row.
 */
export function StaffNav({ tenant, parent = null }: { tenant: string; parent?: string | null }) {
  const { t } = useTranslation()
  const { me } = useAuth()
  if (!me) return null
  const roles = rolesIn(me, tenant, parent)
  // The page a person picks from the menu is the one they start on next time.
  const remember = (path: string) => rememberFirstPage(me, `/t/${tenant}/${path}`)
  const groups = webModules
    .map((m) => ({ id: m.id, links: (m.nav ?? []).filter((link) => (link.roles ? link.roles.some((r) => roles.has(r)) : roles.size > 0)) }))
    .filter((g) => g.links.length > 0)
  return (
    <nav className="staff-nav" aria-label={t('nav.label')} data-testid="staff-nav">
      <NavLink to={`/t/${tenant}/console`} onClick={() => remember('console')}>
        {t('nav.console')}
      </NavLink>
      {groups.map((g) =>
        g.links.length === 1 ? (
          <NavLink key={g.id} to={`/t/${tenant}/${g.links[0].path}`} onClick={() => remember(g.links[0].path)}>
            {t(g.links[0].labelKey)}
          </NavLink>
        ) : (
          <NavGroup key={g.id} id={g.id} tenant={tenant} links={g.links} onPick={remember} />
        ),
      )}
    </nav>
  )
}

function NavGroup({ id, tenant, links, onPick }: { id: string; tenant: string; links: NavLinkEntry[]; onPick: (path: string) => void }) {
  const { t } = useTranslation()
  const { pathname } = useLocation()
  const details = useRef<HTMLDetailsElement>(null)
  const isCurrent = links.some((link) => pathname.startsWith(`/t/${tenant}/${link.path}`))
  // Close when the person picks a page or clicks elsewhere.
  const close = () => {
    if (details.current) details.current.open = false
  }
  useEffect(() => {
    const closeOutside = (e: MouseEvent) => {
      if (details.current?.open && !details.current.contains(e.target as Node)) details.current.open = false
    }
    document.addEventListener('click', closeOutside)
    return () => document.removeEventListener('click', closeOutside)
  }, [])
  return (
    <details ref={details} className={`nav-group${isCurrent ? ' current' : ''}`} data-testid={`nav-group-${id}`}>
      <summary>{t(`nav.modules.${id}`)}</summary>
      {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: the links inside are the controls; this only closes the menu after one is followed */}
      <div className="nav-menu" onClick={close}>
        {links.map((link) => (
          <NavLink key={link.path} to={`/t/${tenant}/${link.path}`} onClick={() => onPick(link.path)}>
            {t(link.labelKey)}
          </NavLink>
        ))}
      </div>
    </details>
  )
}
