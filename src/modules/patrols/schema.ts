import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'
import { FINDING_KINDS, FINDING_STATUSES, RESPONSE_ACTIONS } from './catalogue.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })
export const PhotoParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }), photoId: Type.String({ format: 'uuid' }) })

const Time = Type.String({ format: 'date-time' })
const NullableTime = Type.Union([Time, Type.Null()])
const NullableText = Type.Union([Type.String(), Type.Null()])
const Uuid = Type.String({ format: 'uuid' })
const Label = Type.Object({ id: Type.String(), en: Type.String() })
const RegionRef = Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()])
const ClientId = Type.String({
  minLength: 8,
  maxLength: 64,
  pattern: '^[A-Za-z0-9_-]+$',
  description: 'Made on the device (a UUID); sending it again answers the first record',
})
const Username = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{2,39}$' })
const RegionCode = Type.String({
  pattern: '^[0-9]{2}\\.[0-9]{2}\\.[0-9]{2}(\\.[0-9]{4})?$',
  description: 'Kemendagri code of a kecamatan (`33.71.01`) or kelurahan (`33.71.01.1001`)',
})

export const FindingType = Type.Object({
  code: Type.String(),
  label: Label,
  kind: Type.Enum(FINDING_KINDS, { description: 'asn: to the OPD head; city: becomes a report or incident; other: stays with the inspectorate' }),
  reportCategory: NullableText,
  incidentType: NullableText,
  retired: Type.Boolean({ description: 'A retired type takes no new findings; its old findings keep it' }),
})

const TypeCode = Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$', description: 'Stable snake_case code' })
const LabelIn = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 120 }), en: Type.String({ minLength: 1, maxLength: 120 }) },
  { additionalProperties: false },
)
const HandOffIn = {
  reportCategory: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 60 }), Type.Null()])),
  incidentType: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 60 }), Type.Null()])),
}
export const TypeParams = Type.Object({ tenant: TenantCode, code: TypeCode })
export const TypeQuery = Type.Object({ all: Type.Optional(Type.Boolean({ description: 'Also the retired types (admins)' })) })
export const AddFindingType = Type.Object({ code: TypeCode, label: LabelIn, kind: Type.Enum(FINDING_KINDS), ...HandOffIn }, { additionalProperties: false })
export type AddFindingType = Static<typeof AddFindingType>
export const ChangeFindingType = Type.Object(
  { label: Type.Optional(LabelIn), kind: Type.Optional(Type.Enum(FINDING_KINDS)), ...HandOffIn, retired: Type.Optional(Type.Boolean()) },
  { additionalProperties: false, minProperties: 1 },
)
export type ChangeFindingType = Static<typeof ChangeFindingType>

export const FollowUpSettings = Type.Object(
  {
    followUpDays: Type.Integer({ minimum: 1, maximum: 60, description: 'Working days an OPD head has to answer an ASN finding' }),
    escalationDays: Type.Array(Type.Integer({ minimum: 0, maximum: 60 }), {
      minItems: 1,
      maxItems: 4,
      description: 'Working days after the due date at which each escalation step fires (1: inspectorate, then command center), rising',
    }),
    inspectorateAgencyId: Type.Optional(
      Type.Union([Uuid, Type.Null()], {
        description: 'The inspectorate OPD: the people who work for it close and reopen findings (kept when left out)',
      }),
    ),
  },
  { additionalProperties: false },
)
export type FollowUpSettings = Static<typeof FollowUpSettings>

export const CheckpointIn = Type.Object(
  { name: Type.String({ minLength: 1, maxLength: 200 }), location: Point, radiusM: Type.Integer({ minimum: 10, maximum: 5000 }) },
  { additionalProperties: false },
)

export const PlanPatrol = Type.Object(
  {
    name: Type.String({ minLength: 3, maxLength: 200 }),
    startsAt: Time,
    endsAt: Time,
    team: Type.Array(Username, { minItems: 1, maxItems: 20, uniqueItems: true, description: 'Usernames of people with the patrol_officer role' }),
    area: Type.Optional(Type.Array(RegionCode, { maxItems: 50, uniqueItems: true })),
    checkpoints: Type.Optional(Type.Array(CheckpointIn, { maxItems: 50 })),
  },
  { additionalProperties: false },
)
export type PlanPatrol = Static<typeof PlanPatrol>

export const Checkpoint = Type.Object({ id: Type.String(), name: Type.String(), location: Point, radiusM: Type.Integer() })

export const Patrol = Type.Object({
  id: Type.String(),
  name: Type.String(),
  startsAt: Time,
  endsAt: Time,
  team: Type.Array(Type.String()),
  area: Type.Array(Type.String()),
  status: Type.Enum(['planned', 'active', 'finished'] as const),
  startedAt: NullableTime,
  finishedAt: NullableTime,
  createdBy: Type.String(),
  createdAt: Time,
  checkpoints: Type.Array(Checkpoint),
})

