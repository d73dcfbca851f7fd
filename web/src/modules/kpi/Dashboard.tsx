import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type Page } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import {
  currentMonth,
  type Dimension,
  downloadCsv,
  formatPeriod,
  formatValue,
  type Indicator,
  labelOf,
  type Overview,
  type PeriodKind,
  periodOfKind,
  type Recompute,
  type Summary,
} from './api.ts'
import { Attention, ComplaintsPanel, DimensionCards, FindingsPanel, IncidentsPanel, LeviesPanel } from './Executive.tsx'
import { formatMoment, ProvenanceLine } from './Provenance.tsx'
import { ReportSettingsPanel } from './ReportSettings.tsx'
import { WallTokensPanel } from './WallTokens.tsx'

/**
 * The executive dashboard of a month, quarter or year: the six dimensions with their trend, what needs attention,
 * then incidents, complaints, levies and findings, each linking to its page.
 */
export function DashboardPage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('kpi.title')}>
      {({ tenant, roles }) => (
        <Dashboard
          tenant={tenant.code}
          timeZone={tenant.timezone}
          isAdmin={roles.has('admin')}
          isOfficer={roles.has('agency_officer')}
          isProvince={tenant.kind === 'provinsi'}
        />
      )}
    </StaffFrame>
  )
}

