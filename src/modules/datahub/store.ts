import { type Acknowledged, acknowledgeActive } from '../../core/db/acknowledge.ts'
import type { Queryable } from '../../core/db/database.ts'
import type { SealedColumn, Secrets } from '../../core/secrets.ts'
import type { Run } from './schema.ts'
import type { Cell, Column } from './tabular.ts'

// The SQL of the data hub and nothing else; every function takes the tenant and the handle.

export interface DatasetRow {
  tenant: string
  id: string
  name: string
  title: string
  description: string
  agency_id: string | null
  tags: string[]
  license: string
  frequency: string | null
  temporal_coverage: string | null
  spatial_coverage: string | null
  contact: string | null
  producer: string | null
  steward: string | null
  is_public: boolean
  created_at: Date
  updated_at: Date
}

export interface DatasetValues {
  title: string
  description: string
  agencyId: string | null
  tags: string[]
  license: string
  frequency: string | null
  temporalCoverage: string | null
  spatialCoverage: string | null
  contact: string | null
  producer: string | null
  steward: string | null
  isPublic: boolean
}

const DATASET_COLUMNS = `tenant, id, name, title, description, agency_id, tags, license, frequency, temporal_coverage, spatial_coverage,
  contact, producer, steward, is_public, created_at, updated_at`

function datasetParams(v: DatasetValues): unknown[] {
  return [
    v.title,
    v.description,
    v.agencyId,
    v.tags,
    v.license,
    v.frequency,
    v.temporalCoverage,
    v.spatialCoverage,
    v.contact,
    v.producer,
    v.steward,
    v.isPublic,
  ]
}

export async function insertDataset(db: Queryable, tenant: string, name: string, v: DatasetValues): Promise<DatasetRow> {
  const [row] = await db.query<DatasetRow>(
    `INSERT INTO datahub_datasets (tenant, name, title, description, agency_id, tags, license, frequency, temporal_coverage, spatial_coverage,
       contact, producer, steward, is_public)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING ${DATASET_COLUMNS}`,
    [tenant, name, ...datasetParams(v)],
  )
  return row
}

export async function updateDataset(db: Queryable, tenant: string, id: string, v: DatasetValues): Promise<DatasetRow> {
  const [row] = await db.query<DatasetRow>(
    `UPDATE datahub_datasets SET title = $3, description = $4, agency_id = $5, tags = $6, license = $7, frequency = $8, temporal_coverage = $9,
       spatial_coverage = $10, contact = $11, producer = $12, steward = $13, is_public = $14, updated_at = now()
     WHERE tenant = $1 AND id = $2 RETURNING ${DATASET_COLUMNS}`,
    [tenant, id, ...datasetParams(v)],
  )
  return row
}

export async function touchDataset(db: Queryable, tenant: string, id: string): Promise<void> {
  await db.query('UPDATE datahub_datasets SET updated_at = now() WHERE tenant = $1 AND id = $2', [tenant, id])
}

export async function deleteDataset(db: Queryable, tenant: string, id: string): Promise<void> {
  await db.query('DELETE FROM datahub_datasets WHERE tenant = $1 AND id = $2', [tenant, id])
}

export async function findDataset(db: Queryable, tenant: string, name: string): Promise<DatasetRow | null> {
  const [row] = await db.query<DatasetRow>(`SELECT ${DATASET_COLUMNS} FROM datahub_datasets WHERE tenant = $1 AND name = $2 AND deleted_at IS NULL`, [
    tenant,
    name,
  ])
  return row ?? null
}

export async function findDatasetById(db: Queryable, tenant: string | null, id: string): Promise<DatasetRow | null> {
  const [row] = await db.query<DatasetRow>(
    `SELECT ${DATASET_COLUMNS} FROM datahub_datasets WHERE ($1::text IS NULL OR tenant = $1) AND id = $2 AND deleted_at IS NULL`,
    [tenant, id],
  )
  return row ?? null
}

/** What a dataset search filters on; a null tenant searches the public datasets of every tenant. */
export interface DatasetFilter {
  tenant: string | null
  publicOnly: boolean
  text: string | null
  agencyIds: string[] | null
  tags: string[]
  formats: string[]
  names?: string[]
}

