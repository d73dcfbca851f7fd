import type { AddLayerObject, MapLayerMouseEvent } from 'maplibre-gl'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { MapView, mapStyle, useMap } from '../../map/MapView.tsx'

// Worst to best; a region without a value stays grey so "missing" never looks like a low score.
const WORST = '#e5484d'
const MIDDLE = '#f5a623'
const BEST = '#30a46c'
const NO_VALUE = '#5b6472'
const SOURCE = 'kpi-choropleth'
const FILL = `${SOURCE}-fill`

/** The numbers the colours run between, and which end is good. */
export interface ChoroplethScale {
  low: number
  high: number
  better: 'higher' | 'lower'
}

interface RegionInfo {
  code: string
  name: string
}

/** The fill colour of a region: its value on the scale, grey without one. */
function fillColour(scale: ChoroplethScale): unknown {
  const [lowColour, highColour] = scale.better === 'higher' ? [WORST, BEST] : [BEST, WORST]
  const colour =
    scale.high > scale.low
      ? ['interpolate', ['linear'], ['get', 'value'], scale.low, lowColour, (scale.low + scale.high) / 2, MIDDLE, scale.high, highColour]
      : ['literal', scale.better === 'higher' ? BEST : WORST]
  return ['case', ['has', 'value'], colour, NO_VALUE]
}

/**
 * Regions of a tenant coloured by a value from worst to best, with a legend; hovering or clicking a region
 * shows its value, and `onOpen` (when given) is called with the clicked region's code.
 */
export function Choropleth({
  tenant,
  config,
  level,
  values,
  scale,
  format,
  describe,
  onOpen,
}: {
  tenant: Tenant
  config: PlatformConfig
  /** The level of the tenant's regions to draw; absent, all of them (a province's kota and kabupaten). */
  level?: 'kecamatan' | 'kelurahan'
  values: { key: string; value: number }[]
  scale: ChoroplethScale
  format: (value: number) => string
  /** What to say of a region under the pointer; by default its value or that it has none. */
  describe?: (code: string) => string
  onOpen?: (code: string) => void
}) {
  const { t } = useTranslation()
  const [regions, setRegions] = useState<GeoJSON.FeatureCollection | null>(null)
  const [hovered, setHovered] = useState<RegionInfo | null>(null)
  const [picked, setPicked] = useState<RegionInfo | null>(null)
  useEffect(() => {
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/regions${level ? `?level=${level}` : ''}`).then(setRegions, () => setRegions(null))
  }, [tenant.code, level])

  const byCode = useMemo(() => new Map(values.map((v) => [v.key, v.value])), [values])
  const data = useMemo<GeoJSON.FeatureCollection | null>(() => {
    if (!regions) return null
    return {
      type: 'FeatureCollection',
      features: regions.features.map((f) => {
        const value = byCode.get(String(f.properties?.code))
        return { ...f, properties: { ...f.properties, ...(value === undefined ? {} : { value }) } }
      }),
    }
  }, [regions, byCode])

  const shown = hovered ?? picked
  const say = (code: string) => {
    if (describe) return describe(code)
    const value = byCode.get(code)
    return value === undefined ? t('kpi.status.missing') : format(value)
  }
  const [lowColour, highColour] = scale.better === 'higher' ? [WORST, BEST] : [BEST, WORST]
  return (
    <div className="kpi-map" data-testid="kpi-choropleth" data-regions={data?.features.length ?? 0} data-with-value={values.length}>
      <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'dark')}>
        <ChoroplethLayer
          data={data}
          scale={scale}
          onHover={setHovered}
          onClick={(region) => {
            setPicked(region)
            onOpen?.(region.code)
          }}
        />
      </MapView>
      {shown && (
        <div className="kpi-map-info" data-testid="kpi-choropleth-info">
          <strong>{shown.name}</strong>
          <span>{say(shown.code)}</span>
        </div>
      )}
      <div className="kpi-map-legend" data-testid="kpi-choropleth-legend">
        <span>{format(scale.low)}</span>
        <i style={{ background: `linear-gradient(to right, ${lowColour}, ${MIDDLE}, ${highColour})` }} />
        <span>{format(scale.high)}</span>
        <i className="swatch" style={{ background: NO_VALUE }} />
        <span>{t('kpi.map.noValue')}</span>
      </div>
    </div>
  )
}

/** The regions' source and layers; tells the page which region is under the pointer and which was clicked. */
function ChoroplethLayer({
  data,
  scale,
  onHover,
  onClick,
}: {
  data: GeoJSON.FeatureCollection | null
  scale: ChoroplethScale
  onHover: (region: RegionInfo | null) => void
  onClick: (region: RegionInfo) => void
}) {
  const map = useMap()
  // The handlers change with every render of the page; the map's listeners stay bound once.
  const handlers = useRef({ onHover, onClick })
  handlers.current = { onHover, onClick }
  const layers = useMemo<AddLayerObject[]>(
    () => [
      {
        id: FILL,
        type: 'fill',
        source: SOURCE,
        paint: { 'fill-color': fillColour(scale) as never, 'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.9, 0.65] },
      },
      {
        id: `${SOURCE}-line`,
        type: 'line',
        source: SOURCE,
        paint: { 'line-color': '#ffffff', 'line-width': ['case', ['boolean', ['feature-state', 'hover'], false], 2.5, 0.8] },
      },
    ],
    [scale],
  )

  useEffect(() => {
    let hovered: string | undefined
    const regionOf = (e: MapLayerMouseEvent): RegionInfo | null => {
      const p = e.features?.[0]?.properties
      return p ? { code: String(p.code), name: String(p.name) } : null
    }
    const highlight = (code: string | undefined) => {
      if (hovered !== undefined) map.setFeatureState({ source: SOURCE, id: hovered }, { hover: false })
      hovered = code
      if (code !== undefined) map.setFeatureState({ source: SOURCE, id: code }, { hover: true })
    }
    const onMove = (e: MapLayerMouseEvent) => {
      const region = regionOf(e)
      if (region?.code === hovered) return
      highlight(region?.code)
      map.getCanvas().style.cursor = region ? 'pointer' : ''
      handlers.current.onHover(region)
    }
    const onLeave = () => {
      highlight(undefined)
      map.getCanvas().style.cursor = ''
      handlers.current.onHover(null)
    }
    const onPick = (e: MapLayerMouseEvent) => {
      const region = regionOf(e)
      if (region) handlers.current.onClick(region)
    }
    map.on('mousemove', FILL, onMove)
    map.on('mouseleave', FILL, onLeave)
    map.on('click', FILL, onPick)
    return () => {
      map.off('mousemove', FILL, onMove)
      map.off('mouseleave', FILL, onLeave)
      map.off('click', FILL, onPick)
    }
  }, [map])

  // The key remounts the layers when the scale changes: the style layers of a source are fixed.
  return <GeoJsonLayer key={JSON.stringify(scale)} id={SOURCE} data={data} layers={layers} />
}
