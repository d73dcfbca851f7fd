import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { fetchOpenIncidents, type Incident } from '../incidents/api.ts'
import { type Camera, fetchCameras, fetchIncidentCameras } from './api.ts'
import { CameraView } from './CameraView.tsx'

const LAYOUTS = [1, 4, 9, 16] as const
type Layout = (typeof LAYOUTS)[number]

/** The camera wall: 1, 4, 9 or 16 tiles, each a chosen camera, or the cameras nearest an incident being followed. */
export function CameraWall() {
  const { t } = useTranslation()
  return <StaffFrame title={t('cctv.wall.title')}>{({ tenant }) => <Wall tenant={tenant} />}</StaffFrame>
}

function Wall({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [layout, setLayout] = useState<Layout>(() => (Number(localStorage.getItem('kendali.wall.layout')) as Layout) || 4)
  const [cameras, setCameras] = useState<Camera[]>([])
  const [chosen, setChosen] = useState<string[]>(() => JSON.parse(localStorage.getItem(`kendali.wall.${tenant.code}`) ?? '[]'))
  const [incidents, setIncidents] = useState<Incident[]>([])
  const [following, setFollowing] = useState('')
  const [near, setNear] = useState<Camera[]>([])

  const loadCameras = useCallback(() => {
    fetchCameras(tenant.code).then(
      (page) => setCameras(page.items),
      () => undefined,
    )
    fetchOpenIncidents(tenant.code).then(
      (page) => setIncidents(page.items),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(loadCameras, [loadCameras])
  useLiveEvents(['cctv', 'incidents'], loadCameras)

  useEffect(() => {
    if (!following) return setNear([])
    fetchIncidentCameras(tenant.code, following, layout).then(
      (page) => setNear(page.items),
      () => setNear([]),
    )
  }, [tenant.code, following, layout])

  useEffect(() => localStorage.setItem('kendali.wall.layout', String(layout)), [layout])
  useEffect(() => localStorage.setItem(`kendali.wall.${tenant.code}`, JSON.stringify(chosen)), [tenant.code, chosen])

  const byId = new Map(cameras.map((c) => [c.id, c]))
  const tiles: (Camera | null)[] = Array.from({ length: layout }, (_, i) => (following ? (near[i] ?? null) : (chosen[i] && byId.get(chosen[i])) || null))
  const choose = (index: number, id: string) => {
    const next = [...chosen]
    next[index] = id
    setChosen(next)
  }

  return (
    <div className="camera-wall-page">
      <div className="camera-wall-tools">
        <fieldset className="segmented" aria-label={t('cctv.wall.layout')}>
          {LAYOUTS.map((n) => (
            <button key={n} type="button" className={n === layout ? 'active' : ''} onClick={() => setLayout(n)} data-testid={`layout-${n}`}>
              {n}
            </button>
          ))}
        </fieldset>
        <label>
          {t('cctv.wall.follow')}{' '}
          <select value={following} onChange={(e) => setFollowing(e.target.value)} data-testid="follow-incident">
            <option value="">{t('cctv.wall.choose')}</option>
            {incidents.map((i) => (
              <option key={i.id} value={i.id}>
                {i.number} · {i.kelurahan?.name ?? ''} {i.description ?? ''}
              </option>
            ))}
          </select>
        </label>
      </div>
      <div className={`camera-wall camera-wall-${layout}`} data-testid="camera-wall">
        {tiles.map((camera, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: a tile is its position on the wall
          <figure key={index} className={`camera-tile ${camera?.status === 'offline' ? 'offline' : ''}`} data-testid="camera-tile">
            {camera ? <CameraView tenant={tenant.code} camera={camera} /> : <div className="camera-empty">{t('cctv.wall.empty')}</div>}
            <figcaption>
              {following ? (
                <span>
                  {camera?.name ?? '—'}
                  {camera?.distanceM !== undefined && ` · ${camera.distanceM} m`}
                </span>
              ) : (
                <select value={chosen[index] ?? ''} onChange={(e) => choose(index, e.target.value)} aria-label={t('cctv.wall.tile', { n: index + 1 })}>
                  <option value="">—</option>
                  {cameras.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                      {c.status === 'offline' ? ` (${t('cctv.status.offline')})` : ''}
                    </option>
                  ))}
                </select>
              )}
            </figcaption>
          </figure>
        ))}
      </div>
    </div>
  )
}