function filterSql(f: DatasetFilter): { where: string; params: unknown[] } {
  const params: unknown[] = []
  const clauses = ['d.deleted_at IS NULL']
  const add = (value: unknown) => {
    params.push(value)
    return `$${params.length}`
  }
  if (f.tenant) clauses.push(`d.tenant = ${add(f.tenant)}`)
  if (f.publicOnly) clauses.push('d.is_public')
  if (f.text) {
    const p = add(`%${f.text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`)
    clauses.push(
      `(lower(d.name) LIKE ${p} OR lower(d.title) LIKE ${p} OR lower(d.description) LIKE ${p} OR EXISTS (SELECT 1 FROM unnest(d.tags) t WHERE lower(t) LIKE ${p}))`,
    )
  }
  if (f.agencyIds) clauses.push(`d.agency_id = ANY(${add(f.agencyIds)}::uuid[])`)
  if (f.tags.length > 0) clauses.push(`d.tags @> ${add(f.tags)}::text[]`)
  for (const format of f.formats)
    clauses.push(
      `EXISTS (SELECT 1 FROM datahub_resources r WHERE r.tenant = d.tenant AND r.dataset_id = d.id AND upper(r.format) = ${add(format.toUpperCase())})`,
    )
  if (f.names) clauses.push(`d.name = ANY(${add(f.names)}::text[])`)
  return { where: clauses.join(' AND '), params }
}

const SORTS: Record<string, string> = {
  name: 'd.name',
  title: 'd.title',
  metadata_modified: 'd.updated_at',
  metadata_created: 'd.created_at',
}

export async function searchDatasets(
  db: Queryable,
  f: DatasetFilter,
  page: { limit: number; offset: number; sort?: { field: string; desc: boolean }[] },
): Promise<DatasetRow[]> {
  const { where, params } = filterSql(f)
  const order = (page.sort ?? []).filter((s) => SORTS[s.field]).map((s) => `${SORTS[s.field]} ${s.desc ? 'DESC' : 'ASC'}`)
  order.push('d.updated_at DESC', 'd.tenant', 'd.name')
  return db.query<DatasetRow>(
    `SELECT ${DATASET_COLUMNS.split(',')
      .map((c) => `d.${c.trim()}`)
      .join(', ')} FROM datahub_datasets d WHERE ${where}
     ORDER BY ${order.join(', ')} LIMIT ${Number(page.limit)} OFFSET ${Number(page.offset)}`,
    params,
  )
}

export async function countDatasets(db: Queryable, f: DatasetFilter): Promise<number> {
  const { where, params } = filterSql(f)
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM datahub_datasets d WHERE ${where}`, params)
  return row.n
}

/** Counts per organisation, tag and resource format among the datasets a search matches. */
export async function facetCounts(
  db: Queryable,
  f: DatasetFilter,
  field: 'organization' | 'tags' | 'res_format',
): Promise<{ value: string; tenant: string; count: number }[]> {
  const { where, params } = filterSql(f)
  const select =
    field === 'organization'
      ? `SELECT d.tenant, d.agency_id::text AS value, count(*)::int AS count FROM datahub_datasets d WHERE ${where} AND d.agency_id IS NOT NULL GROUP BY 1, 2`
      : field === 'tags'
        ? `SELECT '' AS tenant, t AS value, count(*)::int AS count FROM datahub_datasets d, unnest(d.tags) t WHERE ${where} GROUP BY 1, 2`
        : `SELECT '' AS tenant, upper(r.format) AS value, count(DISTINCT (d.tenant, d.id))::int AS count
           FROM datahub_datasets d JOIN datahub_resources r ON r.tenant = d.tenant AND r.dataset_id = d.id WHERE ${where} GROUP BY 1, 2`
  return db.query(`${select} ORDER BY count DESC, value`, params)
}

/** Tenants and agencies that own public datasets, with how many. */
export async function publicOwners(db: Queryable, tenant: string | null): Promise<{ tenant: string; agency_id: string; count: number }[]> {
  return db.query(
    `SELECT tenant, agency_id::text AS agency_id, count(*)::int AS count FROM datahub_datasets
     WHERE deleted_at IS NULL AND is_public AND agency_id IS NOT NULL AND ($1::text IS NULL OR tenant = $1) GROUP BY 1, 2`,
    [tenant],
  )
}

export async function publicTags(db: Queryable, tenant: string | null): Promise<string[]> {
  const rows = await db.query<{ tag: string }>(
    `SELECT DISTINCT t AS tag FROM datahub_datasets, unnest(tags) t WHERE deleted_at IS NULL AND is_public AND ($1::text IS NULL OR tenant = $1) ORDER BY 1`,
    [tenant],
  )
  return rows.map((r) => r.tag)
}

// Resources and versions

export interface ResourceRow {
  tenant: string
  id: string
  dataset_id: string
  name: string
  kind: 'file' | 'link' | 'connector'
  url: string | null
  format: string
  columns: Column[]
  current_version: number | null
  has_points: boolean
  row_count: number
  size: number
  created_at: Date
  updated_at: Date
}

const RESOURCE_SELECT = `SELECT r.tenant, r.id, r.dataset_id, r.name, r.kind, r.url, r.format, r.columns, r.current_version, r.has_points,
    coalesce(v.row_count, 0) AS row_count, coalesce(v.size, 0) AS size, r.created_at, r.updated_at
  FROM datahub_resources r LEFT JOIN datahub_versions v ON v.tenant = r.tenant AND v.resource_id = r.id AND v.version = r.current_version`

export async function insertResource(
  db: Queryable,
  tenant: string,
  datasetId: string,
  r: { name: string; kind: 'file' | 'link' | 'connector'; url: string | null; format: string; columns: Column[] },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    'INSERT INTO datahub_resources (tenant, dataset_id, name, kind, url, format, columns) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id',
    [tenant, datasetId, r.name, r.kind, r.url, r.format, JSON.stringify(r.columns)],
  )
  return row.id
}

export async function resourcesOf(db: Queryable, tenant: string | null, datasetIds: string[]): Promise<ResourceRow[]> {
  if (datasetIds.length === 0) return []
  return db.query<ResourceRow>(`${RESOURCE_SELECT} WHERE ($1::text IS NULL OR r.tenant = $1) AND r.dataset_id = ANY($2::uuid[]) ORDER BY r.created_at, r.id`, [
    tenant,
    datasetIds,
  ])
}

export async function findResource(db: Queryable, tenant: string | null, id: string, lock = false): Promise<ResourceRow | null> {
  if (lock) await db.query('SELECT 1 FROM datahub_resources WHERE tenant = $1 AND id = $2 FOR UPDATE', [tenant, id])
  const [row] = await db.query<ResourceRow>(`${RESOURCE_SELECT} WHERE ($1::text IS NULL OR r.tenant = $1) AND r.id = $2`, [tenant, id])
  return row ?? null
}

export async function setCurrentVersion(db: Queryable, tenant: string, id: string, version: number, columns: Column[], format: string): Promise<void> {
  await db.query(
    `UPDATE datahub_resources SET current_version = $3, columns = $4, format = $5, updated_at = now(),
       has_points = EXISTS (SELECT 1 FROM datahub_rows WHERE tenant = $1 AND resource_id = $2 AND version = $3 AND location IS NOT NULL)
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, version, JSON.stringify(columns), format],
  )
}

