import { type FormEvent, lazy, type ReactNode, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { api, type Page } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import type { StaffContext } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { useNow } from '../incidents/useDispatchData.ts'
import {
  type Agency,
  act,
  addNote,
  type Category,
  countdown,
  fetchReport,
  fetchReports,
  label,
  type Report,
  type ReportDetail,
  raiseIncident,
  STATUS_COLORS,
  slaClass,
  uploadProofPhoto,
} from './api.ts'

// The map (MapLibre) loads when a report is opened, not with the list of reports.
const ReportMap = lazy(() => import('./ReportMap.tsx').then((m) => ({ default: m.ReportMap })))

type IncidentType = { code: string; label: { id: string; en: string } }

/** A small form for one action that needs text: reject, hand back, notes. */
function TextAction({ name, field, onSubmit, children }: { name: string; field: string; onSubmit: (text: string) => Promise<void>; children?: ReactNode }) {
  const [text, setText] = useState('')
  return (
    <form
      className="report-action"
      data-testid={`action-${name}`}
      onSubmit={(e: FormEvent) => {
        e.preventDefault()
        if (text.trim().length >= 3) onSubmit(text.trim()).then(() => setText(''))
      }}
    >
      <input value={text} onChange={(e) => setText(e.target.value)} placeholder={field} aria-label={field} name={name} minLength={3} required />
      {children}
    </form>
  )
}

/** One report for staff: facts, SLA times in the tenant's zone, photos, map, timeline and the actions the person may take. */
export function ReportView({ ctx, id, agencies, categories }: { ctx: StaffContext; id: string; agencies: Agency[]; categories: Category[] }) {
  const { t, i18n } = useTranslation()
  const { tenant, roles } = ctx
  const [report, setReport] = useState<ReportDetail | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [agencyId, setAgencyId] = useState('')
  const [into, setInto] = useState('')
  const [incidentType, setIncidentType] = useState('')
  const [types, setTypes] = useState<IncidentType[]>([])
  const [proof, setProof] = useState<File | null>(null)
  const [busy, setBusy] = useState(false)
  const now = useNow(30_000)

  const load = useCallback(() => {
    fetchReport(tenant.code, id).then(setReport, (err: unknown) => setProblem(problemText(err)))
  }, [tenant.code, id])
  useEffect(load, [load])
  useLiveEvents(['reports'], (e) => {
    if (e.entity === id) load()
  })
  const isOperator = roles.has('admin') || roles.has('operator')
  const isAgency = roles.has('admin') || roles.has('agency_officer')
  const [candidates, setCandidates] = useState<Report[]>([])
  const category = report?.category
  const [lon, lat] = report?.location.coordinates ?? [0, 0]
  useEffect(() => {
    if (!isOperator || !category) return
    // Duplicates to merge into: open reports of the same category within about 500 m.
    const bbox = [lon - 0.005, lat - 0.005, lon + 0.005, lat + 0.005].map((n) => n.toFixed(6)).join(',')
    fetchReports(tenant.code, { status: 'open', category, bbox }).then(
      (p) => setCandidates(p.items.filter((r) => r.id !== id)),
      () => undefined,
    )
  }, [tenant.code, id, isOperator, category, lon, lat])
  useEffect(() => {
    if (!isOperator) return
    api<Page<IncidentType>>(`/api/t/${tenant.code}/incident-types`).then(
      (p) => setTypes(p.items),
      () => undefined,
    )
  }, [tenant.code, isOperator])

  async function run(fn: () => Promise<unknown>) {
    setProblem(null)
    setBusy(true)
    try {
      await fn()
      load()
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
    }
  }

  if (!report) return <section className="report-view">{problem ?? '…'}</section>
  const time = (iso: string | null) => (iso ? formatTime(iso, tenant.timezone, i18n.language) : '—')
  const categoryOf = categories.find((c) => c.code === report.category)
  const agencyName = (aid: unknown) => agencies.find((a) => a.id === aid)?.name ?? '—'
  const s = report.status
  const statusOverdue = report.sla.statusDueAt !== null && Date.parse(report.sla.statusDueAt) < now
  const totalOverdue = report.sla.dueAt !== null && Date.parse(report.sla.dueAt) < now && !['resolved', 'closed', 'rejected', 'merged'].includes(s)
  const photos = report.photos.filter((p) => p.kind === 'report')
  const proofs = report.photos.filter((p) => p.kind === 'proof')

  return (
    <section className={`report-view ${slaClass(report, now)}`} data-testid="report-detail" data-status={s} data-number={report.number}>
      <h2>
        <span className="report-status" style={{ background: STATUS_COLORS[s] }}>
          {t(`reports.status.${s}`)}
        </span>{' '}
        {report.number} · {categoryOf ? label(categoryOf.label, i18n.language) : report.category}
      </h2>
      <p>
        {report.kelurahan?.name ?? '—'}, {report.kecamatan?.name ?? '—'}
        {report.address ? ` · ${report.address}` : ''} · {t('reports.agency')}: {agencyName(report.agencyId)}
        {report.supporters > 0 && ` · ${t('reports.supporters', { count: report.supporters })}`}
      </p>
      <p className="report-description">{report.description}</p>
      <p className="muted">
        {t('reports.reporter')}:{' '}
        {report.reporter ? [report.reporter.name, report.reporter.phone, report.reporter.email].filter(Boolean).join(' · ') : t('reports.anonymous')}
      </p>
      <dl className="report-sla">
        <dt>{t('reports.statusDue')}</dt>
        <dd className={statusOverdue ? 'overdue' : ''} data-testid="status-due">
          {time(report.sla.statusDueAt)}
          {report.sla.statusDueAt && ` (${countdown(report.sla.statusDueAt, now)})`}
        </dd>
        <dt>{t('reports.totalDue')}</dt>
        <dd className={totalOverdue ? 'overdue' : ''}>{time(report.sla.dueAt)}</dd>
        {report.sla.escalationLevel > 0 && (
          <>
            <dt>{t('reports.overdue')}</dt>
            <dd className="overdue">{t(`reports.escalation.${report.sla.escalationLevel}`)}</dd>
          </>
        )}
        {typeof report.attributes.patrolFindingId === 'string' && (
          <>
            <dt>{t('reports.fromFinding')}</dt>
            <dd>
              <Link data-testid="from-finding" to={`/t/${tenant.code}/patrols/findings?id=${report.attributes.patrolFindingId}`}>
                {t('reports.fromFindingLink', { number: String(report.attributes.patrolFindingNumber ?? '') })}
              </Link>
            </dd>
          </>
        )}
        {report.incidentId && (
          <>
            <dt>{t('reports.incident')}</dt>
            <dd>
              <Link to={`/t/${tenant.code}/incidents/${report.incidentId}`}>{report.incidentId.slice(0, 8)}</Link>
            </dd>
          </>
        )}
      </dl>
      {problem && <p className="error">{problem}</p>}

      <div className="report-actions" data-busy={busy}>
        {isOperator && s === 'submitted' && (
          <button type="button" className="button primary" data-testid="verify" disabled={busy} onClick={() => run(() => act(tenant.code, id, 'verify'))}>
            {t('reports.actions.verify')}
          </button>
        )}
        {isOperator && ['verified', 'assigned', 'in_progress', 'reopened'].includes(s) && (
          <form
            className="report-action"
            data-testid="action-assign"
            onSubmit={(e) => {
              e.preventDefault()
              run(() => act(tenant.code, id, 'assign', agencyId ? { agencyId } : {}))
            }}
          >
            <select value={agencyId} onChange={(e) => setAgencyId(e.target.value)} aria-label={t('reports.agency')} name="agencyId">
              {s === 'verified' && <option value="">{`${t('reports.actions.categoryAgency')}: ${categoryOf?.agency?.name ?? '—'}`}</option>}
              {s !== 'verified' && <option value="">—</option>}
              {agencies.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
            <button type="submit" className="button primary" disabled={busy || (s !== 'verified' && !agencyId)}>
              {s === 'verified' ? t('reports.actions.assign') : t('reports.actions.reassign')}
            </button>
          </form>
        )}
        {isOperator && ['submitted', 'verified'].includes(s) && (
          <TextAction name="reject" field={t('reports.actions.reason')} onSubmit={(reason) => run(() => act(tenant.code, id, 'reject', { reason }))}>
            <button type="submit" className="button" disabled={busy}>
              {t('reports.actions.reject')}
            </button>
          </TextAction>
        )}
        {isOperator && ['submitted', 'verified', 'assigned'].includes(s) && candidates.length > 0 && (
          <form
            className="report-action"
            data-testid="action-merge"
            onSubmit={(e) => {
              e.preventDefault()
              if (into.trim()) run(() => act(tenant.code, id, 'merge', { into: into.trim() }))
            }}
          >
            <input
              value={into}
              onChange={(e) => setInto(e.target.value)}
              placeholder={t('reports.actions.mergeInto')}
              aria-label={t('reports.actions.mergeInto')}
            />
            <button type="submit" className="button" disabled={busy || !into}>
              {t('reports.actions.merge')}
            </button>
          </form>
        )}
        {isOperator && !report.incidentId && !['closed', 'rejected', 'merged'].includes(s) && types.length > 0 && (
          <form
            className="report-action"
            data-testid="action-incident"
            onSubmit={(e) => {
              e.preventDefault()
              if (incidentType) run(() => raiseIncident(tenant.code, id, incidentType))
            }}
          >
            <select value={incidentType} onChange={(e) => setIncidentType(e.target.value)} aria-label={t('reports.actions.incidentType')}>
              <option value="">{t('reports.actions.incidentType')}</option>
              {types.map((x) => (
                <option key={x.code} value={x.code}>
                  {label(x.label, i18n.language)}
                </option>
              ))}
            </select>
            <button type="submit" className="button" disabled={busy || !incidentType}>
              {t('reports.actions.raiseIncident')}
            </button>
          </form>
        )}
        {isOperator && s === 'resolved' && (
          <button type="button" className="button" disabled={busy} onClick={() => run(() => act(tenant.code, id, 'close'))}>
            {t('reports.actions.close')}
          </button>
        )}
        {isAgency && ['assigned', 'reopened'].includes(s) && (
          <button type="button" className="button primary" data-testid="start" disabled={busy} onClick={() => run(() => act(tenant.code, id, 'start'))}>
            {t('reports.actions.start')}
          </button>
        )}
        {isAgency && s === 'in_progress' && (
          <TextAction
            name="resolve"
            field={t('reports.actions.resolveNote')}
            onSubmit={async (note) => {
              if (!proof) {
                setProblem(t('reports.actions.proofPhoto'))
                return
              }
              await run(async () => {
                const photo = await uploadProofPhoto(tenant.code, id, proof)
                await act(tenant.code, id, 'resolve', { note, proofPhotoId: photo.id })
              })
            }}
          >
            <label className="file">
              {t('reports.actions.proofPhoto')}
              <input type="file" accept="image/jpeg,image/png,image/webp" name="proof" required onChange={(e) => setProof(e.target.files?.[0] ?? null)} />
            </label>
            <button type="submit" className="button primary" disabled={busy}>
              {t('reports.actions.resolve')}
            </button>
          </TextAction>
        )}
        {isAgency && ['assigned', 'in_progress', 'reopened'].includes(s) && (
          <TextAction name="hand-back" field={t('reports.actions.reason')} onSubmit={(reason) => run(() => act(tenant.code, id, 'hand-back', { reason }))}>
            <button type="submit" className="button" disabled={busy}>
              {t('reports.actions.handBack')}
            </button>
          </TextAction>
        )}
      </div>

      {(photos.length > 0 || proofs.length > 0) && (
        <div className="report-photos">
          {[...photos, ...proofs].map((p) => (
            <figure key={p.id}>
              <a href={p.url} target="_blank" rel="noreferrer">
                <img src={p.url} alt={p.kind === 'proof' ? t('reports.proof') : t('reports.photos')} loading="lazy" />
              </a>
              <figcaption>{p.kind === 'proof' ? t('reports.proof') : t('reports.photos')}</figcaption>
            </figure>
          ))}
        </div>
      )}
      <Suspense fallback={null}>
        <ReportMap tenant={tenant} config={ctx.config} location={report.location} status={s} />
      </Suspense>

      <h3>{t('reports.timeline')}</h3>
      <ol className="timeline" data-testid="timeline">
        {report.timeline.map((e) => (
          <li key={e.id} className={e.kind === 'escalated' ? 'overdue' : ''}>
            <span className="when">{time(e.at)}</span> <strong>{t(`reports.timelineKind.${e.kind}`, { defaultValue: e.kind })}</strong>{' '}
            {e.kind === 'status' && `${t(`reports.status.${String(e.data.from)}`)} → ${t(`reports.status.${String(e.data.to)}`)}`}
            {e.kind === 'routed' && `${agencyName(e.data.from)} → ${agencyName(e.data.to)}`}
            {e.kind === 'escalated' && t(`reports.escalation.${String(e.data.level)}`)} {e.text ?? ''} <span className="muted">{e.actor ?? ''}</span>
          </li>
        ))}
      </ol>
      <TextAction name="note" field={t('reports.actions.note')} onSubmit={(text) => run(() => addNote(tenant.code, id, text, false))}>
        <button type="submit" className="button">
          {t('reports.actions.addNote')}
        </button>
      </TextAction>
      {report.deliveries.length > 0 && (
        <>
          <h3>{t('reports.deliveries')}</h3>
          <ul className="muted">
            {report.deliveries.map((d) => (
              <li key={d.id}>
                {d.channel} · {d.status} · {d.attempts}
                {d.lastError ? ` · ${d.lastError}` : ''}
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  )
}
