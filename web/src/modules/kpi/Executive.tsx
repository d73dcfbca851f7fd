import { useMemo, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { type Dimension, formatPeriod, formatValue, labelOf, type Overview } from './api.ts'
import { useChart } from './charts.ts'
import { formatMoment } from './Provenance.tsx'

const number = (v: number | null, lang: string, digits = 1) =>
  v === null ? '—' : new Intl.NumberFormat(lang === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: digits }).format(v)
const rupiah = (v: number | null, lang: string) => (v === null ? '—' : `Rp${number(v, lang, 0)}`)

/** A score's change against another period, in a line a reader takes in at a glance: `Nov 2026 ▼ −37,4`. */
function Delta({ now, before, period }: { now: number | null; before: number | null; period: string }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const label = shortPeriod(period, lang)
  if (now === null || before === null) {
    return (
      <span className="kpi-delta none" title={t('kpi.exec.noCompare', { period: formatPeriod(period, lang) })}>
        {label} —
      </span>
    )
  }
  const d = now - before
  const dir = d > 0.05 ? 'up' : d < -0.05 ? 'down' : 'flat'
  return (
    <span className={`kpi-delta ${dir}`} title={t('kpi.exec.vs', { period: formatPeriod(period, lang) })}>
      {label}{' '}
      <b>
        {dir === 'up' ? '▲' : dir === 'down' ? '▼' : '▶'} {d > 0 ? '+' : ''}
        {number(d, lang)}
      </b>
    </span>
  )
}

/** A period in a few letters: `Nov 2026`, `Tw IV 2026`, `2025`. */
function shortPeriod(key: string, lang: string): string {
  const [y, m] = key.split('-')
  if (!m) return y
  if (m.startsWith('Q')) return lang === 'en' ? `${m} ${y}` : `Tw ${['I', 'II', 'III', 'IV'][Number(m[1]) - 1]} ${y}`
  return new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'id-ID', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(
    Date.UTC(Number(y), Number(m) - 1, 1),
  )
}

/** A dimension's 12-period trend with last year's periods beside it. */
function TrendChart({ trend, lang }: { trend: Overview['dimensions'][number]['trend']; lang: string }) {
  const box = useRef<HTMLDivElement>(null)
  const option = useMemo(
    () => ({
      grid: { left: 4, right: 4, top: 6, bottom: 4, containLabel: false },
      tooltip: { trigger: 'axis', valueFormatter: (v: number | null) => (v === null ? '—' : number(v, lang)) },
      xAxis: { type: 'category', data: trend.map((p) => formatPeriod(p.period, lang)), show: false },
      yAxis: { type: 'value', min: 0, max: 100, show: false },
      series: [
        {
          type: 'line',
          data: trend.map((p) => p.score),
          connectNulls: false,
          symbolSize: 4,
          lineStyle: { width: 2, color: '#4f8cff' },
          itemStyle: { color: '#4f8cff' },
          areaStyle: { color: 'rgba(79,140,255,0.15)' },
        },
      ],
    }),
    [trend, lang],
  )
  useChart(box, option)
  return <div className="kpi-trend" ref={box} role="img" aria-label={trend.map((p) => `${formatPeriod(p.period, lang)}: ${p.score ?? '—'}`).join('; ')} />
}

/** The six dimensions, each with its score, its change against the period before and last year, and its trend. */
export function DimensionCards({ overview, selected, onSelect }: { overview: Overview; selected: Dimension | null; onSelect: (d: Dimension) => void }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const previous = overview.dimensions[0]?.trend.at(-2)?.period
  return (
    <div className="kpi-dims" data-testid="kpi-dims">
      {overview.dimensions.map((d) => (
        <button
          type="button"
          key={d.dimension}
          className={`kpi-dim${selected === d.dimension ? ' selected' : ''}`}
          data-testid={`tile-${d.dimension}`}
          aria-pressed={selected === d.dimension}
          onClick={() => onSelect(d.dimension)}
        >
          <span className="kpi-dim-name">{t(`kpi.dimension.${d.dimension}`)}</span>
          <span className="kpi-dim-score" data-testid={`dim-score-${d.dimension}`}>
            {d.score === null ? '—' : number(d.score, lang)}
          </span>
          {previous && <Delta now={d.score} before={d.previousScore} period={previous} />}
          <Delta now={d.score} before={d.lastYearScore} period={overview.period.lastYear} />
          <TrendChart trend={d.trend} lang={lang} />
        </button>
      ))}
    </div>
  )
}