export async function refreshPoints(db: Queryable, tenant: string, id: string): Promise<void> {
  await db.query(
    `UPDATE datahub_resources SET updated_at = now(),
       has_points = EXISTS (SELECT 1 FROM datahub_rows WHERE tenant = $1 AND resource_id = $2 AND version = current_version AND location IS NOT NULL)
     WHERE tenant = $1 AND id = $2`,
    [tenant, id],
  )
}

export interface VersionRow {
  version: number
  filename: string | null
  format: string
  media_type: string
  size: number
  columns: Column[]
  row_count: number
  created_by: string | null
  created_at: Date
}

export async function insertVersion(
  db: Queryable,
  tenant: string,
  resourceId: string,
  v: { filename: string | null; format: string; mediaType: string; content: Buffer | null; columns: Column[]; rowCount: number; createdBy: string | null },
): Promise<number> {
  const [row] = await db.query<{ version: number }>(
    `INSERT INTO datahub_versions (tenant, resource_id, version, filename, format, media_type, size, content, columns, row_count, created_by)
     SELECT $1, $2, coalesce(max(version), 0) + 1, $3, $4, $5, $6, $7, $8, $9, $10 FROM datahub_versions WHERE tenant = $1 AND resource_id = $2
     RETURNING version`,
    [tenant, resourceId, v.filename, v.format, v.mediaType, v.content?.length ?? 0, v.content, JSON.stringify(v.columns), v.rowCount, v.createdBy],
  )
  return row.version
}

export async function addVersionRows(db: Queryable, tenant: string, resourceId: string, version: number, added: number): Promise<void> {
  await db.query('UPDATE datahub_versions SET row_count = row_count + $4 WHERE tenant = $1 AND resource_id = $2 AND version = $3', [
    tenant,
    resourceId,
    version,
    added,
  ])
}

export async function listVersions(db: Queryable, tenant: string, resourceId: string): Promise<VersionRow[]> {
  return db.query<VersionRow>(
    `SELECT version, filename, format, media_type, size, columns, row_count, created_by, created_at FROM datahub_versions
     WHERE tenant = $1 AND resource_id = $2 ORDER BY version DESC`,
    [tenant, resourceId],
  )
}

export async function versionContent(
  db: Queryable,
  tenant: string,
  resourceId: string,
  version: number,
): Promise<{ filename: string | null; media_type: string; format: string; content: Buffer | null } | null> {
  const [row] = await db.query<{ filename: string | null; media_type: string; format: string; content: Buffer | Uint8Array | null }>(
    'SELECT filename, media_type, format, content FROM datahub_versions WHERE tenant = $1 AND resource_id = $2 AND version = $3',
    [tenant, resourceId, version],
  )
  if (!row) return null
  return { ...row, content: row.content ? Buffer.from(row.content) : null }
}

// Rows

const CHUNK = 2000

