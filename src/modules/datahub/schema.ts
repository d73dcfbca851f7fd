import { type Static, Type } from 'typebox'
import { FeatureCollection, Point } from '../../core/geo/geojson.ts'
import { Int4 } from '../../core/http/schema.ts'

export const TenantParams = Type.Object({ tenant: Type.String() })
export const DatasetParams = Type.Object({ tenant: Type.String(), name: Type.String({ maxLength: 100 }) })
export const ResourceParams = Type.Object({ tenant: Type.String(), name: Type.String({ maxLength: 100 }), id: Type.String({ format: 'uuid' }) })
export const VersionParams = Type.Object({
  tenant: Type.String(),
  name: Type.String({ maxLength: 100 }),
  id: Type.String({ format: 'uuid' }),
  version: Int4({ minimum: 1 }),
})
export const ConnectorParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Text = (max: number) => Type.String({ maxLength: max })

const DatasetFields = {
  title: Type.String({ minLength: 2, maxLength: 200 }),
  description: Type.Optional(Text(10000)),
  organization: Type.Optional(Nullable(Type.String({ maxLength: 60, description: 'Code of the agency (OPD) that owns the data' }))),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 60 }), { maxItems: 30 })),
  license: Type.Optional(Type.String({ minLength: 2, maxLength: 60, description: 'CKAN licence id, e.g. cc-by, cc-by-sa, odc-odbl, other-closed' })),
  frequency: Type.Optional(Nullable(Text(60))),
  temporalCoverage: Type.Optional(Nullable(Text(120))),
  spatialCoverage: Type.Optional(Nullable(Text(120))),
  contact: Type.Optional(Nullable(Text(200))),
  producer: Type.Optional(Nullable(Text(200))),
  steward: Type.Optional(Nullable(Text(200))),
  public: Type.Optional(Type.Boolean()),
}

export const CreateDataset = Type.Object(
  { name: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,99}$', description: 'Slug: lower-case letters, digits, - and _' }), ...DatasetFields },
  { additionalProperties: false },
)
export type CreateDataset = Static<typeof CreateDataset>

export const UpdateDataset = Type.Partial(Type.Object(DatasetFields), { additionalProperties: false })
export type UpdateDataset = Static<typeof UpdateDataset>

export const Column = Type.Object({
  name: Type.String(),
  type: Type.Union([Type.Literal('integer'), Type.Literal('number'), Type.Literal('boolean'), Type.Literal('date'), Type.Literal('text')]),
})

