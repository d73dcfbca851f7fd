import type { MapMouseEvent } from 'maplibre-gl'
import { useEffect, useMemo } from 'react'
import { GeoJsonLayer } from './GeoJsonLayer.tsx'
import { useMap } from './MapView.tsx'

/** Clicks on the map pick a point (six decimals: about 10 cm). */
export function MapPicker({ onPick }: { onPick: (c: [number, number]) => void }) {
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

/** The picked point as a pin, the map flown to it at street zoom. */
export function PickedSpot({ at }: { at: [number, number] | null }) {
  const map = useMap()
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({ type: 'FeatureCollection', features: at ? [{ type: 'Feature', geometry: { type: 'Point', coordinates: at }, properties: {} }] : [] }),
    [at],
  )
  useEffect(() => {
    if (at) map.easeTo({ center: at, zoom: Math.max(map.getZoom(), 16) })
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
