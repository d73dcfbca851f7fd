import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'

export const TenantParams = Type.Object({ tenant: Type.String() })
export const IdParams = Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) })

export const SOURCE_KINDS = ['frigate', 'webhook'] as const
export const RULE_ACTIONS = ['alarm', 'incident'] as const
export const SEVERITIES = ['info', 'waspada', 'siaga', 'awas'] as const
export const DETECTION_STATUSES = ['active', 'acknowledged', 'cleared'] as const

const Name = Type.String({ minLength: 2, maxLength: 120 })
const HttpUrl = Type.String({ pattern: '^https?://', maxLength: 1000 })
const BrokerUrl = Type.String({ pattern: '^mqtts?://', maxLength: 1000, description: 'The Frigate broker, e.g. mqtt://user:pass@10.20.0.5:1883 (kept sealed)' })
const TopicPrefix = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: "Frigate's mqtt.topic_prefix; events arrive on {prefix}/events" })
const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM in the tenant’s time zone' })
const ExternalName = Type.String({ minLength: 1, maxLength: 200 })

export const CreateSource = Type.Object(
  {
    kind: Type.Enum(SOURCE_KINDS),
    name: Name,
    brokerUrl: Type.Optional(BrokerUrl),
    topicPrefix: Type.Optional(TopicPrefix),
    apiUrl: Type.Optional(HttpUrl),
  },
  { additionalProperties: false },
)
export type CreateSource = Static<typeof CreateSource>

export const UpdateSource = Type.Object(
  {
    name: Type.Optional(Name),
    brokerUrl: Type.Optional(BrokerUrl),
    topicPrefix: Type.Optional(TopicPrefix),
    apiUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateSource = Static<typeof UpdateSource>

export const Source = Type.Object({
  id: Type.String(),
  kind: Type.Enum(SOURCE_KINDS),
  name: Type.String(),
  brokerUrl: Type.Union([Type.String(), Type.Null()], { description: 'Password masked (***)' }),
  topicPrefix: Type.String(),
  apiUrl: Type.Union([Type.String(), Type.Null()], { description: 'Password masked (***)' }),
  isActive: Type.Boolean(),
  webhookPath: Type.Union([Type.String(), Type.Null()], { description: 'Where a webhook source posts its signed events' }),
  createdAt: Type.String({ format: 'date-time' }),
})
export type Source = Static<typeof Source>

export const CreatedSource = Type.Intersect([
  Source,
  Type.Object({ secret: Type.Union([Type.String(), Type.Null()], { description: 'A webhook source’s signing secret, shown this once' }) }),
])

export const CameraMapping = Type.Object(
  {
    camera: ExternalName,
    zone: Type.Union([ExternalName, Type.Null()], { description: 'A zone of that camera, or null for the whole camera' }),
    cameraId: Type.String({ format: 'uuid', description: 'The Kendali camera' }),
    zoneLabel: Type.Union([Type.String({ maxLength: 120 }), Type.Null()], { description: 'The zone’s name for people, e.g. Bantaran Kali Progo' }),
  },
  { additionalProperties: false },
)
export type CameraMapping = Static<typeof CameraMapping>
export const CameraMappings = Type.Object({ items: Type.Array(CameraMapping, { maxItems: 500 }) }, { additionalProperties: false })

const RuleFields = {
  name: Name,
  label: Type.String({ pattern: '^[a-z][a-z0-9_ -]{0,39}$', description: 'The object label, e.g. person, car, motorcycle' }),
  zone: Type.Union([ExternalName, Type.Null()]),
  cameraId: Type.Union([Type.String({ format: 'uuid' }), Type.Null()]),
  minScore: Type.Number({ minimum: 0, maximum: 1 }),
  from: Type.Union([Clock, Type.Null()]),
  to: Type.Union([Clock, Type.Null()]),
  action: Type.Enum(RULE_ACTIONS),
  severity: Type.Enum(SEVERITIES),
  incidentType: Type.Union([Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }), Type.Null()], {
    description: 'For action incident: a code from /incident-types',
  }),
  isActive: Type.Boolean(),
}

export const RuleBody = Type.Object(
  {
    ...RuleFields,
    zone: Type.Optional(RuleFields.zone),
    cameraId: Type.Optional(RuleFields.cameraId),
    minScore: Type.Optional(RuleFields.minScore),
    from: Type.Optional(RuleFields.from),
    to: Type.Optional(RuleFields.to),
    incidentType: Type.Optional(RuleFields.incidentType),
    isActive: Type.Optional(RuleFields.isActive),
  },
  { additionalProperties: false },
)
export type RuleBody = Static<typeof RuleBody>

export const AnalyticsRule = Type.Object({ id: Type.String(), ...RuleFields })
export type AnalyticsRule = Static<typeof AnalyticsRule>

export const Detection = Type.Object({
  id: Type.String(),
  sourceId: Type.String(),
  eventId: Type.String(),
  ruleName: Type.String(),
  action: Type.Enum(RULE_ACTIONS),
  severity: Type.Enum(SEVERITIES),
  cameraId: Type.String(),
  cameraName: Type.String(),
  location: Point,
  camera: Type.String({ description: 'The source’s name of the camera' }),
  label: Type.String(),
  zones: Type.Array(Type.String()),
  zoneLabel: Type.Union([Type.String(), Type.Null()]),
  score: Type.Number(),
  startedAt: Type.String({ format: 'date-time' }),
  lastSeenAt: Type.String({ format: 'date-time' }),
  endedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  status: Type.Enum(DETECTION_STATUSES),
  acknowledgedBy: Type.Union([Type.String(), Type.Null()]),
  hasSnapshot: Type.Boolean(),
  incidentId: Type.Union([Type.String(), Type.Null()]),
  incidentNumber: Type.Union([Type.String(), Type.Null()]),
})
export type Detection = Static<typeof Detection>

export const DetectionQuery = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('all'), Type.Enum(DETECTION_STATUSES)])),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
  },
  { additionalProperties: false },
)

/** The generic webhook's body: any analytics box or NVR may post its detections in this shape, signed. */
export const WebhookEvent = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 200, description: 'The sender’s id of the detection; the same id again updates it' }),
    type: Type.Union([Type.Literal('new'), Type.Literal('update'), Type.Literal('end')]),
    camera: ExternalName,
    label: Type.String({ minLength: 1, maxLength: 40 }),
    score: Type.Number({ minimum: 0, maximum: 1 }),
    zones: Type.Optional(Type.Array(ExternalName, { maxItems: 50 })),
    startTime: Type.String({ format: 'date-time' }),
    endTime: Type.Optional(Type.Union([Type.String({ format: 'date-time' }), Type.Null()])),
    snapshotUrl: Type.Optional(Type.Union([HttpUrl, Type.Null()])),
  },
  { additionalProperties: false },
)
export type WebhookEvent = Static<typeof WebhookEvent>
