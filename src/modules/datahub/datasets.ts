import { csvText } from '../../core/csv.ts'
import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { type DatasetEventBody, recordDatahubEvent } from './events.ts'
import type { Lookups, Organization } from './ports.ts'
import { type CreateDataset, type Dataset, MAX_PUSHED_ROWS, type PushResult, type PushRows, type Resource, type UpdateDataset, type Version } from './schema.ts'
import * as store from './store.ts'
import { type Cell, type Column, convert, MEDIA_TYPES, parseCsvTable, pointsOf, type Table } from './tabular.ts'

export type DatasetAccess = 'public-only' | 'all'

const PREVIEW_ROWS = 20

/** An uploaded file: its name, bytes and parsed table. */
export interface Upload {
  filename: string
  bytes: Buffer
  table: Table
}

/** Datasets of a tenant's OPDs: metadata, resources with every version kept, parsed rows, pushed batches. */
export class DatasetService {
  constructor(
    private readonly events: EventLog,
    private readonly lookups: Lookups,
  ) {}

  private async record(tx: Tx, tenant: string, actor: string | null, entity: string, event: DatasetEventBody) {
    await recordDatahubEvent(this.events, tx, tenant, actor, { topic: 'datahub', entity, ...event })
  }

  private async organizationId(db: Queryable, tenant: string, code: string | null | undefined): Promise<string | null> {
    if (!code) return null
    const org = (await this.lookups.organizations(db, tenant)).find((o) => o.code === code)
    if (!org) throw new Invalid(`There is no agency ${code} in ${tenant}`, { field: 'organization' })
    return org.id
  }

  async create(db: Database, tenant: string, actor: string, input: CreateDataset): Promise<Dataset> {
    return db.transaction(async (tx) => {
      if (await store.findDataset(tx, tenant, input.name)) throw new Conflict(`Dataset ${input.name} exists`, { field: 'name' })
      const row = await store.insertDataset(tx, tenant, input.name, {
        title: input.title,
        description: input.description ?? '',
        agencyId: await this.organizationId(tx, tenant, input.organization),
        tags: input.tags ?? [],
        license: input.license ?? 'cc-by',
        frequency: input.frequency ?? null,
        temporalCoverage: input.temporalCoverage ?? null,
        spatialCoverage: input.spatialCoverage ?? null,
        contact: input.contact ?? null,
        producer: input.producer ?? null,
        steward: input.steward ?? null,
        isPublic: input.public ?? false,
      })
      await this.record(tx, tenant, actor, row.id, { type: 'dataset.created', data: { name: row.name, title: row.title, public: row.is_public } })
      return this.shape(tx, tenant, row)
    })
  }

