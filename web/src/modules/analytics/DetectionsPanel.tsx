import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { SEVERITY_COLORS } from '../sensors/api.ts'
import { acknowledgeDetection, type Detection, fetchDetections, snapshotUrl } from './api.ts'

/** The console's open video detections, live: what was seen where, its photo, and acknowledge; shown only while there are some. */
export function DetectionsPanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [detections, setDetections] = useState<Detection[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  const mayAck = usePermitted(tenant.code)?.has('analytics.detection.ack') ?? false
  const load = useCallback(() => {
    fetchDetections(tenant.code).then(
      (page) => setDetections(page.items),
      () => setDetections([]),
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['analytics'], (event) => {
    if (event.type.startsWith('alarm.')) load()
  })

  async function ack(id: string) {
    setProblem(null)
    try {
      await acknowledgeDetection(tenant.code, id)
      load()
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 403 ? t('analytics.panel.ackForbidden') : String(err))
    }
  }

  if (detections.length === 0) return null
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent' })
  return (
    <section className="alarms detections" data-testid="detections-panel">
      <h2>
        {t('analytics.panel.title')} <span className="count">{detections.length}</span>
      </h2>
      {problem && <p className="error">{problem}</p>}
      <ol>
        {detections.map((d) => {
          const label = t(`analytics.labels.${d.label}`, { defaultValue: d.label })
          return (
            <li key={d.id} data-testid="detection-item" data-status={d.status}>
              {d.hasSnapshot && (
                <img className="detection-photo" src={snapshotUrl(tenant.code, d.id)} alt={t('analytics.panel.photo', { label })} loading="lazy" />
              )}
              <span className="severity" style={{ background: SEVERITY_COLORS[d.severity] }}>
                {t(`sensors.severity.${d.severity}`)}
              </span>
              <span className="device">{t('analytics.panel.in', { label, where: d.zoneLabel ?? (d.zones.join(', ') || d.cameraName) })}</span>
              <span className="detail">
                {t('analytics.panel.camera', { name: d.cameraName })} · {t('analytics.panel.score', { score: percent.format(d.score) })}
                {d.incidentNumber && <> · {t('analytics.panel.incident', { number: d.incidentNumber })}</>}
              </span>
              <span className="when">{formatTime(d.startedAt, tenant.timezone, i18n.language)}</span>
              {d.status === 'active' ? (
                mayAck && (
                  <button type="button" className="button small" onClick={() => ack(d.id)}>
                    {t('analytics.panel.acknowledge')}
                  </button>
                )
              ) : (
                <span className="muted">{t('analytics.panel.acknowledgedBy', { who: d.acknowledgedBy })}</span>
              )}
            </li>
          )
        })}
      </ol>
    </section>
  )
}
