import { Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, type Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { webModules } from '../../app/modules.ts'
import { MapView } from '../../map/MapView.tsx'
import { type Camera, fetchCameras } from '../cctv/api.ts'
import { CameraView } from '../cctv/CameraView.tsx'
import { RevenuePanel } from '../levies/RevenuePanel.tsx'
import { fetchAgencies, fetchReports } from '../reports/api.ts'
import { formatValue, labelOf, type Summary } from './api.ts'
import { ProvenanceLine } from './Provenance.tsx'
import { DimensionTiles } from './Tiles.tsx'

export type WallPanelKind = 'kpi' | 'map' | 'cameras' | 'reports' | 'levies'
export interface WallPanel {
  kind: WallPanelKind
  seconds: number
}
export const WALL_PANELS: readonly WallPanelKind[] = ['kpi', 'map', 'cameras', 'reports', 'levies']

// The console's live layers of incidents, units and sensors (with their alarms), by their ids, over the city's
// kelurahan and kecamatan for orientation.
const MAP_LAYERS = new Set(['regions', 'incidents', 'units', 'sensors'])
const mapLayers = webModules.flatMap((m) => m.layers ?? []).filter((l) => MAP_LAYERS.has(l.id))
// Nine tiles fill a big screen and stay readable from across the room.
const CAMERA_TILES = 9

/** A panel whose data this screen may not read says so instead of showing nothing. */
function Unavailable() {
  const { t } = useTranslation()
  return (
    <p className="kpi-wall-unavailable" data-testid="wall-unavailable">
      {t('kpi.wall.unavailable')}
    </p>
  )
}

const isForbidden = (err: unknown) => err instanceof ApiError && err.status === 403

export function WallPanelView({ kind, tenant, summary, styleUrl }: { kind: WallPanelKind; tenant: Tenant; summary: Summary | null; styleUrl: string | null }) {
  switch (kind) {
    case 'kpi':
      return <KpiPanel summary={summary} timeZone={tenant.timezone} />
    case 'map':
      return (
        <div className="kpi-wall-map">
          <MapView bbox={tenant.bbox} styleUrl={styleUrl}>
            {mapLayers.map(({ id, Component }) => (
              <Suspense key={id} fallback={null}>
                <Component tenant={tenant} visible />
              </Suspense>
            ))}
          </MapView>
        </div>
      )
    case 'cameras':
      return <CamerasPanel tenant={tenant} />
    case 'reports':
      return <ReportsPanel tenant={tenant} />
    case 'levies':
      return (
        <div className="kpi-wall-levies">
          <RevenuePanel tenant={tenant} />
        </div>
      )
  }
}

/** The six dimensions and the indicators furthest from their targets. */
function KpiPanel({ summary, timeZone }: { summary: Summary | null; timeZone: string }) {
  const { t, i18n } = useTranslation()
  if (!summary) return null
  const ranked = summary.dimensions.flatMap((d) => d.indicators).filter((i) => i.achievement !== null && i.achievement < 100)
  ranked.sort((a, b) => (a.achievement ?? 0) - (b.achievement ?? 0))
  return (
    <>
      <DimensionTiles summary={summary} />
      {ranked.length > 0 && (
        <section className="kpi-wall-watch">
          <h2>{t('kpi.wall.watch')}</h2>
          <ol>
            {ranked.slice(0, 5).map((i) => (
              <li key={i.code}>
                <span>
                  {labelOf(i.name, i18n.language)}
                  <ProvenanceLine indicator={i} timeZone={timeZone} />
                </span>
                <strong>{formatValue(i.value, i.unit, i18n.language)}</strong>
                <em>{i.achievement?.toFixed(0)} %</em>
              </li>
            ))}
          </ol>
        </section>
      )}
    </>
  )
}

/** Snapshots of the city's cameras, online ones first. */
function CamerasPanel({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [cameras, setCameras] = useState<Camera[] | null>(null)
  const [unavailable, setUnavailable] = useState(false)
  const load = useCallback(() => {
    fetchCameras(tenant.code).then(
      (page) => setCameras([...page.items].sort((a, b) => Number(a.status === 'offline') - Number(b.status === 'offline')).slice(0, CAMERA_TILES)),
      (err: unknown) => setUnavailable(isForbidden(err)),
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['cctv'], load)
  if (unavailable) return <Unavailable />
  if (!cameras) return null
  if (cameras.length === 0) return <p className="kpi-wall-unavailable">{t('kpi.wall.noCameras')}</p>
  return (
    <div className={`camera-wall camera-wall-${CAMERA_TILES} kpi-wall-cameras`} data-testid="wall-cameras">
      {cameras.map((camera) => (
        <figure key={camera.id} className={`camera-tile ${camera.status === 'offline' ? 'offline' : ''}`}>
          <CameraView tenant={tenant.code} camera={camera} />
          <figcaption>{camera.name}</figcaption>
        </figure>
      ))}
    </div>
  )
}

/** Open reports per OPD, most first, counted from the reports list (its total) of each OPD. */
function ReportsPanel({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [rows, setRows] = useState<{ id: string; name: string; open: number }[] | null>(null)
  const [unavailable, setUnavailable] = useState(false)
  const load = useCallback(async () => {
    try {
      const agencies = (await fetchAgencies(tenant.code)).items
      const totals = await Promise.all(agencies.map((a) => fetchReports(tenant.code, { status: 'open', agencyId: a.id, limit: '1' }).then((p) => p.total)))
      const counted = agencies.map((a, i) => ({ id: a.id, name: a.name, open: totals[i] })).filter((r) => r.open > 0)
      setRows(counted.sort((a, b) => b.open - a.open))
    } catch (err) {
      setUnavailable(isForbidden(err))
    }
  }, [tenant.code])
  useEffect(() => void load(), [load])
  useLiveEvents(['reports'], () => void load())
  if (unavailable) return <Unavailable />
  if (!rows) return null
  const most = Math.max(1, ...rows.map((r) => r.open))
  return (
    <section className="kpi-wall-reports" data-testid="wall-reports">
      <h2>{t('kpi.wall.reports')}</h2>
      {rows.length === 0 && <p>{t('kpi.wall.noReports')}</p>}
      <ol>
        {rows.map((r) => (
          <li key={r.id}>
            <span>{r.name}</span>
            <span className="kpi-wall-bar" style={{ width: `${(r.open / most) * 100}%` }} />
            <strong>{r.open}</strong>
          </li>
        ))}
      </ol>
    </section>
  )
}
