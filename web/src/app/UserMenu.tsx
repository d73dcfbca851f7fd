import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { useAuth } from './auth.tsx'

/** The logged-in person's menu in every staff header: their account (password) and logging out. */
export function UserMenu({ tenant }: { tenant: string }) {
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
  return (
    <details ref={details} className="user-menu" data-testid="user-menu">
      <summary aria-label={t('account.menu')}>{me.name}</summary>
      <div className="user-menu-items">
        <Link to={`/t/${tenant}/account`}>{t('account.changePassword')}</Link>
        <button type="button" onClick={() => logout().then(() => navigate('/login'))}>
          {t('console.logout')}
        </button>
      </div>
    </details>
  )
}
