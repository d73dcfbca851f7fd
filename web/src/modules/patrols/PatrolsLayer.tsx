import type { AddLayerObject } from 'maplibre-gl'
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { KendaliEvent } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { fetchLive, type LivePatrol } from './api.ts'

const LAYERS: AddLayerObject[] = [
  {
    id: 'patrols-last',
    type: 'circle',
    source: 'patrols',
    paint: {
      'circle-color': ['case', ['get', 'isWithin'], '#16a34a', '#7c3aed'],
      'circle-radius': 8,
      'circle-stroke-width': 2,
      'circle-stroke-color': '#ffffff',
    },
  },
]

/** Where each active Rojak team checked in last; moves with every `patrol.checked_in`, leaves at `patrol.finished`. */
export function PatrolsLayer({ tenant, visible }: MapLayerProps) {
  const [teams, setTeams] = useState<Map<string, LivePatrol>>(new Map())
  useEffect(() => {
    fetchLive(tenant.code).then(
      (r) => setTeams(new Map(r.items.map((i) => [i.patrolId, i]))),
      () => undefined,
    )
  }, [tenant.code])
  const onEvent = useCallback((e: KendaliEvent) => {
    if (!e.entity) return
    const id = e.entity
    setTeams((current) => {
      const next = new Map(current)
      if (e.type === 'patrol.checked_in') next.set(id, e.data as unknown as LivePatrol)
      else if (e.type === 'patrol.finished') next.delete(id)
      else return current
      return next
    })
  }, [])
  useLiveEvents(['patrols'], onEvent)
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: [...teams.values()].map((p) => ({
        type: 'Feature',
        id: p.patrolId,
        geometry: p.location,
        properties: { code: p.patrolId, name: p.name, isWithin: p.isWithin, at: p.at },
      })),
    }),
    [teams],
  )
  return (
    <>
      <GeoJsonLayer id="patrols" data={data} layers={LAYERS} visible={visible} />
      <span hidden data-testid="patrols-layer" data-count={teams.size} />
    </>
  )
}
