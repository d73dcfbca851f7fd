import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api } from '../../app/api.ts'
import { formatTime } from '../../app/time.ts'

interface WallToken {
  id: string
  name: string
  prefix: string
  expiresAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

const messageOf = (err: unknown) => (err instanceof ApiError ? err.message : String(err))

/** Admins give each situation-room screen its own read-only wall token; the token is shown once. */
export function WallTokensPanel({ tenant, timeZone }: { tenant: string; timeZone: string }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<WallToken[]>([])
  const [name, setName] = useState('')
  const [days, setDays] = useState(90)
  const [address, setAddress] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const fail = (err: unknown) => setProblem(messageOf(err))
  const load = useCallback(
    () =>
      api<{ items: WallToken[] }>(`/api/t/${tenant}/wall-tokens`).then(
        (r) => setItems(r.items),
        (err: unknown) => setProblem(messageOf(err)),
      ),
    [tenant],
  )
  useEffect(() => void load(), [load])
  return (
    <section className="kpi-recompute" data-testid="kpi-wall-tokens">
      <h2>{t('kpi.wallTokens.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          api<WallToken & { token: string }>(`/api/t/${tenant}/wall-tokens`, { method: 'POST', body: { name, days } }).then((created) => {
            setAddress(`${window.location.origin}/t/${tenant}/kpi/wall?token=${encodeURIComponent(created.token)}`)
            setName('')
            setProblem(null)
            void load()
          }, fail)
        }}
      >
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder={t('kpi.wallTokens.name')} aria-label={t('kpi.wallTokens.name')} required />
        <label>
          {t('kpi.wallTokens.days')} <input type="number" min={1} max={366} value={days} onChange={(e) => setDays(Number(e.target.value))} />
        </label>
        <button type="submit">{t('kpi.wallTokens.create')}</button>
      </form>
      {address && (
        <p data-testid="kpi-wall-address">
          {t('kpi.wallTokens.once')} <code>{address}</code>
        </p>
      )}
      <ul>
        {items.map((w) => (
          <li key={w.id}>
            {w.name} <code>{w.prefix}…</code> · {t('kpi.wallTokens.until')} {formatTime(w.expiresAt, timeZone, i18n.language)}
            {w.revokedAt ? (
              <em> · {t('kpi.wallTokens.revoked')}</em>
            ) : (
              <button type="button" className="link" onClick={() => api(`/api/t/${tenant}/wall-tokens/${w.id}`, { method: 'DELETE' }).then(load, fail)}>
                {t('kpi.wallTokens.revoke')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {problem && <p className="error">{problem}</p>}
    </section>
  )
}
