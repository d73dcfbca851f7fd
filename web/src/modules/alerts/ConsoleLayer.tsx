import { useCallback, useEffect, useState } from 'react'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { fetchAreas } from './api.ts'
import { AREA_LAYERS, AREAS_SOURCE } from './areas.ts'

/** The console's layer: the areas of the active warnings, refreshed on alert events. */
export function ConsoleAlertsLayer({ tenant, visible }: MapLayerProps) {
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null)
  const load = useCallback(() => {
    fetchAreas(tenant.code).then(setData, () => undefined)
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['alerts'], load)
  return <GeoJsonLayer id={AREAS_SOURCE} data={data} layers={AREA_LAYERS} visible={visible} />
}
