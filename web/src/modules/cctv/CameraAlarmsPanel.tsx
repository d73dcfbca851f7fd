import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { acknowledgeCameraAlarm, type CameraAlarm, fetchCameraAlarms } from './api.ts'

/**
 * The console's camera alarms: every camera the health check found down, live, with acknowledge (as sensor
 * alarms have it). An alarm clears itself when its camera answers again; shown only while there are some.
 */
export function CameraAlarmsPanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [alarms, setAlarms] = useState<CameraAlarm[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchCameraAlarms(tenant.code).then(
      (page) => setAlarms(page.items),
      () => setAlarms([]),
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['cctv'], (event) => {
    if (event.type.startsWith('alarm.')) load()
  })

  async function ack(id: string) {
    setProblem(null)
    try {
      await acknowledgeCameraAlarm(tenant.code, id)
      load()
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 403 ? t('cctv.alarms.ackForbidden') : String(err))
    }
  }

  if (alarms.length === 0) return null
  return (
    <section className="alarms cameras-offline" data-testid="camera-alarms">
      <h2>
        {t('cctv.alarms.title')} <span className="count">{alarms.length}</span>
      </h2>
      {problem && <p className="error">{problem}</p>}
      <ol>
        {alarms.map((a) => (
          <li key={a.id} data-testid="camera-alarm" data-status={a.status}>
            <span className="severity camera-offline-badge">{t('cctv.status.offline')}</span>
            <span className="device">{a.cameraName}</span>
            <span className="when">{t('cctv.alarms.since', { when: formatTime(a.raisedAt, tenant.timezone, i18n.language) })}</span>
            {a.status === 'active' ? (
              <button type="button" className="button small" onClick={() => ack(a.id)}>
                {t('cctv.alarms.acknowledge')}
              </button>
            ) : (
              <span className="muted">{t('cctv.alarms.acknowledgedBy', { who: a.acknowledgedBy })}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
