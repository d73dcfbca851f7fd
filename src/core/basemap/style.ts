import type { BasemapSummary } from './archive.ts'
import { FONTSTACK } from './glyphs.ts'

/** Dark for the console and the wall, light for the portal and the phone pages. */
export type BasemapTheme = 'dark' | 'light'
export const BASEMAP_THEMES: readonly BasemapTheme[] = ['dark', 'light']

interface Palette {
  background: string
  earth: string
  park: string
  landuse: string
  water: string
  building: string
  highway: string
  majorRoad: string
  minorRoad: string
  path: string
  label: string
  labelHalo: string
  place: string
  poi: Record<PoiGroup, string>
}

type PoiGroup = 'health' | 'education' | 'market' | 'worship' | 'safety' | 'government'

const PALETTES: Record<BasemapTheme, Palette> = {
  dark: {
    background: '#0e1726',
    earth: '#111c2e',
    park: '#15302a',
    landuse: '#17233a',
    water: '#0b3a5c',
    building: '#1d2a40',
    highway: '#c28a3a',
    majorRoad: '#6d7f99',
    minorRoad: '#3a4a63',
    path: '#2f3d52',
    label: '#d5dde8',
    labelHalo: '#0e1726',
    place: '#f1f5f9',
    poi: { health: '#f87171', education: '#60a5fa', market: '#fbbf24', worship: '#a78bfa', safety: '#34d399', government: '#e2e8f0' },
  },
  light: {
    background: '#f3f1ec',
    earth: '#f6f4ef',
    park: '#d6ecd2',
    landuse: '#ebe7de',
    water: '#a8d3f0',
    building: '#ddd6cb',
    highway: '#f2b45a',
    majorRoad: '#ffffff',
    minorRoad: '#ffffff',
    path: '#c9c2b5',
    label: '#334155',
    labelHalo: '#ffffff',
    place: '#1e293b',
    poi: { health: '#dc2626', education: '#2563eb', market: '#d97706', worship: '#7c3aed', safety: '#059669', government: '#475569' },
  },
}

/** OpenStreetMap-derived POI kinds (Protomaps basemap schema) a city's people look for, and from which zoom. */
const POI_KINDS: Record<PoiGroup, { kinds: string[]; minzoom: number }> = {
  health: { kinds: ['hospital', 'clinic', 'doctors'], minzoom: 13 },
  safety: { kinds: ['police', 'fire_station'], minzoom: 13 },
  government: { kinds: ['townhall', 'government', 'courthouse', 'public_building'], minzoom: 14 },
  market: { kinds: ['marketplace'], minzoom: 14 },
  education: { kinds: ['school', 'university', 'college', 'kindergarten'], minzoom: 15 },
  worship: { kinds: ['place_of_worship'], minzoom: 15 },
}

/** The label in Bahasa Indonesia where the map has one, else the local name. */
const NAME = ['coalesce', ['get', 'name:id'], ['get', 'name']]
const SOURCE = 'basemap'

function roadWidth(base: number): unknown {
  return ['interpolate', ['exponential', 1.6], ['zoom'], 10, base * 0.4, 14, base * 2, 18, base * 12]
}

function kindIs(...kinds: string[]): unknown {
  return ['in', ['get', 'kind'], ['literal', kinds]]
}

/**
 * A MapLibre style over the basemap served by this Kendali: its tiles, its glyphs, nothing from elsewhere.
 * Points without a sprite: POIs are coloured dots by group with their name, so no icon set has to be shipped.
 */
