import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router-dom'
import { api, type Page, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { currentMonth, downloadCsv, formatValue, labelOf, type Series } from './api.ts'
import { Choropleth, type ChoroplethScale } from './Choropleth.tsx'
import { useChart } from './charts.ts'

/** The range shown for each frequency: a year of months, five years, or thirty days. */
function range(frequency: Series['indicator']['frequency'], timeZone: string): { from: string; to: string } {
  const month = currentMonth(timeZone)
  if (frequency === 'yearly') return { from: String(Number(month.slice(0, 4)) - 4), to: month.slice(0, 4) }
  if (frequency === 'monthly') {
    const [y, m] = month.split('-').map(Number)
    const start = new Date(Date.UTC(y, m - 12, 1))
    return { from: start.toISOString().slice(0, 7), to: month }
  }
  const today = new Intl.DateTimeFormat('en-CA', { timeZone }).format(new Date())
  return { from: new Date(Date.parse(today) - 29 * 86_400_000).toISOString().slice(0, 10), to: today }
}

/** One indicator: its series against the target line, its breakdown ranked, its source and formula. */
export function IndicatorPage() {
  const { t } = useTranslation()
  return (
    <StaffFrame title={t('kpi.title')}>
      {({ tenant, config, roles }) => <IndicatorView tenant={tenant} config={config} isAdmin={roles.has('admin')} />}
    </StaffFrame>
  )
}

function IndicatorView({ tenant: tenantInfo, config, isAdmin }: { tenant: Tenant; config: PlatformConfig; isAdmin: boolean }) {
  const { t, i18n } = useTranslation()
  const { code: tenant, timezone: timeZone } = tenantInfo
  const lang = i18n.language
  const { code = '' } = useParams()
  const [series, setSeries] = useState<Series | null>(null)
  const [by, setBy] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const lineBox = useRef<HTMLDivElement>(null)
  const barBox = useRef<HTMLDivElement>(null)

  const load = useCallback(() => {
    api<Series['indicator']>(`/api/t/${tenant}/kpi/indicators/${code}`)
      .then((indicator) => {
        const r = range(indicator.frequency, timeZone)
        const breakdown = indicator.breakdowns[0]
        setBy((current) => current ?? breakdown ?? null)
        const query = `from=${r.from}&to=${r.to}${(by ?? breakdown) ? `&by=${by ?? breakdown}` : ''}`
        return api<Series>(`/api/t/${tenant}/kpi/indicators/${code}/values?${query}`).then(setSeries)
      })
      .catch((err: unknown) => setProblem(problemText(err)))
  }, [tenant, code, timeZone, by])
  useEffect(load, [load])

  const latest = series ? [...series.items].reverse().find((p) => p.status === 'ok') : undefined
  // The map shows the latest period that has a breakdown, even when the whole-city value is missing.
  const mapped = series ? [...series.items].reverse().find((p) => (p.breakdowns?.length ?? 0) > 0) : undefined
  const mappedValues = mapped?.breakdowns
  const mappedScale = useMemo<ChoroplethScale | null>(() => {
    const numbers = mappedValues?.map((b) => b.value) ?? []
    if (!series || numbers.length === 0) return null
    return { low: Math.min(...numbers), high: Math.max(...numbers), better: series.indicator.direction }
  }, [mappedValues, series])
  const lineOption = useMemo(() => {
    if (!series) return null
    const unit = series.indicator.unit
    return {
      tooltip: { trigger: 'axis' },
      legend: { data: [t('kpi.value'), t('kpi.target')], top: 0 },
      grid: { left: 64, right: 24, top: 36, bottom: 32 },
      xAxis: { type: 'category', data: series.items.map((p) => p.period) },
      yAxis: { type: 'value', name: unit, scale: true },
      series: [
        { name: t('kpi.value'), type: 'line', connectNulls: false, data: series.items.map((p) => p.value) },
        { name: t('kpi.target'), type: 'line', step: 'middle', lineStyle: { type: 'dashed' }, showSymbol: false, data: series.items.map((p) => p.target) },
      ],
    }
  }, [series, t])
  const barOption = useMemo(() => {
    const rows = latest?.breakdowns ?? []
    if (rows.length === 0) return null
    const ranked = [...rows].reverse()
    return {
      tooltip: { trigger: 'axis' },
      grid: { left: 180, right: 24, top: 16, bottom: 24 },
      xAxis: { type: 'value' },
      yAxis: { type: 'category', data: ranked.map((r) => r.key), axisLabel: { width: 170, overflow: 'truncate' } },
      series: [{ type: 'bar', data: ranked.map((r) => r.value) }],
    }
  }, [latest])
  useChart(lineBox, lineOption)
  useChart(barBox, barOption)

  if (problem)
    return (
      <main className="page">
        <p className="error">{problem}</p>
      </main>
    )
  if (!series) return <main className="page loading">…</main>
  const indicator = series.indicator
  return (
    <main className="page kpi-indicator">
      <div className="page-top">
        <h2 data-testid="kpi-indicator-name">{labelOf(indicator.name, lang)}</h2>
        <span className="pill">{t(`kpi.dimension.${indicator.dimension}`)}</span>
        <span className="pill">
          {t(`kpi.sourceKind.${indicator.source}`)}
          {indicator.module ? ` · ${indicator.module}` : ''}
        </span>
        <OwnerField tenant={tenant} code={indicator.code} agencyId={indicator.agencyId} isAdmin={isAdmin} onSaved={load} />
        <button
          type="button"
          className="button"
          onClick={() =>
            downloadCsv(`${indicator.code}-${tenant}.csv`, [
              ['period', 'value', 'target', 'achievement', 'status'],
              ...series.items.map((p) => [p.period, p.value, p.target, p.achievement, p.status]),
            ])
          }
        >
          {t('kpi.csv')}
        </button>
      </div>
      {indicator.availability === 'not_available' && <p className="kpi-na">{t('kpi.status.not_available')}</p>}
      <details className="kpi-formula">
        <summary>{t('kpi.formula')}</summary>
        <p>{labelOf(indicator.formula, lang) || t('kpi.noFormula')}</p>
      </details>
      <div className="kpi-chart" ref={lineBox} data-testid="kpi-series-chart" />
      {indicator.breakdowns.length > 0 && (
        <section>
          <h3>
            {t('kpi.breakdown')} {latest ? `· ${latest.period}` : ''}{' '}
            <select value={by ?? ''} onChange={(e) => setBy(e.target.value)}>
              {indicator.breakdowns.map((b) => (
                <option key={b} value={b}>
                  {t(`kpi.by.${b}`)}
                </option>
              ))}
            </select>{' '}
            {latest?.breakdowns && latest.breakdowns.length > 0 && (
              <button
                type="button"
                className="button"
                onClick={() =>
                  downloadCsv(`${indicator.code}-${tenant}-${latest.period}-${by}.csv`, [
                    ['period', 'by', 'key', 'value'],
                    ...(latest.breakdowns ?? []).map((b) => [latest.period, by, b.key, b.value]),
                  ])
                }
              >
                {t('kpi.csv')}
              </button>
            )}
          </h3>
          {barOption ? <div className="kpi-chart" ref={barBox} data-testid="kpi-breakdown-chart" /> : <p>{t('kpi.noBreakdown')}</p>}
          {(by === 'kecamatan' || by === 'kelurahan') && mapped && mappedValues && mappedScale && (
            <>
              <h4>{mapped.period}</h4>
              <Choropleth
                tenant={tenantInfo}
                config={config}
                level={by}
                values={mappedValues}
                scale={mappedScale}
                format={(v) => formatValue(v, indicator.unit, lang)}
              />
            </>
          )}
        </section>
      )}
      <table className="kpi-series">
        <thead>
          <tr>
            <th>{t('kpi.period')}</th>
            <th>{t('kpi.value')}</th>
            <th>{t('kpi.target')}</th>
            <th>{t('kpi.achievement')}</th>
            {indicator.source === 'entered' && <th>{t('kpi.note')}</th>}
          </tr>
        </thead>
        <tbody>
          {[...series.items].reverse().map((p) => (
            <tr key={p.period} className={`status-${p.status}`}>
              <td>{p.period}</td>
              <td>
                {p.status === 'ok'
                  ? formatValue(p.value, indicator.unit, lang)
                  : t(p.status === 'missing' && indicator.source === 'computed' ? 'kpi.noData' : `kpi.status.${p.status}`)}
              </td>
              <td>{formatValue(p.target, indicator.unit, lang)}</td>
              <td>{p.achievement === null ? '—' : `${p.achievement.toFixed(1)} %`}</td>
              {indicator.source === 'entered' && (
                <td>
                  {p.note ?? ''} {p.evidenceUrl && <a href={p.evidenceUrl}>{t('kpi.evidence')}</a>} {p.version ? `v${p.version} · ${p.updatedBy ?? ''}` : ''}
                </td>
              )}
            </tr>
          ))}
        </tbody>
      </table>
      {indicator.mayEnter && <EntryForm tenant={tenant} code={indicator.code} frequency={indicator.frequency} onSaved={load} />}
    </main>
  )
}

interface Agency {
  id: string
  name: string
  shortName: string | null
}

/** The OPD that owns an indicator and enters its values: admins choose it, everyone else reads it. */
function OwnerField({
  tenant,
  code,
  agencyId,
  isAdmin,
  onSaved,
}: {
  tenant: string
  code: string
  agencyId: string | null
  isAdmin: boolean
  onSaved: () => void
}) {
  const { t } = useTranslation()
  const [agencies, setAgencies] = useState<Agency[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  useEffect(() => {
    api<Page<Agency>>(`/api/t/${tenant}/agencies?limit=200`).then(
      (p) => setAgencies(p.items),
      () => setAgencies([]),
    )
  }, [tenant])
  const nameOf = (a: Agency) => a.shortName ?? a.name
  if (!isAdmin) {
    const owner = agencies.find((a) => a.id === agencyId)
    return (
      <span className="pill" data-testid="kpi-owner">
        {t('kpi.owner.label')}: {owner ? nameOf(owner) : t('kpi.owner.none')}
      </span>
    )
  }
  return (
    <label className="pill">
      {t('kpi.owner.label')}{' '}
      <select
        data-testid="kpi-owner"
        value={agencyId ?? ''}
        onChange={(e) =>
          api(`/api/t/${tenant}/kpi/indicators/${code}`, { method: 'PATCH', body: { agencyId: e.target.value || null } }).then(
            () => {
              setProblem(null)
              onSaved()
            },
            (err: unknown) => setProblem(problemText(err)),
          )
        }
      >
        <option value="">{t('kpi.owner.none')}</option>
        {agencies.map((a) => (
          <option key={a.id} value={a.id}>
            {nameOf(a)}
          </option>
        ))}
      </select>
      {problem && <span className="error">{problem}</span>}
    </label>
  )
}

/** An OPD officer enters (or corrects) a value with a note and an evidence link. */
function EntryForm({ tenant, code, frequency, onSaved }: { tenant: string; code: string; frequency: string; onSaved: () => void }) {
  const { t } = useTranslation()
  const [period, setPeriod] = useState('')
  const [value, setValue] = useState('')
  const [note, setNote] = useState('')
  const [evidenceUrl, setEvidenceUrl] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  return (
    <form
      className="kpi-entry"
      onSubmit={(e) => {
        e.preventDefault()
        const body = { period, value: Number(value), ...(note ? { note } : {}), ...(evidenceUrl ? { evidenceUrl } : {}) }
        api(`/api/t/${tenant}/kpi/indicators/${code}/values`, { method: 'POST', body }).then(
          () => {
            setProblem(null)
            onSaved()
          },
          (err: unknown) => setProblem(problemText(err)),
        )
      }}
    >
      <h3>{t('kpi.enter')}</h3>
      <input
        required
        placeholder={frequency === 'yearly' ? 'YYYY' : frequency === 'monthly' ? 'YYYY-MM' : 'YYYY-MM-DD'}
        value={period}
        onChange={(e) => setPeriod(e.target.value)}
        aria-label={t('kpi.period')}
      />
      <input
        required
        type="number"
        step="any"
        value={value}
        onChange={(e) => setValue(e.target.value)}
        aria-label={t('kpi.value')}
        placeholder={t('kpi.value')}
      />
      <input value={note} onChange={(e) => setNote(e.target.value)} aria-label={t('kpi.note')} placeholder={t('kpi.note')} />
      <input type="url" value={evidenceUrl} onChange={(e) => setEvidenceUrl(e.target.value)} aria-label={t('kpi.evidence')} placeholder="https://…" />
      <button type="submit" className="button primary">
        {t('kpi.save')}
      </button>
      {problem && <p className="error">{problem}</p>}
    </form>
  )
}
