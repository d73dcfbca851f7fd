import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { ApiError } from './api.ts'
import { homeTenant, useAuth } from './auth.tsx'
import { firstPage } from './firstPage.ts'
import { LanguageSwitch } from './LanguageSwitch.tsx'
import { problemText } from './problem.ts'
import { rolesIn } from './StaffNav.tsx'
import { usePublicInfo } from './usePublic.ts'

export function Login() {
  const { t } = useTranslation()
  const { login } = useAuth()
  const { config } = usePublicInfo()
  const navigate = useNavigate()
  const [username, setUsername] = useState('')
  const [password, setPassword] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  function retryMessage(retryAfter: unknown): string {
    const seconds = typeof retryAfter === 'number' && retryAfter > 0 ? Math.ceil(retryAfter) : 60
    return seconds < 60 ? t('login.limitedSeconds', { count: seconds }) : t('login.limitedMinutes', { count: Math.ceil(seconds / 60) })
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    setBusy(true)
    setError(null)
    try {
      const me = await login(username, password)
      // A platform administrator starts in the install's city, everyone else in their first grant's tenant.
      const fallback = config?.defaultTenant ?? '33.71'
      const tenant = me.isPlatformAdmin ? fallback : homeTenant(me, fallback)
      navigate(await firstPage(me, tenant, rolesIn(me, tenant, null)))
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_credentials') setError(t('login.invalid'))
      else if (err instanceof ApiError && err.code === 'rate_limited') setError(retryMessage(err.details.retryAfter))
      else setError(t('login.failed', { message: problemText(err) }))
    } finally {
      setBusy(false)
    }
  }

  return (
    <main className="login">
      <form className="card" onSubmit={submit} data-testid="login-form">
        <div className="card-top">
          <h1>{t('login.title')}</h1>
          <LanguageSwitch />
        </div>
        <label>
          {t('login.username')}
          {/* biome-ignore lint/a11y/noAutofocus: the login page has one purpose; operators start typing at once */}
          <input name="username" autoComplete="username" value={username} onChange={(e) => setUsername(e.target.value)} required autoFocus />
        </label>
        <label>
          {t('login.password')}
          <input name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
        </label>
        {error && (
          <p className="error" role="alert" data-testid="login-error">
            {error}
          </p>
        )}
        <button className="button primary" type="submit" disabled={busy}>
          {busy ? t('login.busy') : t('login.submit')}
        </button>
        <Link to="/">{t('login.back')}</Link>
      </form>
    </main>
  )
}
