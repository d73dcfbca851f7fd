import * as echarts from 'echarts'
import { useCallback, useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useSearchParams } from 'react-router-dom'
import type { Role, Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  actOnFinding,
  type Finding,
  type FindingType,
  type FollowUp,
  fetchAgencies,
  fetchFinding,
  fetchFindings,
  fetchFollowUps,
  fetchTypes,
  RESPONSE_ACTIONS,
} from './api.ts'

const FILTERS = ['open', 'overdue', 'responded', 'handed_off', 'recorded', 'closed', ''] as const

function FollowUpChart({ items }: { items: FollowUp[] }) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!ref.current) return
    const chart = echarts.init(ref.current)
    const names = items.map((i) => i.agency ?? i.agencyId)
    chart.setOption({
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 8, right: 8, top: 8, bottom: 32, containLabel: true },
      xAxis: { type: 'value', minInterval: 1 },
      yAxis: { type: 'category', data: names, axisLabel: { width: 180, overflow: 'truncate' } },
      series: [
        { name: t('patrols.findings.overdue'), type: 'bar', stack: 'all', data: items.map((i) => i.overdue), color: '#e5484d' },
        { name: t('patrols.findings.openInTime'), type: 'bar', stack: 'all', data: items.map((i) => i.open - i.overdue), color: '#f5a524' },
        { name: t('patrols.status.responded'), type: 'bar', stack: 'all', data: items.map((i) => i.responded), color: '#3b82f6' },
        { name: t('patrols.status.closed'), type: 'bar', stack: 'all', data: items.map((i) => i.closed), color: '#16a34a' },
      ],
    })
    const resize = () => chart.resize()
    window.addEventListener('resize', resize)
    return () => {
      window.removeEventListener('resize', resize)
      chart.dispose()
    }
  }, [items, t])
  return <div ref={ref} className="followup-chart" style={{ height: Math.max(160, items.length * 32 + 60) }} />
}