/** Appends rows after the last one of a version, in chunks; returns how many were stored. */
export async function insertRows(
  db: Queryable,
  tenant: string,
  resourceId: string,
  version: number,
  rows: Record<string, Cell>[],
  points: ([number, number] | null)[],
): Promise<number> {
  const [{ last }] = await db.query<{ last: number }>(
    'SELECT coalesce(max(n), 0)::int AS last FROM datahub_rows WHERE tenant = $1 AND resource_id = $2 AND version = $3',
    [tenant, resourceId, version],
  )
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK).map((d, j) => {
      const p = points[i + j]
      return p ? { d, x: p[0], y: p[1] } : { d }
    })
    await db.query(
      `INSERT INTO datahub_rows (tenant, resource_id, version, n, data, location)
       SELECT $1, $2, $3, $4 + ord::int, e->'d',
         CASE WHEN e ? 'x' THEN ST_SetSRID(ST_MakePoint((e->>'x')::float8, (e->>'y')::float8), 4326) END
       FROM jsonb_array_elements($5::jsonb) WITH ORDINALITY AS t(e, ord)`,
      [tenant, resourceId, version, last + i, JSON.stringify(chunk)],
    )
  }
  return rows.length
}

export interface RowQuery {
  version: number
  filters: Record<string, Cell>
  text: string | null
  limit: number
  offset: number
  sort?: { field: string; desc: boolean }[]
}

function rowWhere(tenant: string, resourceId: string, q: RowQuery): { where: string; params: unknown[] } {
  const params: unknown[] = [tenant, resourceId, q.version]
  const clauses = ['tenant = $1', 'resource_id = $2', 'version = $3']
  if (Object.keys(q.filters).length > 0) {
    params.push(JSON.stringify(q.filters))
    clauses.push(`data @> $${params.length}::jsonb`)
  }
  if (q.text) {
    params.push(`%${q.text.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`)
    clauses.push(`lower(data::text) LIKE $${params.length}`)
  }
  return { where: clauses.join(' AND '), params }
}

export async function queryRows(db: Queryable, tenant: string, resourceId: string, q: RowQuery): Promise<{ n: number; data: Record<string, Cell> }[]> {
  const { where, params } = rowWhere(tenant, resourceId, q)
  const order = (q.sort ?? []).map((s) => {
    params.push(s.field)
    return `data->$${params.length} ${s.desc ? 'DESC' : 'ASC'}`
  })
  order.push('n')
  return db.query(`SELECT n, data FROM datahub_rows WHERE ${where} ORDER BY ${order.join(', ')} LIMIT ${Number(q.limit)} OFFSET ${Number(q.offset)}`, params)
}

export async function countRows(db: Queryable, tenant: string, resourceId: string, q: RowQuery): Promise<number> {
  const { where, params } = rowWhere(tenant, resourceId, q)
  const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM datahub_rows WHERE ${where}`, params)
  return row.n
}

/** Points of the current versions of a tenant's resources with places, as GeoJSON features. */
export async function pointFeatures(
  db: Queryable,
  tenant: string,
  opts: { datasetId: string | null; publicOnly: boolean; limit: number },
): Promise<{ dataset: string; title: string; lon: number; lat: number; data: Record<string, Cell> }[]> {
  return db.query(
    `SELECT d.name AS dataset, d.title, ST_X(w.location) AS lon, ST_Y(w.location) AS lat, w.data
     FROM datahub_datasets d
     JOIN datahub_resources r ON r.tenant = d.tenant AND r.dataset_id = d.id AND r.has_points
     JOIN datahub_rows w ON w.tenant = r.tenant AND w.resource_id = r.id AND w.version = r.current_version AND w.location IS NOT NULL
     WHERE d.tenant = $1 AND d.deleted_at IS NULL AND ($2::uuid IS NULL OR d.id = $2) AND (NOT $3 OR d.is_public)
     ORDER BY d.name, w.n LIMIT ${Number(opts.limit)}`,
    [tenant, opts.datasetId, opts.publicOnly],
  )
}

// Pushed batches

export async function claimBatch(db: Queryable, tenant: string, resourceId: string, batchId: string): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO datahub_batches (tenant, resource_id, batch_id, result) VALUES ($1, $2, $3, '{}') ON CONFLICT DO NOTHING RETURNING batch_id`,
    [tenant, resourceId, batchId],
  )
  return rows.length === 1
}

export async function saveBatchResult(db: Queryable, tenant: string, resourceId: string, batchId: string, result: unknown): Promise<void> {
  await db.query('UPDATE datahub_batches SET result = $4 WHERE tenant = $1 AND resource_id = $2 AND batch_id = $3', [
    tenant,
    resourceId,
    batchId,
    JSON.stringify(result),
  ])
}

