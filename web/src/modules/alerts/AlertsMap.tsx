import { useEffect, useState } from 'react'
import type { Tenant } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { PublicMap } from '../reports/PickMap.tsx'
import { fetchAreas } from './api.ts'
import { AREA_LAYERS, AREAS_SOURCE } from './areas.ts'

// The public map asks again this often (citizens have no live channel).
const REFRESH_MS = 15_000

/** The public map of the active warnings (loaded only when shown). */
export function PublicAlertsMap({ tenant }: { tenant: Tenant }) {
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null)
  useEffect(() => {
    const load = () => fetchAreas(tenant.code).then(setData, () => undefined)
    load()
    const timer = setInterval(load, REFRESH_MS)
    return () => clearInterval(timer)
  }, [tenant.code])
  return (
    <PublicMap tenant={tenant}>
      <GeoJsonLayer id={AREAS_SOURCE} data={data} layers={AREA_LAYERS} />
    </PublicMap>
  )
}
