import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useLocation } from 'react-router-dom'
import type { Tenant } from './api.ts'
import { LanguageSwitch } from './LanguageSwitch.tsx'
import { useLiveState } from './liveEvents.tsx'
import { StaffNav } from './StaffNav.tsx'
import { UserMenu } from './UserMenu.tsx'

/**
 * The one header of every staff page: the city and the page, the module menu, the live connection, the language
 * and the person's menu (name, role, password, logout). On a phone the module menu folds behind a button.
 */
export function StaffHeader({ tenant, title }: { tenant: Tenant; title: string }) {
  const { t } = useTranslation()
  const live = useLiveState()
  const { pathname } = useLocation()
  const [menuFor, setMenuFor] = useState<string | null>(null)
  // The folded menu closes when the person goes to another page.
  const open = menuFor === pathname
  return (
    <header className={`console-top staff-header${open ? ' menu-open' : ''}`} data-testid="staff-header">
      <div className="title">
        <Link className="brand" to={`/t/${tenant.code}`}>
          {t('app.name')}
        </Link>
        <h1 title={`${title} · ${tenant.name}`}>
          {title} <span className="city">· {tenant.name}</span>
        </h1>
      </div>
      <button type="button" className="menu-toggle" aria-expanded={open} data-testid="menu-toggle" onClick={() => setMenuFor(open ? null : pathname)}>
        {t('nav.menu')}
      </button>
      <StaffNav tenant={tenant.code} parent={tenant.parent} />
      <div className="staff-tools">
        {live && (
          <span className={`live live-${live}`} data-testid="live-status" data-state={live} title={t(`live.${live}`)}>
            <span className="live-text">{t(`live.${live}`)}</span>
          </span>
        )}
        <LanguageSwitch compact />
        <UserMenu tenant={tenant.code} parent={tenant.parent} />
      </div>
    </header>
  )
}
