import { lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { fetchActive, type PublicAlert, SEVERITY_COLORS } from './api.ts'

// Citizens have no live channel: the list asks again this often, so a new warning shows without a reload.
const REFRESH_MS = 5000

// MapLibre is big: the map loads only when asked for; the list is there at once.
const AlertsMap = lazy(() => import('./AlertsMap.tsx').then((m) => ({ default: m.PublicAlertsMap })))

/** The active warnings, newest first, each with what to do; refreshed on its own. */
export function ActiveAlerts({ tenant, withMap = false }: PanelProps & { withMap?: boolean }) {
  const { t, i18n } = useTranslation()
  const [items, setItems] = useState<PublicAlert[] | null>(null)
  const [showMap, setShowMap] = useState(false)
  const load = useCallback(() => {
    fetchActive(tenant.code).then(
      (p) => setItems(p.items),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(() => {
    load()
    const timer = setInterval(load, REFRESH_MS)
    return () => clearInterval(timer)
  }, [load])
  const english = i18n.language === 'en'
  return (
    <section className="alerts-section" data-testid="active-alerts">
      <h2>{t('alerts.portal.title')}</h2>
      {withMap &&
        (showMap ? (
          <Suspense fallback={<div className="public-map loading">…</div>}>
            <AlertsMap tenant={tenant} />
          </Suspense>
        ) : (
          <button type="button" className="button" onClick={() => setShowMap(true)}>
            {t('alerts.portal.showMap')}
          </button>
        ))}
      {items && items.length === 0 && <p className="muted">{t('alerts.portal.none')}</p>}
      <ul className="alert-list">
        {items?.map((a) => {
          const en = english && a.english
          return (
            <li key={a.id} className="alert-card" style={{ borderLeftColor: SEVERITY_COLORS[a.severity] ?? '#6b7280' }} data-testid="active-alert">
              <div className="alert-severity" style={{ background: SEVERITY_COLORS[a.severity] ?? '#6b7280' }}>
                {t(`alerts.severity.${a.severity}`)}
              </div>
              <h3>{(en ? a.english?.headline : a.headline) ?? (en ? a.english?.event : a.event)}</h3>
              {(en ? a.english?.description : a.description) && <p>{en ? a.english?.description : a.description}</p>}
              {(en ? a.english?.instruction : a.instruction) && (
                <p className="alert-instruction">
                  <strong>{t('alerts.portal.whatToDo')}:</strong> {en ? a.english?.instruction : a.instruction}
                </p>
              )}
              <p className="muted">
                {t('alerts.portal.area')}: {a.areaDesc} · {t('alerts.portal.until')} {formatTime(a.expires, tenant.timezone, i18n.language)} ·{' '}
                <a href={a.capUrl}>{t('alerts.portal.cap')}</a>
              </p>
            </li>
          )
        })}
      </ul>
    </section>
  )
}
