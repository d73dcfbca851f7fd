import { useMemo } from 'react'
import type { Tenant } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { PublicMap } from '../reports/PickMap.tsx'
import type { Market } from './api.ts'

const MARKET_LAYERS = [
  {
    id: 'levy-markets-circle',
    type: 'circle' as const,
    source: 'levy-markets',
    paint: { 'circle-radius': 6, 'circle-color': '#f5a524', 'circle-stroke-width': 2, 'circle-stroke-color': '#0e1726' },
  },
]

/** The city's map in the market form (loaded only when shown): the markets as dots; a tap picks the location. */
export function MarketMap({
  tenant,
  markets,
  picked,
  onPick,
}: {
  tenant: Tenant
  markets: Market[]
  picked: [number, number] | null
  onPick: (at: [number, number]) => void
}) {
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: markets.map((m) => ({ type: 'Feature', geometry: m.location, properties: { code: m.code, name: m.name } })),
    }),
    [markets],
  )
  return (
    <div className="levy-market-map" data-testid="levy-market-map">
      <PublicMap tenant={tenant} picked={picked} onPick={onPick}>
        <GeoJsonLayer id="levy-markets" data={data} layers={MARKET_LAYERS} />
      </PublicMap>
    </div>
  )
}
