import { useMemo } from 'react'
import type { PlatformConfig, Tenant } from '../../app/api.ts'
import { webModules } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { MapView, mapStyle } from '../../map/MapView.tsx'
import { type Point, type ReportStatus, STATUS_COLORS } from './api.ts'

// The boundaries come from the tenancy module's layer, through the registry.
const baseLayers = webModules.flatMap((m) => m.layers ?? []).filter((l) => l.id === 'regions')

/** One report's place on a small map, with the kelurahan boundaries around it. */
export function ReportMap({ tenant, config, location, status }: { tenant: Tenant; config: PlatformConfig; location: Point; status: ReportStatus }) {
  const [lon, lat] = location.coordinates
  const bbox = useMemo<[number, number, number, number]>(() => [lon - 0.005, lat - 0.004, lon + 0.005, lat + 0.004], [lon, lat])
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: location, properties: { color: STATUS_COLORS[status] } }] }),
    [location, status],
  )
  return (
    <div className="report-map">
      <MapView bbox={bbox} styleUrl={mapStyle(config, 'light')}>
        {baseLayers.map(({ id, Component }) => (
          <Component key={id} tenant={tenant} visible />
        ))}
        <GeoJsonLayer
          id="report-spot"
          data={data}
          layers={[
            {
              id: 'report-spot-circle',
              type: 'circle',
              source: 'report-spot',
              paint: { 'circle-radius': 9, 'circle-color': ['get', 'color'], 'circle-stroke-width': 2, 'circle-stroke-color': '#ffffff' },
            },
          ]}
        />
      </MapView>
    </div>
  )
}
