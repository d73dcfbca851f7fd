import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { ROLE_ORDER } from './api.ts'
import { useAuth } from './auth.tsx'
import { rolesIn } from './StaffNav.tsx'

/** The logged-in person's menu in every staff header: their name and role, their account (password) and logging out. */
export function UserMenu({ tenant, parent = null }: { tenant: string; parent?: string | null }) {
  const { t } = useTranslation()
  const { me, logout } = useAuth()
  const navigate = useNavigate()
  const details = useRef<HTMLDetailsElement>(null)
  useEffect(() => {
    const closeOutside = (e: MouseEvent) => {
      if (details.current?.open && !details.current.contains(e.target as Node)) details.current.open = false
    }
    document.addEventListener('click', closeOutside)
    return () => document.removeEventListener('click', closeOutside)
  }, [])
  if (!me) return null
  const held = rolesIn(me, tenant, parent)
  const roles = me.isPlatformAdmin ? [t('roles.platformAdmin')] : ROLE_ORDER.filter((r) => held.has(r)).map((r) => t(`roles.${r}`))
  return (
    <details ref={details} className="user-menu" data-testid="user-menu">
      <summary aria-label={t('account.menu')}>
        <span className="user-name">{me.name}</span>
        {roles.length > 0 && <span className="user-role">{roles.join(', ')}</span>}
      </summary>
      <div className="user-menu-items">
        <Link to={`/t/${tenant}/account`}>{t('account.changePassword')}</Link>
        <button type="button" onClick={() => logout().then(() => navigate('/login'))}>
          {t('console.logout')}
        </button>
      </div>
    </details>
  )
}
