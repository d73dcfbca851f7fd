import { useMemo } from 'react'
import type { Tenant } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { PublicMap } from '../reports/PickMap.tsx'
import type { NamedPlace } from './api.ts'

const PLACE_LAYERS = [
  {
    id: 'named-places-circle',
    type: 'circle' as const,
    source: 'named-places',
    paint: { 'circle-radius': 6, 'circle-color': '#3e8ed0', 'circle-stroke-width': 2, 'circle-stroke-color': '#ffffff' },
  },
]

/** The city's map in the named-place form (loaded only when shown): the other named places as dots; a tap picks the spot. */
export function NamedPlaceMap({
  tenant,
  places,
  picked,
  onPick,
}: {
  tenant: Tenant
  places: NamedPlace[]
  picked: [number, number] | null
  onPick: (at: [number, number]) => void
}) {
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: places.map((p) => ({ type: 'Feature', geometry: p.location, properties: { name: p.name } })),
    }),
    [places],
  )
  return (
    <div className="named-place-map" data-testid="named-place-map">
      <PublicMap tenant={tenant} picked={picked} onPick={onPick}>
        <GeoJsonLayer id="named-places" data={data} layers={PLACE_LAYERS} />
      </PublicMap>
    </div>
  )
}
