import type { Database, Queryable } from '../../core/db/database.ts'
import { NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { recordTenancyEvent } from './events.ts'
import type { RegionImport, RegionImportResult, RegionLevel, RegionRef } from './schema.ts'
import * as store from './store.ts'

// A point in a sliver between two simplified kelurahan polygons still belongs to the nearest one.
const BORDER_SNAP_METRES = 250

const LEVELS_BY_DEPTH: Record<number, RegionLevel[]> = { 2: ['kota', 'kabupaten'], 3: ['kecamatan'], 4: ['kelurahan', 'desa'] }
// Kemendagri kode wilayah: provinsi 33, kota/kabupaten 33.24, kecamatan 33.24.01, kelurahan 33.24.01.1001 or desa 33.24.01.2001.
const KEMENDAGRI_CODE = /^[0-9]{2}\.[0-9]{2}(\.[0-9]{2}(\.[0-9]{4})?)?$/
// The first digit of a village's number says what it is: 1 a kelurahan, 2 a desa.
const VILLAGE_DIGIT: Partial<Record<RegionLevel, string>> = { kelurahan: '1', desa: '2' }

type Feature = RegionImport['features'][number]
type Rejection = RegionImportResult['rejected'][number]
interface Problem {
  field: string
  message: string
}

export interface RegionAtPoint {
  kelurahan: RegionRef
  kecamatan: RegionRef | null
  distanceM: number
}

const parentOf = (code: string) => code.split('.').slice(0, -1).join('.')

/** Why a feature's code, level or parent cannot be a region of this tenant; null when they can. */
function codeProblem(tenant: string, p: Feature['properties']): Problem | null {
  if (!KEMENDAGRI_CODE.test(p.code)) {
    return { field: 'properties.code', message: `${p.code} is not a Kemendagri code (kecamatan like 33.24.01, kelurahan or desa like 33.24.01.2001)` }
  }
  if (!p.code.startsWith(`${tenant}.`)) return { field: 'properties.code', message: `${p.code} does not lie in ${tenant}` }
  const depth = p.code.split('.').length
  if (!LEVELS_BY_DEPTH[depth]?.includes(p.level)) {
    return { field: 'properties.level', message: `${p.code} is not a ${p.level} code (expected ${LEVELS_BY_DEPTH[depth]?.join(' or ') ?? 'a known level'})` }
  }
  const digit = VILLAGE_DIGIT[p.level]
  if (digit && !p.code.split('.')[3].startsWith(digit)) {
    return { field: 'properties.level', message: `${p.code} is not a ${p.level} code (a kelurahan is numbered 1xxx, a desa 2xxx)` }
  }
  const parent = p.parent ?? null
  if (parent !== null && parent !== parentOf(p.code)) return { field: 'properties.parent', message: `${parent} is not the parent of ${p.code}` }
  return null
}

/** Region boundaries (Kemendagri kode wilayah) and the question every module asks: where is this point? */
export class RegionService {
  constructor(private readonly events: EventLog) {}

  /**
   * Stores every good feature (insert or replace) and reports each other one by index, code and name. A feature is
   * good when its code is a Kemendagri code under the tenant's of its level, its parent is in the file or stored
   * already, and its geometry is a valid (multi)polygon.
   */
  async import(db: Database, tenant: string, actor: string | null, collection: RegionImport): Promise<RegionImportResult> {
    const rejected: Rejection[] = []
    const reject = (index: number, f: Feature, problem: Problem) => {
      const label = `${f.properties.level} ${f.properties.name} (${f.properties.code})`
      rejected.push({ index, code: f.properties.code, name: f.properties.name, field: problem.field, message: `${label}: ${problem.message}` })
    }
    // Checked before the transaction: a geometry PostGIS cannot even parse fails its query, which would abort a transaction.
    const good = new Map<string, number>()
    for (const [index, feature] of collection.features.entries()) {
      const problem = codeProblem(tenant, feature.properties) ?? (await geometryProblem(db, feature))
      const twin = good.get(feature.properties.code)
      if (problem) reject(index, feature, problem)
      else if (twin !== undefined) reject(index, feature, { field: 'properties.code', message: `the code appears already at index ${twin}` })
      else good.set(feature.properties.code, index)
    }
    return db.transaction(async (tx) => {
      // Parents: the tenant itself, a good feature of the file, or a stored region (a kelurahan file after its kecamatan).
      const stored = await store.storedRegionCodes(tx, tenant, [...new Set([...good.keys()].map(parentOf))])
      // Parents sort before their children, so an orphan's children are found orphans in the same pass.
      for (const code of [...good.keys()].sort()) {
        const parent = parentOf(code)
        if (parent === tenant || good.has(parent) || stored.has(parent)) continue
        const index = good.get(code) as number
        good.delete(code)
        reject(index, collection.features[index], { field: 'properties.parent', message: `its parent ${parent} is neither in the file nor stored` })
      }
      for (const index of good.values()) {
        const f = collection.features[index]
        const p = f.properties
        await store.upsertRegion(tx, tenant, { code: p.code, level: p.level, name: p.name, parent: parentOf(p.code), geometry: JSON.stringify(f.geometry) })
      }
      if (good.size > 0) {
        await recordTenancyEvent(this.events, tx, tenant, actor, {
          topic: 'regions',
          type: 'regions.imported',
          entity: null,
          data: { accepted: good.size, rejected: rejected.length },
        })
      }
      return { accepted: good.size, rejected: rejected.sort((a, b) => a.index - b.index) }
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
    return { kelurahan: { code: kelurahan.code, name: kelurahan.name }, kecamatan: kelurahan.kecamatan, distanceM: Math.round(kelurahan.distance_m) }
  }

  async lookup(db: Queryable, tenant: { code: string; name: string }, lon: number, lat: number): Promise<RegionAtPoint> {
    const found = await this.at(db, tenant.code, lon, lat)
    if (!found) throw new NotFound(`The point ${lon}, ${lat} lies outside ${tenant.name}`, { lon, lat })
    return found
  }
}

/** Why a feature's geometry is no usable boundary (not a polygon, empty, off the globe, invalid with PostGIS's reason); null when it is. */
async function geometryProblem(db: Queryable, feature: Feature): Promise<Problem | null> {
  let issue: string | null
  try {
    issue = await store.geometryProblem(db, JSON.stringify(feature.geometry))
  } catch {
    issue = 'is not valid GeoJSON geometry'
  }
  return issue ? { field: 'geometry', message: `geometry ${issue}` } : null
}
