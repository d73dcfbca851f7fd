import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import type { ConnectorAlarm } from './api.ts'

/** Open alarms of connectors whose runs fail, newest first, with acknowledge; shown only while there are some. */
export function ConnectorAlarmsPanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [alarms, setAlarms] = useState<ConnectorAlarm[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  // People who may not read connectors get a 403: for them the panel stays away.
  const load = useCallback(() => {
    api<{ items: ConnectorAlarm[] }>(`/api/t/${tenant.code}/connector-alarms`).then(
      (page) => setAlarms(page.items),
      () => setAlarms([]),
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['datahub'], (event) => {
    if (event.type.startsWith('connector.')) load()
  })

  async function ack(id: string) {
    setProblem(null)
    try {
      await api(`/api/t/${tenant.code}/connector-alarms/${id}/ack`, { method: 'POST' })
      load()
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 403 ? t('datahub.alarms.ackForbidden') : String(err))
    }
  }

  if (alarms.length === 0) return null
  return (
    <section className="alarms" data-testid="connector-alarms">
      <h2>
        {t('datahub.alarms.title')} <span className="count">{alarms.length}</span>
      </h2>
      {problem && <p className="error">{problem}</p>}
      <ol>
        {alarms.map((a) => (
          <li key={a.id} data-testid="connector-alarm" data-status={a.status}>
            <span className="severity" style={{ background: '#f5a524' }}>
              {t('datahub.alarms.failures', { count: a.failures })}
            </span>
            <span className="device">
              {a.connector} · {a.dataset}
            </span>
            <span className="detail">{a.error}</span>
            <span className="when">{formatTime(a.raisedAt, tenant.timezone, i18n.language)}</span>
            {a.status === 'active' ? (
              <button type="button" className="button small" onClick={() => ack(a.id)}>
                {t('datahub.alarms.acknowledge')}
              </button>
            ) : (
              <span className="muted">{t('datahub.alarms.acknowledgedBy', { who: a.acknowledgedBy })}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  )
}