export async function batchResult<T>(db: Queryable, tenant: string, resourceId: string, batchId: string): Promise<T | null> {
  const [row] = await db.query<{ result: T }>('SELECT result FROM datahub_batches WHERE tenant = $1 AND resource_id = $2 AND batch_id = $3', [
    tenant,
    resourceId,
    batchId,
  ])
  return row?.result ?? null
}

// Connectors and their runs

export interface ConnectorRow {
  tenant: string
  id: string
  name: string
  dataset_id: string
  dataset: string
  resource_id: string
  url: string
  format: 'json' | 'csv' | 'geojson'
  rows_path: string | null
  headers: Record<string, string>
  mapping: Record<string, string> | null
  schedule: string
  last_run_at: Date | null
}

/** Header values and URLs may carry a token (a `?key=`, a capability URL): each is stored sealed, opened only here. */
export const SEALED_COLUMNS: SealedColumn[] = [
  { table: 'datahub_connectors', column: 'headers', json: true },
  { table: 'datahub_connectors', column: 'url' },
  { table: 'datahub_webhooks', column: 'secret' },
  { table: 'datahub_webhooks', column: 'url' },
]

const openHeaders = (secrets: Secrets, row: ConnectorRow): ConnectorRow => ({ ...row, url: secrets.open(row.url), headers: secrets.openEach(row.headers) })

const CONNECTOR_SELECT = `SELECT c.tenant, c.id, c.name, c.dataset_id, d.name AS dataset, c.resource_id, c.url, c.format, c.rows_path, c.headers, c.mapping,
    c.schedule, c.last_run_at
  FROM datahub_connectors c JOIN datahub_datasets d ON d.tenant = c.tenant AND d.id = c.dataset_id`

/** What a connector's owner sets; its dataset and resource are fixed when it is added. */
export interface ConnectorValues {
  name: string
  url: string
  format: string
  rowsPath: string | null
  headers: Record<string, string>
  mapping: Record<string, string> | null
  schedule: string
}

