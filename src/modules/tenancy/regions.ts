import type { Database, Queryable } from '../../core/db/database.ts'
import { NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { recordTenancyEvent } from './events.ts'
import type { BulkResult, RegionImport, RegionLevel, RegionRef } from './schema.ts'
import * as store from './store.ts'

// A point in a sliver between two simplified kelurahan polygons still belongs to the nearest one.
const BORDER_SNAP_METRES = 250

const LEVELS_BY_DEPTH: Record<number, RegionLevel[]> = { 2: ['kota', 'kabupaten'], 3: ['kecamatan'], 4: ['kelurahan', 'desa'] }

export interface RegionAtPoint {
  kelurahan: RegionRef
  kecamatan: RegionRef | null
  distanceM: number
}

/** Why a feature cannot be a region of this tenant, as {field, message}; null when it can. */
function codeProblem(tenant: string, p: RegionImport['features'][number]['properties']): { field: string; message: string } | null {
  if (!p.code.startsWith(`${tenant}.`)) return { field: 'properties.code', message: `${p.code} does not lie in ${tenant}` }
  const depth = p.code.split('.').length
  if (!LEVELS_BY_DEPTH[depth]?.includes(p.level)) {
    return { field: 'properties.level', message: `${p.code} is not a ${p.level} code (expected ${LEVELS_BY_DEPTH[depth]?.join(' or ') ?? 'a known level'})` }
  }
  const parent = p.parent ?? null
  if (parent !== null && parent !== p.code.split('.').slice(0, -1).join('.')) {
    return { field: 'properties.parent', message: `${parent} is not the parent of ${p.code}` }
  }
  return null
}

/** Region boundaries (Kemendagri kode wilayah) and the question every module asks: where is this point? */
export class RegionService {
  constructor(private readonly events: EventLog) {}

  /** Stores every good feature (insert or replace) and reports the others by index. */
  async import(db: Database, tenant: string, actor: string | null, collection: RegionImport): Promise<BulkResult> {
    return db.transaction(async (tx) => {
      const rejected: BulkResult['rejected'] = []
      let accepted = 0
      for (const [index, feature] of collection.features.entries()) {
        const p = feature.properties
        const problem = codeProblem(tenant, p)
        if (problem) {
          rejected.push({ index, ...problem })
          continue
        }
        const geometry = JSON.stringify(feature.geometry)
        let geometryIssue: string | null
        try {
          geometryIssue = await store.geometryProblem(tx, geometry)
        } catch {
          geometryIssue = 'is not valid GeoJSON geometry'
        }
        if (geometryIssue) {
          rejected.push({ index, field: 'geometry', message: `geometry ${geometryIssue}` })
          continue
        }
        await store.upsertRegion(tx, tenant, {
          code: p.code,
          level: p.level,
          name: p.name,
          parent: p.parent ?? p.code.split('.').slice(0, -1).join('.'),
          geometry,
        })
        accepted++
      }
      if (accepted > 0) {
        await recordTenancyEvent(this.events, tx, tenant, actor, {
          topic: 'regions',
          type: 'regions.imported',
          entity: null,
          data: { accepted, rejected: rejected.length },
        })
      }
      return { accepted, rejected }
    })
  }

  async features(db: Queryable, tenant: string, level?: RegionLevel) {
    const rows = await store.listRegions(db, tenant, level)
    return {
      type: 'FeatureCollection' as const,
      features: rows.map((r) => ({
        type: 'Feature' as const,
        id: r.code,
        geometry: r.geometry,
        properties: { code: r.code, name: r.name, level: r.level, parent: r.parent },
      })),
    }
  }

  /** The kelurahan (or desa) and kecamatan of a point; null outside the tenant. */
  async at(db: Queryable, tenant: string, lon: number, lat: number): Promise<RegionAtPoint | null> {
    const kelurahan = await store.kelurahanAt(db, tenant, lon, lat, BORDER_SNAP_METRES)
    if (!kelurahan) return null
    // The kecamatan comes from the code hierarchy: the kecamatan layer is coarser and overlaps.
    const kecamatan = kelurahan.parent ? await store.findRegion(db, tenant, kelurahan.parent) : null
    return { kelurahan: { code: kelurahan.code, name: kelurahan.name }, kecamatan, distanceM: Math.round(kelurahan.distance_m) }
  }

  async lookup(db: Queryable, tenant: { code: string; name: string }, lon: number, lat: number): Promise<RegionAtPoint> {
    const found = await this.at(db, tenant.code, lon, lat)
    if (!found) throw new NotFound(`The point ${lon}, ${lat} lies outside ${tenant.name}`, { lon, lat })
    return found
  }
}
