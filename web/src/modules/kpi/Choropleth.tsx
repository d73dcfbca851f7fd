import type { AddLayerObject } from 'maplibre-gl'
import { useEffect, useMemo, useState } from 'react'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { MapView } from '../../map/MapView.tsx'

// Worst to best; a region without a value stays grey so "missing" never looks like a low score.
const WORST = '#e5484d'
const BEST = '#30a46c'
const NO_VALUE = '#5b6472'

/** A breakdown by kecamatan or kelurahan on the tenant's own boundaries, coloured from worst to best. */
export function Choropleth({
  tenant,
  level,
  values,
  direction,
}: {
  tenant: Tenant
  level: 'kecamatan' | 'kelurahan'
  values: { key: string; value: number }[]
  direction: 'higher' | 'lower'
}) {
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  const [regions, setRegions] = useState<GeoJSON.FeatureCollection | null>(null)
  useEffect(() => {
    api<PlatformConfig>('/api/config').then(setConfig, () => setConfig({ defaultTenant: tenant.code, mapStyleUrl: null, languages: [] }))
  }, [tenant.code])
  useEffect(() => {
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/regions?level=${level}`).then(setRegions, () => setRegions(null))
  }, [tenant.code, level])

  const data = useMemo<GeoJSON.FeatureCollection | null>(() => {
    if (!regions) return null
    const byCode = new Map(values.map((v) => [v.key, v.value]))
    return {
      type: 'FeatureCollection',
      features: regions.features.map((f) => {
        const value = byCode.get(String(f.properties?.code))
        return { ...f, properties: { ...f.properties, ...(value === undefined ? {} : { value }) } }
      }),
    }
  }, [regions, values])

  const layers = useMemo<AddLayerObject[]>(() => {
    const numbers = values.map((v) => v.value)
    const low = Math.min(...numbers)
    const high = Math.max(...numbers)
    const [lowColour, highColour] = direction === 'higher' ? [WORST, BEST] : [BEST, WORST]
    const colour =
      high > low ? ['interpolate', ['linear'], ['get', 'value'], low, lowColour, high, highColour] : ['literal', direction === 'higher' ? BEST : WORST]
    return [
      {
        id: 'kpi-choropleth-fill',
        type: 'fill',
        source: 'kpi-choropleth',
        paint: { 'fill-color': ['case', ['has', 'value'], colour, NO_VALUE] as never, 'fill-opacity': 0.65 },
      },
      { id: 'kpi-choropleth-line', type: 'line', source: 'kpi-choropleth', paint: { 'line-color': '#ffffff', 'line-width': 0.8 } },
    ]
  }, [values, direction])

  if (!config) return <div className="kpi-map loading">…</div>
  return (
    <div className="kpi-map" data-testid="kpi-choropleth" data-regions={data?.features.length ?? 0} data-with-value={values.length}>
      <MapView bbox={tenant.bbox} styleUrl={config.mapStyleUrl}>
        {/* The key remounts the layers when the scale changes: the style layers of a source are fixed. */}
        <GeoJsonLayer key={layers.map((l) => JSON.stringify(l)).join()} id="kpi-choropleth" data={data} layers={layers} />
      </MapView>
    </div>
  )
}