export const PatrolQuery = Type.Object({
  from: Type.Optional(Time),
  to: Type.Optional(Time),
  status: Type.Optional(Type.Enum(['planned', 'active', 'finished'] as const)),
  mine: Type.Optional(Type.Boolean({ description: 'Only patrols whose team includes the caller' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
export type PatrolQuery = Static<typeof PatrolQuery>

export const CheckIn = Type.Object(
  {
    clientId: ClientId,
    location: Point,
    at: Type.Optional(Time),
    accuracy: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000, description: 'Metres, as the device reports it' })),
  },
  { additionalProperties: false },
)
export type CheckIn = Static<typeof CheckIn>

export const Checkin = Type.Object({
  id: Type.String(),
  clientId: Type.String(),
  actor: Type.String(),
  location: Point,
  accuracy: Type.Union([Type.Number(), Type.Null()]),
  at: Time,
  withinCheckpoint: Type.Boolean(),
  checkpoint: Type.Union([Type.Object({ id: Type.String(), name: Type.String() }), Type.Null()]),
  distanceM: Type.Union([Type.Integer(), Type.Null()], { description: 'To the nearest checkpoint' }),
  kelurahan: RegionRef,
})

export const RecordFinding = Type.Object(
  {
    clientId: ClientId,
    patrolId: Uuid,
    type: Type.String({ pattern: '^[a-z][a-z0-9_]{1,39}$' }),
    location: Point,
    at: Type.Optional(Time),
    description: Type.String({ minLength: 3, maxLength: 4000 }),
    nip: Type.Optional(Type.String({ maxLength: 30, description: 'ASN findings: 18 digits' })),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'ASN findings: the employee' })),
    agency: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'ASN findings: the OPD, by id or code' })),
  },
  { additionalProperties: false },
)
export type RecordFinding = Static<typeof RecordFinding>

export const Finding = Type.Object({
  id: Type.String(),
  number: Type.String({ description: 'T-{yyyy}-{serial}' }),
  clientId: Type.String(),
  patrolId: Type.String(),
  type: Type.String(),
  kind: Type.Enum(FINDING_KINDS),
  location: Point,
  at: Time,
  description: Type.String(),
  kelurahan: RegionRef,
  nip: Type.Union([Type.String(), Type.Null()], { description: 'Masked (**************1001) unless the caller may see it' }),
  asnName: NullableText,
  agencyId: Type.Union([Type.String(), Type.Null()]),
  status: Type.Enum(FINDING_STATUSES, {
    description: 'ASN: open → responded → closed (reopen returns it to open); city: handed_off; other: recorded',
  }),
  dueAt: NullableTime,
  overdue: Type.Boolean(),
  mayRespond: Type.Boolean({ description: 'The caller may answer it now (an officer of the employee’s OPD)' }),
  mayClose: Type.Boolean({ description: 'The caller (the inspectorate) may close it now' }),
  mayReopen: Type.Boolean({ description: 'The caller (the inspectorate) may reopen it now' }),
  escalationLevel: Type.Integer({ description: '0 none, 1 the inspectorate, 2 the command center' }),
  response: Type.Union([Type.Object({ action: Type.String(), note: NullableText, by: Type.String(), at: Time }), Type.Null()]),
  closedBy: NullableText,
  closedAt: NullableTime,
  reportId: NullableText,
  reportNumber: NullableText,
  incidentId: NullableText,
  incidentNumber: NullableText,
  createdBy: Type.String(),
  createdAt: Time,
  photos: Type.Array(Type.Object({ id: Type.String(), url: Type.String() })),
})

export const PatrolDetail = Type.Intersect([Patrol, Type.Object({ checkins: Type.Array(Checkin), findings: Type.Array(Finding) })])