  async update(db: Database, tenant: string, actor: string, name: string, input: UpdateDataset): Promise<Dataset> {
    return db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, name, 'all')
      const row = await store.updateDataset(tx, tenant, current.id, {
        title: input.title ?? current.title,
        description: input.description ?? current.description,
        agencyId: input.organization === undefined ? current.agency_id : await this.organizationId(tx, tenant, input.organization),
        tags: input.tags ?? current.tags,
        license: input.license ?? current.license,
        frequency: input.frequency === undefined ? current.frequency : input.frequency,
        temporalCoverage: input.temporalCoverage === undefined ? current.temporal_coverage : input.temporalCoverage,
        spatialCoverage: input.spatialCoverage === undefined ? current.spatial_coverage : input.spatialCoverage,
        contact: input.contact === undefined ? current.contact : input.contact,
        producer: input.producer === undefined ? current.producer : input.producer,
        steward: input.steward === undefined ? current.steward : input.steward,
        isPublic: input.public ?? current.is_public,
      })
      await this.record(tx, tenant, actor, row.id, { type: 'dataset.updated', data: { name: row.name, title: row.title, public: row.is_public } })
      return this.shape(tx, tenant, row)
    })
  }

  async remove(db: Database, tenant: string, actor: string, name: string): Promise<void> {
    await db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, name, 'all')
      await store.deleteDataset(tx, tenant, current.id)
      await this.record(tx, tenant, actor, current.id, { type: 'dataset.deleted', data: { name } })
    })
  }

  async row(db: Queryable, tenant: string, name: string, access: DatasetAccess): Promise<store.DatasetRow> {
    const row = await store.findDataset(db, tenant, name)
    if (!row || (access === 'public-only' && !row.is_public)) throw new NotFound(`There is no dataset ${name} in ${tenant}`)
    return row
  }

  async get(db: Queryable, tenant: string, name: string, access: DatasetAccess): Promise<Dataset> {
    return this.shape(db, tenant, await this.row(db, tenant, name, access))
  }

  async list(db: Queryable, tenant: string, access: DatasetAccess, q: { q?: string; organization?: string; tag?: string; limit?: number; offset?: number }) {
    const orgs = await this.lookups.organizations(db, tenant)
    const org = q.organization ? orgs.find((o) => o.code === q.organization) : undefined
    const filter: store.DatasetFilter = {
      tenant,
      publicOnly: access === 'public-only',
      text: q.q?.trim() || null,
      agencyIds: q.organization ? (org ? [org.id] : []) : null,
      tags: q.tag ? [q.tag] : [],
      formats: [],
    }
    const rows = await store.searchDatasets(db, filter, { limit: q.limit ?? 50, offset: q.offset ?? 0, sort: [{ field: 'title', desc: false }] })
    const items = await this.shapeAll(db, tenant, rows, orgs)
    return { items, total: await store.countDatasets(db, filter) }
  }

  async shapeAll(db: Queryable, tenant: string, rows: store.DatasetRow[], orgs?: Organization[]): Promise<Dataset[]> {
    const organizations = orgs ?? (await this.lookups.organizations(db, tenant))
    const resources = await store.resourcesOf(
      db,
      tenant,
      rows.map((r) => r.id),
    )
    return rows.map((row) =>
      shapeDataset(
        row,
        organizations,
        resources.filter((r) => r.dataset_id === row.id),
      ),
    )
  }

  private async shape(db: Queryable, tenant: string, row: store.DatasetRow): Promise<Dataset> {
    const [dataset] = await this.shapeAll(db, tenant, [row])
    return dataset
  }

  // Resources and versions

  async resource(db: Queryable, tenant: string, name: string, id: string, access: DatasetAccess): Promise<store.ResourceRow> {
    const dataset = await this.row(db, tenant, name, access)
    const resource = await store.findResource(db, tenant, id)
    if (!resource || resource.dataset_id !== dataset.id) throw new NotFound(`Dataset ${name} has no resource ${id}`)
    return resource
  }

  /** A preview of an upload: detected columns and types, and its first rows; nothing is stored. */
  preview(upload: Upload) {
    const { table } = upload
    return {
      format: table.format,
      columns: table.columns,
      rows: table.rows.slice(0, PREVIEW_ROWS),
      total: table.rows.length,
      points: table.points.filter(Boolean).length,
      ...(table.dialect ? { dialect: table.dialect } : {}),
    }
  }

  /** A new resource from an uploaded file; its first version. */
  async addFile(db: Database, tenant: string, actor: string, name: string, upload: Upload, resourceName?: string): Promise<Resource> {
    return db.transaction(async (tx) => {
      const dataset = await this.row(tx, tenant, name, 'all')
      const id = await store.insertResource(tx, tenant, dataset.id, {
        name: resourceName || upload.filename,
        kind: 'file',
        url: null,
        format: upload.table.format,
        columns: upload.table.columns,
      })
      await this.storeVersion(tx, tenant, actor, dataset, id, upload.filename, upload.bytes, upload.table)
      return this.resourceOut(tx, tenant, id)
    })
  }

  async addLink(db: Database, tenant: string, actor: string, name: string, link: { url: string; name?: string; format?: string }): Promise<Resource> {
    return db.transaction(async (tx) => {
      const dataset = await this.row(tx, tenant, name, 'all')
      const format = (link.format ?? new URL(link.url).pathname.split('.').pop() ?? 'html').toLowerCase().slice(0, 20)
      const id = await store.insertResource(tx, tenant, dataset.id, { name: link.name ?? link.url, kind: 'link', url: link.url, format, columns: [] })
      await store.touchDataset(tx, tenant, dataset.id)
      await this.record(tx, tenant, actor, id, { type: 'resource.added', data: { dataset: name, kind: 'link' } })
      return this.resourceOut(tx, tenant, id)
    })
  }

  /** A new version of an existing resource from an upload; the old versions stay. */
  async addVersion(db: Database, tenant: string, actor: string, name: string, resourceId: string, upload: Upload): Promise<Resource> {
    return db.transaction(async (tx) => {
      const dataset = await this.row(tx, tenant, name, 'all')
      const resource = await this.resource(tx, tenant, name, resourceId, 'all')
      if (resource.kind === 'link') throw new Conflict('A link has no versions; add a file resource instead', { field: 'file' })
      await this.storeVersion(tx, tenant, actor, dataset, resourceId, upload.filename, upload.bytes, upload.table)
      return this.resourceOut(tx, tenant, resourceId)
    })
  }

  /** Stores a parsed table as the next version of a resource and makes it current. */
  async storeVersion(
    tx: Tx,
    tenant: string,
    actor: string | null,
    dataset: store.DatasetRow,
    resourceId: string,
    filename: string | null,
    bytes: Buffer | null,
    table: Table,
  ) {
    const version = await store.insertVersion(tx, tenant, resourceId, {
      filename,
      format: table.format,
      mediaType: MEDIA_TYPES[table.format],
      content: bytes,
      columns: table.columns,
      rowCount: table.rows.length,
      createdBy: actor,
    })
    await store.insertRows(tx, tenant, resourceId, version, table.rows, table.points)
    await store.setCurrentVersion(tx, tenant, resourceId, version, table.columns, table.format)
    await store.touchDataset(tx, tenant, dataset.id)
    await this.record(tx, tenant, actor, resourceId, { type: 'resource.version_added', data: { dataset: dataset.name, version, rows: table.rows.length } })
    return version
  }

  async resourceOut(db: Queryable, tenant: string, id: string): Promise<Resource> {
    const row = await store.findResource(db, tenant, id)
    if (!row) throw new NotFound(`There is no resource ${id}`)
    return shapeResource(row)
  }

  async versions(db: Queryable, tenant: string, name: string, resourceId: string, access: DatasetAccess): Promise<Version[]> {
    const resource = await this.resource(db, tenant, name, resourceId, access)
    return (await store.listVersions(db, tenant, resourceId)).map((v) => ({
      version: v.version,
      filename: v.filename,
      format: v.format,
      size: v.size,
      rowCount: v.row_count,
      columns: v.columns,
      createdBy: access === 'all' ? v.created_by : null,
      createdAt: v.created_at.toISOString(),
      current: v.version === resource.current_version,
    }))
  }

  /** The bytes of a version as uploaded; versions made of pushed rows only are written out as CSV. */
  async download(db: Queryable, tenant: string, name: string, resourceId: string, version: number | null, access: DatasetAccess) {
    const resource = await this.resource(db, tenant, name, resourceId, access)
    const wanted = version ?? resource.current_version
    if (!wanted) throw new NotFound(`Resource ${resourceId} has no data yet`)
    const stored = await store.versionContent(db, tenant, resourceId, wanted)
    if (!stored) throw new NotFound(`Resource ${resourceId} has no version ${wanted}`)
    if (stored.content && stored.content.length > 0) {
      return { filename: stored.filename ?? `${name}-v${wanted}.${stored.format}`, mediaType: stored.media_type, body: stored.content }
    }
    const rows = await store.queryRows(db, tenant, resourceId, { version: wanted, filters: {}, text: null, limit: 1_000_000, offset: 0 })
    return {
      filename: `${name}-v${wanted}.csv`,
      mediaType: 'text/csv',
      body: Buffer.from(
        toCsv(
          resource.columns,
          rows.map((r) => r.data),
        ),
      ),
    }
  }

  async rows(
    db: Queryable,
    tenant: string,
    name: string,
    resourceId: string,
    access: DatasetAccess,
    q: { filters?: string; q?: string; version?: number; limit?: number; offset?: number },
  ) {
    const resource = await this.resource(db, tenant, name, resourceId, access)
    return queryResourceRows(db, resource, {
      filters: parseFilters(q.filters),
      text: q.q ?? null,
      version: q.version,
      limit: q.limit ?? 100,
      offset: q.offset ?? 0,
    })
  }

  // Push

  /** The resource pushed rows go to: the dataset's first tabular resource. */
  private async pushTarget(tx: Queryable, tenant: string, dataset: store.DatasetRow): Promise<store.ResourceRow> {
    const resources = await store.resourcesOf(tx, tenant, [dataset.id])
    const target = resources.find((r) => r.kind !== 'link' && r.columns.length > 0)
    if (!target) throw new Conflict(`Dataset ${dataset.name} has no table to push rows into; upload a file with its columns first`, { field: 'rows' })
    return target
  }

  /** Rows an OPD system sends: each checked against the columns, good ones stored, a batch id stored once. */
  async push(db: Database, tenant: string, actor: string, name: string, input: PushRows): Promise<PushResult> {
    return db.transaction(async (tx) => {
      const dataset = await this.row(tx, tenant, name, 'all')
      const target = await this.pushTarget(tx, tenant, dataset)
      await store.findResource(tx, tenant, target.id, true)
      if (!(await store.claimBatch(tx, tenant, target.id, input.batchId))) {
        const earlier = await store.batchResult<PushResult>(tx, tenant, target.id, input.batchId)
        return { stored: earlier?.stored ?? 0, rejected: earlier?.rejected ?? [], duplicate: true }
      }
      const { good, rejected } = validateRows(target.columns, input.rows)
      let version = target.current_version
      if (version === null) {
        version = await store.insertVersion(tx, tenant, target.id, {
          filename: null,
          format: 'csv',
          mediaType: 'text/csv',
          content: null,
          columns: target.columns,
          rowCount: 0,
          createdBy: `push:${actor}`,
        })
        await store.setCurrentVersion(tx, tenant, target.id, version, target.columns, target.format)
      }
      await store.insertRows(tx, tenant, target.id, version, good, pointsOf(target.columns, good))
      await store.addVersionRows(tx, tenant, target.id, version, good.length)
      await store.refreshPoints(tx, tenant, target.id)
      await store.touchDataset(tx, tenant, dataset.id)
      const result = { stored: good.length, rejected, duplicate: false }
      await store.saveBatchResult(tx, tenant, target.id, input.batchId, result)
      await this.record(tx, tenant, actor, target.id, {
        type: 'rows.pushed',
        data: { dataset: name, batchId: input.batchId, stored: good.length, rejected: rejected.length },
      })
      return result
    })
  }

  /** CSV pushed as text: the header names the columns. */
  async pushCsv(db: Database, tenant: string, actor: string, name: string, batchId: string, csv: string): Promise<PushResult> {
    const table = await parseCsvTable(csv, MAX_PUSHED_ROWS)
    // Re-read as text so the resource's own column types decide, not the batch's.
    const raw = table.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v === null ? null : String(v)])))
    return this.push(db, tenant, actor, name, { batchId, rows: raw })
  }

  // Map layer

  async layer(db: Queryable, tenant: string, name: string | null, access: DatasetAccess) {
    const dataset = name ? await this.row(db, tenant, name, access) : null
    const points = await store.pointFeatures(db, tenant, { datasetId: dataset?.id ?? null, publicOnly: access === 'public-only', limit: 20000 })
    return {
      type: 'FeatureCollection' as const,
      features: points.map((p) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [p.lon, p.lat] },
        properties: { dataset: p.dataset, datasetTitle: p.title, ...p.data },
      })),
    }
  }
}

