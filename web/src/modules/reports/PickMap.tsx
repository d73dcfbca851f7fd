import type { MapMouseEvent } from 'maplibre-gl'
import { type ReactNode, useEffect, useMemo, useState } from 'react'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { webModules } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { MapView, mapStyle, useMap } from '../../map/MapView.tsx'
import { PublicReportsLayer } from './ReportsLayer.tsx'

// The boundaries come from the tenancy module's layer, through the registry.
const baseLayers = webModules.flatMap((m) => m.layers ?? []).filter((l) => l.id === 'regions')

function Picker({ onPick }: { onPick: (c: [number, number]) => void }) {
  const map = useMap()
  useEffect(() => {
    const onClick = (e: MapMouseEvent) => onPick([Number(e.lngLat.lng.toFixed(6)), Number(e.lngLat.lat.toFixed(6))])
    map.on('click', onClick)
    return () => {
      map.off('click', onClick)
    }
  }, [map, onPick])
  return null
}

function Spot({ at }: { at: [number, number] | null }) {
  const map = useMap()
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({ type: 'FeatureCollection', features: at ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: {} }] : [] }),
    [at],
  )
  useEffect(() => {
    if (at) map.easeTo({ center: at, zoom: Math.max(map.getZoom(), 15) })
  }, [map, at])
  return (
    <GeoJsonLayer
      id="picked-spot"
      data={data}
      layers={[
        {
          id: 'picked-spot-circle',
          type: 'circle',
          source: 'picked-spot',
          paint: { 'circle-radius': 9, 'circle-color': '#e5484d', 'circle-stroke-width': 3, 'circle-stroke-color': '#ffffff' },
        },
      ]}
    />
  )
}

/** The city's map for public pages (loaded only when shown): tap to pick a point, or show reports. */
export function PublicMap({
  tenant,
  picked = null,
  onPick,
  children,
}: {
  tenant: Tenant
  picked?: [number, number] | null
  onPick?: (c: [number, number]) => void
  children?: ReactNode
}) {
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  useEffect(() => {
    api<PlatformConfig>('/api/config').then(setConfig, () => setConfig({ defaultTenant: tenant.code, mapStyleUrl: null, basemap: null, languages: [] }))
  }, [tenant.code])
  if (!config) return <div className="public-map loading">…</div>
  return (
    <div className="public-map">
      <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'light')}>
        {baseLayers.map(({ id, Component }) => (
          <Component key={id} tenant={tenant} visible />
        ))}
        {onPick && <Picker onPick={onPick} />}
        {onPick && <Spot at={picked} />}
        {children}
      </MapView>
    </div>
  )
}

/** The public map of reports, clustered. */
export function PublicReportsMap({ tenant }: { tenant: Tenant }) {
  return (
    <PublicMap tenant={tenant}>
      <PublicReportsLayer tenant={tenant} visible />
    </PublicMap>
  )
}
