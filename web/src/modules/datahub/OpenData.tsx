import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import { api } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { type Dataset, datasetBase } from './api.ts'
import { PreviewTable } from './PreviewTable.tsx'

// ECharts and MapLibre are big: each loads only on a dataset page that has something to chart or to map.
const DatasetChart = lazy(() => import('./DatasetChart.tsx').then((m) => ({ default: m.DatasetChart })))
const DatasetPointsMap = lazy(() => import('./PortalMap.tsx').then((m) => ({ default: m.DatasetPointsMap })))

// Rows read for the chart; the table shows the first few of them.
const CHART_ROWS = 500
const TABLE_ROWS = 20

/** The portal's open data catalogue: search, filter by OPD and tag. */
export function OpenDataPage({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const [organization, setOrganization] = useState('')
  const [tag, setTag] = useState('')
  const [all, setAll] = useState<Dataset[]>([])
  const [found, setFound] = useState<{ items: Dataset[]; total: number } | null>(null)

  useEffect(() => {
    api<{ items: Dataset[] }>(`/api/t/${tenant.code}/datasets?limit=200`).then(
      (page) => setAll(page.items),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(() => {
    const params = new URLSearchParams({ limit: '100' })
    if (q.trim()) params.set('q', q.trim())
    if (organization) params.set('organization', organization)
    if (tag) params.set('tag', tag)
    const abort = new AbortController()
    api<{ items: Dataset[]; total: number }>(`/api/t/${tenant.code}/datasets?${params}`, { signal: abort.signal }).then(setFound, () => undefined)
    return () => abort.abort()
  }, [tenant.code, q, organization, tag])

  const organizations = useMemo(() => [...new Map(all.flatMap((d) => (d.organization ? [[d.organization.code, d.organization.name]] : []))).entries()], [all])
  const tags = useMemo(() => [...new Set(all.flatMap((d) => d.tags))].sort(), [all])

  return (
    <main className="portal-page datahub-portal" data-testid="open-data">
      <h1>{t('datahub.portal.title')}</h1>
      <p>{t('datahub.portal.lead')}</p>
      <div className="datahub-filters">
        <input
          type="search"
          name="q"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('datahub.portal.search')}
          aria-label={t('datahub.portal.search')}
        />
        <select name="organization" value={organization} onChange={(e) => setOrganization(e.target.value)} aria-label={t('datahub.organization')}>
          <option value="">{t('datahub.portal.allOrganizations')}</option>
          {organizations.map(([code, name]) => (
            <option key={code} value={code}>
              {name}
            </option>
          ))}
        </select>
        <select name="tag" value={tag} onChange={(e) => setTag(e.target.value)} aria-label="tag">
          <option value="">{t('datahub.portal.allTags')}</option>
          {tags.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </div>
      {found && <p className="muted">{t('datahub.portal.found', { count: found.total })}</p>}
      {found?.items.length === 0 && <p>{t('datahub.portal.none')}</p>}
      <ul className="datahub-cards">
        {found?.items.map((d) => (
          <li key={d.id}>
            <Link to={`/p/${tenant.code}/data/${d.name}`}>
              <strong>{d.title}</strong>
            </Link>
            <div className="muted">
              {d.organization?.name ?? '—'} · {d.resources.map((r) => r.format.toUpperCase()).join(', ')}
            </div>
            <div>
              {d.tags.map((x) => (
                <span key={x} className="badge">
                  {x}
                </span>
              ))}
            </div>
          </li>
        ))}
      </ul>
      <p className="muted">
        {t('datahub.portal.ckan')}: <code>/api/t/{tenant.code}/ckan/3/action/package_search</code>
      </p>
    </main>
  )
}

/** One public dataset: its description, downloads, a preview of its table, a chart of it, and its points on a map. */
export function OpenDatasetPage({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const { name = '' } = useParams()
  const [dataset, setDataset] = useState<Dataset | null>(null)
  const [rows, setRows] = useState<{ items: Record<string, unknown>[]; total: number } | null>(null)
  const base = datasetBase(tenant.code, name)
  useEffect(() => {
    api<Dataset>(base).then(setDataset, () => undefined)
  }, [base])
  const table = dataset?.resources.find((r) => r.columns.length > 0 && r.version !== null)
  useEffect(() => {
    if (table) api<{ items: Record<string, unknown>[]; total: number }>(`${base}/resources/${table.id}/rows?limit=${CHART_ROWS}`).then(setRows, () => undefined)
  }, [base, table])
  const mapped = dataset?.resources.some((r) => r.hasPoints && r.version !== null)
  if (!dataset) return <main className="portal-page loading">…</main>
  return (
    <main className="portal-page datahub-portal" data-testid="open-dataset">
      <p>
        <Link to={`/p/${tenant.code}/data`}>← {t('datahub.portal.title')}</Link>
      </p>
      <h1>{dataset.title}</h1>
      <p className="muted">
        {dataset.organization?.name ?? '—'} · {dataset.license} · {formatTime(dataset.updatedAt, tenant.timezone, i18n.language)}
      </p>
      {dataset.description && <p>{dataset.description}</p>}
      <ul>
        {dataset.resources.map((r) => (
          <li key={r.id}>
            {r.kind === 'link' ? (
              <a href={r.url ?? '#'}>{r.name}</a>
            ) : (
              <a href={`${base}/resources/${r.id}/download`} download>
                {t('datahub.download')} {r.name} ({r.format.toUpperCase()})
              </a>
            )}
          </li>
        ))}
      </ul>
      {table && rows && (
        <>
          <h2>{t('datahub.portal.previewTable')}</h2>
          <p className="muted">{t('datahub.rows', { count: rows.total })}</p>
          <PreviewTable columns={table.columns} rows={rows.items.slice(0, TABLE_ROWS)} />
          <h2>{t('datahub.chart.title')}</h2>
          <Suspense fallback={<div className="datahub-chart loading">…</div>}>
            <DatasetChart columns={table.columns} rows={rows.items} total={rows.total} />
          </Suspense>
        </>
      )}
      {mapped && (
        <>
          <h2>{t('datahub.portal.onMap')}</h2>
          <Suspense fallback={<div className="datahub-map loading">…</div>}>
            <DatasetPointsMap tenant={tenant} dataset={dataset.name} />
          </Suspense>
        </>
      )}
    </main>
  )
}
