import { GeoJSONVT } from '@maplibre/geojson-vt'
import { fromGeojsonVt } from '@maplibre/vt-pbf'
import type { Feature, FeatureCollection, Geometry } from 'geojson'
import { type TileToWrite, writePmtiles } from '../../src/core/basemap/pmtiles-writer.ts'

type Properties = Record<string, string | number>
const feature = (geometry: Geometry, properties: Properties): Feature => ({ type: 'Feature', geometry, properties })
const line = (coordinates: [number, number][], properties: Properties) => feature({ type: 'LineString', coordinates }, properties)
const point = (lon: number, lat: number, properties: Properties) => feature({ type: 'Point', coordinates: [lon, lat] }, properties)
const box = (w: number, s: number, e: number, n: number, properties: Properties) =>
  feature(
    {
      type: 'Polygon',
      coordinates: [
        [
          [w, s],
          [e, s],
          [e, n],
          [w, n],
          [w, s],
        ],
      ],
    },
    properties,
  )

/**
 * Central Kota Magelang in the Protomaps basemap schema (layers earth, water, landuse, roads, buildings, pois,
 * places): real street and place names, placed where they roughly are (the alun-alun at the centre, Jl. Pemuda
 * through the Pecinan east of it, Jl. Tentara Pelajar west, Jl. Ahmad Yani north–south, Jl. Sudirman to the
 * south, the Kali Progo west of the city).
 */
export const MAGELANG_BASEMAP: Record<string, FeatureCollection> = {
  earth: { type: 'FeatureCollection', features: [box(110.17, -7.53, 110.27, -7.43, { kind: 'earth' })] },
  water: {
    type: 'FeatureCollection',
    features: [
      line(
        [
          [110.2015, -7.44],
          [110.1995, -7.465],
          [110.2025, -7.49],
          [110.2005, -7.52],
        ],
        { kind: 'river', name: 'Kali Progo', 'name:id': 'Sungai Progo' },
      ),
      box(110.2098, -7.4725, 110.2112, -7.4712, { kind: 'water', name: 'Kolam Taman Badaan' }),
    ],
  },
  landuse: { type: 'FeatureCollection', features: [box(110.2163, -7.4785, 110.2191, -7.4757, { kind: 'park', name: 'Alun-alun Kota Magelang' })] },
  roads: {
    type: 'FeatureCollection',
    features: [
      line(
        [
          [110.2182, -7.44],
          [110.2179, -7.46],
          [110.2176, -7.4757],
        ],
        { kind: 'major_road', name: 'Jalan Ahmad Yani', 'name:id': 'Jl. Ahmad Yani' },
      ),
      line(
        [
          [110.2198, -7.474],
          [110.22, -7.48],
          [110.2205, -7.486],
        ],
        { kind: 'major_road', name: 'Jalan Pemuda', 'name:id': 'Jl. Pemuda' },
      ),
      line(
        [
          [110.215, -7.47],
          [110.2155, -7.477],
          [110.2158, -7.484],
        ],
        { kind: 'major_road', name: 'Jalan Tentara Pelajar', 'name:id': 'Jl. Tentara Pelajar' },
      ),
      line(
        [
          [110.2205, -7.486],
          [110.2215, -7.5],
          [110.223, -7.515],
        ],
        { kind: 'highway', name: 'Jalan Jenderal Sudirman', 'name:id': 'Jl. Sudirman' },
      ),
      line(
        [
          [110.2155, -7.4785],
          [110.22, -7.4788],
          [110.225, -7.4795],
        ],
        { kind: 'minor_road', name: 'Jalan Alun-alun Selatan' },
      ),
    ],
  },
  buildings: {
    type: 'FeatureCollection',
    features: [
      box(110.2168, -7.4752, 110.2174, -7.4747, { kind: 'building', name: 'Masjid Agung Kauman' }),
      box(110.2218, -7.4842, 110.2228, -7.4834, { kind: 'building' }),
    ],
  },
  pois: {
    type: 'FeatureCollection',
    features: [
      point(110.2177, -7.4771, { kind: 'park', name: 'Alun-alun Kota Magelang' }),
      point(110.2242, -7.4848, { kind: 'marketplace', name: 'Pasar Rejowinangun' }),
      point(110.2222, -7.4838, { kind: 'hospital', name: 'RSUD Tidar' }),
      point(110.2171, -7.4749, { kind: 'place_of_worship', name: 'Masjid Agung Kauman' }),
      point(110.219, -7.4735, { kind: 'police', name: 'Polres Magelang Kota' }),
    ],
  },
  places: { type: 'FeatureCollection', features: [point(110.2177, -7.4797, { kind: 'locality', name: 'Magelang' })] },
}