export async function queryResourceRows(
  db: Queryable,
  resource: store.ResourceRow,
  q: { filters: Record<string, unknown>; text: string | null; version?: number; limit: number; offset: number; sort?: { field: string; desc: boolean }[] },
) {
  const version = q.version ?? resource.current_version
  if (version === null) return { items: [], total: 0, version: null }
  const filters: Record<string, Cell> = {}
  for (const [field, value] of Object.entries(q.filters)) {
    const column = resource.columns.find((c) => c.name === field)
    if (!column) throw new Invalid(`There is no column ${field}`, { field: 'filters' })
    const typed = convert(value, column.type)
    if (typed === undefined) throw new Invalid(`${field} holds ${column.type} values`, { field: 'filters' })
    filters[field] = typed
  }
  for (const s of q.sort ?? []) if (!resource.columns.some((c) => c.name === s.field)) throw new Invalid(`There is no column ${s.field}`, { field: 'sort' })
  const query = { version, filters, text: q.text, limit: q.limit, offset: q.offset, sort: q.sort }
  const [rows, total] = await Promise.all([store.queryRows(db, resource.tenant, resource.id, query), store.countRows(db, resource.tenant, resource.id, query)])
  return { items: rows.map((r) => ({ _id: r.n, ...r.data })), total, version }
}

