import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams, useSearchParams } from 'react-router-dom'
import { ApiError, api, type KendaliEvent, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { useLive } from '../../app/live.ts'
import { LiveEvents, LiveEventsProvider } from '../../app/liveEvents.tsx'
import { mapStyle } from '../../map/MapView.tsx'
import { currentMonth, type Summary } from './api.ts'
import { type WallPanel, WallPanelView } from './WallPanels.tsx'

// The wall refreshes its figures and schedule every 30 s unless the operator sets `?refresh=` (seconds) in the
// wall's address, and calls its data stale after three missed refreshes or while the live channel is down.
const DEFAULT_REFRESH_S = 30
const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

interface WallData {
  tenant: Tenant
  config: PlatformConfig
  after: number
}

/** Runs `load` now and every `ms` until unmounted or `load` changes (null: nothing to do); `isCurrent` says whether it still counts. */
function useEvery(ms: number, load: ((isCurrent: () => boolean) => Promise<void>) | null): void {
  useEffect(() => {
    if (!load) return
    let current = true
    const run = () => void load(() => current)
    run()
    const timer = setInterval(run, ms)
    return () => {
      current = false
      clearInterval(timer)
    }
  }, [ms, load])
}

/**
 * The situation room's wall: no menus, large type, panels rotating on the tenant's schedule, a clock in the
 * tenant's zone, live and reconnecting by itself. A screen opens it with a read-only wall token in its address,
 * which becomes an httpOnly cookie; staff may open it with their own login.
 */
export function WallPage() {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const { tenant: code = '' } = useParams()
  const [params, setParams] = useSearchParams()
  const refreshMs = Math.max(2, Number(params.get('refresh')) || DEFAULT_REFRESH_S) * 1000
  const token = params.get('token')
  const [data, setData] = useState<WallData | null>(null)
  const [panels, setPanels] = useState<WallPanel[]>([])
  const [summary, setSummary] = useState<Summary | null>(null)
  const [fetchedAt, setFetchedAt] = useState(0)
  const [now, setNow] = useState(() => new Date())
  const [refused, setRefused] = useState(false)
  const [slot, setSlot] = useState(() => ({ index: 0, since: Date.now() }))

  useEffect(() => {
    const tick = setInterval(() => setNow(new Date()), 1000)
    return () => clearInterval(tick)
  }, [])

  const refuse = useCallback((err: unknown) => {
    if (err instanceof ApiError && err.status === 401) setRefused(true)
    // Any other failure (server restarting, network gone) keeps the last data on screen, marked stale.
  }, [])

  // The token in the address becomes this screen's cookie, then leaves the address bar.
  useEffect(() => {
    if (!token) return
    api(`/api/t/${code}/kpi/wall/session`, { method: 'POST', body: { token } }).then(() => {
      setParams(
        (p) => {
          p.delete('token')
          return p
        },
        { replace: true },
      )
    }, refuse)
  }, [code, token, setParams, refuse])

  // What the wall needs once: the city, the map style, and where the live channel starts (retried until it has them).
  const loadCity = useMemo(
    () =>
      token || data
        ? null
        : (isCurrent: () => boolean) =>
            Promise.all([api<Tenant>(`/api/t/${code}`), api<PlatformConfig>('/api/config'), api<{ after: number }>(`/api/t/${code}/kpi/wall/settings`)]).then(
              ([tenant, config, schedule]) => {
                if (isCurrent()) setData({ tenant, config, after: schedule.after })
              },
              refuse,
            ),
    [code, data, token, refuse],
  )
  useEvery(refreshMs, loadCity)

  // The figures and the schedule, refreshed (the operator's new schedule reaches the wall this way).
  const loadFigures = useMemo(
    () =>
      data
        ? (isCurrent: () => boolean) =>
            Promise.all([
              api<{ panels: WallPanel[] }>(`/api/t/${code}/kpi/wall/settings`),
              api<Summary>(`/api/t/${code}/kpi/summary?period=${currentMonth(data.tenant.timezone)}`),
            ]).then(([schedule, s]) => {
              if (!isCurrent()) return
              setPanels(schedule.panels)
              setSummary(s)
              setFetchedAt(Date.now())
            }, refuse)
        : null,
    [code, data, refuse],
  )
  useEvery(refreshMs, loadFigures)

  const liveEvents = useMemo(() => new LiveEvents(), [])
  const onEvent = useCallback((event: KendaliEvent) => liveEvents.emit(event), [liveEvents])
  const liveState = useLive(code, data?.after ?? null, onEvent)

  const shown = panels.length > 0 ? slot.index % panels.length : -1
  const current = panels[shown] ?? null
  const seconds = current?.seconds ?? 0
  useEffect(() => {
    if (!seconds) return
    // From when the panel came up, so a refreshed schedule does not restart its time.
    const timer = setTimeout(() => setSlot((s) => ({ index: (s.index + 1) % panels.length, since: Date.now() })), slot.since + seconds * 1000 - Date.now())
    return () => clearTimeout(timer)
  }, [slot, seconds, panels.length])

  if (refused) {
    return (
      <main className="kpi-wall" data-testid="kpi-wall">
        <p className="kpi-wall-stale" role="alert" data-testid="wall-refused">
          {t('kpi.wall.refused')}
        </p>
      </main>
    )
  }
  if (!data) return <main className="kpi-wall loading">…</main>
  const { tenant } = data
  const isStale = now.getTime() - fetchedAt > 3 * refreshMs || liveState !== 'open'
  const locale = lang === 'en' ? 'en-GB' : 'id-ID'
  const clock = new Intl.DateTimeFormat(locale, { timeZone: tenant.timezone, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(now)
  const date = new Intl.DateTimeFormat(locale, { timeZone: tenant.timezone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' }).format(now)
  const left = current ? Math.max(0, Math.ceil(current.seconds - (now.getTime() - slot.since) / 1000)) : 0
  return (
    <LiveEventsProvider value={liveEvents}>
      <main className="kpi-wall" data-testid="kpi-wall" data-panel={current?.kind}>
        <header>
          <h1>
            {t('kpi.wall.title')} · {tenant.name}
          </h1>
          <div className="kpi-wall-clock" data-testid="wall-clock">
            <span>
              {clock} {ZONES[tenant.timezone] ?? tenant.timezone}
            </span>
            <small>{date}</small>
          </div>
        </header>
        {isStale && (
          <p className="kpi-wall-stale" role="status" data-testid="wall-stale">
            {t('kpi.wall.stale')}
          </p>
        )}
        {current && (
          <section className="kpi-wall-panel" data-testid={`wall-panel-${current.kind}`}>
            <WallPanelView key={current.kind} kind={current.kind} tenant={tenant} summary={summary} styleUrl={mapStyle(data.config, 'dark')} />
          </section>
        )}
        <ol className="kpi-wall-rotation" data-testid="wall-rotation" aria-label={t('kpi.wall.rotation')}>
          {panels.map((p, i) => (
            <li key={p.kind} className={i === shown ? 'active' : ''} aria-current={i === shown ? 'step' : undefined}>
              {t(`kpi.wall.panels.${p.kind}`)}
              {i === shown && <span data-testid="wall-time-left"> · {left} s</span>}
            </li>
          ))}
        </ol>
      </main>
    </LiveEventsProvider>
  )
}
