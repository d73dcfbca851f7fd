import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })
export const CapFileParams = Type.Object({ tenant: TenantCode, file: Type.String({ pattern: '^[A-Za-z0-9.-]{1,80}\\.xml$' }) })

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])

// The CAP 1.2 code lists, spelled as the standard spells them.
export const CATEGORIES = ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'] as const
export const RESPONSE_TYPES = ['Shelter', 'Evacuate', 'Prepare', 'Execute', 'Avoid', 'Monitor', 'Assess', 'AllClear', 'None'] as const
export const URGENCIES = ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'] as const
export const SEVERITIES = ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'] as const
export const CERTAINTIES = ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'] as const
export const ALERT_STATUSES = ['draft', 'published', 'superseded', 'cancelled', 'expired', 'discarded'] as const
export type AlertStatus = (typeof ALERT_STATUSES)[number]
export type MsgType = 'Alert' | 'Update' | 'Cancel'

const RegionCode = Type.String({ pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}(\\.[0-9]{4})?$', description: 'A kecamatan or kelurahan code' })
const Ring = Type.Array(Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]), {
  minItems: 4,
  maxItems: 2000,
})
const Polygon = Type.Object({ type: Type.Literal('Polygon'), coordinates: Type.Array(Ring, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false })
const MultiPolygon = Type.Object(
  { type: Type.Literal('MultiPolygon'), coordinates: Type.Array(Type.Array(Ring, { minItems: 1, maxItems: 20 }), { minItems: 1, maxItems: 50 }) },
  { additionalProperties: false },
)
const Circle = Type.Object(
  {
    type: Type.Literal('Feature'),
    geometry: Point,
    properties: Type.Object({ radius: Type.Number({ exclusiveMinimum: 0, maximum: 500_000, description: 'Metres' }) }, { additionalProperties: false }),
  },
  { additionalProperties: false, description: 'A circle: its centre as a GeoJSON Point Feature with `properties.radius` in metres' },
)
export const Area = Type.Union([Polygon, MultiPolygon, Circle], { description: 'A drawn GeoJSON Polygon or MultiPolygon, or a circle' })
export type Area = Static<typeof Area>

const Text = (max: number) => Type.String({ minLength: 1, maxLength: max })

export const English = Type.Object(
  {
    event: Text(200),
    headline: Type.Optional(Text(160)),
    description: Type.Optional(Text(4000)),
    instruction: Type.Optional(Text(4000)),
    contact: Type.Optional(Text(300)),
  },
  { additionalProperties: false, description: 'The optional English <info> block' },
)
export type English = Static<typeof English>

const infoFields = {
  event: Text(200),
  category: Type.Array(Type.Enum(CATEGORIES), { minItems: 1, uniqueItems: true }),
  responseType: Type.Optional(Type.Array(Type.Enum(RESPONSE_TYPES), { uniqueItems: true })),
  urgency: Type.Enum(URGENCIES),
  severity: Type.Enum(SEVERITIES),
  certainty: Type.Enum(CERTAINTIES),
  senderName: Type.Optional(Text(200)),
  headline: Type.Optional(Text(160)),
  description: Type.Optional(Text(4000)),
  instruction: Type.Optional(Text(4000)),
  contact: Type.Optional(Text(300)),
  web: Type.Optional(Type.String({ format: 'uri', maxLength: 500 })),
  effective: Type.Optional(Time),
  onset: Type.Optional(Time),
  expires: Time,
}

const areaFields = {
  regions: Type.Optional(Type.Array(RegionCode, { maxItems: 100, uniqueItems: true, description: 'Kecamatan/kelurahan codes' })),
  area: Type.Optional(Area),
  areaDesc: Type.Optional(Text(500)),
  english: Type.Optional(English),
}

export const CreateAlert = Type.Object(
  { ...infoFields, ...areaFields, incidentId: Type.Optional(Type.String({ maxLength: 100 })), alarmId: Type.Optional(Type.String({ maxLength: 100 })) },
  { additionalProperties: false },
)
export type CreateAlert = Static<typeof CreateAlert>

export const PatchAlert = Type.Partial(Type.Object({ ...infoFields, ...areaFields }), { minProperties: 1, additionalProperties: false })
export type PatchAlert = Static<typeof PatchAlert>

export const CancelAlert = Type.Object({ note: Type.Optional(Text(1000)) }, { additionalProperties: false })
export type CancelAlert = Static<typeof CancelAlert>

export const AlertRegion = Type.Object({ code: Type.String(), name: Type.String(), level: Type.String() })

export const Alert = Type.Object({
  id: Type.String(),
  identifier: Type.String({ description: 'The CAP identifier' }),
  thread: Type.String({ description: 'The id of the first message; updates and cancels share it' }),
  msgType: Type.Enum(['Alert', 'Update', 'Cancel'] as const),
  status: Type.Enum(ALERT_STATUSES),
  sender: Type.String(),
  sent: NullableTime,
  references: Type.Array(Type.String(), { description: 'CAP references, each `sender,identifier,sent`' }),
  event: Type.String(),
  category: Type.Array(Type.String()),
  responseType: Type.Array(Type.String()),
  urgency: Type.String(),
  severity: Type.String(),
  certainty: Type.String(),
  senderName: NullableText,
  headline: NullableText,
  description: NullableText,
  instruction: NullableText,
  contact: NullableText,
  web: NullableText,
  effective: NullableTime,
  onset: NullableTime,
  expires: Time,
  english: Type.Union([English, Type.Null()]),
  regions: Type.Array(AlertRegion),
  area: Type.Union([Area, Type.Null()]),
  areaDesc: Type.String(),
  source: Type.String(),
  incidentId: NullableText,
  alarmId: NullableText,
  author: Type.String(),
  approver: NullableText,
  createdAt: Time,
  updatedAt: Time,
})
export type Alert = Static<typeof Alert>

export const AlertQuery = Type.Object({
  status: Type.Optional(Type.Enum(ALERT_STATUSES)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

export const PublicAlert = Type.Object({
  id: Type.String(),
  identifier: Type.String(),
  msgType: Type.String(),
  sent: NullableTime,
  event: Type.String(),
  category: Type.Array(Type.String()),
  urgency: Type.String(),
  severity: Type.String(),
  certainty: Type.String(),
  headline: NullableText,
  description: NullableText,
  instruction: NullableText,
  contact: NullableText,
  effective: NullableTime,
  onset: NullableTime,
  expires: Time,
  english: Type.Union([English, Type.Null()]),
  regions: Type.Array(AlertRegion),
  areaDesc: Type.String(),
  capUrl: Type.String(),
})
export type PublicAlert = Static<typeof PublicAlert>

export const Delivery = Type.Object({
  id: Type.String(),
  subscriptionId: Type.String(),
  channel: Type.String(),
  kelurahan: Type.String(),
  status: Type.Enum(['pending', 'sent', 'delivered', 'read', 'failed'] as const, {
    description: 'WhatsApp, Telegram and SMS: sent once the provider took it, then delivered and read as it reports',
  }),
  attempts: Type.Integer(),
  lastError: NullableText,
  createdAt: Time,
  deliveredAt: NullableTime,
})
export type Delivery = Static<typeof Delivery>

export const PushSubscription = Type.Object(
  {
    endpoint: Type.String({ format: 'uri', maxLength: 1000 }),
    keys: Type.Object(
      { p256dh: Type.String({ minLength: 20, maxLength: 200 }), auth: Type.String({ minLength: 8, maxLength: 100 }) },
      { additionalProperties: true },
    ),
  },
  // Browsers add members (expirationTime) as the Push API grows: kept open on purpose.
  { description: 'The browser PushSubscription as JSON', additionalProperties: true },
)

/** WhatsApp or SMS: a code is sent to the number; the subscription starts once it is entered or replied. */
const bySms = <C extends 'whatsapp' | 'sms'>(channel: C) =>
  Type.Object(
    {
      kelurahan: RegionCode,
      channel: Type.Literal(channel),
      phone: Type.String({ minLength: 1, maxLength: 30, description: '08…, 62… or +62…; kept in E.164' }),
      language: Type.Optional(Type.Enum(['id', 'en'] as const)),
    },
    { additionalProperties: false, description: `${channel}: a code is sent to the number; the subscription starts once it is entered or replied` },
  )

export const Subscribe = Type.Union(
  [
    Type.Object(
      {
        kelurahan: RegionCode,
        channel: Type.Literal('email'),
        email: Type.String({ format: 'email', maxLength: 200 }),
        language: Type.Optional(Type.Enum(['id', 'en'] as const)),
      },
      { additionalProperties: false },
    ),
    Type.Object(
      { kelurahan: RegionCode, channel: Type.Literal('push'), push: PushSubscription, language: Type.Optional(Type.Enum(['id', 'en'] as const)) },
      { additionalProperties: false },
    ),
    Type.Object(
      {
        kelurahan: RegionCode,
        channel: Type.Literal('webhook'),
        url: Type.String({ format: 'uri', pattern: '^https?://', maxLength: 500 }),
        language: Type.Optional(Type.Enum(['id', 'en'] as const)),
      },
      { additionalProperties: false, description: 'SMS/WhatsApp gateways; needs an admin' },
    ),
    bySms('whatsapp'),
    bySms('sms'),
    Type.Object(
      { kelurahan: RegionCode, channel: Type.Literal('telegram'), language: Type.Optional(Type.Enum(['id', 'en'] as const)) },
      { additionalProperties: false, description: "Answered with a t.me link: the subscription starts when the person starts the city's bot with it" },
    ),
  ],
  { description: 'Citizens subscribe with e-mail, Web Push, WhatsApp, SMS or Telegram; an admin adds a gateway webhook' },
)
export type Subscribe = Static<typeof Subscribe>

export const Subscription = Type.Object({
  id: Type.String(),
  kelurahan: Type.String(),
  kecamatan: NullableText,
  channel: Type.String(),
  address: Type.String({ description: 'E-mail, webhook URL or push endpoint' }),
  language: Type.String(),
  createdAt: Time,
  isConfirmed: Type.Boolean({ description: 'False for an e-mail address that has not opened its confirmation link: it gets no alerts yet' }),
})
export type Subscription = Static<typeof Subscription>

export const Subscribed = Type.Object({
  id: Type.String(),
  kelurahan: Type.String(),
  channel: Type.String(),
  unsubscribeToken: Type.Optional(
    Type.String({ description: 'Push and webhooks: keep it, it is the only way to unsubscribe. E-mail: never answered here; it comes in every e-mail' }),
  ),
  isConfirmed: Type.Boolean({ description: 'E-mail: false until the address opens the confirmation link sent to it' }),
  secret: Type.Optional(Type.String({ description: 'Webhooks: the HMAC-SHA256 key of x-kendali-signature, shown once' })),
  telegramLink: Type.Optional(Type.String({ description: "Telegram: open it and press Start to confirm (the city's bot learns the chat)" })),
})

export const ConfirmSubscription = Type.Union([
  Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }, { additionalProperties: false, description: 'E-mail: the token of the link' }),
  Type.Object(
    { id: Type.String({ format: 'uuid' }), code: Type.String({ pattern: '^[0-9]{6}$' }) },
    { additionalProperties: false, description: 'WhatsApp and SMS: the subscription and the code sent to the number' },
  ),
])
export type ConfirmSubscription = Static<typeof ConfirmSubscription>

export const Unsubscribe = Type.Object({ token: Type.String({ minLength: 20, maxLength: 100 }) }, { additionalProperties: false })

export const PushKey = Type.Object({ publicKey: Type.String({ description: 'The VAPID application server key (base64url)' }) })

// Templates: the CAP fields of a warning that recurs (banjir, longsor …), to start a draft from.

export const TemplateParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })

export const SaveTemplate = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 80, pattern: '\\S' }),
    event: Text(200),
    category: infoFields.category,
    urgency: infoFields.urgency,
    severity: infoFields.severity,
    certainty: infoFields.certainty,
    headline: Type.Optional(Text(160)),
    description: Type.Optional(Text(4000)),
    instruction: Type.Optional(Text(4000)),
    english: Type.Optional(English),
  },
  { additionalProperties: false },
)
export type SaveTemplate = Static<typeof SaveTemplate>

export const AlertTemplate = Type.Object({
  id: Type.String(),
  name: Type.String(),
  event: Type.String(),
  category: Type.Array(Type.String()),
  urgency: Type.String(),
  severity: Type.String(),
  certainty: Type.String(),
  headline: NullableText,
  description: NullableText,
  instruction: NullableText,
  english: Type.Union([English, Type.Null()]),
  updatedAt: Time,
})
export type AlertTemplate = Static<typeof AlertTemplate>