export async function insertConnector(
  db: Queryable,
  secrets: Secrets,
  tenant: string,
  c: ConnectorValues & { datasetId: string; resourceId: string },
): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO datahub_connectors (tenant, dataset_id, resource_id, name, url, format, rows_path, headers, mapping, schedule)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id`,
    [tenant, c.datasetId, c.resourceId, ...connectorColumns(secrets, c)],
  )
  return row.id
}

/** A connector's stored columns in order (name, url, format, rows_path, headers, mapping, schedule), secrets sealed. */
function connectorColumns(secrets: Secrets, c: ConnectorValues): unknown[] {
  return [
    c.name,
    secrets.seal(c.url),
    c.format,
    c.rowsPath,
    JSON.stringify(secrets.sealEach(c.headers)),
    c.mapping ? JSON.stringify(c.mapping) : null,
    c.schedule,
  ]
}

export async function updateConnector(db: Queryable, secrets: Secrets, tenant: string, id: string, c: ConnectorValues): Promise<void> {
  await db.query(
    `UPDATE datahub_connectors SET name = $3, url = $4, format = $5, rows_path = $6, headers = $7, mapping = $8, schedule = $9 WHERE tenant = $1 AND id = $2`,
    [tenant, id, ...connectorColumns(secrets, c)],
  )
}

/** The dataset a connector writes to (whose OPD owns the connector), without opening its secrets. */
export async function connectorDatasetId(db: Queryable, tenant: string, id: string): Promise<string | null> {
  const [row] = await db.query<{ dataset_id: string }>('SELECT dataset_id FROM datahub_connectors WHERE tenant = $1 AND id = $2', [tenant, id])
  return row?.dataset_id ?? null
}

export async function findConnector(db: Queryable, secrets: Secrets, tenant: string, id: string): Promise<ConnectorRow | null> {
  const [row] = await db.query<ConnectorRow>(`${CONNECTOR_SELECT} WHERE c.tenant = $1 AND c.id = $2`, [tenant, id])
  return row ? openHeaders(secrets, row) : null
}

export async function listConnectors(db: Queryable, secrets: Secrets, tenant: string): Promise<ConnectorRow[]> {
  const rows = await db.query<ConnectorRow>(`${CONNECTOR_SELECT} WHERE c.tenant = $1 ORDER BY c.name, c.id`, [tenant])
  return rows.map((row) => openHeaders(secrets, row))
}

/** Connectors of every tenant that run on a schedule. */
export async function scheduledConnectors(db: Queryable, secrets: Secrets): Promise<ConnectorRow[]> {
  const rows = await db.query<ConnectorRow>(`${CONNECTOR_SELECT} WHERE c.schedule <> 'manual' AND d.deleted_at IS NULL`)
  return rows.map((row) => openHeaders(secrets, row))
}

export async function startRun(db: Queryable, tenant: string, connectorId: string, at: Date | null = null): Promise<string> {
  await db.query('UPDATE datahub_connectors SET last_run_at = coalesce($3::timestamptz, now()) WHERE tenant = $1 AND id = $2', [
    tenant,
    connectorId,
    at?.toISOString() ?? null,
  ])
  const [row] = await db.query<{ id: string }>('INSERT INTO datahub_runs (tenant, connector_id) VALUES ($1, $2) RETURNING id', [tenant, connectorId])
  return row.id
}

export async function progressRun(db: Queryable, tenant: string, id: string, bytes: number): Promise<void> {
  await db.query('UPDATE datahub_runs SET bytes = $3 WHERE tenant = $1 AND id = $2', [tenant, id, bytes])
}

export async function finishRun(
  db: Queryable,
  tenant: string,
  id: string,
  r: { status: 'ok' | 'failed'; rows: number; bytes: number; version: number | null; error: string | null },
): Promise<void> {
  await db.query(
    `UPDATE datahub_runs SET status = $3, rows = $4, bytes = $5, version = $6, error = $7, finished_at = clock_timestamp() WHERE tenant = $1 AND id = $2`,
    [tenant, id, r.status, r.rows, r.bytes, r.version, r.error],
  )
}

export async function listRuns(db: Queryable, tenant: string, connectorId: string, limit: number): Promise<Run[]> {
  const rows = await db.query<{
    id: string
    status: Run['status']
    rows: number
    bytes: number
    version: number | null
    error: string | null
    started_at: Date
    finished_at: Date | null
  }>(
    `SELECT id, status, rows, bytes, version, error, started_at, finished_at FROM datahub_runs WHERE tenant = $1 AND connector_id = $2
     ORDER BY started_at DESC, id LIMIT ${Number(limit)}`,
    [tenant, connectorId],
  )
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    rows: r.rows,
    bytes: r.bytes,
    version: r.version,
    error: r.error,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    durationMs: r.finished_at ? r.finished_at.getTime() - r.started_at.getTime() : null,
  }))
}

// The app directory.

export interface AppRow {
  tenant: string
  id: string
  name: string
  agency_id: string | null
  description: string
  url: string
  audience: string[]
  category: string
  status: 'unknown' | 'up' | 'down'
  response_ms: number | null
  last_error: string | null
  checked_at: Date | null
  archived_at: Date | null
  created_at: Date
  updated_at: Date
  /** Share of probes in the last 30 days that found the app up, 0–1; null before the first probe. */
  uptime: number | null
}

export interface AppValues {
  name: string
  agencyId: string | null
  description: string
  url: string
  audience: string[]
  category: string
}

const APP_SELECT = `SELECT a.tenant, a.id, a.name, a.agency_id, a.description, a.url, a.audience, a.category, a.status, a.response_ms, a.last_error,
    a.checked_at, a.archived_at, a.created_at, a.updated_at,
    (SELECT avg(CASE WHEN c.up THEN 1.0 ELSE 0.0 END)::float8 FROM datahub_app_checks c
      WHERE c.tenant = a.tenant AND c.app_id = a.id AND c.checked_at > now() - interval '30 days') AS uptime
  FROM datahub_apps a`

export async function insertApp(db: Queryable, tenant: string, v: AppValues): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO datahub_apps (tenant, name, agency_id, description, url, audience, category)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
    [tenant, v.name, v.agencyId, v.description, v.url, v.audience, v.category],
  )
  return row.id
}

export async function updateApp(db: Queryable, tenant: string, id: string, v: AppValues, urlChanged: boolean): Promise<void> {
  // A new address says nothing about the old one's health: the status waits for the next probe.
  await db.query(
    `UPDATE datahub_apps SET name = $3, agency_id = $4, description = $5, url = $6, audience = $7, category = $8, updated_at = now()
       ${urlChanged ? ", status = 'unknown', response_ms = NULL, last_error = NULL, checked_at = NULL" : ''}
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, v.name, v.agencyId, v.description, v.url, v.audience, v.category],
  )
}

export async function archiveApp(db: Queryable, tenant: string, id: string): Promise<void> {
  await db.query('UPDATE datahub_apps SET archived_at = now(), updated_at = now() WHERE tenant = $1 AND id = $2 AND archived_at IS NULL', [tenant, id])
}

export async function findApp(db: Queryable, tenant: string, id: string): Promise<AppRow | null> {
  const [row] = await db.query<AppRow>(`${APP_SELECT} WHERE a.tenant = $1 AND a.id = $2`, [tenant, id])
  return row ?? null
}

export async function findAppByName(db: Queryable, tenant: string, name: string): Promise<AppRow | null> {
  const [row] = await db.query<AppRow>(`${APP_SELECT} WHERE a.tenant = $1 AND lower(a.name) = lower($2) AND a.archived_at IS NULL`, [tenant, name])
  return row ?? null
}