/** A few streets of Kota Semarang, far outside Magelang: what an extract of Magelang must leave out. */
export const SEMARANG_BASEMAP: Record<string, FeatureCollection> = {
  roads: {
    type: 'FeatureCollection',
    features: [
      line(
        [
          [110.405, -6.985],
          [110.42, -6.99],
        ],
        { kind: 'major_road', name: 'Jalan Pandanaran' },
      ),
    ],
  },
  places: { type: 'FeatureCollection', features: [point(110.42, -6.99, { kind: 'locality', name: 'Semarang' })] },
}

function lonToX(lon: number, z: number): number {
  return Math.floor(((lon + 180) / 360) * 2 ** z)
}
function latToY(lat: number, z: number): number {
  const r = (lat * Math.PI) / 180
  return Math.floor(((1 - Math.log(Math.tan(r) + 1 / Math.cos(r)) / Math.PI) / 2) * 2 ** z)
}

/** Every position of a collection's features, for its bounding box. */
function positions(collections: FeatureCollection[]): [number, number][] {
  const out: [number, number][] = []
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') out.push(c as [number, number])
    else if (Array.isArray(c)) for (const x of c) walk(x)
  }
  for (const fc of collections) for (const f of fc.features) if ('coordinates' in f.geometry) walk(f.geometry.coordinates)
  return out
}

/** Real MVT tiles (geojson-vt, vt-pbf) of layered GeoJSON for zooms `minZoom`…`maxZoom`, only those with features. */
export function vectorTiles(layers: Record<string, FeatureCollection>, minZoom: number, maxZoom: number): TileToWrite[] {
  const indexes = Object.entries(layers).map(([name, fc]) => [name, new GeoJSONVT(fc, { maxZoom, indexMaxZoom: maxZoom, tolerance: 1 })] as const)
  const all = positions(Object.values(layers))
  const lons = all.map((p) => p[0])
  const lats = all.map((p) => p[1])
  const tiles: TileToWrite[] = []
  for (let z = minZoom; z <= maxZoom; z++) {
    for (let x = lonToX(Math.min(...lons), z); x <= lonToX(Math.max(...lons), z); x++) {
      for (let y = latToY(Math.max(...lats), z); y <= latToY(Math.min(...lats), z); y++) {
        const present = Object.fromEntries(
          indexes.flatMap(([name, index]) => {
            const tile = index.getTile(z, x, y)
            return tile && tile.features.length > 0 ? [[name, tile]] : []
          }),
        )
        if (Object.keys(present).length > 0) tiles.push({ z, x, y, data: fromGeojsonVt(present, { version: 2 }) })
      }
    }
  }
  return tiles
}

/** Layered GeoJSON of several places as one, layer by layer. */
export function mergeLayers(...places: Record<string, FeatureCollection>[]): Record<string, FeatureCollection> {
  const merged: Record<string, FeatureCollection> = {}
  for (const place of places) {
    for (const [name, fc] of Object.entries(place)) {
      merged[name] = { type: 'FeatureCollection', features: [...(merged[name]?.features ?? []), ...fc.features] }
    }
  }
  return merged
}

/** A PMTiles v3 archive of layered GeoJSON, as a basemap extract would be. */
export function basemapArchiveOf(layers: Record<string, FeatureCollection>, minZoom: number, maxZoom: number): Buffer {
  const all = positions(Object.values(layers))
  const lons = all.map((p) => p[0])
  const lats = all.map((p) => p[1])
  return writePmtiles(vectorTiles(layers, minZoom, maxZoom), {
    bounds: [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)],
    metadata: {
      name: 'Kendali test basemap',
      attribution: '© OpenStreetMap contributors',
      vector_layers: Object.keys(layers).map((id) => ({ id, fields: {} })),
    },
  })
}
