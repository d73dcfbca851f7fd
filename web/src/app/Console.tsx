import { Suspense, useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router-dom'
import { MapView, mapStyle } from '../map/MapView.tsx'
import { ApiError, api, type KendaliEvent, type Page, type PlatformConfig, type Tenant } from './api.ts'
import { useAuth, usePermitted } from './auth.tsx'
import { EventFeed } from './EventFeed.tsx'
import { addToFeed, type FeedItem, feedOf } from './feed.ts'
import { useLive } from './live.ts'
import { LiveEvents, LiveEventsProvider, LiveStateProvider } from './liveEvents.tsx'
import { webModules } from './modules.ts'
import { problemText } from './problem.ts'
import { StaffHeader } from './StaffHeader.tsx'

const FEED_SIZE = 100
const allLayers = webModules.flatMap((m) => m.layers ?? [])
const allPanels = webModules.flatMap((m) => m.panels ?? [])

/** The command-center console: the city map with every module's layers, their panels, and the live feed. */
export function Console() {
  const { t } = useTranslation()
  const { tenant: code = '' } = useParams()
  const { me } = useAuth()
  const navigate = useNavigate()
  const [tenant, setTenant] = useState<Tenant | null>(null)
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  const [feed, setFeed] = useState<FeedItem[]>([])
  const [after, setAfter] = useState<number | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [visible, setVisible] = useState<Record<string, boolean>>(() => Object.fromEntries(allLayers.map((l) => [l.id, l.visibleByDefault])))
  // Only the layers and panels the person may read: nothing that would be refused, nothing that would look empty.
  const permitted = usePermitted(code)
  const layers = useMemo(() => allLayers.filter((l) => !l.action || permitted?.has(l.action)), [permitted])
  const panels = useMemo(() => allPanels.filter((p) => !p.action || permitted?.has(p.action)), [permitted])

  useEffect(() => {
    if (me === null) navigate('/login')
  }, [me, navigate])

  useEffect(() => {
    if (!me) return
    Promise.all([
      api<Tenant>(`/api/t/${code}`),
      api<PlatformConfig>('/api/config'),
      api<Page<KendaliEvent>>(`/api/t/${code}/events?order=desc&limit=${FEED_SIZE}`),
    ]).then(
      ([tn, cf, recent]) => {
        setTenant(tn)
        setConfig(cf)
        setFeed(feedOf(recent.items, FEED_SIZE))
        setAfter(recent.items[0]?.seq ?? 0)
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) navigate('/login')
        else if (err instanceof ApiError && err.status === 403) setProblem(t('console.noAccess'))
        else setProblem(t('console.loadFailed', { message: problemText(err) }))
      },
    )
  }, [me, code, navigate, t])

  const liveEvents = useMemo(() => new LiveEvents(), [])
  const onEvent = useCallback(
    (event: KendaliEvent) => {
      // The feed tells what happened; volatile events (positions) only move things on the map.
      if (!event.volatile) setFeed((items) => addToFeed(items, event, FEED_SIZE))
      liveEvents.emit(event)
    },
    [liveEvents],
  )
  const liveState = useLive(code, after, onEvent)

  if (problem) return <main className="console-problem">{problem}</main>
  if (!tenant || !config || !me || !permitted) return <main className="loading">…</main>

  return (
    <LiveEventsProvider value={liveEvents}>
      <LiveStateProvider value={liveState}>
        <div className="console">
          <StaffHeader tenant={tenant} title={t('console.title')} />
          <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'dark')}>
            {/* Modules load their layers lazily (the public portal shares the module registry but not the map). */}
            {layers.map(({ id, Component }) => (
              <Suspense key={id} fallback={null}>
                <Component tenant={tenant} visible={visible[id] ?? true} />
              </Suspense>
            ))}
          </MapView>
          <aside className="side">
            {/* The modules' panels (queue, units, alarms) first, then the layers; they scroll on their own, so the live feed below always stays in view. */}
            <div className="side-panels">
              {panels.map(({ id, Component }) => (
                <Suspense key={id} fallback={null}>
                  <Component tenant={tenant} />
                </Suspense>
              ))}
              <section className="layers">
                <h2>{t('console.layers')}</h2>
                {layers.map((layer) => (
                  <label key={layer.id}>
                    <input
                      type="checkbox"
                      data-layer={layer.id}
                      checked={visible[layer.id] ?? true}
                      onChange={(e) => setVisible({ ...visible, [layer.id]: e.target.checked })}
                    />
                    {t(layer.labelKey)}
                  </label>
                ))}
              </section>
            </div>
            <EventFeed items={feed} timezone={tenant.timezone} />
          </aside>
        </div>
      </LiveStateProvider>
    </LiveEventsProvider>
  )
}
