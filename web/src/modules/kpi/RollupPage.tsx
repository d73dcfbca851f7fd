import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type Page } from '../../app/api.ts'
import { currentMonth, downloadCsv, formatValue, type Indicator, labelOf, previousMonth, type Rollup } from './api.ts'
import { useChart } from './charts.ts'
import { KpiFrame } from './KpiFrame.tsx'

/** A province: one indicator for each of its cities and regencies side by side, ranked; drill into one read-only. */
export function RollupPage() {
  const { t } = useTranslation()
  return <KpiFrame title={t('kpi.rollup.title')}>{({ tenant }) => <RollupView province={tenant.code} timeZone={tenant.timezone} />}</KpiFrame>
}

function RollupView({ province, timeZone }: { province: string; timeZone: string }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const [period, setPeriod] = useState(() => previousMonth(currentMonth(timeZone)))
  const [catalogue, setCatalogue] = useState<Indicator[]>([])
  const [indicator, setIndicator] = useState('report_sla_pct')
  const [rollup, setRollup] = useState<Rollup | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const box = useRef<HTMLDivElement>(null)

  // The catalogue of the first region names the indicators to choose from.
  useEffect(() => {
    api<Rollup>(`/api/t/${province}/kpi/rollup?indicator=${indicator}&period=${period}`).then(
      (r) => {
        setRollup(r)
        setProblem(null)
        const first = r.items.find((i) => i.status !== 'not_in_catalogue')
        if (first && catalogue.length === 0)
          api<Page<Indicator>>(`/api/t/${first.tenant}/kpi/indicators`).then(
            (p) => setCatalogue(p.items),
            () => undefined,
          )
      },
      (err: unknown) => setProblem(err instanceof Error ? err.message : String(err)),
    )
  }, [province, indicator, period, catalogue.length])

  const option = useMemo(() => {
    if (!rollup) return null
    const ranked = rollup.items.filter((i) => i.achievement !== null).reverse()
    if (ranked.length === 0) return null
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 200, right: 24, top: 16, bottom: 24 },
      xAxis: { type: 'value', max: 100, name: '%' },
      yAxis: { type: 'category', data: ranked.map((i) => i.name), axisLabel: { width: 190, overflow: 'truncate' } },
      series: [{ type: 'bar', data: ranked.map((i) => i.achievement) }],
    }
  }, [rollup])
  useChart(box, option)

  return (
    <main className="page kpi-rollup">
      <div className="page-top">
        <label>
          {t('kpi.indicator')}{' '}
          <select value={indicator} onChange={(e) => setIndicator(e.target.value)} data-testid="rollup-indicator">
            {(catalogue.length > 0 ? catalogue : [{ code: indicator, name: { id: indicator, en: indicator } }]).map((i) => (
              <option key={i.code} value={i.code}>
                {labelOf(i.name, lang)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('kpi.period')} <input type="month" value={period} onChange={(e) => e.target.value && setPeriod(e.target.value)} />
        </label>
        {rollup && (
          <button
            type="button"
            onClick={() =>
              downloadCsv(`rollup-${province}-${indicator}-${period}.csv`, [
                ['tenant', 'name', 'value', 'unit', 'target', 'achievement', 'status'],
                ...rollup.items.map((i) => [i.tenant, i.name, i.value, i.unit, i.target, i.achievement, i.status]),
              ])
            }
          >
            {t('kpi.csv')}
          </button>
        )}
      </div>
      {problem && <p className="error">{problem}</p>}
      {rollup && (
        <>
          {option && <div className="kpi-chart" ref={box} />}
          <table data-testid="rollup-table">
            <thead>
              <tr>
                <th>#</th>
                <th>{t('kpi.rollup.region')}</th>
                <th>{t('kpi.value')}</th>
                <th>{t('kpi.target')}</th>
                <th>{t('kpi.achievement')}</th>
              </tr>
            </thead>
            <tbody>
              {rollup.items.map((item, index) => (
                <tr key={item.tenant} className={`status-${item.status}`}>
                  <td>{index + 1}</td>
                  <td>{item.status === 'not_in_catalogue' ? item.name : <Link to={`/t/${item.tenant}/kpi`}>{item.name}</Link>}</td>
                  <td>{item.status === 'ok' ? formatValue(item.value, item.unit ?? '', lang) : t(`kpi.status.${item.status}`)}</td>
                  <td>{formatValue(item.target, item.unit ?? '', lang)}</td>
                  <td>{item.achievement === null ? '—' : `${item.achievement.toFixed(1)} %`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </main>
  )
}
