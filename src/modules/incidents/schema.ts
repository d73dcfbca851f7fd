import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'
import { TotalMode } from '../../core/http/paging.ts'
import { Int4 } from '../../core/http/schema.ts'
import { FACILITY_KINDS, INCIDENT_STATUSES, OUTCOMES, PRIORITIES, SOURCES, UNIT_KINDS, UNIT_STATUSES } from './catalogue.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })
export const CodeParams = Type.Object({ tenant: TenantCode, code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }) })

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])
const Uuid = Type.String({ format: 'uuid' })

export const Priority = Type.Enum(PRIORITIES, { description: 'P1 (life-threatening) … P4 (no urgency)' })
export const IncidentStatus = Type.Enum(INCIDENT_STATUSES, {
  description: 'new (baru) → dispatched (ditangani) → on_scene (di lokasi) → closed (selesai); cancelled (batal); reopening makes it new again',
})
export const UnitKind = Type.Enum(UNIT_KINDS)
export const UnitStatus = Type.Enum(UNIT_STATUSES, {
  description:
    'available (tersedia), dispatched (dikirim), en_route (menuju lokasi), on_scene (di lokasi), transporting (mengantar pasien), at_hospital (di rumah sakit), returning (kembali), out_of_service (tidak aktif)',
})
export const FacilityKind = Type.Enum(FACILITY_KINDS)
export const Outcome = Type.Enum(OUTCOMES)

const RegionRef = Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()])
const Label = Type.Object({ id: Type.String(), en: Type.String() }, { additionalProperties: false })

export const IncidentType = Type.Object({
  code: Type.String(),
  label: Label,
  defaultPriority: Priority,
  unitKinds: Type.Array(UnitKind, { description: 'Kinds of unit this type needs, most important first; empty = any' }),
  isActive: Type.Boolean(),
})

export const PutIncidentType = Type.Object(
  {
    label: Label,
    defaultPriority: Priority,
    unitKinds: Type.Array(UnitKind, { maxItems: UNIT_KINDS.length, uniqueItems: true }),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type PutIncidentType = Static<typeof PutIncidentType>

export const Timers = Type.Object({
  callToDispatch: Type.Union([Type.Integer(), Type.Null()], { description: 'Seconds from the call to the first dispatch' }),
  dispatchToOnScene: Type.Union([Type.Integer(), Type.Null()]),
  onSceneToHospital: Type.Union([Type.Integer(), Type.Null()]),
  total: Type.Union([Type.Integer(), Type.Null()], { description: 'Seconds from the call to closing' }),
  dueAt: Type.Union([Time, Type.Null()], { description: 'When the current stage passes its target' }),
  overdue: Type.Boolean(),
})

const Caller = Type.Object(
  { name: Type.Optional(Type.String({ maxLength: 120 })), phone: Type.Optional(Type.String({ pattern: '^[0-9+() -]{3,20}$' })) },
  { additionalProperties: false },
)

export const IncidentOrigin = Type.Object(
  {
    module: Type.Literal('patrols'),
    kind: Type.Literal('finding'),
    id: Type.String(),
    number: Type.String(),
  },
  { description: 'The record of another module this incident was raised from: a Rojak finding (module patrols, kind finding)' },
)
export type IncidentOrigin = Static<typeof IncidentOrigin>

export const Incident = Type.Object({
  id: Type.String(),
  number: Type.String({ description: '{tenant}-{yyyy}-{serial}' }),
  source: Type.Enum(SOURCES),
  type: Type.String(),
  priority: Priority,
  status: IncidentStatus,
  location: Point,
  address: NullableText,
  kelurahan: RegionRef,
  kecamatan: RegionRef,
  caller: Type.Union([Type.Object({ name: NullableText, phone: NullableText }), Type.Null()]),
  description: NullableText,
  agencyIds: Type.Array(Type.String()),
  reportId: NullableText,
  alarmId: NullableText,
  alertId: NullableText,
  origin: Type.Union([IncidentOrigin, Type.Null()]),
  outcome: NullableText,
  createdBy: NullableText,
  createdAt: Time,
  dispatchedAt: NullableTime,
  onSceneAt: NullableTime,
  hospitalAt: NullableTime,
  closedAt: NullableTime,
  updatedAt: Time,
  timers: Timers,
})
export type Incident = Static<typeof Incident>

export const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Time,
  kind: Type.Enum(['created', 'status', 'note', 'call', 'dispatch', 'unit_status', 'update'] as const),
  actor: NullableText,
  text: NullableText,
  data: Type.Record(Type.String(), Type.Unknown()),
})
export type TimelineEntry = Static<typeof TimelineEntry>