export const Resource = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.Union([Type.Literal('file'), Type.Literal('link'), Type.Literal('connector')]),
  url: Nullable(Type.String()),
  format: Type.String(),
  columns: Type.Array(Column),
  version: Nullable(Type.Integer()),
  rowCount: Type.Integer(),
  hasPoints: Type.Boolean(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Resource = Static<typeof Resource>

export const Dataset = Type.Object({
  id: Type.String(),
  name: Type.String(),
  title: Type.String(),
  description: Type.String(),
  organization: Nullable(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
  tags: Type.Array(Type.String()),
  license: Type.String(),
  frequency: Nullable(Type.String()),
  temporalCoverage: Nullable(Type.String()),
  spatialCoverage: Nullable(Type.String()),
  contact: Nullable(Type.String()),
  producer: Nullable(Type.String()),
  steward: Nullable(Type.String()),
  public: Type.Boolean(),
  resources: Type.Array(Resource),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})
export type Dataset = Static<typeof Dataset>

export const DatasetQuery = Type.Object({
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Words in the name, title, description or tags' })),
  organization: Type.Optional(Type.String({ maxLength: 60 })),
  tag: Type.Optional(Type.String({ maxLength: 60 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Int4({ minimum: 0, default: 0 })),
})

export const Version = Type.Object({
  version: Type.Integer(),
  filename: Nullable(Type.String()),
  format: Type.String(),
  size: Type.Integer(),
  rowCount: Type.Integer(),
  columns: Type.Array(Column),
  createdBy: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  current: Type.Boolean(),
})
export type Version = Static<typeof Version>

export const Row = Type.Record(Type.String(), Type.Unknown())

export const Preview = Type.Object({
  format: Type.String(),
  columns: Type.Array(Column),
  rows: Type.Array(Row),
  total: Type.Integer(),
  points: Type.Integer({ description: 'Rows with a place; these become a map layer' }),
  dialect: Type.Optional(Type.Object({ delimiter: Type.String(), decimalComma: Type.Boolean() })),
})

export const RowsQuery = Type.Object({
  filters: Type.Optional(Type.String({ maxLength: 2000, description: 'JSON object of column → value; rows must match all' })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'Text anywhere in the row' })),
  version: Type.Optional(Int4({ minimum: 1, description: 'An older version; the current one by default' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
  offset: Type.Optional(Int4({ minimum: 0, default: 0 })),
})

export const Rows = Type.Object({ items: Type.Array(Row), total: Type.Integer() })

/** Most rows one push carries, as JSON or as CSV. */
export const MAX_PUSHED_ROWS = 10_000

export const PushRows = Type.Object(
  {
    batchId: Type.String({ minLength: 1, maxLength: 200, description: 'Sending the same batch id again stores nothing new' }),
    rows: Type.Array(Type.Record(Type.String(), Type.Unknown()), { maxItems: MAX_PUSHED_ROWS }),
  },
  { additionalProperties: false },
)
export type PushRows = Static<typeof PushRows>

export const PushResult = Type.Object({
  stored: Type.Integer(),
  rejected: Type.Array(
    Type.Object({ row: Type.Integer({ description: 'Index of the row in the batch, from 0' }), field: Nullable(Type.String()), message: Type.String() }),
  ),
  duplicate: Type.Boolean({ description: 'This batch id was stored before; nothing new was stored' }),
})
export type PushResult = Static<typeof PushResult>

export const CreateConnector = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    dataset: Type.String({ maxLength: 100, description: 'Name of the dataset the rows go to' }),
    url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
    format: Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('geojson')]),
    rowsPath: Type.Optional(Type.String({ maxLength: 200, description: 'Dotted path to the array of rows, e.g. data.items' })),
    headers: Type.Optional(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 2000 }))),
    mapping: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 200 }), { description: 'column → dotted path in the source row' }),
    ),
    schedule: Type.Optional(Type.String({ maxLength: 100, description: 'A five-field cron expression (tenant time) or "manual"' })),
  },
  { additionalProperties: false },
)
export type CreateConnector = Static<typeof CreateConnector>

/** Changes to a connector; its dataset stays. `headers` is the whole new set: a null value keeps the stored one. */
export const UpdateConnector = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    url: Type.Optional(Type.String({ pattern: '^https?://', maxLength: 2000 })),
    format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('geojson')])),
    rowsPath: Type.Optional(Nullable(Type.String({ maxLength: 200 }))),
    headers: Type.Optional(
      Type.Record(Type.String({ maxLength: 100 }), Nullable(Type.String({ maxLength: 2000 })), {
        description: 'name → value; null keeps the stored value of that name; names left out are removed',
      }),
    ),
    mapping: Type.Optional(Nullable(Type.Record(Type.String({ maxLength: 100 }), Type.String({ maxLength: 200 })))),
    schedule: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateConnector = Static<typeof UpdateConnector>

export const Connector = Type.Object({
  id: Type.String(),
  name: Type.String(),
  dataset: Type.String(),
  resourceId: Type.String(),
  url: Type.String(),
  format: Type.String(),
  rowsPath: Nullable(Type.String()),
  headerNames: Type.Array(Type.String(), { description: 'Names only; values (tokens) stay on the server' }),
  mapping: Nullable(Type.Record(Type.String(), Type.String())),
  schedule: Type.String(),
  lastRunAt: Nullable(Type.String({ format: 'date-time' })),
})
export type Connector = Static<typeof Connector>

export const Run = Type.Object({
  id: Type.String(),
  status: Type.Union([Type.Literal('running'), Type.Literal('ok'), Type.Literal('failed')]),
  rows: Type.Integer(),
  bytes: Type.Integer(),
  version: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Nullable(Type.String({ format: 'date-time' })),
  durationMs: Nullable(Type.Integer()),
})
export type Run = Static<typeof Run>

export const AppParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })
export const Audience = Type.Union([Type.Literal('citizen'), Type.Literal('asn'), Type.Literal('business')])

