import { useTranslation } from 'react-i18next'
import { useAuth } from './auth.tsx'

/** Tells a person who just logged in that someone failed to log in to their account meanwhile; stays until read. */
export function FailedLoginsNotice() {
  const { t, i18n } = useTranslation()
  const { failedLogins, dismissFailedLogins } = useAuth()
  if (!failedLogins) return null
  const at = new Date(failedLogins.lastAt).toLocaleString(i18n.language)
  return (
    <div className="failed-logins" role="alert" data-testid="failed-logins">
      <p>{t('login.failedLogins', { count: failedLogins.count, at, from: failedLogins.lastFrom })}</p>
      <button className="button small" type="button" onClick={dismissFailedLogins}>
        {t('login.understood')}
      </button>
    </div>
  )
}
