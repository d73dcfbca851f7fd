import type { Bbox } from '../../core/basemap/extract.ts'
import type { Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { CoreContext } from '../../core/module.ts'
import { incidentsServices } from '../incidents/index.ts'
import { leviesServices } from '../levies/index.ts'

export interface Area {
  code: string
  name: string
  level: string
  parent: string | null
  /** GeoJSON geometry as text. */
  geometry: string
}

export interface NamedPoint {
  id: string
  name: string
  kind: string
  location: GeoPoint
}

/** What the place index reads from other modules: their names and where they are, never their tables. */
export interface PlaceSources {
  /** The kota and kabupaten with boundaries: the tenants whose places are indexed. */
  cities(db: Queryable): Promise<string[]>
  /** The tenant's area (its regions' bbox); null before boundaries are imported. */
  bbox(db: Queryable, tenant: string): Promise<Bbox | null>
  areas(db: Queryable, tenant: string): Promise<Area[]>
  regionAt(db: Queryable, tenant: string, lon: number, lat: number): Promise<{ kelurahan: { name: string }; kecamatan: { name: string } | null } | null>
  facilities(db: Queryable, tenant: string): Promise<NamedPoint[]>
  markets(db: Queryable, tenant: string): Promise<NamedPoint[]>
}

const FACILITY_PAGE = 500

export function placeSources(ctx: CoreContext): PlaceSources {
  const tenancy = ctx.tenancy
  return {
    cities: async (db) => (await tenancy.tenants(db)).filter((t) => t.kind !== 'provinsi' && t.bbox).map((t) => t.code),
    bbox: async (db, tenant) => ((await tenancy.tenantOn(db, tenant))?.bbox as Bbox | null | undefined) ?? null,
    areas: async (db, tenant) =>
      (await tenancy.regions(db, tenant)).map((f) => ({
        code: f.properties.code,
        name: f.properties.name,
        level: f.properties.level,
        parent: f.properties.parent,
        geometry: JSON.stringify(f.geometry),
      })),
    regionAt: (db, tenant, lon, lat) => tenancy.regionAt(db, tenant, lon, lat),
    facilities: async (db, tenant) => {
      const facilities = incidentsServices(ctx).facilities
      const out: NamedPoint[] = []
      let cursor: string | undefined
      do {
        const page = await facilities.list(db, tenant, { limit: FACILITY_PAGE, cursor })
        out.push(...page.items.map((f) => ({ id: f.id, name: f.name, kind: f.kind, location: f.location })))
        cursor = page.next ?? undefined
      } while (cursor)
      return out
    },
    markets: async (db, tenant) =>
      (await leviesServices(ctx).levies.markets(db, tenant)).flatMap((m) =>
        m.location ? [{ id: m.id, name: m.name, kind: 'marketplace', location: m.location as GeoPoint }] : [],
      ),
  }
}