const AppFields = {
  name: Type.String({ minLength: 2, maxLength: 120 }),
  organization: Type.Optional(Nullable(Type.String({ maxLength: 60, description: 'Code of the agency (OPD) that runs the app' }))),
  description: Type.Optional(Text(2000)),
  url: Type.String({ minLength: 8, maxLength: 2000, description: 'http or https; a private, loopback or link-local address needs OUTBOUND_ALLOW' }),
  audience: Type.Optional(Type.Array(Audience, { maxItems: 3, uniqueItems: true, description: 'Who uses it: citizens, civil servants (ASN), businesses' })),
  category: Type.Optional(Type.String({ minLength: 2, maxLength: 60, description: 'e.g. layanan publik, kepegawaian, perizinan' })),
}

export const CreateApp = Type.Object(AppFields, { additionalProperties: false })
export type CreateApp = Static<typeof CreateApp>
export const UpdateApp = Type.Partial(Type.Object(AppFields), { additionalProperties: false })
export type UpdateApp = Static<typeof UpdateApp>

export const App = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organization: Nullable(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })),
  description: Type.String(),
  url: Type.String(),
  audience: Type.Array(Audience),
  category: Type.String(),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')]),
  responseMs: Nullable(Type.Integer()),
  error: Nullable(Type.String()),
  checkedAt: Nullable(Type.String({ format: 'date-time' })),
  uptime30d: Nullable(Type.Number({ description: 'Share of probes in the last 30 days that found it up, 0–1' })),
  archived: Type.Boolean(),
})
export type App = Static<typeof App>

export const AssetKind = Type.Union([Type.Literal('wifi'), Type.Literal('facility'), Type.Literal('evacuation')])
export type AssetKind = Static<typeof AssetKind>
export const AssetStatus = Type.Union([Type.Literal('unknown'), Type.Literal('up'), Type.Literal('down')])

const AssetFields = {
  kind: AssetKind,
  name: Type.String({ minLength: 2, maxLength: 200 }),
  location: Point,
  category: Type.Optional(Nullable(Text(100))),
  provider: Type.Optional(Nullable(Text(100))),
  status: Type.Optional(AssetStatus),
  address: Type.Optional(Nullable(Text(300))),
  probeUrl: Type.Optional(
    Nullable(Type.String({ maxLength: 2000, description: 'Checked by the scheduled probe: an answer below 500 is up, anything else down' })),
  ),
}
export const CreateAsset = Type.Object(AssetFields, { additionalProperties: false })
export type CreateAsset = Static<typeof CreateAsset>
export const UpdateAsset = Type.Partial(Type.Object(AssetFields), { additionalProperties: false, minProperties: 1 })
export type UpdateAsset = Static<typeof UpdateAsset>
export const AssetParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })
export const AssetStatusChange = Type.Object({ status: AssetStatus }, { additionalProperties: false })

const AssetPropertyFields = {
  kind: AssetKind,
  name: Type.String(),
  category: Nullable(Type.String()),
  provider: Nullable(Type.String()),
  status: AssetStatus,
  address: Nullable(Type.String()),
  updatedAt: Type.String({ format: 'date-time' }),
}
export const AssetProperties = Type.Object(AssetPropertyFields)
export const AssetFeature = Type.Object({ type: Type.Literal('Feature'), id: Type.String(), geometry: Point, properties: AssetProperties })
export type AssetFeature = Static<typeof AssetFeature>
export const Assets = FeatureCollection(AssetProperties)
/** What staff see of one asset: the public feature and how its status is checked. */
export const AssetDetail = Type.Object({
  type: Type.Literal('Feature'),
  id: Type.String(),
  geometry: Point,
  properties: Type.Object({ ...AssetPropertyFields, probeUrl: Nullable(Type.String()), checkedAt: Nullable(Type.String({ format: 'date-time' })) }),
})
export type AssetDetail = Static<typeof AssetDetail>

export const ConnectorAlarm = Type.Object({
  id: Type.String(),
  connectorId: Type.String(),
  connector: Type.String(),
  dataset: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cleared')]),
  error: Type.String({ description: "The latest failed run's error" }),
  runId: Nullable(Type.String()),
  failures: Type.Integer({ description: 'Failed runs since the alarm was raised' }),
  raisedAt: Type.String({ format: 'date-time' }),
  failedAt: Type.String({ format: 'date-time' }),
  acknowledgedAt: Nullable(Type.String({ format: 'date-time' })),
  acknowledgedBy: Nullable(Type.String()),
  clearedAt: Nullable(Type.String({ format: 'date-time' })),
})
export type ConnectorAlarm = Static<typeof ConnectorAlarm>
export const AlarmQuery = Type.Object({
  status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cleared')], { default: 'open' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
