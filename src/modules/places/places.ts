import { type BasemapArchive, basemapArchives } from '../../core/basemap/archive.ts'
import { type Bbox, withMargin } from '../../core/basemap/extract.ts'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid, NotFound } from '../../core/errors.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { readBasemapPlaces } from './basemap-places.ts'
import { foldPlaceName, searchText } from './names.ts'
import type { Area, PlaceSources } from './ports.ts'
import * as store from './store.ts'

// Pieces of one street or POI closer than this are one place (tile edges cut them; a name repeats across town).
const MERGE_METRES = 60
// The basemap archives of a province cover more than the city; the index keeps a little around it.
const MARGIN_KM = 1
// "Near" for a reverse lookup: the street someone stands on, the landmark they would name.
const STREET_METRES = 150
const LANDMARK_METRES = 400
const MIN_QUERY = 2
// One place named twice (a market and the basemap's POI of it) lies within this of itself.
const SAME_PLACE_METRES = 300
const SOURCE_RANK: Record<string, number> = { named: 0, facility: 1, market: 1, region: 2, basemap: 3 }

/** Metres between two points (equirectangular: exact enough across a city). */
function metresBetween(a: GeoPoint, b: GeoPoint): number {
  const [lon1, lat1] = a.coordinates
  const [lon2, lat2] = b.coordinates
  const x = (((lon2 - lon1) * Math.PI) / 180) * Math.cos((((lat1 + lat2) / 2) * Math.PI) / 180)
  const y = ((lat2 - lat1) * Math.PI) / 180
  return Math.hypot(x, y) * 6_371_000
}

export interface NamedPlaceInput {
  name: string
  kind?: string
  aliases?: string[]
  location: GeoPoint
}

export interface ReverseAnswer {
  /** "Jl. Pemuda, dekat Pasar Rejowinangun, Kel. Rejowinangun Utara, Kec. Magelang Tengah" */
  address: string | null
  street: { name: string; distanceM: number } | null
  landmark: { name: string; kind: string; distanceM: number } | null
  kelurahan: string | null
  kecamatan: string | null
}

const LEVEL_PREFIX: Record<string, string> = { kelurahan: 'Kel.', desa: 'Desa', kecamatan: 'Kec.' }

/** "Kel. Cacaban, Kec. Magelang Tengah": where an area lies in words. */
function areaLabels(areas: Area[]): Map<string, string> {
  const byCode = new Map(areas.map((a) => [a.code, a]))
  const labels = new Map<string, string>()
  for (const a of areas) {
    const own = `${LEVEL_PREFIX[a.level] ?? ''} ${a.name}`.trim()
    const parent = a.parent ? byCode.get(a.parent) : undefined
    labels.set(a.code, parent ? `${own}, ${LEVEL_PREFIX[parent.level] ?? ''} ${parent.name}`.trim() : own)
  }
  return labels
}

/** One index of the names people use for places, searched forgiving typos, and read back from a point. */
export class PlaceService {
  constructor(
    private readonly sources: PlaceSources,
    private readonly basemapDir: string,
  ) {}

  async search(db: Queryable, tenant: string, q: { q: string; lon?: number; lat?: number; kind?: string; limit?: number }) {
    const folded = foldPlaceName(q.q)
    if (folded.length < MIN_QUERY) throw new Invalid('Type at least two letters of a place name', { field: 'q' })
    const near = q.lon !== undefined && q.lat !== undefined ? ([q.lon, q.lat] as [number, number]) : null
    const kinds = q.kind ? [...new Set(q.kind.split(','))] : null
    const limit = q.limit ?? 10
    // The market "Pasar Rejowinangun" is also a POI of the basemap: one answer per place, the better-kept source first.
    const found = await store.search(db, tenant, folded, near, kinds, limit * 2)
    const items: store.PlaceRow[] = []
    for (const place of found) {
      const same = items.find(
        (kept) => foldPlaceName(kept.name) === foldPlaceName(place.name) && metresBetween(kept.location, place.location) < SAME_PLACE_METRES,
      )
      if (same) {
        if (SOURCE_RANK[place.source] < SOURCE_RANK[same.source]) items[items.indexOf(same)] = { ...place, score: same.score }
        continue
      }
      if (items.length < limit) items.push(place)
    }
    return { items }
  }

  async reverse(db: Queryable, tenant: string, lon: number, lat: number): Promise<ReverseAnswer> {
    const [street, landmark, region] = await Promise.all([
      store.nearest(db, tenant, lon, lat, STREET_METRES, { only: ['street'] }),
      store.nearest(db, tenant, lon, lat, LANDMARK_METRES, { except: ['street', 'kelurahan', 'desa', 'kecamatan', 'locality', 'earth'] }),
      this.sources.regionAt(db, tenant, lon, lat),
    ])
    const parts = [
      street?.name,
      landmark ? `dekat ${landmark.name}` : null,
      region ? `Kel. ${region.kelurahan.name}` : null,
      region?.kecamatan ? `Kec. ${region.kecamatan.name}` : null,
    ].filter((p): p is string => Boolean(p))
    return {
      address: parts.length > 0 ? parts.join(', ') : null,
      street: street ? { name: street.name, distanceM: street.distanceM ?? 0 } : null,
      landmark: landmark ? { name: landmark.name, kind: landmark.kind, distanceM: landmark.distanceM ?? 0 } : null,
      kelurahan: region?.kelurahan.name ?? null,
      kecamatan: region?.kecamatan?.name ?? null,
    }
  }

