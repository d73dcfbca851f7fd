import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'
import { Double } from '../../core/http/schema.ts'
import { COMPARISONS, KIND_ICONS, RULE_ACTIONS, SEVERITIES } from './catalogue.ts'

export const TenantParams = Type.Object({ tenant: Type.String() })
export const DeviceParams = Type.Object({ tenant: Type.String(), id: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }) })
export const UuidParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

const KindCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: "A device kind's code (see /device-kinds), e.g. flood_level" })
export const KindParams = Type.Object({ tenant: Type.String(), code: KindCode })

const MetricName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,39}$', description: 'snake_case, e.g. water_level, pm25' })
const Unit = Type.String({ minLength: 1, maxLength: 20, description: 'SenML unit where one exists: cm, mm, ug/m3, Cel, %RH, dB' })
export const Metric = Type.Object({ name: MetricName, unit: Unit }, { additionalProperties: false })

const Label = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 80 }), en: Type.String({ minLength: 1, maxLength: 80 }) },
  { additionalProperties: false },
)
const KindMetric = Type.Object(
  {
    name: MetricName,
    label: Label,
    unit: Unit,
    min: Type.Union([Double(), Type.Null()], { description: 'Readings below are refused and counted; null = no bound' }),
    max: Type.Union([Double(), Type.Null()], { description: 'Readings above are refused and counted; null = no bound' }),
  },
  { additionalProperties: false },
)
const KindRule = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    metric: MetricName,
    comparison: Type.Enum(COMPARISONS),
    threshold: Double(),
    durationSeconds: Type.Integer({ minimum: 0, maximum: 86_400 }),
    hysteresis: Double({ minimum: 0 }),
    severity: Type.Enum(SEVERITIES),
    action: Type.Enum(RULE_ACTIONS),
  },
  { additionalProperties: false },
)
const Color = Type.String({ pattern: '^#[0-9a-fA-F]{6}$', description: '#rrggbb' })

export const DeviceKind = Type.Object({
  code: Type.String(),
  label: Label,
  metrics: Type.Array(KindMetric),
  defaultRules: Type.Array(KindRule),
  icon: Type.Enum(KIND_ICONS),
  color: Type.String(),
  isActive: Type.Boolean(),
})

export const PutDeviceKind = Type.Object(
  {
    label: Label,
    metrics: Type.Array(KindMetric, { minItems: 1, maxItems: 30 }),
    defaultRules: Type.Optional(Type.Array(KindRule, { maxItems: 30, description: 'Created as rules for every device of the kind (once, by name)' })),
    icon: Type.Enum(KIND_ICONS),
    color: Color,
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type PutDeviceKind = Static<typeof PutDeviceKind>

export const CreateDevice = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    kind: KindCode,
    metrics: Type.Optional(Type.Array(Metric, { minItems: 1, maxItems: 30, description: "Default: the kind's metrics" })),
    location: Point,
    agencyId: Type.Optional(Type.String({ format: 'uuid' })),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400, description: 'How often the device reports' })),
  },
  { additionalProperties: false },
)
export type CreateDevice = Static<typeof CreateDevice>

/** What an admin may change of a device; its kind and metrics stay (rules and history depend on them). */
export const UpdateDevice = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    location: Type.Optional(Point),
    agencyId: Type.Optional(Type.Union([Type.String({ format: 'uuid' }), Type.Null()])),
    intervalSeconds: Type.Optional(Type.Integer({ minimum: 10, maximum: 86_400 })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateDevice = Static<typeof UpdateDevice>

const Latest = Type.Record(Type.String(), Type.Object({ value: Type.Number(), at: Type.String({ format: 'date-time' }) }))

export const Device = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Type.String(),
  metrics: Type.Array(Metric),
  location: Point,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  intervalSeconds: Type.Integer(),
  status: Type.Union([Type.Literal('unknown'), Type.Literal('online'), Type.Literal('offline')]),
  lastSeenAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  latest: Latest,
  createdAt: Type.String({ format: 'date-time' }),
})
export type Device = Static<typeof Device>

export const DeviceWithToken = Type.Intersect([
  Device,
  Type.Object({ token: Type.String({ description: 'Shown once: the MQTT password and HTTP bearer token' }) }),
])

export const ReadingsQuery = Type.Object({
  metric: MetricName,
  from: Type.String({ format: 'date-time' }),
  to: Type.String({ format: 'date-time' }),
})

export const History = Type.Object({
  metric: Type.String(),
  unit: Type.String(),
  resolution: Type.Union([Type.Literal('raw'), Type.Literal('5m'), Type.Literal('1h')], {
    description: 'raw up to 6 hours, 5-minute buckets up to 7 days, hourly beyond',
  }),
  points: Type.Array(Type.Object({ t: Type.String({ format: 'date-time' }), value: Type.Number() })),
  buckets: Type.Array(
    Type.Object({ t: Type.String({ format: 'date-time' }), count: Type.Integer(), min: Type.Number(), max: Type.Number(), avg: Type.Number() }),
  ),
})
export type History = Static<typeof History>

export const IngestResult = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), field: Type.String(), message: Type.String() })),
})

export const CreateRule = Type.Object(
  {
    name: Type.String({ minLength: 2, maxLength: 120 }),
    deviceKind: Type.Optional(KindCode),
    deviceId: Type.Optional(Type.String({ maxLength: 100 })),
    metric: MetricName,
    comparison: Type.Enum(COMPARISONS),
    threshold: Double(),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    hysteresis: Type.Optional(Double({ minimum: 0 })),
    severity: Type.Enum(SEVERITIES),
    action: Type.Optional(Type.Enum(RULE_ACTIONS)),
  },
  { additionalProperties: false },
)
export type CreateRule = Static<typeof CreateRule>

/** What a rule may change; what it watches (kind or device, and metric) stays: make a new rule for that. */
export const UpdateRule = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    comparison: Type.Optional(Type.Enum(COMPARISONS)),
    threshold: Type.Optional(Double()),
    durationSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 86_400 })),
    hysteresis: Type.Optional(Double({ minimum: 0 })),
    severity: Type.Optional(Type.Enum(SEVERITIES)),
    action: Type.Optional(Type.Enum(RULE_ACTIONS)),
    enabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateRule = Static<typeof UpdateRule>

export const Rule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  deviceKind: Type.Union([Type.String(), Type.Null()]),
  deviceId: Type.Union([Type.String(), Type.Null()]),
  metric: Type.String(),
  comparison: Type.String(),
  threshold: Type.Number(),
  durationSeconds: Type.Integer(),
  hysteresis: Type.Number(),
  severity: Type.String(),
  action: Type.String(),
  enabled: Type.Boolean(),
})
export type Rule = Static<typeof Rule>

export const Alarm = Type.Object({
  id: Type.String(),
  kind: Type.Union([Type.Literal('threshold'), Type.Literal('offline')]),
  ruleId: Type.Union([Type.String(), Type.Null()]),
  deviceId: Type.String(),
  deviceName: Type.String(),
  severity: Type.String(),
  status: Type.Union([Type.Literal('active'), Type.Literal('acknowledged'), Type.Literal('cleared')]),
  metric: Type.Union([Type.String(), Type.Null()]),
  value: Type.Union([Type.Number(), Type.Null()]),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  location: Point,
  raisedAt: Type.String({ format: 'date-time' }),
  acknowledgedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  clearedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})
export type Alarm = Static<typeof Alarm>

export const AlarmQuery = Type.Object({
  status: Type.Optional(Type.Enum(['open', 'active', 'acknowledged', 'cleared'] as const, { description: 'open = active or acknowledged' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})
