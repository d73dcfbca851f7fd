import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { formatTime } from '../../app/time.ts'
import { WALL_PANELS, type WallPanel } from './WallPanels.tsx'

interface WallToken {
  id: string
  name: string
  prefix: string
  expiresAt: string
  revokedAt: string | null
  lastUsedAt: string | null
}

const messageOf = (err: unknown) => problemText(err)

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
        <button type="submit" className="button primary">
          {t('kpi.wallTokens.create')}
        </button>
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
      <WallSchedule tenant={tenant} />
    </section>
  )
}

type ScheduleRow = WallPanel & { isShown: boolean }
const DEFAULT_SECONDS = 30

/** The order and time of the wall's panels: the shown ones in order, then the others (hidden) to add back. */
function WallSchedule({ tenant }: { tenant: string }) {
  const { t } = useTranslation()
  const [rows, setRows] = useState<ScheduleRow[]>([])
  const [message, setMessage] = useState<string | null>(null)
  const show = useCallback((panels: WallPanel[]) => {
    const hidden = WALL_PANELS.filter((kind) => !panels.some((p) => p.kind === kind))
    setRows([...panels.map((p) => ({ ...p, isShown: true })), ...hidden.map((kind) => ({ kind, seconds: DEFAULT_SECONDS, isShown: false }))])
  }, [])
  useEffect(() => {
    api<{ panels: WallPanel[] }>(`/api/t/${tenant}/kpi/wall/settings`).then(
      (r) => show(r.panels),
      (err: unknown) => setMessage(messageOf(err)),
    )
  }, [tenant, show])
  const change = (index: number, patch: Partial<ScheduleRow>) => setRows(rows.map((r, i) => (i === index ? { ...r, ...patch } : r)))
  const raise = (index: number) => setRows([...rows.slice(0, index - 1), rows[index], rows[index - 1], ...rows.slice(index + 1)])
  return (
    <form
      className="kpi-wall-schedule"
      data-testid="kpi-wall-schedule"
      onSubmit={(e) => {
        e.preventDefault()
        const panels = rows.filter((r) => r.isShown).map(({ kind, seconds }) => ({ kind, seconds }))
        api<{ panels: WallPanel[] }>(`/api/t/${tenant}/kpi/wall/settings`, { method: 'PUT', body: { panels } }).then(
          (r) => {
            show(r.panels)
            setMessage(t('kpi.wallTokens.saved'))
          },
          (err: unknown) => setMessage(messageOf(err)),
        )
      }}
    >
      <h3>{t('kpi.wallTokens.schedule')}</h3>
      <ol>
        {rows.map((r, i) => (
          <li key={r.kind} data-panel={r.kind}>
            <label>
              <input type="checkbox" checked={r.isShown} onChange={(e) => change(i, { isShown: e.target.checked })} /> {t(`kpi.wall.panels.${r.kind}`)}
            </label>
            <label>
              {t('kpi.wallTokens.seconds')}{' '}
              <input type="number" min={5} max={3600} value={r.seconds} onChange={(e) => change(i, { seconds: Number(e.target.value) })} />
            </label>
            {i > 0 && (
              <button type="button" className="link" onClick={() => raise(i)}>
                {t('kpi.wallTokens.up')}
              </button>
            )}
          </li>
        ))}
      </ol>
      <button type="submit" className="button primary">
        {t('kpi.wallTokens.save')}
      </button>
      {message && <p data-testid="kpi-wall-schedule-message">{message}</p>}
    </form>
  )
}
