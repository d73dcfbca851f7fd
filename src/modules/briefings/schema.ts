import { Type } from 'typebox'
import { KINDS } from './contents.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
const Uuid = Type.String({ format: 'uuid' })
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])

export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Uuid })

const Kind = Type.Enum(KINDS, {
  description:
    '`kpi_monthly`: the KPI report of the last closed month; `complaint_sla_weekly`: open complaints and overdue ones per OPD; `incident_daily`: yesterday’s incidents',
})
const Frequency = Type.Enum(['daily', 'weekly', 'monthly'])
const Recipient = Type.Object(
  {
    email: Type.String({ format: 'email', maxLength: 254 }),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 120, pattern: '^[^\\r\\n<>"]*$' })),
    agencyId: Type.Optional(Uuid),
  },
  { additionalProperties: false, description: 'A recipient with an OPD (its head) receives that OPD’s part only' },
)

export const BriefingInput = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 120 }),
    kind: Kind,
    frequency: Frequency,
    day: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 28, description: 'Weekly: 1 (Monday) … 7 (Sunday); monthly: the day, 1–28' }))),
    atTime: Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$', description: 'HH:MM in the tenant’s zone' }),
    language: Type.Optional(Type.Enum(['id', 'en'])),
    recipients: Type.Array(Recipient, { minItems: 1, maxItems: 50 }),
    isActive: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)

export const Briefing = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: Kind,
  frequency: Frequency,
  day: Nullable(Type.Integer()),
  atTime: Type.String(),
  language: Type.String(),
  recipients: Type.Array(Type.Object({ email: Type.String(), name: Type.Optional(Type.String()), agencyId: Type.Optional(Type.String()) })),
  isActive: Type.Boolean(),
  nextRunAt: Nullable(Type.String({ format: 'date-time', description: 'When it is next sent' })),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
})

export const Delivery = Type.Object({
  id: Type.String(),
  briefingId: Type.String(),
  period: Type.String(),
  recipient: Type.String(),
  isTest: Type.Boolean(),
  status: Type.Enum(['pending', 'sent', 'skipped', 'failed']),
  note: Nullable(Type.String({ description: 'Why nothing was sent, or the last failure' })),
  attachments: Type.Array(Type.String()),
  attempts: Type.Integer(),
  createdAt: Type.String({ format: 'date-time' }),
  sentAt: Nullable(Type.String({ format: 'date-time' })),
})

export const Briefings = Type.Object({ items: Type.Array(Briefing) })
export const Deliveries = Type.Object({ items: Type.Array(Delivery) })
