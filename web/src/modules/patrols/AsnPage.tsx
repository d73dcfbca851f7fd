import * as echarts from 'echarts'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { Role, Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import {
  type DisciplineRow,
  fetchDiscipline,
  fetchImport,
  fetchLadder,
  type ImportResult,
  type ImportState,
  type LadderRow,
  resultOf,
  uploadCsv,
} from './api.ts'

const KINDS = ['staff', 'attendance', 'activities'] as const

function lastMonth(): string {
  const d = new Date()
  d.setUTCDate(1)
  d.setUTCMonth(d.getUTCMonth() - 1)
  return d.toISOString().slice(0, 7)
}

// How often a queued import's progress is asked for while its job writes it.
const POLL_MS = 1000

function Importer({ tenant, onDone }: { tenant: Tenant; onDone: () => void }) {
  const { t, i18n } = useTranslation()
  const [kind, setKind] = useState<(typeof KINDS)[number]>('attendance')
  // Sending the file, then (a large file) the server writing its rows.
  const [progress, setProgress] = useState<{ phase: 'upload'; share: number } | { phase: 'write'; done: number; total: number } | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const alive = useRef(true)
  useEffect(
    () => () => {
      alive.current = false
    },
    [],
  )
  async function written(queued: ImportState): Promise<ImportResult> {
    let state = queued
    while (state.state === 'queued' || state.state === 'running') {
      if (alive.current) setProgress({ phase: 'write', done: state.done, total: state.total })
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
      if (!alive.current) break
      state = await fetchImport(tenant.code, queued.id)
    }
    if (state.state === 'failed') throw new Error(t('patrols.asn.failed', { reason: state.failure ?? '' }))
    return resultOf(state)
  }
  async function send(file: File) {
    setProblem(null)
    setResult(null)
    setProgress({ phase: 'upload', share: 0 })
    try {
      const answer = await uploadCsv(tenant.code, kind, file, (share) => setProgress({ phase: 'upload', share }))
      const outcome = 'result' in answer ? answer.result : await written(answer.queued)
      if (!alive.current) return
      setResult(outcome)
      onDone()
    } catch (err) {
      if (alive.current) setProblem(problemText(err))
    } finally {
      if (alive.current) setProgress(null)
    }
  }
  const number = (n: number) => n.toLocaleString(i18n.language)
  return (
    <section className="asn-import" data-testid="asn-import">
      <h2>{t('patrols.asn.import')}</h2>
      <label>
        {t('patrols.asn.kind')}
        <select value={kind} onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])} disabled={progress !== null}>
          {KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`patrols.asn.kinds.${k}`)}
            </option>
          ))}
        </select>
      </label>
      <input type="file" accept=".csv,text/csv" disabled={progress !== null} onChange={(e) => e.target.files?.[0] && send(e.target.files[0])} />
      {progress?.phase === 'upload' && (
        <p className="import-progress">
          <progress max={1} value={progress.share} data-testid="import-progress" aria-label={t('patrols.asn.uploading')} />
          <span>{t('patrols.asn.uploading')}</span>
        </p>
      )}
      {progress?.phase === 'write' && (
        <p className="import-progress">
          <progress max={Math.max(progress.total, 1)} value={progress.done} data-testid="import-progress" aria-label={t('patrols.asn.writing')} />
          <span>{t('patrols.asn.writingRows', { done: number(progress.done), total: number(progress.total) })}</span>
        </p>
      )}
      {problem && <p className="error">{problem}</p>}
      {result && (
        <div data-testid="import-result">
          <p>{t('patrols.asn.result', { imported: number(result.imported), updated: number(result.updated), rejectedCount: number(result.rejectedCount) })}</p>
          {result.rejected.length > 0 && (
            <div className="table-scroll">
              <table className="followups">
                <thead>
                  <tr>
                    <th>{t('patrols.asn.row')}</th>
                    <th>{t('patrols.asn.field')}</th>
                    <th>{t('patrols.asn.reason')}</th>
                  </tr>
                </thead>
                <tbody>
                  {result.rejected.map((r) => (
                    <tr key={`${r.row}-${r.field}`}>
                      <td>{r.row}</td>
                      <td>{r.field}</td>
                      <td>{r.message}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </div>
      )}
    </section>
  )
}

function OnTimeChart({ items }: { items: DisciplineRow[] }) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!ref.current) return
    const chart = echarts.init(ref.current)
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 8, bottom: 32, containLabel: true },
      xAxis: { type: 'category', data: items.map((i) => i.agency), axisLabel: { rotate: 30, width: 120, overflow: 'truncate' } },
      yAxis: [
        { type: 'value', max: 100, name: '%' },
        { type: 'value', name: t('patrols.asn.tkDays'), minInterval: 1 },
      ],
      series: [
        { name: t('patrols.asn.onTime'), type: 'bar', data: items.map((i) => i.onTimePct), color: '#16a34a' },
        { name: t('patrols.asn.tkDays'), type: 'line', yAxisIndex: 1, data: items.map((i) => i.tkDays), color: '#e5484d' },
      ],
    })
    // A phone turned or a window resized: the chart follows its box.
    const resized = new ResizeObserver(() => chart.resize())
    resized.observe(ref.current)
    return () => {
      resized.disconnect()
      chart.dispose()
    }
  }, [items, t])
  return <div ref={ref} style={{ height: 320 }} />
}