function Findings({ tenant, roles }: { tenant: Tenant; roles: Set<Role> }) {
  const { t, i18n } = useTranslation()
  const lang = i18n.language === 'en' ? 'en' : 'id'
  const [filter, setFilter] = useState<string>('open')
  const [findings, setFindings] = useState<Finding[]>([])
  const [followUps, setFollowUps] = useState<FollowUp[]>([])
  const [types, setTypes] = useState<FindingType[]>([])
  const [agencies, setAgencies] = useState<Map<string, string>>(new Map())
  const [problem, setProblem] = useState<string | null>(null)
  // A report or incident links here with `?id=` to show the one finding it came from.
  const [params, setParams] = useSearchParams()
  const onlyId = params.get('id')
  const seesFollowUps = ['admin', 'operator', 'patrol_officer', 'executive'].some((r) => roles.has(r as Role))

  const load = useCallback(() => {
    ;(onlyId ? fetchFinding(tenant.code, onlyId).then((f) => [f]) : fetchFindings(tenant.code, filter).then((p) => p.items)).then(setFindings, () =>
      setFindings([]),
    )
    if (seesFollowUps)
      fetchFollowUps(tenant.code).then(
        (r) => setFollowUps(r.items),
        () => undefined,
      )
  }, [tenant.code, filter, onlyId, seesFollowUps])
  useEffect(load, [load])
  useEffect(() => {
    fetchTypes(tenant.code).then(
      (p) => setTypes(p.items),
      () => undefined,
    )
    fetchAgencies(tenant.code).then(
      (p) => setAgencies(new Map(p.items.map((a) => [a.id, a.name]))),
      () => undefined,
    )
  }, [tenant.code])
  useLiveEvents(['patrol_findings'], load)

  async function act(f: Finding, step: 'respond' | 'close' | 'reopen', body?: Record<string, unknown>) {
    setProblem(null)
    try {
      await actOnFinding(tenant.code, f.id, step, body)
      load()
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  return (
    <main className="patrol-findings" data-testid="patrol-findings">
      {seesFollowUps && followUps.length > 0 && (
        <section>
          <h2>{t('patrols.findings.perAgency')}</h2>
          <FollowUpChart items={followUps} />
          <table className="followups" data-testid="followups">
            <thead>
              <tr>
                <th>{t('patrols.findings.agency')}</th>
                <th>{t('patrols.status.open')}</th>
                <th>{t('patrols.findings.overdue')}</th>
                <th>{t('patrols.status.responded')}</th>
                <th>{t('patrols.status.closed')}</th>
              </tr>
            </thead>
            <tbody>
              {followUps.map((r) => (
                <tr key={r.agencyId}>
                  <td>{r.agency ?? r.agencyId}</td>
                  <td>{r.open}</td>
                  <td className={r.overdue > 0 ? 'overdue' : ''}>{r.overdue}</td>
                  <td>{r.responded}</td>
                  <td>{r.closed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      <section>
        <h2>{t('patrols.findings.list')}</h2>
        <div className="filters">
          {FILTERS.map((f) => (
            <button
              key={f || 'all'}
              type="button"
              className={`chip ${!onlyId && filter === f ? 'active' : ''}`}
              onClick={() => {
                setParams({})
                setFilter(f)
              }}
            >
              {f ? t(`patrols.status.${f}`) : t('patrols.findings.all')}
            </button>
          ))}
        </div>
        {problem && <p className="error">{problem}</p>}
        {findings.length === 0 && <p className="muted">{t('patrols.findings.none')}</p>}
        <ul className="finding-list">
          {findings.map((f) => (
            <li key={f.id} data-testid="finding" data-number={f.number} data-status={f.status} className={f.overdue ? 'overdue' : ''}>
              <div>
                <strong>{f.number}</strong> · {types.find((x) => x.code === f.type)?.label[lang] ?? f.type} · {t(`patrols.status.${f.status}`)}
                {f.overdue && <span className="badge overdue"> {t('patrols.findings.overdue')}</span>}
              </div>
              <div className="muted small">
                {formatTime(f.at, tenant.timezone, i18n.language)} · {f.kelurahan?.name ?? ''}
                {f.agencyId && ` · ${agencies.get(f.agencyId) ?? ''}`}
                {f.dueAt && ` · ${t('patrols.findings.due')} ${formatTime(f.dueAt, tenant.timezone, i18n.language)}`}
              </div>
              {f.nip && (
                <div className="small">
                  {f.asnName} · NIP {f.nip}
                </div>
              )}
              <p>{f.description}</p>
              {f.photos.length > 0 && (
                <div className="photos">
                  {f.photos.map((p) => (
                    <a key={p.id} href={p.url} target="_blank" rel="noreferrer">
                      <img src={p.url} alt="" loading="lazy" />
                    </a>
                  ))}
                </div>
              )}
              {(f.reportId || f.incidentId) && (
                <p className="small">
                  {t('patrols.findings.handedTo')}{' '}
                  <Link to={f.reportId ? `/t/${tenant.code}/reports/${f.reportId}` : `/t/${tenant.code}/incidents/${f.incidentId}`}>
                    {f.reportNumber ?? f.incidentNumber}
                  </Link>
                </p>
              )}
              {f.response && (
                <p className="small">
                  {t(`patrols.actions.${f.response.action}`)} — {f.response.note} ({f.response.by})
                </p>
              )}
              {f.mayRespond && (
                <form
                  className="respond"
                  onSubmit={(e) => {
                    e.preventDefault()
                    const form = new FormData(e.currentTarget)
                    act(f, 'respond', { action: form.get('action'), note: form.get('note') })
                  }}
                >
                  <select name="action" required defaultValue="">
                    <option value="" disabled>
                      {t('patrols.findings.action')}
                    </option>
                    {RESPONSE_ACTIONS.map((a) => (
                      <option key={a} value={a}>
                        {t(`patrols.actions.${a}`)}
                      </option>
                    ))}
                  </select>
                  <input name="note" required minLength={3} placeholder={t('patrols.findings.note')} />
                  <button type="submit" className="button">
                    {t('patrols.findings.respond')}
                  </button>
                </form>
              )}
              {f.mayClose && (
                <button type="button" className="button" data-testid="close" onClick={() => act(f, 'close')}>
                  {t('patrols.findings.close')}
                </button>
              )}
              {f.mayReopen && (
                <button type="button" className="button" data-testid="reopen" onClick={() => act(f, 'reopen')}>
                  {t('patrols.findings.reopen')}
                </button>
              )}
            </li>
          ))}
        </ul>
      </section>
    </main>
  )
}

/** OPD heads' inbox, the inspectorate's review and the leaders' view of Rojak findings per OPD. */
export function FindingsPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('patrols.findings.title')}>{({ tenant, roles }) => <Findings tenant={tenant} roles={roles} />}</StaffFrame>
}