export const FindingQuery = Type.Object({
  status: Type.Optional(Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', description: 'Comma-separated statuses; `overdue` = open past its due date' })),
  agency: Type.Optional(Uuid),
  kind: Type.Optional(Type.Enum(FINDING_KINDS)),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})
export type FindingQuery = Static<typeof FindingQuery>

export const Respond = Type.Object(
  { action: Type.Enum(RESPONSE_ACTIONS), note: Type.String({ minLength: 3, maxLength: 4000 }) },
  { additionalProperties: false },
)
export type Respond = Static<typeof Respond>

export const OptionalNote = Type.Object({ note: Type.Optional(Type.String({ minLength: 1, maxLength: 4000 })) }, { additionalProperties: false })
export const Reason = Type.Object({ note: Type.String({ minLength: 3, maxLength: 4000 }) }, { additionalProperties: false })

export const PhotoQuery = Type.Object({ clientId: Type.Optional(ClientId) })
export const PhotoInfo = Type.Object({ id: Type.String(), url: Type.String() })

export const LivePatrol = Type.Object({
  patrolId: Type.String(),
  name: Type.String(),
  actor: Type.String(),
  location: Point,
  at: Time,
  isWithin: Type.Boolean(),
  kelurahan: NullableText,
})

export const FollowUps = Type.Object({
  items: Type.Array(
    Type.Object({
      agencyId: Type.String(),
      agency: NullableText,
      open: Type.Integer(),
      overdue: Type.Integer(),
      responded: Type.Integer(),
      closed: Type.Integer(),
    }),
  ),
})

// ASN attendance and activity

export const ImportResult = Type.Object({
  imported: Type.Integer({ description: 'Rows new to Kendali' }),
  updated: Type.Integer({ description: 'Rows that replaced an earlier import (same NIP and day)' }),
  rejectedCount: Type.Integer(),
  rejected: Type.Array(
    Type.Object({ row: Type.Integer({ description: 'Line in the file (the header is line 1)' }), field: Type.String(), message: Type.String() }),
    {
      description: 'At most 1,000 listed',
    },
  ),
})

export const MonthQuery = Type.Object({ month: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' }) })
export const YearQuery = Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) })
export const StaffItem = Type.Object(
  {
    nip: Type.String({ pattern: '^[0-9]{18}$', description: 'NIP: 18 digits' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    agencyId: Type.String({ format: 'uuid', description: 'The OPD' }),
    position: Type.Optional(Type.Union([Type.String({ maxLength: 200 }), Type.Null()], { description: 'Jabatan' })),
  },
  { additionalProperties: false },
)

export const NipParams = Type.Object({ tenant: TenantCode, nip: Type.String({ pattern: '^[0-9]{18}$' }) })
export const StaffIdParams = Type.Object({ tenant: TenantCode, id: Uuid })

export const Discipline = Type.Object({
  month: Type.String(),
  items: Type.Array(
    Type.Object({
      agencyId: Type.String(),
      agency: Type.String(),
      staff: Type.Integer(),
      workdays: Type.Integer(),
      onTimePct: Type.Union([Type.Number(), Type.Null()]),
      tkDays: Type.Integer(),
      tlMinutes: Type.Integer(),
      pswMinutes: Type.Integer(),
      activityHours: Type.Number(),
      openFindings: Type.Integer(),
      overdueFindings: Type.Integer(),
    }),
  ),
})

export const PersonMonth = Type.Object({
  staffId: Type.String({ description: 'The person’s opaque id: their page for those who see the NIP masked' }),
  nip: Type.String({ description: 'Masked (**************1001) unless the caller may see it' }),
  name: Type.String(),
  agency: Type.String(),
  position: NullableText,
  days: Type.Array(
    Type.Object({
      date: Type.String(),
      checkIn: NullableText,
      checkOut: NullableText,
      remark: NullableText,
      codes: Type.Array(Type.String()),
      lateMinutes: Type.Integer(),
      earlyMinutes: Type.Integer(),
      isWorkday: Type.Boolean(),
      isOnTime: Type.Boolean(),
      isAbsent: Type.Boolean(),
    }),
  ),
  activities: Type.Array(Type.Object({ day: Type.String(), starts: Type.String(), ends: Type.String(), activity: Type.String(), output: NullableText })),
})

export const Ladder = Type.Object({
  year: Type.Integer(),
  items: Type.Array(
    Type.Object({
      staffId: Type.String({ description: 'Opens the person’s month at /asn/people/{staffId}' }),
      nip: Type.String({ description: 'Masked (**************1001) unless the caller may see it' }),
      name: Type.String(),
      agency: Type.String(),
      tkDays: Type.Integer(),
      tkDates: Type.Array(Type.String()),
      step: Type.String(),
      findings: Type.Integer({ description: 'Rojak findings about the person that year' }),
    }),
  ),
})

const Clock = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' })
const WeekHours = Type.Record(Type.String({ pattern: '^[1-7]$' }), Type.Object({ start: Clock, end: Clock }, { additionalProperties: false }))
const LocalDate = Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })
export const AsnSettings = Type.Object(
  {
    schedule: Type.Object(
      {
        weekdays: WeekHours,
        overrides: Type.Array(Type.Object({ from: LocalDate, to: LocalDate, weekdays: WeekHours }, { additionalProperties: false }), { maxItems: 50 }),
        holidays: Type.Array(LocalDate, { maxItems: 100 }),
      },
      { additionalProperties: false },
    ),
    ladder: Type.Array(
      Type.Object({ fromDays: Type.Integer({ minimum: 1, maximum: 366 }), step: Type.String({ pattern: '^[a-z_]{2,40}$' }) }, { additionalProperties: false }),
      {
        maxItems: 20,
      },
    ),
  },
  { additionalProperties: false },
)
