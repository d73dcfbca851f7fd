import type { FilterSpecification, MapLayerMouseEvent } from 'maplibre-gl'
import { useEffect, useMemo } from 'react'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { type Incident, PRIORITY_COLORS, UNIT_KIND_COLORS, UNIT_STATUS_COLORS, type Unit } from './api.ts'

// Colours are worked out here and travel in each feature's properties, so the style stays simple.
const unclustered: FilterSpecification = ['!', ['has', 'point_count']]
const clustered: FilterSpecification = ['has', 'point_count']

function useClick(layerId: string, onSelect?: (id: string) => void) {
  const map = useMap()
  useEffect(() => {
    if (!onSelect) return
    const onClick = (e: MapLayerMouseEvent) => {
      const id = e.features?.[0]?.properties?.id
      if (typeof id === 'string') onSelect(id)
    }
    const pointer = () => {
      map.getCanvas().style.cursor = 'pointer'
    }
    const normal = () => {
      map.getCanvas().style.cursor = ''
    }
    map.on('click', layerId, onClick)
    map.on('mouseenter', layerId, pointer)
    map.on('mouseleave', layerId, normal)
    return () => {
      map.off('click', layerId, onClick)
      map.off('mouseenter', layerId, pointer)
      map.off('mouseleave', layerId, normal)
    }
  }, [map, layerId, onSelect])
}

/** Open incidents coloured by priority (overdue ones ringed white), clustered when they crowd. */
export function IncidentMarkers({
  incidents,
  visible,
  onSelect,
  now,
}: {
  incidents: Incident[]
  visible: boolean
  onSelect?: (id: string) => void
  now: number
}) {
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: incidents.map((i) => ({
        type: 'Feature',
        id: i.id,
        geometry: i.location,
        properties: {
          id: i.id,
          priority: i.priority,
          status: i.status,
          color: PRIORITY_COLORS[i.priority],
          overdue: i.timers.dueAt !== null && Date.parse(i.timers.dueAt) < now,
        },
      })),
    }),
    [incidents, now],
  )
  useClick('incidents-point', onSelect)
  return (
    <GeoJsonLayer
      id="incidents"
      data={data}
      visible={visible}
      cluster
      layers={[
        {
          id: 'incidents-cluster',
          type: 'circle',
          source: 'incidents',
          filter: clustered,
          paint: {
            'circle-color': '#e5484d',
            'circle-opacity': 0.75,
            'circle-radius': ['step', ['get', 'point_count'], 14, 10, 18, 50, 24],
            'circle-stroke-color': '#fff',
            'circle-stroke-width': 2,
          },
        },
        {
          id: 'incidents-point',
          type: 'circle',
          source: 'incidents',
          filter: unclustered,
          paint: {
            'circle-radius': 9,
            'circle-color': ['get', 'color'],
            'circle-stroke-color': ['case', ['get', 'overdue'], '#ffffff', '#0b1220'],
            'circle-stroke-width': ['case', ['get', 'overdue'], 4, 2],
          },
        },
      ]}
    />
  )
}

/** Units: fill by status, centre by kind; they move as their positions arrive. */
export function UnitMarkers({ units, visible, onSelect }: { units: Unit[]; visible: boolean; onSelect?: (id: string) => void }) {
  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: units.flatMap((u) =>
        u.location
          ? [
              {
                type: 'Feature' as const,
                id: u.id,
                geometry: u.location,
                properties: {
                  id: u.id,
                  callsign: u.callsign,
                  kind: u.kind,
                  status: u.status,
                  color: UNIT_STATUS_COLORS[u.status] ?? '#6b7280',
                  kindColor: UNIT_KIND_COLORS[u.kind] ?? '#ffffff',
                },
              },
            ]
          : [],
      ),
    }),
    [units],
  )
  useClick('units-point', onSelect)
  return (
    <GeoJsonLayer
      id="units"
      data={data}
      visible={visible}
      cluster
      layers={[
        {
          id: 'units-cluster',
          type: 'circle',
          source: 'units',
          filter: clustered,
          paint: {
            'circle-color': '#2fbf71',
            'circle-opacity': 0.7,
            'circle-radius': ['step', ['get', 'point_count'], 12, 10, 16, 50, 22],
            'circle-stroke-color': '#0b1220',
            'circle-stroke-width': 2,
          },
        },
        {
          id: 'units-point',
          type: 'circle',
          source: 'units',
          filter: unclustered,
          paint: { 'circle-radius': 8, 'circle-color': ['get', 'color'], 'circle-stroke-color': '#0b1220', 'circle-stroke-width': 2 },
        },
        {
          id: 'units-kind',
          type: 'circle',
          source: 'units',
          filter: unclustered,
          paint: { 'circle-radius': 3, 'circle-color': ['get', 'kindColor'] },
        },
      ]}
    />
  )
}
