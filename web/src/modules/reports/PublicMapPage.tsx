import { lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { type Category, fetchCategories, fetchPublicFeatures, label, type ReportFeatures, STATUS_COLORS } from './api.ts'

// MapLibre is big: the map loads only when asked for; the list is there at once.
const PublicReportsMap = lazy(() => import('./PickMap.tsx').then((m) => ({ default: m.PublicReportsMap })))

/** Public reports of the last 90 days: a list, and a clustered map on request. */
export function PublicMapPage({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [data, setData] = useState<ReportFeatures | null>(null)
  const [categories, setCategories] = useState<Category[]>([])
  const [showMap, setShowMap] = useState(false)
  useEffect(() => {
    fetchPublicFeatures(tenant.code).then(setData, () => undefined)
    fetchCategories(tenant.code).then(
      (p) => setCategories(p.items),
      () => undefined,
    )
  }, [tenant.code])
  const categoryLabel = (code: string) => {
    const c = categories.find((x) => x.code === code)
    return c ? label(c.label, i18n.language) : code
  }
  const items = [...(data?.features ?? [])].sort((a, b) => b.properties.createdAt.localeCompare(a.properties.createdAt))
  return (
    <section className="public-reports">
      <h1>{t('reports.portal.mapTitle')}</h1>
      {showMap ? (
        <Suspense fallback={<div className="public-map loading">…</div>}>
          <PublicReportsMap tenant={tenant} />
        </Suspense>
      ) : (
        <button type="button" className="button" onClick={() => setShowMap(true)} data-testid="load-map">
          {t('reports.portal.loadMap')}
        </button>
      )}
      <h2>{t('reports.portal.listTitle')}</h2>
      <ul className="public-report-list" data-testid="public-reports">
        {items.slice(0, 100).map((f) => (
          <li key={f.properties.id}>
            <span className="report-status" style={{ background: STATUS_COLORS[f.properties.status] }}>
              {t(`reports.status.${f.properties.status}`)}
            </span>{' '}
            <strong>{categoryLabel(f.properties.category)}</strong> <span className="muted">{f.properties.number}</span>{' '}
            <span className="muted">{formatTime(f.properties.createdAt, tenant.timezone, i18n.language)}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}
