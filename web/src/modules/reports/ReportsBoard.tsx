import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { StaffContext } from '../../app/StaffFrame.tsx'
import { useNow } from '../incidents/useDispatchData.ts'
import { type Agency, type Category, countdown, fetchAgencies, fetchCategories, fetchReports, label, type Report, STATUS_COLORS, slaClass } from './api.ts'
import { ReportView } from './ReportView.tsx'

const REFRESH_AFTER_MS = 300

/** The tenant's categories and OPDs, for labels and routing. */
export function useCatalogue(tenant: string) {
  const [categories, setCategories] = useState<Category[]>([])
  const [agencies, setAgencies] = useState<Agency[]>([])
  useEffect(() => {
    fetchCategories(tenant).then(
      (p) => setCategories(p.items),
      () => undefined,
    )
    fetchAgencies(tenant).then(
      (p) => setAgencies(p.items),
      () => undefined,
    )
  }, [tenant])
  return { categories, agencies }
}

/**
 * A work list of reports beside the one picked: the operator's verification queue and the OPD's inbox are
 * this board with different statuses. Live report events refresh it, one request per burst.
 */
export function ReportsBoard({ ctx, statuses }: { ctx: StaffContext; statuses: { key: string; value: string }[] }) {
  const { t, i18n } = useTranslation()
  const { tenant } = ctx
  const { categories, agencies } = useCatalogue(tenant.code)
  const [params, setParams] = useSearchParams()
  const status = params.get('status') ?? statuses[0].value
  const selected = params.get('id')
  const [overdue, setOverdue] = useState(false)
  const [category, setCategory] = useState('')
  const [reports, setReports] = useState<Report[]>([])
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const now = useNow(30_000)

  const load = useCallback(() => {
    const query: Record<string, string> = { status }
    if (overdue) query.overdue = 'true'
    if (category) query.category = category
    fetchReports(tenant.code, query).then(
      (p) => setReports(p.items),
      () => undefined,
    )
  }, [tenant.code, status, overdue, category])
  useEffect(load, [load])
  useLiveEvents(['reports'], () => {
    if (timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      load()
    }, REFRESH_AFTER_MS)
  })
  const categoryLabel = (code: string) => {
    const c = categories.find((x) => x.code === code)
    return c ? label(c.label, i18n.language) : code
  }
  const pick = (changes: Record<string, string | null>) => {
    const next = new URLSearchParams(params)
    for (const [k, v] of Object.entries(changes)) {
      if (v === null) next.delete(k)
      else next.set(k, v)
    }
    setParams(next, { replace: true })
  }

  return (
    <div className="reports-board">
      <aside className="reports-list">
        <div className="reports-filters">
          {statuses.map((s) => (
            <button key={s.value} type="button" className={`pill ${s.value === status ? 'active' : ''}`} onClick={() => pick({ status: s.value, id: null })}>
              {s.key}
            </button>
          ))}
          <select value={category} onChange={(e) => setCategory(e.target.value)} aria-label={t('reports.category')}>
            <option value="">{t('reports.all')}</option>
            {categories.map((c) => (
              <option key={c.code} value={c.code}>
                {label(c.label, i18n.language)}
              </option>
            ))}
          </select>
          <label>
            <input type="checkbox" checked={overdue} onChange={(e) => setOverdue(e.target.checked)} /> {t('reports.overdueOnly')}
          </label>
        </div>
        {reports.length === 0 && <p className="muted">{t('reports.empty')}</p>}
        <ol>
          {reports.map((r) => (
            <li key={r.id} className={`${slaClass(r, now)} ${r.id === selected ? 'selected' : ''}`} data-testid="report-item" data-number={r.number}>
              <button type="button" onClick={() => pick({ id: r.id })}>
                <span className="report-status" style={{ background: STATUS_COLORS[r.status] }}>
                  {t(`reports.status.${r.status}`)}
                </span>
                <strong>{r.number}</strong> {categoryLabel(r.category)}
                <span className="muted">{r.kelurahan?.name ?? '—'}</span>
                {r.sla.statusDueAt && <span className="countdown">{countdown(r.sla.statusDueAt, now)}</span>}
              </button>
            </li>
          ))}
        </ol>
      </aside>
      <div className="reports-detail">
        {selected ? (
          <>
            <Link to={`/t/${tenant.code}/reports/${selected}`}>{t('reports.openDetail')}</Link>
            <ReportView key={selected} ctx={ctx} id={selected} agencies={agencies} categories={categories} />
          </>
        ) : (
          <p className="muted">{t('reports.pick')}</p>
        )}
      </div>
    </div>
  )
}
