import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'
import { REPORT_STATUSES } from './workflow.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })
export const PhotoParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }), photoId: Type.String({ format: 'uuid' }) })
export const CategoryParams = Type.Object({ tenant: TenantCode, code: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }) })
export const TrackingCode = Type.String({ pattern: '^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$', description: 'The tracking code given at submission, e.g. `K7QX-M2PA`' })
export const TrackParams = Type.Object({ tenant: TenantCode, code: TrackingCode })

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])
const Uuid = Type.String({ format: 'uuid' })
const Label = Type.Object({ id: Type.String(), en: Type.String() }, { additionalProperties: false })
const RegionRef = Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()])

export const ReportStatus = Type.Enum(REPORT_STATUSES, {
  description:
    'submitted (diajukan) → verified (diverifikasi) → assigned (didisposisikan) → in_progress (dikerjakan) → resolved (selesai) → closed (ditutup); rejected (ditolak); reopened (dibuka kembali); merged (digabung)',
})

const Hours = Type.Optional(Type.Number({ minimum: 0.25, maximum: 2000 }))
const SlaHours = Type.Object(
  { submitted: Hours, verified: Hours, assigned: Hours, in_progress: Hours },
  { additionalProperties: false, description: 'Hours allowed in each status; a status without hours has no clock' },
)
export type SlaHours = Static<typeof SlaHours>

export const Category = Type.Object({
  code: Type.String(),
  serviceCode: Type.String({ description: 'Its Open311 service_code' }),
  label: Label,
  description: NullableText,
  group: NullableText,
  keywords: Type.Array(Type.String()),
  agencyId: Type.Union([Uuid, Type.Null()], { description: 'The OPD that handles it' }),
  agency: Type.Union([Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }), Type.Null()]),
  isPublic: Type.Boolean({ description: 'Whether its reports appear on the public map and in Open311' }),
  isActive: Type.Boolean(),
  slaHours: SlaHours,
  totalSlaHours: Type.Number(),
  calendar: Type.Union([Type.Literal('working'), Type.Literal('continuous')]),
  notice: NullableText,
})
export type Category = Static<typeof Category>

export const PutCategory = Type.Object(
  {
    serviceCode: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,40}$' })),
    label: Label,
    description: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
    group: Type.Optional(Type.Union([Type.String({ maxLength: 60 }), Type.Null()])),
    keywords: Type.Optional(Type.Array(Type.String({ maxLength: 40 }), { maxItems: 20 })),
    agencyId: Type.Union([Uuid, Type.Null()]),
    isPublic: Type.Optional(Type.Boolean()),
    isActive: Type.Optional(Type.Boolean()),
    slaHours: SlaHours,
    totalSlaHours: Type.Number({ minimum: 1, maximum: 5000 }),
    calendar: Type.Optional(Type.Union([Type.Literal('working'), Type.Literal('continuous')])),
    notice: Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Null()])),
  },
  { additionalProperties: false },
)
export type PutCategory = Static<typeof PutCategory>

export const Settings = Type.Object({
  reopenDays: Type.Integer({ minimum: 0, maximum: 90, description: 'Days after resolution in which the reporter may reopen' }),
  workingDays: Type.Array(Type.Integer({ minimum: 1, maximum: 7 }), { uniqueItems: true, maxItems: 7, description: 'ISO weekdays: 1 Monday … 7 Sunday' }),
  workStart: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  workEnd: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' }),
  holidays: Type.Array(Type.String({ format: 'date' }), { maxItems: 400, description: 'National holidays and cuti bersama' }),
  webhookUrl: Type.Union([Type.String({ format: 'uri', pattern: '^https?://' }), Type.Null()], {
    description: 'Reporters are notified through this gateway (SMS/WhatsApp); each POST is signed with HMAC-SHA256',
  }),
})
export type Settings = Static<typeof Settings>
export const SettingsOut = Type.Intersect([Settings, Type.Object({ hasWebhookSecret: Type.Boolean() })])
export const PutSettings = Type.Object(
  {
    ...Type.Partial(Settings).properties,
    webhookSecret: Type.Optional(Type.Union([Type.String({ minLength: 16, maxLength: 200 }), Type.Null()])),
  },
  { additionalProperties: false },
)
export type PutSettings = Static<typeof PutSettings>

const Phone = Type.String({ pattern: '^[0-9+() -]{6,20}$' })
const Email = Type.String({ format: 'email', maxLength: 200 })

export const Reporter = Type.Object(
  { name: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })), phone: Type.Optional(Phone), email: Type.Optional(Email) },
  { additionalProperties: false },
)
export type Reporter = Static<typeof Reporter>

/** Status updates by chat: giving the number is the opt-in for this one report. */
export const ChatUpdates = Type.Object(
  {
    channel: Type.Union([Type.Literal('whatsapp'), Type.Literal('telegram'), Type.Literal('sms')], {
      description: 'One of the channels the city offers (GET …/reports/update-channels)',
    }),
    to: Type.String({ minLength: 1, maxLength: 40, description: 'The WhatsApp or SMS number (08…, +62…), or the Telegram chat id' }),
  },
  { additionalProperties: false },
)

export const SubmitReport = Type.Object(
  {
    category: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
    description: Type.String({ minLength: 10, maxLength: 4000 }),
    location: Point,
    address: Type.Optional(Type.String({ maxLength: 300 })),
    reporter: Type.Optional(Reporter),
    updates: Type.Optional(ChatUpdates),
    language: Type.Optional(Type.Union([Type.Literal('id'), Type.Literal('en')], { description: 'The language of the status updates (default id)' })),
    consent: Type.Boolean({ description: 'The reporter agrees to the consent text (data kept and used to handle the report); must be true' }),
  },
  { additionalProperties: false },
)
export type SubmitReport = Static<typeof SubmitReport>