function Asn({ tenant, roles }: { tenant: Tenant; roles: Set<Role> }) {
  const { t } = useTranslation()
  const [month, setMonth] = useState(lastMonth)
  const [rows, setRows] = useState<DisciplineRow[]>([])
  const [ladder, setLadder] = useState<LadderRow[]>([])
  const load = useCallback(() => {
    fetchDiscipline(tenant.code, month).then(
      (r) => setRows(r.items),
      () => setRows([]),
    )
    fetchLadder(tenant.code, Number(month.slice(0, 4))).then(
      (r) => setLadder(r.items),
      () => setLadder([]),
    )
  }, [tenant.code, month])
  useEffect(load, [load])
  return (
    <main className="patrol-findings" data-testid="asn-page">
      {roles.has('admin') && <Importer tenant={tenant} onDone={load} />}
      <section>
        <h2>
          {t('patrols.asn.perAgency')}{' '}
          <input type="month" value={month} onChange={(e) => e.target.value && setMonth(e.target.value)} aria-label={t('patrols.asn.month')} />
        </h2>
        {rows.length > 0 && <OnTimeChart items={rows} />}
        <div className="table-scroll">
          <table className="followups" data-testid="discipline">
            <thead>
              <tr>
                <th>{t('patrols.findings.agency')}</th>
                <th>{t('patrols.asn.staff')}</th>
                <th>{t('patrols.asn.workdays')}</th>
                <th>{t('patrols.asn.onTime')}</th>
                <th>{t('patrols.asn.tkDays')}</th>
                <th>TL ({t('patrols.asn.minutes')})</th>
                <th>PSW ({t('patrols.asn.minutes')})</th>
                <th>{t('patrols.asn.activityHours')}</th>
                <th>{t('patrols.findings.list')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.agencyId}>
                  <td>{r.agency}</td>
                  <td>{r.staff}</td>
                  <td>{r.workdays}</td>
                  <td>{r.onTimePct === null ? '–' : `${r.onTimePct}%`}</td>
                  <td>{r.tkDays}</td>
                  <td>{r.tlMinutes}</td>
                  <td>{r.pswMinutes}</td>
                  <td>{r.activityHours}</td>
                  <td className={r.overdueFindings > 0 ? 'overdue' : ''}>
                    {r.openFindings} / {r.overdueFindings}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section>
        <h2>{t('patrols.asn.ladder', { year: month.slice(0, 4) })}</h2>
        <div className="table-scroll">
          <table className="followups" data-testid="ladder">
            <thead>
              <tr>
                <th>NIP</th>
                <th>{t('patrols.field.asnName')}</th>
                <th>{t('patrols.findings.agency')}</th>
                <th>{t('patrols.asn.tkDays')}</th>
                <th>{t('patrols.asn.step')}</th>
                <th>{t('patrols.findings.list')}</th>
              </tr>
            </thead>
            <tbody>
              {ladder.map((r) => (
                <tr key={r.staffId}>
                  <td>{r.nip}</td>
                  <td>
                    <Link to={`/t/${tenant.code}/asn/people/${r.staffId}?month=${month}`}>{r.name}</Link>
                  </td>
                  <td>{r.agency}</td>
                  <td title={r.tkDates.join(', ')}>{r.tkDays}</td>
                  <td>{t(`patrols.asn.steps.${r.step}`, { defaultValue: r.step })}</td>
                  <td>{r.findings}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
    </main>
  )
}

/** ASN attendance per OPD: imports with progress and row errors, the monthly view with charts, the discipline ladder. */
export function AsnPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('patrols.asn.title')}>{({ tenant, roles }) => <Asn tenant={tenant} roles={roles} />}</StaffFrame>
}
