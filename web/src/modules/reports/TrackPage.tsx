import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router-dom'
import { ApiError } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import { problemText } from '../../app/problem.ts'
import { formatTime } from '../../app/time.ts'
import { fetchTracking, label, reopenReport, STATUS_COLORS, type Tracking } from './api.ts'
import { TrackForm } from './PortalSection.tsx'

/** A report as its reporter follows it: status, public history, photos, and reopening within the window. */
export function TrackPage({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const { code = '' } = useParams()
  const [report, setReport] = useState<Tracking | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [reason, setReason] = useState('')
  const load = useCallback(() => {
    if (!code) return
    setProblem(null)
    fetchTracking(tenant.code, code).then(setReport, (err: unknown) => {
      setReport(null)
      setProblem(err instanceof ApiError && err.status === 404 ? t('reports.portal.notFound') : String(err))
    })
  }, [tenant.code, code, t])
  useEffect(load, [load])
  const time = (iso: string) => formatTime(iso, tenant.timezone, i18n.language)

  async function reopen(e: FormEvent) {
    e.preventDefault()
    try {
      await reopenReport(tenant.code, code, reason.trim())
      setReason('')
      load()
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  const mayReopen = report?.status === 'resolved' && report.mayReopenUntil !== null && Date.parse(report.mayReopenUntil) > Date.now()
  return (
    <section className="track-page">
      <h1>{t('reports.portal.trackTitle')}</h1>
      <p className="muted">{t('reports.portal.trackLead')}</p>
      <TrackForm tenant={tenant} />
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      {report && (
        <article data-testid="tracking" data-status={report.status}>
          <h2>
            <span className="report-status" style={{ background: STATUS_COLORS[report.status] }} data-testid="track-status">
              {label(report.statusLabel, i18n.language)}
            </span>{' '}
            {report.number}
          </h2>
          <p>
            <strong>{label(report.categoryLabel, i18n.language)}</strong>
            {report.kelurahan ? ` · ${report.kelurahan.name}` : ''}
          </p>
          {report.description && <p>{report.description}</p>}
          {report.statusNote && <p className="report-note">{report.statusNote}</p>}
          <dl className="report-sla">
            {report.agency && (
              <>
                <dt>{t('reports.portal.handledBy')}</dt>
                <dd>{report.agency}</dd>
              </>
            )}
            {report.dueAt && !['resolved', 'closed', 'rejected', 'merged'].includes(report.status) && (
              <>
                <dt>{t('reports.portal.dueAt')}</dt>
                <dd>{time(report.dueAt)}</dd>
              </>
            )}
          </dl>
          {report.photos.length > 0 && (
            <div className="report-photos">
              {report.photos.map((p) => (
                <figure key={p.id}>
                  <img src={p.url} alt={p.kind === 'proof' ? t('reports.proof') : t('reports.photos')} loading="lazy" />
                  <figcaption>{p.kind === 'proof' ? t('reports.proof') : t('reports.photos')}</figcaption>
                </figure>
              ))}
            </div>
          )}
          <h3>{t('reports.portal.history')}</h3>
          <ol className="timeline" data-testid="history">
            {report.history.map((h) => (
              <li key={`${h.at}-${h.kind}-${h.status}`}>
                <span className="when">{time(h.at)}</span>{' '}
                <strong>{h.status ? t(`reports.status.${h.status}`) : t(`reports.timelineKind.${h.kind}`, { defaultValue: h.kind })}</strong> {h.text ?? ''}
              </li>
            ))}
          </ol>
          {mayReopen && report.mayReopenUntil && (
            <form className="reopen-form" onSubmit={reopen}>
              <p>{t('reports.portal.reopenLead', { until: time(report.mayReopenUntil) })}</p>
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                placeholder={t('reports.portal.reopenReason')}
                minLength={3}
                required
                name="reason"
              />
              <button type="submit" className="button">
                {t('reports.portal.reopen')}
              </button>
            </form>
          )}
        </article>
      )}
    </section>
  )
}
