import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { formatTime } from '../../app/time.ts'
import { type Camera, fetchCameras } from './api.ts'

/**
 * The console's alarm for cameras: every camera the health check finds offline, live (the check's
 * `camera.offline`/`camera.online` events reload it). It clears itself when the camera answers again.
 */
export function OfflineCamerasPanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [offline, setOffline] = useState<Camera[]>([])
  const load = useCallback(() => {
    fetchCameras(tenant.code).then(
      (page) => setOffline(page.items.filter((c) => c.status === 'offline')),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['cctv'], load)
  if (offline.length === 0) return null
  return (
    <section className="alarms cameras-offline" data-testid="cameras-offline">
      <h2>
        {t('cctv.offline.title')} <span className="count">{offline.length}</span>
      </h2>
      <ol>
        {offline.map((c) => (
          <li key={c.id} data-testid="camera-offline">
            <span className="severity camera-offline-badge">{t('cctv.status.offline')}</span>
            <span className="device">{c.name}</span>
            {c.lastSeenAt && <span className="when">{t('cctv.offline.since', { when: formatTime(c.lastSeenAt, tenant.timezone, i18n.language) })}</span>}
          </li>
        ))}
      </ol>
    </section>
  )
}
