import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { AssetFeature, AssetKind, CreateAsset } from './schema.ts'
import * as store from './store.ts'

function feature(row: store.AssetRow): AssetFeature {
  return {
    type: 'Feature',
    id: row.id,
    geometry: { type: 'Point', coordinates: [Number(row.lon), Number(row.lat)] },
    properties: {
      kind: row.kind,
      name: row.name,
      category: row.category,
      provider: row.provider,
      status: row.status,
      address: row.address,
      updatedAt: row.updated_at.toISOString(),
    },
  }
}

/** The city's public assets (free wifi, facilities, evacuation points), each kind a map layer. */
export class AssetService {
  constructor(private readonly events: EventLog) {}

  async create(db: Database, tenant: string, actor: string, input: CreateAsset): Promise<AssetFeature> {
    return db.transaction(async (tx) => {
      const row = await this.insert(tx, tenant, input)
      if (!row) throw new Conflict(`There is a ${input.kind} asset named ${input.name} already`, { field: 'name' })
      await this.events.record(tx, tenant, actor, { topic: 'datahub', type: 'asset.created', entity: row.id, data: { kind: row.kind, name: row.name } })
      return feature(row)
    })
  }

  /** Adds an asset unless the tenant has one of that kind and name (the demo seed relies on it). */
  insert(db: Queryable, tenant: string, input: CreateAsset): Promise<store.AssetRow | null> {
    const [lon, lat] = input.location.coordinates
    return store.insertAsset(db, tenant, {
      kind: input.kind,
      name: input.name.trim(),
      category: input.category ?? null,
      provider: input.provider ?? null,
      status: input.status ?? 'unknown',
      address: input.address ?? null,
      lon,
      lat,
    })
  }

  async collection(db: Queryable, tenant: string, kind: AssetKind | null) {
    return { type: 'FeatureCollection' as const, features: (await store.listAssets(db, tenant, kind)).map(feature) }
  }
}
