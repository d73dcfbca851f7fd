import 'maplibre-gl/dist/maplibre-gl.css'
import { Map as MapLibreMap, type MapOptions, NavigationControl, setWorkerUrl } from 'maplibre-gl'
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url'
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react'
import type { PlatformConfig } from '../app/api.ts'

// MapLibre looks for its worker beside its own file, which bundling moves; tell it where the worker went.
setWorkerUrl(workerUrl)

const MapContext = createContext<MapLibreMap | null>(null)

/** The map of the surrounding MapView; layers take it from here, never from a global. */
export function useMap(): MapLibreMap {
  const map = useContext(MapContext)
  if (!map) throw new Error('useMap outside MapView')
  return map
}

/**
 * The style a map draws on: MAP_STYLE_URL when the install sets one, else the basemap this server holds (dark for
 * the console and the wall, light for the portal and phone pages), else none (boundaries on a plain background).
 */
export function mapStyle(config: Pick<PlatformConfig, 'mapStyleUrl' | 'basemap'>, theme: 'dark' | 'light'): string | null {
  return config.mapStyleUrl ?? config.basemap?.[theme] ?? null
}

// No tiles, no glyphs, no sprites: the map works with no internet. Boundaries come from the API.
const OFFLINE_STYLE: MapOptions['style'] = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0e1726' } }],
}

export function MapView({ bbox, styleUrl, children }: { bbox: [number, number, number, number] | null; styleUrl: string | null; children: ReactNode }) {
  const container = useRef<HTMLDivElement>(null)
  const [map, setMap] = useState<MapLibreMap | null>(null)

  useEffect(() => {
    if (!container.current) return
    const instance = new MapLibreMap({
      container: container.current,
      style: styleUrl ?? OFFLINE_STYLE,
      bounds: bbox ?? undefined,
      fitBoundsOptions: { padding: 40 },
      center: bbox ? undefined : [110.22, -7.47],
      zoom: bbox ? undefined : 12,
      attributionControl: false,
    })
    // The map behind its element, for browser tests (queryRenderedFeatures) and for debugging from the console.
    Object.defineProperty(container.current, 'map', { value: instance, configurable: true })
    instance.addControl(new NavigationControl({ showCompass: false }), 'top-left')
    instance.on('load', () => setMap(instance))
    return () => {
      setMap(null)
      instance.remove()
    }
  }, [bbox, styleUrl])

  return (
    <div ref={container} className="map" data-testid="map">
      {map && <MapContext.Provider value={map}>{children}</MapContext.Provider>}
    </div>
  )
}