export const Dispatch = Type.Object({
  id: Type.String(),
  incidentId: Type.String(),
  unitId: Type.String(),
  callsign: Type.String(),
  kind: UnitKind,
  unitStatus: UnitStatus,
  assignedBy: NullableText,
  assignedAt: Time,
  etaSeconds: Type.Union([Type.Integer(), Type.Null()]),
  distanceM: Type.Union([Type.Integer(), Type.Null()]),
  releasedAt: NullableTime,
})
export type Dispatch = Static<typeof Dispatch>

export const IncidentDetail = Type.Intersect([Incident, Type.Object({ timeline: Type.Array(TimelineEntry), dispatches: Type.Array(Dispatch) })])

export const CreateIncident = Type.Object(
  {
    type: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: 'A code from /incident-types' }),
    priority: Type.Optional(Priority),
    source: Type.Enum(SOURCES),
    location: Point,
    address: Type.Optional(Type.String({ maxLength: 300 })),
    description: Type.Optional(Type.String({ maxLength: 4000 })),
    caller: Type.Optional(Caller),
    agencyIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true })),
    reportId: Type.Optional(Type.String({ maxLength: 100 })),
    alarmId: Type.Optional(Type.String({ maxLength: 100 })),
    alertId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
)
export type CreateIncident = Static<typeof CreateIncident>

export const UpdateIncident = Type.Object(
  {
    type: Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' })),
    priority: Type.Optional(Priority),
    status: Type.Optional(Type.Enum(['dispatched', 'on_scene', 'closed', 'cancelled'] as const, { description: 'Reopening is POST …/reopen' })),
    outcome: Type.Optional(Outcome),
    address: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    description: Type.Optional(Type.Union([Type.String({ maxLength: 4000 }), Type.Null()])),
    agencyIds: Type.Optional(Type.Array(Uuid, { maxItems: 20, uniqueItems: true })),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000, description: 'Why, kept in the timeline' })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateIncident = Static<typeof UpdateIncident>

export const Reopen = Type.Object({ note: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false })

export const Note = Type.Object({ text: Type.String({ minLength: 1, maxLength: 4000 }) }, { additionalProperties: false })

export const AttachCall = Type.Object(
  { source: Type.Enum(SOURCES), caller: Type.Optional(Caller), description: Type.Optional(Type.String({ maxLength: 4000 })) },
  { additionalProperties: false },
)
export type AttachCall = Static<typeof AttachCall>

const Csv = (pattern: string, description: string) => Type.String({ pattern: `^${pattern}(,${pattern})*$`, description })
const Bbox = Type.String({
  pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$',
  description: 'minLon,minLat,maxLon,maxLat',
  examples: ['110.20,-7.51,110.24,-7.44'],
})

export const IncidentQuery = Type.Object({
  status: Type.Optional(Csv('(new|dispatched|on_scene|closed|cancelled|open)', 'Comma-separated statuses; `open` = new, dispatched, on_scene')),
  type: Type.Optional(Csv('[a-z][a-z0-9_]{1,39}', 'Comma-separated type codes')),
  priority: Type.Optional(Csv('P[1-4]', 'Comma-separated priorities')),
  bbox: Type.Optional(Bbox),
  since: Type.Optional(Type.String({ format: 'date-time', description: 'Created at or after' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
  total: Type.Optional(TotalMode),
})
export type IncidentQuery = Static<typeof IncidentQuery>

export const MapQuery = Type.Object({
  bbox: Type.Optional(Bbox),
  status: Type.Optional(Csv('(new|dispatched|on_scene|closed|cancelled|open)', 'Default: open')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 5000 })),
})

export const DuplicateQuery = Type.Object({
  type: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
})

export const Recommendation = Type.Object({
  unitId: Type.String(),
  callsign: Type.String(),
  kind: UnitKind,
  status: UnitStatus,
  location: Point,
  straightM: Type.Integer({ description: 'Metres as the crow flies' }),
  distanceM: Type.Integer({ description: 'Metres by road (routed, or straight line × road factor)' }),
  etaSeconds: Type.Integer(),
  etaSource: Type.Union([Type.Literal('estimate'), Type.Literal('routing')]),
})
export type Recommendation = Static<typeof Recommendation>

export const DispatchBody = Type.Object({ unitId: Uuid, destinationId: Type.Optional(Type.Union([Uuid, Type.Null()])) }, { additionalProperties: false })

export const MetricsQuery = Type.Object({ from: Time, to: Time })

const Stat = Type.Object({
  count: Type.Integer(),
  median: Type.Union([Type.Number(), Type.Null()], { description: 'Seconds' }),
  p90: Type.Union([Type.Number(), Type.Null()], { description: 'Seconds' }),
})
export const MetricsRow = Type.Object({
  type: Type.Union([Type.String(), Type.Null()], { description: 'null in the row of all types' }),
  priority: Type.Union([Priority, Type.Null()], { description: 'null in the row of all priorities' }),
  count: Type.Integer(),
  open: Type.Integer(),
  closed: Type.Integer(),
  cancelled: Type.Integer(),
  callToDispatch: Stat,
  dispatchToOnScene: Stat,
  onSceneToHospital: Stat,
  total: Stat,
})
export type MetricsRow = Static<typeof MetricsRow>
export const Metrics = Type.Object({ from: Time, to: Time, rows: Type.Array(MetricsRow) })

export const TargetsSchema = Type.Object(
  {
    priority: Priority,
    dispatchSeconds: Int4({ minimum: 1, description: 'Call → first dispatch' }),
    onSceneSeconds: Int4({ minimum: 1, description: 'Call → first unit on scene' }),
  },
  { additionalProperties: false },
)
export const PutTargets = Type.Array(TargetsSchema, { minItems: 1, maxItems: 4 })

// Facilities

export const Facility = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  kind: FacilityKind,
  agencyId: NullableText,
  address: NullableText,
  phone: NullableText,
  location: Point,
  hasEmergency: Type.Boolean(),
  erBeds: Type.Union([Type.Integer(), Type.Null()]),
  erBedsAvailable: Type.Union([Type.Integer(), Type.Null()]),
  capacityUpdatedAt: NullableTime,
})
export type Facility = Static<typeof Facility>

