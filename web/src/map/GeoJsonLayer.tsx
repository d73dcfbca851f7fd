import type { AddLayerObject, GeoJSONSource } from 'maplibre-gl'
import { useEffect } from 'react'
import { useMap } from './MapView.tsx'

type FeatureCollection = GeoJSON.FeatureCollection

const EMPTY: FeatureCollection = { type: 'FeatureCollection', features: [] }

/**
 * A GeoJSON source and its style layers. Renders nothing: it adds them once, pushes new data with
 * setData, and toggles visibility, so live updates never re-create layers.
 */
export function GeoJsonLayer({
  id,
  data,
  layers,
  visible = true,
  cluster = false,
}: {
  id: string
  data: FeatureCollection | null
  layers: AddLayerObject[]
  visible?: boolean
  cluster?: boolean
}) {
  const map = useMap()

  // biome-ignore lint/correctness/useExhaustiveDependencies: the style layers are fixed for the life of the source
  useEffect(() => {
    map.addSource(id, { type: 'geojson', data: EMPTY, promoteId: 'code', cluster, clusterRadius: 40 })
    for (const layer of layers) map.addLayer(layer)
    return () => {
      if (!map.getStyle()) return
      for (const layer of layers) if (map.getLayer(layer.id)) map.removeLayer(layer.id)
      if (map.getSource(id)) map.removeSource(id)
    }
  }, [map, id])

  useEffect(() => {
    map.getSource<GeoJSONSource>(id)?.setData(data ?? EMPTY)
  }, [map, id, data])

  useEffect(() => {
    for (const layer of layers) if (map.getLayer(layer.id)) map.setLayoutProperty(layer.id, 'visibility', visible ? 'visible' : 'none')
  }, [map, layers, visible])

  return null
}