function Dashboard({
  tenant,
  timeZone,
  isAdmin,
  isOfficer,
  isProvince,
}: {
  tenant: string
  timeZone: string
  isAdmin: boolean
  isOfficer: boolean
  isProvince: boolean
}) {
  const { t, i18n } = useTranslation()
  const now = currentMonth(timeZone)
  const [kind, setKind] = useState<PeriodKind>('month')
  const [period, setPeriod] = useState(now)
  const [overview, setOverview] = useState<Overview | null>(null)
  const [dimension, setDimension] = useState<Dimension | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [showFormula, setShowFormula] = useState(false)

  const load = useCallback(() => {
    if (isProvince) return
    api<Overview>(`/api/t/${tenant}/kpi/overview?period=${period}`).then(
      (o) => {
        setOverview(o)
        setProblem(null)
      },
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [tenant, period, isProvince])
  useEffect(load, [load])

  if (isProvince) {
    return (
      <main className="page">
        <p>
          {t('kpi.provinceHint')} <Link to={`/t/${tenant}/kpi/rollup`}>{t('kpi.rollup.title')}</Link>
        </p>
      </main>
    )
  }
  const lang = i18n.language
  // The indicator table and an officer's own list read the period's latest month, as the API assessed it.
  const summary: Summary | null = overview && {
    period: overview.period.latestMonth,
    provisional: overview.period.provisional,
    formula: overview.formula.score,
    dimensions: overview.dimensions,
  }
  const chosen = overview?.dimensions.find((d) => d.dimension === dimension)
  const years = Array.from({ length: 6 }, (_, i) => String(Number(now.slice(0, 4)) - i))
  const choose = (k: PeriodKind) => {
    setKind(k)
    setPeriod(periodOfKind(now, k))
  }
  return (
    <main className="page kpi-dashboard kpi-exec">
      <div className="kpi-toolbar">
        <fieldset className="kpi-segmented">
          <legend className="kpi-sr">{t('kpi.exec.periodKind')}</legend>
          {(['month', 'quarter', 'year'] as const).map((k) => (
            <button type="button" key={k} className={`button${kind === k ? ' primary' : ''}`} aria-pressed={kind === k} onClick={() => choose(k)}>
              {t(`kpi.exec.kind.${k}`)}
            </button>
          ))}
        </fieldset>
        <div className="kpi-period-pick">
          {kind === 'month' && (
            <input
              type="month"
              aria-label={t('kpi.period')}
              value={period}
              max={now}
              onChange={(e) => e.target.value && setPeriod(e.target.value)}
              data-testid="kpi-period"
            />
          )}
          {kind === 'quarter' && (
            <select aria-label={t('kpi.period')} value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="kpi-period">
              {years.flatMap((y) =>
                [4, 3, 2, 1]
                  .map((q) => `${y}-Q${q}`)
                  .filter((key) => key <= periodOfKind(now, 'quarter'))
                  .map((key) => (
                    <option key={key} value={key}>
                      {formatPeriod(key, lang)}
                    </option>
                  )),
              )}
            </select>
          )}
          {kind === 'year' && (
            <select aria-label={t('kpi.period')} value={period} onChange={(e) => setPeriod(e.target.value)} data-testid="kpi-period">
              {years.map((y) => (
                <option key={y} value={y}>
                  {y}
                </option>
              ))}
            </select>
          )}
        </div>
        <div className="kpi-actions">
          <button type="button" className="button" onClick={() => setShowFormula((v) => !v)} aria-expanded={showFormula}>
            {t('kpi.howScored')}
          </button>
          <Link className="button" to={`/t/${tenant}/kpi/wall`}>
            {t('kpi.wall.open')}
          </Link>
          <a
            className="button primary"
            href={`/api/t/${tenant}/kpi/report.pdf?period=${period}&lang=${lang === 'en' ? 'en' : 'id'}`}
            target="_blank"
            rel="noreferrer"
            data-testid="kpi-pdf"
          >
            {t('kpi.pdf')}
          </a>
          {overview && (
            <button
              type="button"
              className="button"
              onClick={() =>
                downloadCsv(`kpi-${tenant}-${period}.csv`, [
                  ['dimension', 'score', 'indicator', 'value', 'unit', 'target', 'achievement', 'status'],
                  ...overview.dimensions.flatMap((d) =>
                    d.indicators.map((i) => [d.dimension, d.score, i.code, i.value, i.unit, i.target, i.achievement, i.status]),
                  ),
                ])
              }
            >
              {t('kpi.csv')}
            </button>
          )}
        </div>
      </div>
      {overview && (
        <p className="kpi-period-line" data-testid="kpi-tiles-period">
          {t('kpi.provenance.periodOf', { period: formatPeriod(overview.period.key, lang) })}
          {overview.period.provisional && <span className="kpi-badge provisional">{t('kpi.provenance.provisional')}</span>}{' '}
          <span className="kpi-muted">
            {t('kpi.exec.computedAt', { when: formatMoment(overview.computedAt, timeZone, lang) })}
            {overview.period.kind !== 'month' && ` · ${t('kpi.exec.valuesOf', { month: formatPeriod(overview.period.latestMonth, lang) })}`}
          </span>
        </p>
      )}
      {showFormula && overview && (
        <div className="kpi-formula" data-testid="kpi-formula">
          <p>{labelOf(overview.formula.score, lang)}</p>
          {overview.period.kind !== 'month' && <p>{labelOf(overview.formula.period, lang)}</p>}
        </div>
      )}
      {problem && <p className="error">{problem}</p>}
      {isOfficer && !isAdmin && summary && <OwnIndicators tenant={tenant} summary={summary} />}
      {overview && <DimensionCards overview={overview} selected={dimension} onSelect={(d) => setDimension((now) => (now === d ? null : d))} />}
      {chosen && (
        <section className="kpi-indicators kpi-panel" data-testid="kpi-indicators">
          <h2>
            {t(`kpi.dimension.${chosen.dimension}`)} · {formatPeriod(overview?.period.latestMonth ?? period, lang)}
          </h2>
          <table>
            <thead>
              <tr>
                <th>{t('kpi.indicator')}</th>
                <th>{t('kpi.value')}</th>
                <th>{t('kpi.target')}</th>
                <th>{t('kpi.achievement')}</th>
                <th>{t('kpi.source')}</th>
              </tr>
            </thead>
            <tbody>
              {chosen.indicators.map((i) => (
                <tr key={i.code} className={`status-${i.status}`}>
                  <td>
                    <Link to={`/t/${tenant}/kpi/indicators/${i.code}`}>{labelOf(i.name, lang)}</Link>
                  </td>
                  <td>
                    <span className="kpi-value">
                      {i.status === 'ok'
                        ? formatValue(i.value, i.unit, lang)
                        : t(i.status === 'missing' && i.source === 'computed' ? 'kpi.noData' : `kpi.status.${i.status}`)}
                    </span>
                    <ProvenanceLine indicator={i} timeZone={timeZone} />
                  </td>
                  <td>{formatValue(i.target, i.unit, lang)}</td>
                  <td>{i.achievement === null ? '—' : `${i.achievement.toFixed(1)} %`}</td>
                  <td>
                    <details className="kpi-source">
                      <summary>
                        {t(`kpi.sourceKind.${i.source}`)}
                        {i.module ? ` · ${t(`kpi.modules.${i.module}`, { defaultValue: i.module })}` : ''}
                      </summary>
                      {labelOf(i.formula, lang) || t('kpi.noFormula')}
                    </details>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {overview && (
        <div className="kpi-exec-grid">
          <Attention overview={overview} tenant={tenant} timeZone={timeZone} />
          <IncidentsPanel overview={overview} tenant={tenant} />
          <ComplaintsPanel overview={overview} tenant={tenant} />
          <LeviesPanel overview={overview} tenant={tenant} />
          <FindingsPanel overview={overview} tenant={tenant} />
        </div>
      )}
      {isAdmin && <ReportSettingsPanel tenant={tenant} />}
      {isAdmin && <RecomputePanel tenant={tenant} timeZone={timeZone} onDone={load} />}
      {isAdmin && <WallTokensPanel tenant={tenant} timeZone={timeZone} />}
    </main>
  )
}

/** An OPD officer's own indicators first: the ones they enter, and whether this period's value is in. */
function OwnIndicators({ tenant, summary }: { tenant: string; summary: Summary }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const [own, setOwn] = useState<Indicator[] | null>(null)
  useEffect(() => {
    api<Page<Indicator>>(`/api/t/${tenant}/kpi/indicators`).then(
      (p) => setOwn(p.items.filter((i) => i.mayEnter)),
      () => setOwn([]),
    )
  }, [tenant])
  if (!own) return null
  const assessed = new Map(summary.dimensions.flatMap((d) => d.indicators).map((i) => [i.code, i]))
  const rows = own.map((i) => ({ indicator: i, value: assessed.get(i.code) }))
  return (
    <section className="kpi-own" data-testid="kpi-own">
      <h2>
        {t('kpi.own.title')} · {summary.period}
      </h2>
      {rows.length === 0 ? (
        <p>{t('kpi.own.none')}</p>
      ) : (
        <>
          <button
            type="button"
            className="button"
            onClick={() =>
              downloadCsv(`kpi-${tenant}-own-${summary.period}.csv`, [
                ['indicator', 'frequency', 'value', 'unit', 'target', 'status'],
                ...rows.map(({ indicator: i, value: v }) => [i.code, i.frequency, v?.value ?? null, i.unit, v?.target ?? null, v?.status ?? 'missing']),
              ])
            }
          >
            {t('kpi.csv')}
          </button>
          <table>
            <thead>
              <tr>
                <th>{t('kpi.indicator')}</th>
                <th>{t('kpi.frequency')}</th>
                <th>{t('kpi.value')}</th>
                <th>{t('kpi.target')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map(({ indicator: i, value: v }) => (
                <tr key={i.code} className={`status-${v?.status ?? 'missing'}`}>
                  <td>
                    <Link to={`/t/${tenant}/kpi/indicators/${i.code}`}>{labelOf(i.name, lang)}</Link>
                  </td>
                  <td>{t(`kpi.frequencies.${i.frequency}`)}</td>
                  <td>{v?.status === 'ok' ? formatValue(v.value, i.unit, lang) : t('kpi.status.missing')}</td>
                  <td>{formatValue(v?.target ?? null, i.unit, lang)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  )
}

/** Admins recompute past months; the progress is polled until the job is done. */
function RecomputePanel({ tenant, timeZone, onDone }: { tenant: string; timeZone: string; onDone: () => void }) {
  const { t } = useTranslation()
  const month = currentMonth(timeZone)
  const [from, setFrom] = useState(month)
  const [to, setTo] = useState(month)
  const [run, setRun] = useState<Recompute | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    if (!run || run.status === 'done' || run.status === 'failed') return
    const timer = setTimeout(() => {
      api<Recompute>(`/api/t/${tenant}/kpi/recompute/${run.id}`).then((r) => {
        setRun(r)
        if (r.status === 'done') onDone()
      }, setProblem)
    }, 1500)
    return () => clearTimeout(timer)
  }, [run, tenant, onDone])
  return (
    <section className="kpi-recompute">
      <h2>{t('kpi.recompute.title')}</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault()
          api<Recompute>(`/api/t/${tenant}/kpi/recompute`, { method: 'POST', body: { from, to } }).then(
            (r) => {
              setRun(r)
              setProblem(null)
            },
            (err: unknown) => setProblem(problemText(err)),
          )
        }}
      >
        <input type="month" value={from} max={month} onChange={(e) => setFrom(e.target.value)} aria-label={t('kpi.recompute.from')} />
        <input type="month" value={to} max={month} onChange={(e) => setTo(e.target.value)} aria-label={t('kpi.recompute.to')} />
        <button type="submit" className="button primary">
          {t('kpi.recompute.start')}
        </button>
      </form>
      {run && (
        <p data-testid="kpi-recompute-progress">
          <progress max={run.total} value={run.done} /> {run.done}/{run.total} · {t(`kpi.recompute.status.${run.status}`)}
        </p>
      )}
      {problem && <p className="error">{String(problem)}</p>}
    </section>
  )
}
