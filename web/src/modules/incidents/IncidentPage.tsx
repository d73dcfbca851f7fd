import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useParams } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { webModules } from '../../app/modules.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import { addNote, clock, fetchIncident, fetchTypes, type IncidentDetail, type IncidentType, PRIORITY_COLORS, updateIncident } from './api.ts'
import { useNow } from './useDispatchData.ts'

const typeLabel = (types: IncidentType[], code: string, language: string) => {
  const type = types.find((x) => x.code === code)
  return type ? (language === 'en' ? type.label.en : type.label.id) : code
}

const OUTCOMES = ['resolved', 'treated_on_scene', 'transported', 'refused', 'false_alarm', 'deceased', 'handed_over', 'other']

function Detail({ tenant, id }: { tenant: Tenant; id: string }) {
  const { t, i18n } = useTranslation()
  const [incident, setIncident] = useState<IncidentDetail | null>(null)
  const [note, setNote] = useState('')
  const [outcome, setOutcome] = useState('resolved')
  const [problem, setProblem] = useState<string | null>(null)
  const [types, setTypes] = useState<IncidentType[]>([])
  const now = useNow()
  useEffect(() => {
    fetchTypes(tenant.code).then(
      (p) => setTypes(p.items),
      () => undefined,
    )
  }, [tenant.code])
  const load = useCallback(() => {
    fetchIncident(tenant.code, id).then(setIncident, (err: unknown) => setProblem(String(err)))
  }, [tenant.code, id])
  useEffect(load, [load])
  useLiveEvents(['incidents', 'units'], (e) => {
    if (e.entity === id || e.data.incidentId === id) load()
  })

  async function act(fn: () => Promise<unknown>) {
    setProblem(null)
    try {
      await fn()
      load()
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  async function submitNote(e: FormEvent) {
    e.preventDefault()
    if (!note.trim()) return
    await act(() => addNote(tenant.code, id, note.trim()))
    setNote('')
  }

  if (!incident) return <main className="loading">{problem ?? '…'}</main>
  const time = (iso: string | null) => (iso ? formatTime(iso, tenant.timezone, i18n.language) : '—')
  const open = ['new', 'dispatched', 'on_scene'].includes(incident.status)
  return (
    <main className="incident-page" data-testid="incident-detail" data-status={incident.status}>
      <Link to={`/t/${tenant.code}/dispatch`}>← {t('incidents.back')}</Link>
      <h1>
        <span className="priority" style={{ background: PRIORITY_COLORS[incident.priority] }}>
          {incident.priority}
        </span>{' '}
        {incident.number} · {t(`incidents.status.${incident.status}`)}
      </h1>
      <p>
        {typeLabel(types, incident.type, i18n.language)} · {t(`incidents.sourceName.${incident.source}`)} · {incident.kelurahan?.name ?? '—'},{' '}
        {incident.kecamatan?.name ?? '—'}
        {incident.address ? ` · ${incident.address}` : ''}
      </p>
      {incident.origin && (
        <p>
          <Link data-testid="from-finding" to={`/t/${tenant.code}/patrols/findings?id=${incident.origin.id}`}>
            {t('incidents.fromFinding', { number: incident.origin.number })}
          </Link>
        </p>
      )}
      {incident.description && <p>{incident.description}</p>}
      {incident.caller && (
        <p className="muted">
          {incident.caller.name ?? ''} {incident.caller.phone ?? ''}
        </p>
      )}
      <dl className="timers">
        <dt>{t('incidents.age')}</dt>
        <dd className={incident.timers.dueAt && Date.parse(incident.timers.dueAt) < now ? 'overdue' : ''}>
          {clock(((incident.closedAt ? Date.parse(incident.closedAt) : now) - Date.parse(incident.createdAt)) / 1000)}
        </dd>
        <dt>112/119 → {t('incidents.unitStatus.dispatched')}</dt>
        <dd>{incident.timers.callToDispatch === null ? '—' : clock(incident.timers.callToDispatch)}</dd>
        <dt>
          {t('incidents.unitStatus.dispatched')} → {t('incidents.status.on_scene')}
        </dt>
        <dd>{incident.timers.dispatchToOnScene === null ? '—' : clock(incident.timers.dispatchToOnScene)}</dd>
      </dl>
      {problem && <p className="error">{problem}</p>}
      {open && (
        <div className="actions">
          {incident.status === 'on_scene' && (
            <>
              <select value={outcome} onChange={(e) => setOutcome(e.target.value)} aria-label={t('incidents.outcome')}>
                {OUTCOMES.map((o) => (
                  <option key={o} value={o}>
                    {t(`incidents.outcomeName.${o}`)}
                  </option>
                ))}
              </select>
              <button type="button" className="button" onClick={() => act(() => updateIncident(tenant.code, id, { status: 'closed', outcome }))}>
                {t('incidents.close')}
              </button>
            </>
          )}
          {incident.status !== 'on_scene' && (
            <button type="button" className="button" onClick={() => act(() => updateIncident(tenant.code, id, { status: 'cancelled' }))}>
              {t('incidents.cancel')}
            </button>
          )}
        </div>
      )}
      <OtherSections tenant={tenant} id={id} />
      <h2>{t('incidents.dispatches')}</h2>
      <ul>
        {incident.dispatches.map((d) => (
          <li key={d.id}>
            <strong>{d.callsign}</strong> {t(`incidents.kind.${d.kind}`)} · {d.releasedAt ? '✓' : t(`incidents.unitStatus.${d.unitStatus}`)} ·{' '}
            {time(d.assignedAt)}
          </li>
        ))}
      </ul>
      <h2>{t('incidents.timeline')}</h2>
      <ol className="timeline" data-testid="timeline">
        {incident.timeline.map((e) => (
          <li key={e.id}>
            <span className="when">{time(e.at)}</span> <strong>{t(`incidents.timelineKind.${e.kind}`)}</strong>{' '}
            {e.kind === 'status' && `${t(`incidents.status.${String(e.data.from)}`)} → ${t(`incidents.status.${String(e.data.to)}`)}`}
            {e.kind === 'dispatch' && String(e.data.callsign)}
            {e.kind === 'unit_status' && `${String(e.data.callsign)}: ${t(`incidents.unitStatus.${String(e.data.to)}`)}`} {e.text ?? ''}{' '}
            <span className="muted">{e.actor ?? ''}</span>
          </li>
        ))}
      </ol>
      <form onSubmit={submitNote} className="note-form">
        <input value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('incidents.note')} name="note" />
        <button type="submit" className="button small">
          {t('incidents.addNote')}
        </button>
      </form>
    </main>
  )
}

/** What other modules show on an incident's page (the cameras nearby), to people who may read it. */
function OtherSections({ tenant, id }: { tenant: Tenant; id: string }) {
  const permitted = usePermitted(tenant.code)
  const sections = webModules.flatMap((m) => m.incidentSections ?? []).filter((s) => !s.action || permitted?.has(s.action))
  return (
    <>
      {sections.map(({ id: key, Component }) => (
        <Component key={key} tenant={tenant} incidentId={id} />
      ))}
    </>
  )
}

/** One incident: its facts, timers, units, timeline and the dispatcher's actions. */
export function IncidentPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  return <StaffFrame title={t('incidents.detail')}>{({ tenant }) => <Detail tenant={tenant} id={id} />}</StaffFrame>
}
