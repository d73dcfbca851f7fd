import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import { api, type Page, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { currentMonth, downloadCsv, formatValue, type Indicator, labelOf, previousMonth, type Rollup } from './api.ts'
import { Choropleth, type ChoroplethScale } from './Choropleth.tsx'
import { useChart } from './charts.ts'

// Achievement runs from 0 to 100 % whatever the indicator's unit, so every region shares one scale.
const ACHIEVEMENT: ChoroplethScale = { low: 0, high: 100, better: 'higher' }
const percent = (v: number) => `${v.toFixed(0)} %`

/** A province: one indicator for each of its cities and regencies side by side, ranked; drill into one read-only. */
export function RollupPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('kpi.rollup.title')}>{({ tenant, config }) => <RollupView tenant={tenant} config={config} />}</StaffFrame>
}

function RollupView({ tenant, config }: { tenant: Tenant; config: PlatformConfig }) {
  const { t, i18n } = useTranslation()
  const navigate = useNavigate()
  const lang = i18n.language
  const { code: province, timezone: timeZone } = tenant
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
      (err: unknown) => setProblem(problemText(err)),
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

  const achieved = useMemo(() => (rollup?.items ?? []).flatMap((i) => (i.achievement === null ? [] : [{ key: i.tenant, value: i.achievement }])), [rollup])
  const itemOf = (code: string) => rollup?.items.find((i) => i.tenant === code)
  // A region on the map that is no tenant of this install has nothing to show.
  const describe = (code: string) => {
    const item = itemOf(code)
    if (!item) return t('kpi.map.notOnPlatform')
    if (item.status !== 'ok') return t(`kpi.status.${item.status}`)
    const unit = item.unit ?? ''
    const reached = item.achievement === null ? '' : ` · ${t('kpi.achievement')} ${percent(item.achievement)}`
    return `${formatValue(item.value, unit, lang)} (${t('kpi.target')} ${formatValue(item.target, unit, lang)})${reached}`
  }
  const drill = (code: string) => {
    const item = itemOf(code)
    if (item && item.status !== 'not_in_catalogue') navigate(`/t/${code}/kpi`)
  }

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
          <Choropleth tenant={tenant} config={config} values={achieved} scale={ACHIEVEMENT} format={percent} describe={describe} onOpen={drill} />
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
