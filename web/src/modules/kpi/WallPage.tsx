import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams, useSearchParams } from 'react-router-dom'
import { ApiError, api, type Tenant } from '../../app/api.ts'
import { currentMonth, formatValue, labelOf, type Summary } from './api.ts'
import { DimensionTiles } from './Tiles.tsx'

// The wall refreshes itself every 30 s unless the operator sets `?refresh=` (seconds) in the wall's address,
// and calls its data stale after three missed refreshes.
const DEFAULT_REFRESH_S = 30
type WallTenant = Pick<Tenant, 'code' | 'name' | 'timezone'>
const ZONES: Record<string, string> = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }

/** The situation room's KPI wall: no menus, large type, a clock in the tenant's zone, refreshes by itself. */
export function WallPage() {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const { tenant: code = '' } = useParams()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const refreshMs = Math.max(2, Number(params.get('refresh')) || DEFAULT_REFRESH_S) * 1000
  const [tenant, setTenant] = useState<WallTenant | null>(null)
  const [summary, setSummary] = useState<Summary | null>(null)
  const [fetchedAt, setFetchedAt] = useState(0)
  const [now, setNow] = useState(() => new Date())
  const [refused, setRefused] = useState(false)

  useEffect(() => {
    const tick = setInterval(() => setNow(new Date()), 1000)
    return () => clearInterval(tick)
  }, [])

  // A screen of the situation room holds a read-only wall token instead of a person's login.
  const token = params.get('token')

  useEffect(() => {
    let stopped = false
    const load = async () => {
      try {
        if (token) {
          const wall = await api<{ tenant: WallTenant; summary: Summary }>(`/api/t/${code}/kpi/wall?token=${encodeURIComponent(token)}`)
          if (stopped) return
          setTenant((tn) => tn ?? wall.tenant)
          setSummary(wall.summary)
          setFetchedAt(Date.now())
          return
        }
        const tn = tenant ?? (await api<Tenant>(`/api/t/${code}`))
        if (stopped) return
        setTenant(tn)
        const s = await api<Summary>(`/api/t/${code}/kpi/summary?period=${currentMonth(tn.timezone)}`)
        if (stopped) return
        setSummary(s)
        setFetchedAt(Date.now())
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) {
          if (token) setRefused(true)
          else navigate('/login')
        }
        // Any other failure (server restarting, network gone) keeps the last data on screen, marked stale.
      }
    }
    void load()
    const timer = setInterval(load, refreshMs)
    return () => {
      stopped = true
      clearInterval(timer)
    }
  }, [code, tenant, token, navigate, refreshMs])

  if (refused) {
    return (
      <main className="kpi-wall" data-testid="kpi-wall">
        <p className="kpi-wall-stale" role="alert" data-testid="wall-refused">
          {t('kpi.wall.refused')}
        </p>
      </main>
    )
  }
  if (!tenant) return <main className="kpi-wall loading">…</main>
  const isStale = fetchedAt === 0 || now.getTime() - fetchedAt > 3 * refreshMs
  const clock = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: tenant.timezone,
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).format(now)
  const date = new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: tenant.timezone,
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  }).format(now)
  const ranked = (summary?.dimensions ?? []).flatMap((d) => d.indicators).filter((i) => i.achievement !== null && i.achievement < 100)
  ranked.sort((a, b) => (a.achievement ?? 0) - (b.achievement ?? 0))
  return (
    <main className="kpi-wall" data-testid="kpi-wall">
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
      {summary && <DimensionTiles summary={summary} />}
      {ranked.length > 0 && (
        <section className="kpi-wall-watch">
          <h2>{t('kpi.wall.watch')}</h2>
          <ol>
            {ranked.slice(0, 5).map((i) => (
              <li key={i.code}>
                <span>{labelOf(i.name, lang)}</span>
                <strong>{formatValue(i.value, i.unit, lang)}</strong>
                <em>{i.achievement?.toFixed(0)} %</em>
              </li>
            ))}
          </ol>
        </section>
      )}
    </main>
  )
}