/** What needs the leader's attention now: each line links to the page where it is handled. */
export function Attention({ overview, tenant, timeZone }: { overview: Overview; tenant: string; timeZone: string }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const a = overview.attention
  const base = `/t/${tenant}`
  const overdue = a.overdueComplaints.reduce((s, c) => s + c.count, 0)
  return (
    <section className="kpi-panel kpi-attention" data-testid="kpi-attention">
      <h2>{t('kpi.exec.attention')}</h2>
      <ul className="kpi-attention-list">
        {a.indicators.map((i) => (
          <li key={i.code} className="weak">
            <Link to={`${base}/kpi/indicators/${i.code}`}>
              {labelOf(i.name, lang)}: {formatValue(i.value, i.unit, lang)}
            </Link>{' '}
            <span className="kpi-muted">{t('kpi.exec.ofTarget', { target: formatValue(i.target, i.unit, lang), pct: number(i.achievement, lang) })}</span>
          </li>
        ))}
        <li className={overdue > 0 ? 'bad' : 'ok'} data-testid="attention-complaints">
          <Link to={`${base}/reports/queue`}>{t('kpi.exec.overdueComplaints', { count: overdue })}</Link>
          {a.overdueComplaints.length > 0 && (
            <span className="kpi-muted"> · {a.overdueComplaints.map((c) => `${c.agency ?? t('kpi.exec.noAgency')} ${c.count}`).join(' · ')}</span>
          )}
        </li>
        <li className={a.openP1.count > 0 ? 'bad' : 'ok'} data-testid="attention-p1">
          <Link to={base}>{t('kpi.exec.openP1', { count: a.openP1.count })}</Link>
          {a.openP1.items.map((i) => (
            <span key={i.id} className="kpi-muted">
              {' '}
              · <Link to={`${base}/incidents/${i.id}`}>{labelOf(i.typeName, lang)}</Link>
              {i.kecamatan ? `, ${i.kecamatan.name}` : ''}
            </span>
          ))}
        </li>
        <li className={a.warnings.length > 0 ? 'warn' : 'ok'} data-testid="attention-warnings">
          <Link to={`${base}/alerts`}>{t('kpi.exec.warnings', { count: a.warnings.length })}</Link>
          {a.warnings.map((w) => (
            <span key={w.id} className="kpi-muted">
              {' '}
              · {w.headline} ({t('kpi.exec.until', { when: formatMoment(w.expires, timeZone, lang) })})
            </span>
          ))}
        </li>
        <li className={a.cameras && a.cameras.offline > 0 ? 'bad' : 'ok'} data-testid="attention-cameras">
          <Link to={`${base}/cameras`}>
            {a.cameras ? t('kpi.exec.camerasOffline', { count: a.cameras.offline, total: a.cameras.total }) : t('kpi.exec.camerasUnknown')}
          </Link>
        </li>
        <li className={a.devices && a.devices.offline > 0 ? 'bad' : 'ok'} data-testid="attention-devices">
          <Link to={base}>{a.devices ? t('kpi.exec.devicesOffline', { count: a.devices.offline, total: a.devices.total }) : t('kpi.exec.devicesUnknown')}</Link>
        </li>
      </ul>
    </section>
  )
}

