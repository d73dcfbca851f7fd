import { Popup } from 'maplibre-gl'
import { useCallback, useEffect, useState } from 'react'
import { api } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'

/**
 * Rows with a place of the tenant's datasets (wifi hotspots, facilities…), or of one dataset (the map then
 * fits its points); a click shows the row.
 */
export function DatasetsLayer({ tenant, visible, dataset }: MapLayerProps & { dataset?: string }) {
  const map = useMap()
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null)
  const load = useCallback(() => {
    if (!visible) return
    const query = dataset ? `?dataset=${encodeURIComponent(dataset)}` : ''
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/dataset-points${query}`).then(setData, () => undefined)
  }, [tenant.code, visible, dataset])
  useEffect(load, [load])
  useLiveEvents(['datahub'], load)

  useEffect(() => {
    const coordinates = (data?.features ?? []).flatMap((f) => (f.geometry.type === 'Point' ? [f.geometry.coordinates] : []))
    if (!dataset || coordinates.length === 0) return
    const lons = coordinates.map((c) => c[0])
    const lats = coordinates.map((c) => c[1])
    map.fitBounds(
      [
        [Math.min(...lons), Math.min(...lats)],
        [Math.max(...lons), Math.max(...lats)],
      ],
      { padding: 40, maxZoom: 16, duration: 0 },
    )
  }, [map, data, dataset])

  useEffect(() => {
    const popup = new Popup({ closeButton: true, maxWidth: '320px', className: 'region-popup' })
    const onClick = (e: { lngLat: { lng: number; lat: number }; features?: { properties: Record<string, unknown> }[] }) => {
      const p = e.features?.[0]?.properties
      if (!p) return
      const rows = Object.entries(p)
        .filter(([k]) => k !== 'dataset' && k !== 'datasetTitle')
        .slice(0, 8)
        .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v ?? ''))}</td></tr>`)
        .join('')
      popup
        .setLngLat(e.lngLat)
        .setHTML(`<div data-testid="dataset-popup"><strong>${escapeHtml(String(p.datasetTitle))}</strong><table>${rows}</table></div>`)
        .addTo(map)
    }
    map.on('click', 'dataset-points-circle', onClick)
    return () => {
      map.off('click', 'dataset-points-circle', onClick)
      popup.remove()
    }
  }, [map])

  return (
    <GeoJsonLayer
      id="dataset-points"
      data={data}
      visible={visible}
      layers={[
        {
          id: 'dataset-points-circle',
          type: 'circle',
          source: 'dataset-points',
          paint: { 'circle-radius': 5, 'circle-color': '#14b8a6', 'circle-stroke-color': '#f0fdfa', 'circle-stroke-width': 1.5 },
        },
      ]}
    />
  )
}
