import { useMemo } from 'react'
import type { Tenant } from '../../app/api.ts'
import type { Alert, RegionFeature } from './api.ts'
import { circleRing, DrawMap } from './DrawMap.tsx'

const NO_DRAWING = { mode: 'regions' } as const
const ignore = () => undefined

/** A draft's area on the map, for the approver to see before publishing: its kecamatan/kelurahan and drawn shape. */
export function AreaPreview({ tenant, alert, regions }: { tenant: Tenant; alert: Alert; regions: RegionFeature[] }) {
  const features = useMemo<GeoJSON.Feature[]>(() => {
    const codes = new Set(alert.regions.map((r) => r.code))
    const chosen: GeoJSON.Feature[] = regions.filter((r) => codes.has(r.properties.code))
    const area = alert.area
    if (!area) return chosen
    const drawn: GeoJSON.Geometry =
      area.type === 'Feature' ? { type: 'Polygon', coordinates: [circleRing(area.geometry.coordinates, area.properties.radius)] } : area
    return [...chosen, { type: 'Feature', geometry: drawn, properties: {} }]
  }, [alert, regions])
  return (
    <div className="alert-preview-map" data-testid="area-preview">
      <DrawMap tenant={tenant} regions={features} drawing={NO_DRAWING} severity={alert.severity} onChange={ignore} />
    </div>
  )
}