/** Incidents of the period by type (a bar chart) and by kecamatan, with the median response. */
export function IncidentsPanel({ overview, tenant }: { overview: Overview; tenant: string }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const inc = overview.incidents
  const box = useRef<HTMLDivElement>(null)
  const option = useMemo(
    () =>
      inc.byType.length === 0
        ? null
        : {
            grid: { left: 8, right: 24, top: 4, bottom: 4, containLabel: true },
            tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
            xAxis: { type: 'value', minInterval: 1, splitLine: { lineStyle: { color: '#24324d' } } },
            yAxis: { type: 'category', inverse: true, data: inc.byType.map((r) => labelOf(r.name, lang)), axisLabel: { color: '#c9d4e8' } },
            series: [{ type: 'bar', data: inc.byType.map((r) => r.count), itemStyle: { color: '#4f8cff' }, label: { show: true, position: 'right' } }],
          },
    [inc.byType, lang],
  )
  useChart(box, option)
  const minutes = (v: number | null) => (v === null ? '—' : `${number(v, lang)} ${t('kpi.unit.min')}`)
  return (
    <section className="kpi-panel" data-testid="kpi-incidents">
      <h2>
        <Link to={`/t/${tenant}`}>{t('kpi.exec.incidents')}</Link>
      </h2>
      <p className="kpi-big" data-testid="incidents-count">
        {inc.count} <span className="kpi-muted">{t('kpi.exec.lastYear', { value: inc.lastYearCount })}</span>
      </p>
      <p className="kpi-muted">{t('kpi.exec.response', { value: minutes(inc.responseP50), count: inc.responded })}</p>
      {option && <div className="kpi-bars" ref={box} style={{ height: `${Math.max(90, inc.byType.length * 30)}px` }} />}
      <table>
        <thead>
          <tr>
            <th>{t('kpi.exec.kecamatan')}</th>
            <th className="num">{t('kpi.exec.count')}</th>
            <th className="num">{t('kpi.exec.median')}</th>
          </tr>
        </thead>
        <tbody>
          {inc.byKecamatan.map((k) => (
            <tr key={k.code ?? 'none'}>
              <td>{k.name ?? t('kpi.exec.outside')}</td>
              <td className="num">{k.count}</td>
              <td className="num">{minutes(k.responseP50)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
}

/** Complaints resolved within SLA per OPD over the period. */
export function ComplaintsPanel({ overview, tenant }: { overview: Overview; tenant: string }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const c = overview.complaints
  return (
    <section className="kpi-panel" data-testid="kpi-complaints">
      <h2>
        <Link to={`/t/${tenant}/reports/queue`}>{t('kpi.exec.complaints')}</Link>
      </h2>
      <p className="kpi-big">
        {c.slaPct === null ? '—' : `${number(c.slaPct, lang)} %`} <span className="kpi-muted">{t('kpi.exec.resolved', { count: Math.round(c.resolved) })}</span>
      </p>
      {c.byAgency.length === 0 ? (
        <p className="kpi-muted">{t('kpi.exec.noneResolved')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('kpi.exec.agency')}</th>
              <th className="num">{t('kpi.exec.resolvedShort')}</th>
              <th className="num">{t('kpi.exec.withinSla')}</th>
            </tr>
          </thead>
          <tbody>
            {c.byAgency.map((a) => (
              <tr key={a.agencyId ?? 'none'}>
                <td>{a.agency ?? t('kpi.exec.noAgency')}</td>
                <td className="num">{a.resolved}</td>
                <td className="num">{a.slaPct === null ? '—' : `${number(a.slaPct, lang)} %`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}

/** Levies realised against the markets' targets for the period, and the same period last year. */
export function LeviesPanel({ overview, tenant }: { overview: Overview; tenant: string }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language
  const l = overview.levies
  const pct = l.pct === null ? null : Math.min(100, l.pct)
  return (
    <section className="kpi-panel" data-testid="kpi-levies">
      <h2>
        <Link to={`/t/${tenant}/levies`}>{t('kpi.exec.levies')}</Link>
      </h2>
      <p className="kpi-big" data-testid="levies-realised">
        {rupiah(l.realised, lang)}
      </p>
      <p className="kpi-muted">
        {l.target === null ? t('kpi.exec.noTarget') : t('kpi.exec.ofLevyTarget', { target: rupiah(l.target, lang), pct: number(l.pct, lang) })}
      </p>
      {pct !== null && (
        <div className="kpi-progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct}>
          <span style={{ width: `${pct}%` }} />
        </div>
      )}
      <p className="kpi-muted">
        {t('kpi.exec.levyPayments', { count: l.payments })} · {t('kpi.exec.lastYearRp', { value: rupiah(l.lastYearRealised, lang) })}
      </p>
    </section>
  )
}

/** Rojak findings handed to OPDs: open and overdue per OPD. */
export function FindingsPanel({ overview, tenant }: { overview: Overview; tenant: string }) {
  const { t } = useTranslation()
  const f = overview.findings
  return (
    <section className="kpi-panel" data-testid="kpi-findings">
      <h2>
        <Link to={`/t/${tenant}/patrols/findings`}>{t('kpi.exec.findings')}</Link>
      </h2>
      {f.length === 0 ? (
        <p className="kpi-muted">{t('kpi.exec.noFindings')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th>{t('kpi.exec.agency')}</th>
              <th className="num">{t('kpi.exec.open')}</th>
              <th className="num">{t('kpi.exec.overdue')}</th>
            </tr>
          </thead>
          <tbody>
            {f.map((r) => (
              <tr key={r.agencyId ?? 'none'} className={r.overdue > 0 ? 'bad' : ''}>
                <td>{r.agency ?? t('kpi.exec.noAgency')}</td>
                <td className="num">{r.open}</td>
                <td className="num">{r.overdue}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  )
}