export async function listApps(db: Queryable, tenant: string, archived: boolean): Promise<AppRow[]> {
  return db.query<AppRow>(`${APP_SELECT} WHERE a.tenant = $1 AND (a.archived_at IS NULL) <> $2 ORDER BY a.category, lower(a.name), a.id`, [tenant, archived])
}

/** Apps of every tenant still in the directory, for the probe. */
export async function probedApps(db: Queryable): Promise<{ tenant: string; id: string; url: string }[]> {
  return db.query('SELECT tenant, id, url FROM datahub_apps WHERE archived_at IS NULL ORDER BY checked_at NULLS FIRST')
}

export async function recordAppCheck(
  db: Queryable,
  tenant: string,
  id: string,
  check: { up: boolean; responseMs: number | null; error: string | null },
): Promise<void> {
  await db.query(`UPDATE datahub_apps SET status = $3, response_ms = $4, last_error = $5, checked_at = now() WHERE tenant = $1 AND id = $2`, [
    tenant,
    id,
    check.up ? 'up' : 'down',
    check.responseMs,
    check.error,
  ])
  await db.query('INSERT INTO datahub_app_checks (tenant, app_id, up, response_ms, error) VALUES ($1, $2, $3, $4, $5)', [
    tenant,
    id,
    check.up,
    check.responseMs,
    check.error,
  ])
}

/** Probes older than the uptime window are of no use. */
export async function pruneAppChecks(db: Queryable): Promise<void> {
  await db.query("DELETE FROM datahub_app_checks WHERE checked_at < now() - interval '31 days'")
}

// Public assets.

export interface AssetRow {
  id: string
  kind: 'wifi' | 'facility' | 'evacuation'
  name: string
  category: string | null
  provider: string | null
  status: 'unknown' | 'up' | 'down'
  address: string | null
  probe_url: string | null
  lon: number
  lat: number
  checked_at: Date | null
  updated_at: Date
}

export interface AssetValues {
  kind: AssetRow['kind']
  name: string
  category: string | null
  provider: string | null
  status: AssetRow['status']
  address: string | null
  probeUrl: string | null
  lon: number
  lat: number
}

const ASSET_SELECT = `SELECT id, kind, name, category, provider, status, address, probe_url, ST_X(location) AS lon, ST_Y(location) AS lat, checked_at, updated_at
  FROM datahub_assets`

/** Inserts an asset; a name the tenant has for that kind already gives null. */
export async function insertAsset(db: Queryable, tenant: string, v: AssetValues): Promise<AssetRow | null> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO datahub_assets (tenant, kind, name, category, provider, status, address, probe_url, location)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, ST_SetSRID(ST_MakePoint($9, $10), 4326))
     ON CONFLICT (tenant, kind, lower(name)) WHERE archived_at IS NULL DO NOTHING RETURNING id`,
    [tenant, v.kind, v.name, v.category, v.provider, v.status, v.address, v.probeUrl, v.lon, v.lat],
  )
  return row ? findAsset(db, tenant, row.id) : null
}

/** Updates an asset in the list; another asset of that kind with the new name gives false. */
export async function updateAsset(db: Queryable, tenant: string, id: string, v: AssetValues): Promise<boolean> {
  const clash = await db.query(
    'SELECT 1 FROM datahub_assets WHERE tenant = $1 AND kind = $2 AND lower(name) = lower($3) AND id <> $4 AND archived_at IS NULL',
    [tenant, v.kind, v.name, id],
  )
  if (clash.length > 0) return false
  await db.query(
    `UPDATE datahub_assets SET kind = $3, name = $4, category = $5, provider = $6, status = $7, address = $8, probe_url = $9,
       location = ST_SetSRID(ST_MakePoint($10, $11), 4326), updated_at = now()
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, v.kind, v.name, v.category, v.provider, v.status, v.address, v.probeUrl, v.lon, v.lat],
  )
  return true
}

export async function archiveAsset(db: Queryable, tenant: string, id: string): Promise<void> {
  await db.query('UPDATE datahub_assets SET archived_at = now(), updated_at = now() WHERE tenant = $1 AND id = $2 AND archived_at IS NULL', [tenant, id])
}

/** An asset still in the list. */
export async function findAsset(db: Queryable, tenant: string, id: string): Promise<AssetRow | null> {
  const [row] = await db.query<AssetRow>(`${ASSET_SELECT} WHERE tenant = $1 AND id = $2 AND archived_at IS NULL`, [tenant, id])
  return row ?? null
}

export async function listAssets(db: Queryable, tenant: string, kind: AssetRow['kind'] | null): Promise<AssetRow[]> {
  return db.query<AssetRow>(`${ASSET_SELECT} WHERE tenant = $1 AND ($2::text IS NULL OR kind = $2) AND archived_at IS NULL ORDER BY kind, lower(name), id`, [
    tenant,
    kind,
  ])
}

