import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { IncidentSectionProps } from '../../app/modules.ts'
import { type Camera, fetchIncidentCameras } from './api.ts'
import { CameraView } from './CameraView.tsx'

const NEARBY = 2

/** An incident's nearest cameras, live, on its page: what the dispatcher sees of the scene. */
export function IncidentCameras({ tenant, incidentId }: IncidentSectionProps) {
  const { t, i18n } = useTranslation()
  const [cameras, setCameras] = useState<Camera[] | null>(null)
  useEffect(() => {
    fetchIncidentCameras(tenant.code, incidentId, NEARBY).then(
      (page) => setCameras(page.items),
      () => setCameras([]),
    )
  }, [tenant.code, incidentId])
  if (!cameras || cameras.length === 0) return null
  const metres = new Intl.NumberFormat(i18n.language, { style: 'unit', unit: 'meter', maximumFractionDigits: 0 })
  return (
    <section className="incident-cameras" data-testid="incident-cameras">
      <h2>{t('cctv.incident.title')}</h2>
      <div className="incident-camera-grid">
        {cameras.map((camera) => (
          <figure key={camera.id} className="camera-tile" data-testid="incident-camera">
            <CameraView tenant={tenant.code} camera={camera} />
            <figcaption>
              {camera.name}
              {camera.distanceM !== undefined && <span className="muted"> · {metres.format(camera.distanceM)}</span>}
            </figcaption>
          </figure>
        ))}
      </div>
    </section>
  )
}