export function basemapStyle(theme: BasemapTheme, summary: BasemapSummary, origin: string): Record<string, unknown> {
  const p = PALETTES[theme]
  const text = (size: unknown) => ({
    'text-field': NAME,
    'text-font': [FONTSTACK],
    'text-size': size,
  })
  const labelPaint = { 'text-color': p.label, 'text-halo-color': p.labelHalo, 'text-halo-width': 1.5 }
  const layers: Record<string, unknown>[] = [
    { id: 'background', type: 'background', paint: { 'background-color': p.background } },
    { id: 'earth', type: 'fill', source: SOURCE, 'source-layer': 'earth', paint: { 'fill-color': p.earth } },
    {
      id: 'landuse-park',
      type: 'fill',
      source: SOURCE,
      'source-layer': 'landuse',
      filter: kindIs('park', 'forest', 'wood', 'grass', 'garden', 'cemetery', 'recreation_ground', 'pitch', 'farmland'),
      paint: { 'fill-color': p.park },
    },
    {
      id: 'landuse-other',
      type: 'fill',
      source: SOURCE,
      'source-layer': 'landuse',
      filter: kindIs('hospital', 'school', 'university', 'college', 'industrial', 'military', 'pedestrian', 'platform'),
      paint: { 'fill-color': p.landuse },
    },
    { id: 'water', type: 'fill', source: SOURCE, 'source-layer': 'water', filter: ['==', ['geometry-type'], 'Polygon'], paint: { 'fill-color': p.water } },
    {
      id: 'water-line',
      type: 'line',
      source: SOURCE,
      'source-layer': 'water',
      filter: ['==', ['geometry-type'], 'LineString'],
      paint: { 'line-color': p.water, 'line-width': ['interpolate', ['linear'], ['zoom'], 10, 1, 16, 5] },
    },
    { id: 'buildings', type: 'fill', source: SOURCE, 'source-layer': 'buildings', minzoom: 14, paint: { 'fill-color': p.building, 'fill-opacity': 0.8 } },
    {
      id: 'roads-path',
      type: 'line',
      source: SOURCE,
      'source-layer': 'roads',
      minzoom: 14,
      filter: kindIs('path'),
      paint: { 'line-color': p.path, 'line-width': roadWidth(0.4), 'line-dasharray': [2, 1] },
    },
    {
      id: 'roads-minor',
      type: 'line',
      source: SOURCE,
      'source-layer': 'roads',
      minzoom: 12,
      filter: kindIs('minor_road', 'other'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.minorRoad, 'line-width': roadWidth(0.7) },
    },
    {
      id: 'roads-major',
      type: 'line',
      source: SOURCE,
      'source-layer': 'roads',
      filter: kindIs('major_road'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.majorRoad, 'line-width': roadWidth(1.1) },
    },
    {
      id: 'roads-highway',
      type: 'line',
      source: SOURCE,
      'source-layer': 'roads',
      filter: kindIs('highway'),
      layout: { 'line-cap': 'round', 'line-join': 'round' },
      paint: { 'line-color': p.highway, 'line-width': roadWidth(1.5) },
    },
    {
      id: 'water-label',
      type: 'symbol',
      source: SOURCE,
      'source-layer': 'water',
      minzoom: 13,
      filter: ['all', ['==', ['geometry-type'], 'LineString'], ['has', 'name']],
      layout: { ...text(12), 'symbol-placement': 'line' },
      paint: { ...labelPaint, 'text-color': p.water },
    },
    {
      id: 'roads-label',
      type: 'symbol',
      source: SOURCE,
      'source-layer': 'roads',
      minzoom: 13,
      filter: ['any', kindIs('highway', 'major_road'), ['all', kindIs('minor_road'), ['>=', ['zoom'], 15]]],
      layout: { ...text(['interpolate', ['linear'], ['zoom'], 13, 11, 18, 15]), 'symbol-placement': 'line', 'text-max-angle': 30 },
      paint: labelPaint,
    },
    ...Object.entries(POI_KINDS).flatMap(([group, { kinds, minzoom }]) => [
      {
        id: `pois-${group}`,
        type: 'circle',
        source: SOURCE,
        'source-layer': 'pois',
        minzoom,
        filter: kindIs(...kinds),
        paint: { 'circle-color': p.poi[group as PoiGroup], 'circle-radius': 5, 'circle-stroke-color': p.labelHalo, 'circle-stroke-width': 1.5 },
      },
      {
        id: `pois-${group}-label`,
        type: 'symbol',
        source: SOURCE,
        'source-layer': 'pois',
        minzoom,
        filter: kindIs(...kinds),
        layout: { ...text(12), 'text-anchor': 'top', 'text-offset': [0, 0.7], 'text-max-width': 8 },
        paint: { ...labelPaint, 'text-color': p.poi[group as PoiGroup] },
      },
    ]),
    {
      id: 'places',
      type: 'symbol',
      source: SOURCE,
      'source-layer': 'places',
      filter: kindIs('locality', 'neighbourhood', 'macrohood', 'region'),
      layout: { ...text(['interpolate', ['linear'], ['zoom'], 10, 12, 16, 16]), 'text-max-width': 8 },
      paint: { ...labelPaint, 'text-color': p.place },
    },
  ]
  return {
    version: 8,
    name: `Kendali ${theme}`,
    glyphs: `${origin}/api/basemap/fonts/{fontstack}/{range}.pbf`,
    sources: {
      [SOURCE]: {
        type: 'vector',
        tiles: [`${origin}/api/basemap/tiles/{z}/{x}/{y}.mvt`],
        bounds: summary.bounds,
        minzoom: summary.minZoom,
        maxzoom: summary.maxZoom,
        attribution: '© OpenStreetMap contributors',
      },
    },
    layers,
  }
}