/** Assets of every tenant with a probe URL, least recently checked first. */
export async function probedAssets(db: Queryable): Promise<{ tenant: string; id: string; probe_url: string }[]> {
  return db.query('SELECT tenant, id, probe_url FROM datahub_assets WHERE probe_url IS NOT NULL AND archived_at IS NULL ORDER BY checked_at NULLS FIRST')
}

/** Sets an asset's status; gives the previous one when it changed, null when it stayed. */
export async function setAssetStatus(
  db: Queryable,
  tenant: string,
  id: string,
  status: AssetRow['status'],
  probed: boolean,
): Promise<AssetRow['status'] | null> {
  const [row] = await db.query<{ previous: AssetRow['status'] }>(
    `UPDATE datahub_assets a SET status = $3, checked_at = CASE WHEN $4 THEN now() ELSE a.checked_at END,
       updated_at = CASE WHEN a.status <> $3 THEN now() ELSE a.updated_at END
     FROM datahub_assets old WHERE a.tenant = $1 AND a.id = $2 AND old.tenant = a.tenant AND old.id = a.id AND a.archived_at IS NULL
     RETURNING old.status AS previous`,
    [tenant, id, status, probed],
  )
  return row && row.previous !== status ? row.previous : null
}

// Alarms of connectors whose runs fail.

export interface AlarmRow {
  id: string
  connector_id: string
  connector: string
  dataset: string
  status: 'active' | 'acknowledged' | 'cleared'
  error: string
  run_id: string | null
  failures: number
  raised_at: Date
  failed_at: Date
  acknowledged_at: Date | null
  acknowledged_by: string | null
  cleared_at: Date | null
  key: string
}

// The keyset of alarm lists: newest first.
const ALARM_KEY = "(to_json(a.raised_at) #>> '{}') || a.id::text"
const ALARM_SELECT = `SELECT a.id, a.connector_id, c.name AS connector, d.name AS dataset, a.status, a.error, a.run_id, a.failures, a.raised_at, a.failed_at,
    a.acknowledged_at, a.acknowledged_by, a.cleared_at, ${ALARM_KEY} AS key
  FROM datahub_alarms a
  JOIN datahub_connectors c ON c.tenant = a.tenant AND c.id = a.connector_id
  JOIN datahub_datasets d ON d.tenant = c.tenant AND d.id = c.dataset_id`

/** Opens the connector's alarm, or adds this failure to the open one; `raised` says whether it is new. */
export async function raiseAlarm(db: Queryable, tenant: string, connectorId: string, runId: string, error: string): Promise<{ id: string; raised: boolean }> {
  const [row] = await db.query<{ id: string; raised: boolean }>(
    `INSERT INTO datahub_alarms (tenant, connector_id, run_id, error) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, connector_id) WHERE status <> 'cleared'
     DO UPDATE SET error = EXCLUDED.error, run_id = EXCLUDED.run_id, failures = datahub_alarms.failures + 1, failed_at = now()
     RETURNING id, (xmax = 0) AS raised`,
    [tenant, connectorId, runId, error],
  )
  return row
}

/** Clears the connector's open alarm; gives its id, or null when none was open. */
export async function clearAlarm(db: Queryable, tenant: string, connectorId: string): Promise<string | null> {
  const [row] = await db.query<{ id: string }>(
    `UPDATE datahub_alarms SET status = 'cleared', cleared_at = now() WHERE tenant = $1 AND connector_id = $2 AND status <> 'cleared' RETURNING id`,
    [tenant, connectorId],
  )
  return row?.id ?? null
}

export function acknowledgeAlarm(db: Queryable, tenant: string, id: string, by: string): Promise<Acknowledged> {
  return acknowledgeActive(db, 'datahub_alarms', tenant, id, by)
}

export async function findAlarm(db: Queryable, tenant: string, id: string): Promise<AlarmRow | null> {
  const [row] = await db.query<AlarmRow>(`${ALARM_SELECT} WHERE a.tenant = $1 AND a.id = $2`, [tenant, id])
  return row ?? null
}

export async function listAlarms(db: Queryable, tenant: string, statuses: string[], limit: number, after: string | null): Promise<AlarmRow[]> {
  return db.query<AlarmRow>(
    `${ALARM_SELECT}
     WHERE a.tenant = $1 AND a.status = ANY($2::text[]) AND ($3::text IS NULL OR ${ALARM_KEY} < $3)
     ORDER BY ${ALARM_KEY} DESC LIMIT $4`,
    [tenant, statuses, after, limit],
  )
}

export async function countAlarms(db: Queryable, tenant: string, statuses: string[]): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM datahub_alarms WHERE tenant = $1 AND status = ANY($2::text[])', [
    tenant,
    statuses,
  ])
  return row.n
}