  // The city's own named places (an admin adds "Alun-alun Kota Magelang" with its aliases)

  async listNamed(db: Queryable, tenant: string, q: { limit?: number; cursor?: string }) {
    const limit = q.limit ?? 50
    const items = await store.listNamed(db, tenant, limit, cursorKey(q.cursor))
    return keysetPage(items, await store.countNamed(db, tenant), limit, (p) => JSON.stringify([p.name, p.id]))
  }

  async saveNamed(db: Database, tenant: string, actor: string, id: string | null, input: NamedPlaceInput) {
    const aliases = [...new Set((input.aliases ?? []).map((a) => a.trim()).filter(Boolean))]
    const folded = searchText(input.name, aliases)
    if (!foldPlaceName(input.name)) throw new Invalid('A place name needs letters or digits', { field: 'name' })
    const [lon, lat] = input.location.coordinates
    const region = await this.sources.regionAt(db, tenant, lon, lat)
    if (!region) throw new Invalid(`The point ${lon}, ${lat} lies outside the city`, { field: 'location', reason: 'outside_tenant' })
    const context = `Kel. ${region.kelurahan.name}${region.kecamatan ? `, Kec. ${region.kecamatan.name}` : ''}`
    const saved = await store.saveNamed(db, tenant, actor, id, {
      kind: input.kind ?? 'landmark',
      name: input.name.trim(),
      aliases,
      folded,
      context,
      location: input.location,
    })
    if (!saved) throw new NotFound(`There is no named place ${id} in ${tenant}`)
    return saved
  }

  async deleteNamed(db: Queryable, tenant: string, id: string): Promise<void> {
    if (!(await store.deleteNamed(db, tenant, id))) throw new NotFound(`There is no named place ${id} in ${tenant}`)
  }

  /** Refreshes every city's index (the recurring job). */
  async refreshAll(db: Database): Promise<Record<string, Record<string, number>>> {
    const counts: Record<string, Record<string, number>> = {}
    for (const tenant of await this.sources.cities(db)) counts[tenant] = await this.refresh(db, tenant)
    return counts
  }

  sourcesOf(db: Queryable, tenant: string) {
    return store.sources(db, tenant)
  }

  /**
   * Reads every source into the tenant's index again: regions, facilities and markets always, the basemap when
   * its archives changed since the last time (or when `force`). Returns the places per source.
   */
  async refresh(db: Database, tenant: string, opts: { force?: boolean; onTile?: (done: number, total: number) => void } = {}): Promise<Record<string, number>> {
    const areas = await this.sources.areas(db, tenant)
    const labels = areaLabels(areas)
    const areaGeometries = areas
      .filter((a) => a.level === 'kelurahan' || a.level === 'desa')
      .map((a) => ({ label: labels.get(a.code) as string, geometry: a.geometry }))
    const counts: Record<string, number> = {}
    const points = (rows: { id: string; name: string; kind: string; location: GeoPoint }[]) =>
      rows.map((r) => ({ sourceRef: r.id, kind: r.kind, name: r.name, folded: searchText(r.name), geometry: JSON.stringify(r.location) }))

    const regionPlaces = areas.map((a) => ({
      sourceRef: a.code,
      kind: a.level,
      name: a.name,
      // "Kelurahan Cacaban" and "Cacaban" both find it.
      folded: searchText(a.name, [`${a.level} ${a.name}`]),
      context: labels.get(a.code) ?? null,
      geometry: a.geometry,
    }))
    const [facilities, markets] = await Promise.all([this.sources.facilities(db, tenant), this.sources.markets(db, tenant)])
    await db.transaction(async (tx) => {
      counts.region = await store.replaceSource(tx, tenant, 'region', regionPlaces, null)
      counts.facility = await store.replaceSource(tx, tenant, 'facility', points(facilities), null)
      counts.market = await store.replaceSource(tx, tenant, 'market', points(markets), null)
      await store.labelWithAreas(tx, tenant, 'facility', areaGeometries)
      await store.labelWithAreas(tx, tenant, 'market', areaGeometries)
    })

    const bbox = await this.sources.bbox(db, tenant)
    const archives = bbox ? await this.archivesOver(bbox) : []
    const version = archives.map((a) => `${a.name}${a.etag}`).join(',') || null
    if (opts.force || version !== (await store.sourceVersion(db, tenant, 'basemap'))) {
      const read = bbox && archives.length > 0 ? await readBasemapPlaces(archives, withMargin(bbox, MARGIN_KM), opts.onTile) : { places: [] }
      await db.transaction(async (tx) => {
        counts.basemap = await store.replaceSource(tx, tenant, 'basemap', read.places, version, MERGE_METRES)
        await store.labelWithAreas(tx, tenant, 'basemap', areaGeometries)
      })
    }
    return counts
  }

  private async archivesOver([w, s, e, n]: Bbox): Promise<BasemapArchive[]> {
    return (await basemapArchives(this.basemapDir)).filter(({ header: h }) => !(w > h.maxLon || e < h.minLon || s > h.maxLat || n < h.minLat))
  }
}
