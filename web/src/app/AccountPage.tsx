import type { TFunction } from 'i18next'
import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api } from './api.ts'
import { useAuth } from './auth.tsx'
import { problemText } from './problem.ts'
import { StaffFrame } from './StaffFrame.tsx'

// The server's rule (tenancy schema): a password has at least 10 characters.
const MIN_PASSWORD = 10

/** The message for a refused change: the API's field and code, in the person's language. */
function problemOf(err: unknown, t: TFunction): string {
  if (!(err instanceof ApiError)) return t('account.failed', { message: problemText(err) })
  if (err.status === 429) return t('account.wait', { seconds: Number(err.details.retryAfter ?? 60) })
  const field = String(err.details.field ?? '')
  if (err.status === 400 && field === 'currentPassword') return t('account.wrongCurrent')
  if (err.status === 400 && field.includes('newPassword')) return err.message.includes('differ') ? t('account.same') : t('account.tooShort')
  return t('account.failed', { message: problemText(err) })
}

function PasswordForm() {
  const { t } = useTranslation()
  const [current, setCurrent] = useState('')
  const [next, setNext] = useState('')
  const [repeat, setRepeat] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [isSaved, setSaved] = useState(false)
  const [isBusy, setBusy] = useState(false)
  async function submit(e: FormEvent) {
    e.preventDefault()
    setSaved(false)
    if (next.length < MIN_PASSWORD) return setProblem(t('account.tooShort'))
    if (next !== repeat) return setProblem(t('account.mismatch'))
    setProblem(null)
    setBusy(true)
    try {
      await api('/api/auth/password', { method: 'POST', body: { currentPassword: current, newPassword: next } })
      setSaved(true)
      setCurrent('')
      setNext('')
      setRepeat('')
    } catch (err) {
      setProblem(problemOf(err, t))
    } finally {
      setBusy(false)
    }
  }
  return (
    <form className="card account-form" onSubmit={submit} data-testid="password-form">
      <h2>{t('account.changePassword')}</h2>
      <label>
        {t('account.current')}
        <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
      </label>
      <label>
        {t('account.new')}
        <input name="newPassword" type="password" autoComplete="new-password" required value={next} onChange={(e) => setNext(e.target.value)} />
      </label>
      <label>
        {t('account.repeat')}
        <input name="repeatPassword" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
      </label>
      <p className="hint">{t('account.hint')}</p>
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {isSaved && (
        <p className="notice" role="status">
          {t('account.saved')}
        </p>
      )}
      <button type="submit" className="button" disabled={isBusy}>
        {t('account.save')}
      </button>
    </form>
  )
}

/** The logged-in person's own account: who they are and their password. */
export function AccountPage() {
  const { t } = useTranslation()
  const { me } = useAuth()
  return (
    <StaffFrame title={t('account.title')}>
      {() => (
        <main className="account-page">
          <p>
            {me?.name} · {t('account.username')}: <strong>{me?.username}</strong>
          </p>
          <PasswordForm />
        </main>
      )}
    </StaffFrame>
  )
}