export const CreateFacility = Type.Object(
  {
    code: Type.String({ pattern: '^[a-z0-9][a-z0-9_-]{1,39}$' }),
    name: Type.String({ minLength: 2, maxLength: 200 }),
    kind: FacilityKind,
    agencyId: Type.Optional(Uuid),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    location: Point,
    hasEmergency: Type.Optional(Type.Boolean()),
    erBeds: Type.Optional(Int4({ minimum: 0 })),
    erBedsAvailable: Type.Optional(Int4({ minimum: 0 })),
  },
  { additionalProperties: false },
)
export type CreateFacility = Static<typeof CreateFacility>

export const UpdateCapacity = Type.Object(
  { erBeds: Type.Optional(Int4({ minimum: 0 })), erBedsAvailable: Int4({ minimum: 0 }) },
  { additionalProperties: false },
)

export const FacilityQuery = Type.Object({
  kind: Type.Optional(Csv('[a-z_]+', 'Comma-separated facility kinds')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})

// Units

const CrewMember = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 120 }),
    phone: Type.Optional(Type.String({ maxLength: 40 })),
    username: Type.Optional(Type.String({ maxLength: 40, description: 'A field_crew login who may move this unit' })),
  },
  { additionalProperties: false },
)

export const Unit = Type.Object({
  id: Type.String(),
  callsign: Type.String(),
  kind: UnitKind,
  agencyId: NullableText,
  homeFacilityId: NullableText,
  crew: Type.Array(CrewMember),
  status: UnitStatus,
  statusSince: Time,
  incidentId: NullableText,
  destinationId: NullableText,
  location: Type.Union([Point, Type.Null()]),
  positionAt: NullableTime,
})
export type Unit = Static<typeof Unit>

export const CreateUnit = Type.Object(
  {
    callsign: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 _-]{1,29}$' }),
    kind: UnitKind,
    agencyId: Type.Optional(Uuid),
    homeFacilityId: Type.Optional(Uuid),
    crew: Type.Optional(Type.Array(CrewMember, { maxItems: 10 })),
    location: Type.Optional(Point),
  },
  { additionalProperties: false },
)
export type CreateUnit = Static<typeof CreateUnit>

export const UpdateUnit = Type.Object(
  {
    callsign: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9 _-]{1,29}$' })),
    agencyId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    homeFacilityId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    crew: Type.Optional(Type.Array(CrewMember, { maxItems: 10 })),
  },
  { additionalProperties: false, minProperties: 1 },
)
export type UpdateUnit = Static<typeof UpdateUnit>

export const UnitStatusBody = Type.Object(
  {
    status: UnitStatus,
    destinationId: Type.Optional(Uuid),
    outcome: Type.Optional(Outcome),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })),
  },
  { additionalProperties: false },
)
export type UnitStatusBody = Static<typeof UnitStatusBody>

export const PositionBody = Type.Object(
  {
    location: Point,
    at: Type.Optional(Time),
    speedKmh: Type.Optional(Type.Number({ minimum: 0, maximum: 300 })),
    heading: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
  },
  { additionalProperties: false },
)
export type PositionBody = Static<typeof PositionBody>

export const UnitQuery = Type.Object({
  kind: Type.Optional(Csv('[a-z_]+', 'Comma-separated unit kinds')),
  status: Type.Optional(Csv('[a-z_]+', 'Comma-separated unit statuses')),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 200 })),
})

export const TrackQuery = Type.Object({ from: Time, to: Time })
export const TrackPoint = Type.Object({ at: Time, location: Point, speedKmh: Type.Union([Type.Number(), Type.Null()]) })
