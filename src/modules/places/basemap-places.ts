import { VectorTile } from '@mapbox/vector-tile'
import { PbfReader } from 'pbf'
import { tileIdToZxy } from 'pmtiles'
import { type BasemapArchive, findTile } from '../../core/basemap/archive.ts'
import { type Bbox, tilesCovering } from '../../core/basemap/extract.ts'
import { foldPlaceName, searchText } from './names.ts'
import type { PlaceInput } from './store.ts'

// Protomaps basemap layers whose named features people say where they are with.
const LAYERS = ['roads', 'pois', 'places', 'landuse', 'water', 'buildings'] as const
// Names appear at every zoom of a street only near the top; the deepest zoom holds every named feature.
const DEEPEST_ZOOM = 15

export interface BasemapPlaces {
  places: PlaceInput[]
  tiles: number
}

/** The kind a place of a basemap layer is searched and labelled as. */
function kindOf(layer: (typeof LAYERS)[number], kind: unknown): string {
  if (layer === 'roads') return 'street'
  if (layer === 'places') return 'locality'
  return typeof kind === 'string' && /^[a-z_]{2,40}$/.test(kind) ? kind : layer
}

/**
 * Every named street, POI, park, river and locality of the archives inside a bbox, read from the deepest zoom's
 * tiles. A feature cut by tile edges comes back as several pieces: the index merges pieces of one name that touch.
 */
export async function readBasemapPlaces(archives: BasemapArchive[], bbox: Bbox, onTile?: (done: number, total: number) => void): Promise<BasemapPlaces> {
  const zoom = Math.min(DEEPEST_ZOOM, Math.max(0, ...archives.map((a) => a.header.maxZoom)))
  const ids = tilesCovering(bbox, zoom, zoom)
  const places: PlaceInput[] = []
  let tiles = 0
  for (const [index, id] of ids.entries()) {
    const [z, x, y] = tileIdToZxy(id)
    const found = await findTile(archives, z, x, y)
    onTile?.(index + 1, ids.length)
    if (!found) continue
    tiles++
    const tile = new VectorTile(new PbfReader(found.data))
    for (const layer of LAYERS) {
      const features = tile.layers[layer]
      if (!features) continue
      for (let i = 0; i < features.length; i++) {
        const feature = features.feature(i)
        const props = feature.properties
        const local = typeof props['name:id'] === 'string' ? props['name:id'] : null
        const name = typeof props.name === 'string' ? props.name : null
        const label = (local ?? name)?.trim()
        if (!label || !foldPlaceName(label)) continue
        const kind = kindOf(layer, props.kind)
        places.push({
          sourceRef: `${kind}:${label}`,
          kind,
          name: label.slice(0, 200),
          folded: searchText(label, name && name !== label ? [name] : []),
          geometry: JSON.stringify(feature.toGeoJSON(x, y, z).geometry),
        })
      }
    }
  }
  return { places, tiles }
}
