import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { PanelProps } from '../../app/modules.ts'
import { type Camera, fetchCameras } from './api.ts'
import { CameraView, SnapshotView } from './CameraView.tsx'

const SECTION_CAMERAS = 4

/** The portal's front-page block: a few public cameras and a link to all of them. */
export function PublicCamerasSection({ tenant }: PanelProps) {
  const { t } = useTranslation()
  return (
    <section className="portal-section public-cameras" data-testid="portal-cameras">
      <h2>{t('cctv.portal.title')}</h2>
      <CameraGrid tenant={tenant.code} limit={SECTION_CAMERAS} />
      <Link to={`/p/${tenant.code}/cctv`}>{t('cctv.portal.all')}</Link>
    </section>
  )
}

/** The portal's page of public cameras. */
export function PublicCamerasPage({ tenant }: PanelProps) {
  const { t } = useTranslation()
  return (
    <section className="portal-section public-cameras">
      <h1>{t('cctv.portal.title')}</h1>
      <p className="muted">{t('cctv.portal.hint')}</p>
      <CameraGrid tenant={tenant.code} />
    </section>
  )
}

/** Snapshots refreshed every few seconds (light on phones); a click opens the camera's live view. */
function CameraGrid({ tenant, limit }: { tenant: string; limit?: number }) {
  const { t } = useTranslation()
  const [cameras, setCameras] = useState<Camera[] | null>(null)
  const [live, setLive] = useState<Camera | null>(null)
  useEffect(() => {
    // Anonymous callers get the public cameras only.
    fetchCameras(tenant).then(
      (page) => setCameras(page.items),
      () => setCameras([]),
    )
  }, [tenant])
  if (!cameras) return <p className="muted">…</p>
  if (cameras.length === 0) return <p className="muted">{t('cctv.portal.none')}</p>
  const shown = limit ? cameras.slice(0, limit) : cameras
  const base = (c: Camera) => `/api/t/${encodeURIComponent(tenant)}/cameras/${encodeURIComponent(c.id)}`
  return (
    <>
      {live && (
        <figure className="public-camera-live" data-testid="public-camera-live">
          <CameraView tenant={tenant} camera={live} anonymous />
          <figcaption>
            {live.name}{' '}
            <button type="button" onClick={() => setLive(null)}>
              {t('cctv.portal.close')}
            </button>
          </figcaption>
        </figure>
      )}
      <ul className="public-camera-grid">
        {shown.map((c) => (
          <li key={c.id}>
            <button type="button" onClick={() => setLive(c)} data-testid="public-camera" title={t('cctv.portal.watch', { name: c.name })}>
              {c.views.snapshot ? <SnapshotView src={`${base(c)}/snapshot`} title={c.name} /> : <span className="camera-empty">{t('cctv.portal.live')}</span>}
              <span className="public-camera-name">
                {c.name}
                {c.status === 'offline' ? ` · ${t('cctv.status.offline')}` : ''}
              </span>
            </button>
          </li>
        ))}
      </ul>
    </>
  )
}
