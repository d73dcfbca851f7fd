import type { MapMouseEvent } from 'maplibre-gl'
import { useEffect, useMemo, useRef } from 'react'
import type { Tenant } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { PublicMap } from '../reports/PickMap.tsx'
import { SEVERITY_COLORS } from './api.ts'

export type Point = [number, number]
export type Drawing = { mode: 'regions' } | { mode: 'polygon'; points: Point[]; done: boolean } | { mode: 'circle'; centre: Point | null; radius: number }

const EARTH_RADIUS_M = 6_371_008.8
const rad = (d: number) => (d * Math.PI) / 180
const round = (p: Point): Point => [Number(p[0].toFixed(6)), Number(p[1].toFixed(6))]

/** Great-circle distance in metres. */
export function distance(a: Point, b: Point): number {
  const h = Math.sin(rad(b[1] - a[1]) / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(rad(b[0] - a[0]) / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.sqrt(h))
}

/** A circle as a 64-sided ring, only to show it (CAP carries the circle itself). */
export function circleRing(centre: Point, radius: number): Point[] {
  const ring: Point[] = []
  for (let i = 0; i <= 64; i++) {
    const angle = (2 * Math.PI * i) / 64
    const dLat = (radius * Math.cos(angle)) / EARTH_RADIUS_M
    const dLng = (radius * Math.sin(angle)) / (EARTH_RADIUS_M * Math.cos(rad(centre[1])))
    ring.push([centre[0] + (dLng * 180) / Math.PI, centre[1] + (dLat * 180) / Math.PI])
  }
  return ring
}

/** Map clicks into a polygon (click the corners, double-click to finish) or a circle (click the centre, drag the radius). */
function Drawer({ drawing, onChange }: { drawing: Drawing; onChange: (d: Drawing) => void }) {
  const map = useMap()
  // Handlers read the newest drawing without re-binding on every change.
  const current = useRef(drawing)
  current.current = drawing
  useEffect(() => {
    const mode = drawing.mode
    if (mode === 'regions') return
    // While drawing, a double click finishes the polygon and a drag sizes the circle: not zoom or pan.
    map.doubleClickZoom.disable()
    if (mode === 'circle') map.dragPan.disable()
    let dragging = false
    const at = (e: MapMouseEvent) => round([e.lngLat.lng, e.lngLat.lat])
    const onClick = (e: MapMouseEvent) => {
      const d = current.current
      if (d.mode === 'polygon') onChange(d.done ? { ...d, points: [at(e)], done: false } : { ...d, points: [...d.points, at(e)] })
    }
    const onDoubleClick = (e: MapMouseEvent) => {
      const d = current.current
      if (d.mode !== 'polygon') return
      e.preventDefault()
      // The double click's own clicks added the same corner twice.
      const points = d.points.filter((p, i) => i === 0 || p[0] !== d.points[i - 1][0] || p[1] !== d.points[i - 1][1])
      if (points.length >= 3) onChange({ ...d, points, done: true })
    }
    const onDown = (e: MapMouseEvent) => {
      const d = current.current
      if (d.mode !== 'circle') return
      dragging = true
      onChange({ ...d, centre: at(e) })
    }
    const onMove = (e: MapMouseEvent) => {
      const d = current.current
      if (!dragging || d.mode !== 'circle' || !d.centre) return
      const radius = Math.round(distance(d.centre, at(e)))
      if (radius > 0) onChange({ ...d, radius })
    }
    const onUp = () => {
      dragging = false
    }
    map.on('click', onClick)
    map.on('dblclick', onDoubleClick)
    map.on('mousedown', onDown)
    map.on('mousemove', onMove)
    map.on('mouseup', onUp)
    map.getCanvas().style.cursor = 'crosshair'
    return () => {
      map.off('click', onClick)
      map.off('dblclick', onDoubleClick)
      map.off('mousedown', onDown)
      map.off('mousemove', onMove)
      map.off('mouseup', onUp)
      map.doubleClickZoom.enable()
      map.dragPan.enable()
      map.getCanvas().style.cursor = ''
    }
  }, [map, drawing.mode, onChange])
  return null
}

/** The drawn shape as GeoJSON to show: the polygon (open while drawing) or the circle, and its corners. */
function shapeOf(drawing: Drawing): GeoJSON.Feature[] {
  if (drawing.mode === 'polygon' && drawing.points.length > 0) {
    const corners = drawing.points.map((p) => ({ type: 'Feature' as const, geometry: { type: 'Point' as const, coordinates: p }, properties: {} }))
    const outline: GeoJSON.Feature =
      drawing.points.length >= 3
        ? { type: 'Feature', geometry: { type: 'Polygon', coordinates: [[...drawing.points, drawing.points[0]]] }, properties: {} }
        : { type: 'Feature', geometry: { type: 'LineString', coordinates: drawing.points }, properties: {} }
    return [outline, ...corners]
  }
  if (drawing.mode === 'circle' && drawing.centre) {
    return [
      { type: 'Feature', geometry: { type: 'Polygon', coordinates: [circleRing(drawing.centre, drawing.radius)] }, properties: {} },
      { type: 'Feature', geometry: { type: 'Point', coordinates: drawing.centre }, properties: {} },
    ]
  }
  return []
}

/** The warning's area on the city map: the chosen kecamatan/kelurahan and the drawn polygon or circle, in the severity's colour. */
export function DrawMap({
  tenant,
  regions,
  drawing,
  severity,
  onChange,
}: {
  tenant: Tenant
  regions: GeoJSON.Feature[]
  drawing: Drawing
  severity: string
  onChange: (d: Drawing) => void
}) {
  const color = SEVERITY_COLORS[severity] ?? SEVERITY_COLORS.Unknown
  const chosen = useMemo<GeoJSON.FeatureCollection>(() => ({ type: 'FeatureCollection', features: regions }), [regions])
  const shape = useMemo<GeoJSON.FeatureCollection>(() => ({ type: 'FeatureCollection', features: shapeOf(drawing) }), [drawing])
  return (
    <div className="alert-draw-map" data-testid="alert-draw-map">
      <PublicMap tenant={tenant}>
        <GeoJsonLayer
          id="alert-chosen-regions"
          data={chosen}
          layers={[
            { id: 'alert-chosen-regions-fill', type: 'fill', source: 'alert-chosen-regions', paint: { 'fill-color': color, 'fill-opacity': 0.25 } },
            { id: 'alert-chosen-regions-line', type: 'line', source: 'alert-chosen-regions', paint: { 'line-color': color, 'line-width': 2 } },
          ]}
        />
        <GeoJsonLayer
          id="alert-drawn-area"
          data={shape}
          layers={[
            {
              id: 'alert-drawn-area-fill',
              type: 'fill',
              source: 'alert-drawn-area',
              filter: ['==', ['geometry-type'], 'Polygon'],
              paint: { 'fill-color': color, 'fill-opacity': 0.3 },
            },
            {
              id: 'alert-drawn-area-line',
              type: 'line',
              source: 'alert-drawn-area',
              filter: ['!=', ['geometry-type'], 'Point'],
              paint: { 'line-color': color, 'line-width': 2, 'line-dasharray': [2, 1] },
            },
            {
              id: 'alert-drawn-area-corner',
              type: 'circle',
              source: 'alert-drawn-area',
              filter: ['==', ['geometry-type'], 'Point'],
              paint: { 'circle-radius': 5, 'circle-color': '#ffffff', 'circle-stroke-color': color, 'circle-stroke-width': 2 },
            },
          ]}
        />
        <Drawer drawing={drawing} onChange={onChange} />
      </PublicMap>
    </div>
  )
}