function parseFilters(raw: string | undefined): Record<string, unknown> {
  if (!raw) return {}
  try {
    const value = JSON.parse(raw) as unknown
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>
  } catch {
    // answered below
  }
  throw new Invalid('filters must be a JSON object of column → value', { field: 'filters' })
}

/** Splits rows into those that fit the columns (typed) and the reasons the others do not. */
export function validateRows(columns: Column[], rows: Record<string, unknown>[]) {
  const good: Record<string, Cell>[] = []
  const rejected: PushResult['rejected'] = []
  const known = new Set(columns.map((c) => c.name))
  rows.forEach((row, index) => {
    const unknown = Object.keys(row).find((k) => !known.has(k))
    if (unknown) {
      rejected.push({ row: index, field: unknown, message: `${unknown} is not a column of this dataset` })
      return
    }
    const typed: Record<string, Cell> = {}
    for (const column of columns) {
      const value = convert(row[column.name], column.type)
      if (value === undefined) {
        rejected.push({ row: index, field: column.name, message: `${column.name} must be ${column.type}, got ${JSON.stringify(row[column.name])}` })
        return
      }
      typed[column.name] = value
    }
    if (Object.values(typed).every((v) => v === null)) {
      rejected.push({ row: index, field: null, message: 'The row is empty' })
      return
    }
    good.push(typed)
  })
  return { good, rejected }
}

export function toCsv(columns: Column[], rows: Record<string, Cell>[]): string {
  return csvText([columns.map((c) => c.name), ...rows.map((r) => columns.map((c) => r[c.name]))])
}

export function shapeResource(r: store.ResourceRow): Resource {
  return {
    id: r.id,
    name: r.name,
    kind: r.kind,
    url: r.url,
    format: r.format,
    columns: r.columns,
    version: r.current_version,
    rowCount: r.row_count,
    hasPoints: r.has_points,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  }
}

export function shapeDataset(row: store.DatasetRow, orgs: Organization[], resources: store.ResourceRow[]): Dataset {
  const org = row.agency_id ? orgs.find((o) => o.id === row.agency_id) : undefined
  return {
    id: row.id,
    name: row.name,
    title: row.title,
    description: row.description,
    organization: org ? { id: org.id, code: org.code, name: org.name } : null,
    tags: row.tags,
    license: row.license,
    frequency: row.frequency,
    temporalCoverage: row.temporal_coverage,
    spatialCoverage: row.spatial_coverage,
    contact: row.contact,
    producer: row.producer,
    steward: row.steward,
    public: row.is_public,
    resources: resources.map(shapeResource),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  }
}