export const Sla = Type.Object({
  statusDueAt: Type.Union([Time, Type.Null()], { description: 'When the current status passes its SLA' }),
  dueAt: Type.Union([Time, Type.Null()], { description: 'When the whole report passes its SLA' }),
  overdue: Type.Boolean(),
  escalationLevel: Type.Integer({ description: '0 none, 1 the OPD head, 2 the command center' }),
})

export const Report = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'R-{yyyy}-{serial}; the Open311 service_request_id' }),
  category: Type.String(),
  status: ReportStatus,
  source: Type.String(),
  location: Point,
  address: NullableText,
  kelurahan: RegionRef,
  kecamatan: RegionRef,
  description: Type.String(),
  agencyId: Type.Union([Type.String(), Type.Null()]),
  isPublic: Type.Boolean(),
  attributes: Type.Record(Type.String(), Type.Unknown(), {
    description: 'What came with the report: Open311 attributes, or `patrolFindingId` and `patrolFindingNumber` for a Rojak finding',
  }),
  reporter: Type.Union([Type.Object({ name: NullableText, phone: NullableText, email: NullableText }), Type.Null()]),
  mergedInto: Type.Union([Type.String(), Type.Null()]),
  incidentId: Type.Union([Type.String(), Type.Null()]),
  supporters: Type.Integer(),
  statusNote: NullableText,
  statusSince: Time,
  resolvedAt: NullableTime,
  closedAt: NullableTime,
  createdAt: Time,
  updatedAt: Time,
  sla: Sla,
})
export type Report = Static<typeof Report>

export const Submitted = Type.Object({
  id: Type.String(),
  number: Type.String(),
  code: Type.String({ description: 'Keep it: it tracks the report and lets the reporter add photos and reopen it' }),
  status: ReportStatus,
  trackUrl: Type.String(),
})

export const TimelineEntry = Type.Object({
  id: Type.Integer(),
  at: Time,
  kind: Type.String(),
  actor: NullableText,
  isPublic: Type.Boolean(),
  text: NullableText,
  data: Type.Record(Type.String(), Type.Unknown()),
})
export type TimelineEntry = Static<typeof TimelineEntry>

export const PhotoInfo = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  width: Type.Integer(),
  height: Type.Integer(),
  url: Type.String(),
  createdAt: Time,
})
export type PhotoInfo = Static<typeof PhotoInfo>

export const Delivery = Type.Object({
  id: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  attempts: Type.Integer(),
  lastError: NullableText,
  createdAt: Time,
  deliveredAt: NullableTime,
})

export const ReportDetail = Type.Intersect([
  Report,
  Type.Object({ timeline: Type.Array(TimelineEntry), photos: Type.Array(PhotoInfo), deliveries: Type.Array(Delivery) }),
])

/** What anyone may see of a report: no reporter, no internal notes. */
export const PublicReport = Type.Object({
  id: Type.String(),
  number: Type.String(),
  category: Type.String(),
  categoryLabel: Label,
  status: ReportStatus,
  statusLabel: Label,
  statusNote: NullableText,
  location: Type.Union([Point, Type.Null()], { description: 'Null when the category is not public' }),
  kelurahan: RegionRef,
  kecamatan: RegionRef,
  description: Type.Union([Type.String(), Type.Null()]),
  agency: NullableText,
  supporters: Type.Integer(),
  createdAt: Time,
  updatedAt: Time,
  dueAt: NullableTime,
  mayReopenUntil: NullableTime,
})
export type PublicReport = Static<typeof PublicReport>

export const Tracking = Type.Intersect([
  PublicReport,
  Type.Object({
    history: Type.Array(Type.Object({ at: Time, status: Type.Union([ReportStatus, Type.Null()]), kind: Type.String(), text: NullableText })),
    photos: Type.Array(PhotoInfo),
  }),
])

export const ReportQuery = Type.Object({
  status: Type.Optional(Type.String({ description: 'Comma-separated statuses; `open` stands for all open ones' })),
  category: Type.Optional(Type.String({ description: 'Comma-separated category codes' })),
  agencyId: Type.Optional(Uuid),
  overdue: Type.Optional(Type.Boolean()),
  bbox: Type.Optional(Type.String({ description: 'minLon,minLat,maxLon,maxLat' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
export type ReportQuery = Static<typeof ReportQuery>

export const NearbyQuery = Type.Object({
  category: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
})

export const Reason = Type.Object({ reason: Type.String({ minLength: 3, maxLength: 1000 }) }, { additionalProperties: false })
export const OptionalNote = Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) }, { additionalProperties: false })
export const Assign = Type.Object(
  { agencyId: Type.Optional(Uuid), note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })) },
  { additionalProperties: false, description: 'Without agencyId the category’s OPD' },
)
export const Resolve = Type.Object(
  { note: Type.String({ minLength: 3, maxLength: 2000 }), proofPhotoId: Uuid },
  { additionalProperties: false, description: 'Upload the proof photo first (POST …/photos), then resolve with its id' },
)
export const Merge = Type.Object({ into: Uuid }, { additionalProperties: false })
export const RaiseIncident = Type.Object(
  { type: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }), priority: Type.Optional(Type.Enum(['P1', 'P2', 'P3', 'P4'] as const)) },
  { additionalProperties: false },
)
export const Note = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 4000 }), isPublic: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
)
export const Support = Type.Object(
  { reporter: Type.Optional(Reporter), consent: Type.Boolean() },
  { additionalProperties: false, description: '"Saya juga mengalami ini": the same problem, counted on this report' },
)
