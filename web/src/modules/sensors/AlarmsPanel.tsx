import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { acknowledge, SEVERITY_COLORS } from './api.ts'
import { useSensorData } from './useSensorData.ts'

/** Open alarms, most recent first, with acknowledge. */
export function AlarmsPanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const { alarms, reload } = useSensorData(tenant.code)
  const mayAck = usePermitted(tenant.code)?.has('sensors.alarm.ack') ?? false
  const [problem, setProblem] = useState<string | null>(null)

  async function ack(id: string) {
    setProblem(null)
    try {
      await acknowledge(tenant.code, id)
      reload()
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 403 ? t('sensors.ackForbidden') : String(err))
    }
  }

  return (
    <section className="alarms" data-testid="alarms-panel">
      <h2>
        {t('sensors.alarms')} <span className="count">{alarms.length}</span>
      </h2>
      {alarms.length === 0 && <p className="muted">{t('sensors.noAlarms')}</p>}
      {problem && <p className="error">{problem}</p>}
      <ol>
        {alarms.map((a) => (
          <li key={a.id} data-testid="alarm-item" data-status={a.status}>
            <span className="severity" style={{ background: SEVERITY_COLORS[a.severity] }}>
              {t(`sensors.severity.${a.severity}`)}
            </span>
            <span className="device">{a.deviceName}</span>
            <span className="detail">{a.kind === 'offline' ? t('sensors.offline') : `${a.metric} ${a.value} (${t('sensors.threshold')} ${a.threshold})`}</span>
            <span className="when">{formatTime(a.raisedAt, tenant.timezone, i18n.language)}</span>
            {a.status === 'active' ? (
              mayAck && (
                <button type="button" className="button small" onClick={() => ack(a.id)}>
                  {t('sensors.acknowledge')}
                </button>
              )
            ) : (
              <span className="muted">{t('sensors.acknowledgedBy', { who: a.acknowledgedBy })}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
