import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { OutboundPolicy } from '../../core/outbound/policy.ts'
import { recordDatahubEvent } from './events.ts'
import { DEFAULT_PROBE_LIMITS, type ProbeLimits, probeEach, probeUrl } from './probe.ts'
import type { AssetDetail, AssetFeature, AssetKind, CreateAsset, UpdateAsset } from './schema.ts'
import * as store from './store.ts'

type AssetStatus = store.AssetRow['status']

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

function detail(row: store.AssetRow): AssetDetail {
  const f = feature(row)
  return { ...f, properties: { ...f.properties, probeUrl: row.probe_url, checkedAt: row.checked_at?.toISOString() ?? null } }
}

/**
 * The city's public assets (free wifi, facilities, evacuation points), each kind a map layer. A status comes
 * from staff, from an OPD system through the API, or from the scheduled probe of the asset's own URL; every
 * change is an event, so the console's layers follow it live.
 */
export class AssetService {
  constructor(
    private readonly events: EventLog,
    private readonly policy: OutboundPolicy,
    private readonly limits: ProbeLimits = DEFAULT_PROBE_LIMITS,
  ) {}

  async create(db: Database, tenant: string, actor: string, input: CreateAsset): Promise<AssetDetail> {
    if (input.probeUrl) this.policy.checkUrl(input.probeUrl, 'probeUrl')
    return db.transaction(async (tx) => {
      const row = await this.insert(tx, tenant, input)
      if (!row) throw new Conflict(`There is a ${input.kind} asset named ${input.name} already`, { field: 'name' })
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'asset.created',
        entity: row.id,
        data: { kind: row.kind, name: row.name },
      })
      return detail(row)
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
      probeUrl: input.probeUrl || null,
      lon,
      lat,
    })
  }

  async get(db: Queryable, tenant: string, id: string): Promise<AssetDetail> {
    return detail(await this.row(db, tenant, id))
  }

  async update(db: Database, tenant: string, actor: string, id: string, input: UpdateAsset): Promise<AssetDetail> {
    if (input.probeUrl) this.policy.checkUrl(input.probeUrl, 'probeUrl')
    return db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, id)
      const [lon, lat] = input.location?.coordinates ?? [Number(current.lon), Number(current.lat)]
      const values: store.AssetValues = {
        kind: input.kind ?? current.kind,
        name: input.name?.trim() ?? current.name,
        category: input.category === undefined ? current.category : input.category,
        provider: input.provider === undefined ? current.provider : input.provider,
        status: input.status ?? current.status,
        address: input.address === undefined ? current.address : input.address,
        probeUrl: input.probeUrl === undefined ? current.probe_url : input.probeUrl || null,
        lon,
        lat,
      }
      if (!(await store.updateAsset(tx, tenant, id, values)))
        throw new Conflict(`There is a ${values.kind} asset named ${values.name} already`, { field: 'name' })
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'asset.updated',
        entity: id,
        data: { kind: values.kind, name: values.name },
      })
      if (values.status !== current.status) await this.statusChanged(tx, tenant, actor, current, values.status)
      return this.get(tx, tenant, id)
    })
  }

  /** Takes an asset off the map and the portal; its name is free again. */
  async archive(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, id)
      await store.archiveAsset(tx, tenant, id)
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'asset.archived',
        entity: id,
        data: { kind: current.kind, name: current.name },
      })
    })
  }

  /** An OPD system (or staff) reports an asset up or down. */
  async setStatus(db: Database, tenant: string, actor: string | null, id: string, status: AssetStatus): Promise<AssetDetail> {
    return db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, id)
      if (await store.setAssetStatus(tx, tenant, id, status, false)) await this.statusChanged(tx, tenant, actor, current, status)
      return this.get(tx, tenant, id)
    })
  }

  /** Checks one asset's probe URL now; a changed status is recorded as an event. */
  async probe(db: Database, tenant: string, id: string, url: string): Promise<void> {
    const { up } = await probeUrl(this.policy, url, this.limits.timeoutMs)
    const status = up ? 'up' : 'down'
    await db.transaction(async (tx) => {
      const current = await store.findAsset(tx, tenant, id)
      if (current && (await store.setAssetStatus(tx, tenant, id, status, true))) await this.statusChanged(tx, tenant, null, current, status)
    })
  }

  /** The recurring probe of every asset with a probe URL, of every tenant, a few at a time. */
  async probeAll(db: Database): Promise<number> {
    const assets = await store.probedAssets(db)
    await probeEach(assets, this.limits.parallel, (a) => this.probe(db, a.tenant, a.id, a.probe_url))
    return assets.length
  }

  async collection(db: Queryable, tenant: string, kind: AssetKind | null) {
    return { type: 'FeatureCollection' as const, features: (await store.listAssets(db, tenant, kind)).map(feature) }
  }

  private async row(db: Queryable, tenant: string, id: string): Promise<store.AssetRow> {
    const row = await store.findAsset(db, tenant, id)
    if (!row) throw new NotFound(`There is no asset ${id} in ${tenant}`)
    return row
  }

  private statusChanged(tx: Tx, tenant: string, actor: string | null, asset: store.AssetRow, status: AssetStatus) {
    return recordDatahubEvent(this.events, tx, tenant, actor, {
      topic: 'datahub',
      type: 'asset.status_changed',
      entity: asset.id,
      data: { kind: asset.kind, name: asset.name, status, previous: asset.status, ...(status === 'down' ? { severity: 'warning' } : {}) },
    })
  }
}
