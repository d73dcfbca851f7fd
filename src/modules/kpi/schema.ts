import { Type } from 'typebox'
import { Double } from '../../core/http/schema.ts'
import { DIMENSIONS } from '../../core/indicators.ts'
import { WALL_PANELS } from './wall.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
const Code = Type.String({ pattern: '^[a-z][a-z0-9_]{1,59}$', description: 'Stable snake_case code of the indicator' })
const Month = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'A month, YYYY-MM' })
const PeriodKey = Type.String({ pattern: '^[0-9]{4}(-(0[1-9]|1[0-2])(-(0[1-9]|[12][0-9]|3[01]))?)?$', description: 'YYYY, YYYY-MM or YYYY-MM-DD' })
const Label = Type.Object(
  { id: Type.String({ minLength: 1, maxLength: 200 }), en: Type.String({ minLength: 1, maxLength: 200 }) },
  { additionalProperties: false },
)
const LongLabel = Type.Object({ id: Type.String({ maxLength: 1000 }), en: Type.String({ maxLength: 1000 }) }, { additionalProperties: false })
const Dimension = Type.Enum(DIMENSIONS, { description: 'governance, branding, economy, living, society, environment' })
const Direction = Type.Enum(['higher', 'lower'], { description: 'Whether a higher or a lower value is better' })
const Frequency = Type.Enum(['daily', 'monthly', 'yearly'])
const BreakdownBy = Type.Enum(['agency', 'kecamatan', 'kelurahan'])
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()])
const Uuid = Type.String({ format: 'uuid' })
const ValueStatus = Type.Enum(['ok', 'missing', 'not_available'], {
  description: '`missing`: nobody entered or computed it for the period; `not_available`: the module that computes it is not installed',
})

export const TenantParams = Type.Object({ tenant: TenantCode })
export const CodeParams = Type.Object({ tenant: TenantCode, code: Code })
export const RunParams = Type.Object({ tenant: TenantCode, id: Uuid })

export const Indicator = Type.Object({
  code: Type.String(),
  name: Label,
  dimension: Dimension,
  unit: Type.String(),
  direction: Direction,
  frequency: Frequency,
  source: Type.Enum(['computed', 'entered']),
  module: Nullable(Type.String()),
  agencyId: Nullable(Type.String()),
  breakdowns: Type.Array(BreakdownBy),
  formula: LongLabel,
  isActive: Type.Boolean(),
  availability: Type.Enum(['available', 'not_available']),
  targets: Type.Array(Type.Object({ year: Type.Integer(), target: Type.Number() })),
  mayEnter: Type.Boolean({ description: 'Whether the caller may enter its values: an entered indicator of an OPD they act for (admins: any)' }),
})

export const CreateIndicator = Type.Object(
  {
    code: Code,
    name: Label,
    dimension: Dimension,
    unit: Type.String({ minLength: 1, maxLength: 20 }),
    direction: Direction,
    frequency: Frequency,
    source: Type.Enum(['computed', 'entered']),
    breakdowns: Type.Optional(Type.Array(BreakdownBy, { uniqueItems: true })),
    agencyId: Type.Optional(Nullable(Uuid)),
    formula: Type.Optional(LongLabel),
    target: Type.Optional(Double({ description: "This year's target" })),
  },
  { additionalProperties: false },
)

export const UpdateIndicator = Type.Object(
  {
    name: Type.Optional(Label),
    unit: Type.Optional(Type.String({ minLength: 1, maxLength: 20 })),
    direction: Type.Optional(Direction),
    agencyId: Type.Optional(Nullable(Uuid)),
    isActive: Type.Optional(Type.Boolean()),
    formula: Type.Optional(LongLabel),
    targets: Type.Optional(
      Type.Array(Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }), target: Nullable(Double()) }, { additionalProperties: false }), {
        maxItems: 20,
        description: 'Targets per year; null removes one',
      }),
    ),
  },
  { additionalProperties: false },
)

export const NewValue = Type.Object(
  {
    period: PeriodKey,
    value: Double(),
    breakdown: Type.Optional(Type.Object({ by: BreakdownBy, key: Type.String({ minLength: 1, maxLength: 60 }) }, { additionalProperties: false })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
    evidenceUrl: Type.Optional(
      Type.String({ format: 'uri', pattern: '^https?://', maxLength: 1000, description: 'A link to the evidence (document, dataset)' }),
    ),
  },
  { additionalProperties: false },
)

export const Value = Type.Object({
  code: Type.String(),
  period: Type.String(),
  breakdownBy: Type.String(),
  breakdownKey: Type.String(),
  value: Type.Number(),
  note: Nullable(Type.String()),
  evidenceUrl: Nullable(Type.String()),
  version: Type.Integer(),
  updatedBy: Nullable(Type.String()),
  updatedAt: Type.String(),
})

export const SeriesQuery = Type.Object({
  from: PeriodKey,
  to: PeriodKey,
  by: Type.Optional(BreakdownBy),
})

const Provenance = Type.Object(
  {
    period: Type.String({ description: 'The period the value is of: earlier than the one asked when an entered value is stale' }),
    provisional: Type.Boolean({ description: 'The period is not over: the value may still change' }),
    stale: Type.Boolean({ description: 'An entered value of an earlier period, shown because this one is not in; not scored' }),
    computedAt: Type.String({ description: 'When it was computed (computed) or last entered (entered)' }),
    records: Nullable(Type.Integer({ description: 'How many records a computed value was made of' })),
    recordsLabel: Nullable(Label),
    samples: Nullable(Type.Integer({ description: 'A snapshot indicator: how many samples through the period its mean is of' })),
    enteredBy: Nullable(Type.String()),
    evidenceUrl: Nullable(Type.String()),
  },
  { description: 'Where the value comes from' },
)

export const Series = Type.Object({
  indicator: Indicator,
  items: Type.Array(
    Type.Object({
      period: Type.String(),
      status: ValueStatus,
      value: Nullable(Type.Number()),
      target: Nullable(Type.Number()),
      achievement: Nullable(Type.Number()),
      breakdowns: Type.Optional(Type.Array(Type.Object({ key: Type.String(), value: Type.Number() }))),
      note: Type.Optional(Nullable(Type.String())),
      evidenceUrl: Type.Optional(Nullable(Type.String())),
      version: Type.Optional(Type.Integer()),
      updatedBy: Type.Optional(Nullable(Type.String())),
      updatedAt: Type.Optional(Type.String()),
      provenance: Nullable(Provenance),
    }),
  ),
})

export const HistoryQuery = Type.Object({
  period: PeriodKey,
  by: Type.Optional(BreakdownBy),
  key: Type.Optional(Type.String({ maxLength: 60 })),
})

export const History = Type.Object({
  items: Type.Array(
    Type.Object({
      version: Type.Integer(),
      value: Type.Number(),
      note: Nullable(Type.String()),
      evidenceUrl: Nullable(Type.String()),
      changedBy: Type.String(),
      changedAt: Type.String(),
    }),
  ),
})

export const ImportResult = Type.Object({
  accepted: Type.Integer(),
  rejectedCount: Type.Integer(),
  rejected: Type.Array(Type.Object({ row: Type.Integer(), field: Type.String(), message: Type.String() }), { description: 'At most 1,000 listed' }),
})

export const PeriodQuery = Type.Object({ period: Month })

const Assessed = Type.Object({
  code: Type.String(),
  name: Label,
  unit: Type.String(),
  direction: Direction,
  frequency: Frequency,
  source: Type.Enum(['computed', 'entered']),
  module: Nullable(Type.String()),
  formula: LongLabel,
  value: Nullable(Type.Number()),
  target: Nullable(Type.Number()),
  status: ValueStatus,
  achievement: Nullable(Type.Number()),
  provenance: Nullable(Provenance),
})

export const Summary = Type.Object({
  period: Type.String(),
  provisional: Type.Boolean({ description: 'The month is not over: its scores may still change' }),
  formula: LongLabel,
  dimensions: Type.Array(
    Type.Object({
      dimension: Dimension,
      score: Nullable(Type.Number()),
      previousScore: Nullable(Type.Number()),
      trend: Type.Array(Type.Object({ period: Type.String(), score: Nullable(Type.Number()) })),
      indicators: Type.Array(Assessed),
    }),
  ),
})

export const RecomputeRequest = Type.Object({ from: Month, to: Month }, { additionalProperties: false })

export const Recompute = Type.Object({
  id: Type.String(),
  fromPeriod: Type.String(),
  toPeriod: Type.String(),
  total: Type.Integer(),
  done: Type.Integer(),
  status: Type.Enum(['pending', 'running', 'done', 'failed']),
  error: Nullable(Type.String()),
  requestedBy: Type.String(),
  createdAt: Type.String(),
  finishedAt: Nullable(Type.String()),
})

export const RollupQuery = Type.Object({ indicator: Code, period: Month })

export const Rollup = Type.Object({
  indicator: Type.String(),
  period: Type.String(),
  items: Type.Array(
    Type.Object({
      tenant: Type.String(),
      name: Type.String(),
      status: Type.Enum(['ok', 'missing', 'not_available', 'not_in_catalogue']),
      value: Nullable(Type.Number()),
      target: Nullable(Type.Number()),
      achievement: Nullable(Type.Number()),
      unit: Nullable(Type.String()),
    }),
  ),
})

export const CopyConfig = Type.Object({ from: TenantCode }, { additionalProperties: false })
export const ConfigCopied = Type.Object({
  from: Type.String(),
  copied: Type.Record(Type.String(), Type.Integer(), { description: 'Items copied per module (configuration the tenant already had is kept)' }),
})

export const ReportQuery = Type.Object({
  period: Type.String({ pattern: '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$', description: 'A month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`' }),
  lang: Type.Optional(Type.Enum(['id', 'en'], { description: 'Bahasa Indonesia unless asked (or Accept-Language) for English' })),
})

export const WallTokenParams = Type.Object({ tenant: TenantCode, id: Uuid })
export const CreateWallToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Which screen, e.g. `Layar utama Command Center`' }),
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, description: 'How long it lasts; 90 days unless set' })),
  },
  { additionalProperties: false },
)
export const WallToken = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  createdBy: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
  revokedAt: Nullable(Type.String({ format: 'date-time' })),
  lastUsedAt: Nullable(Type.String({ format: 'date-time' })),
})
export const CreatedWallToken = Type.Intersect([WallToken, Type.Object({ token: Type.String({ description: 'Shown once; put it in the wall address now' }) })])
export const WallSession = Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false })
export const WallSettings = Type.Object(
  {
    panels: Type.Array(
      Type.Object(
        {
          kind: Type.Enum(WALL_PANELS, { description: 'kpi, map, cameras, reports or levies' }),
          seconds: Type.Integer({ minimum: 5, maximum: 3600, description: 'How long the panel stays on screen' }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: WALL_PANELS.length, description: 'The panels in the order the wall shows them' },
    ),
  },
  { additionalProperties: false },
)
/** What the wall reads of its schedule, with where its live channel starts (a screen may not page the event log). */
export const WallSchedule = Type.Object({
  panels: WallSettings.properties.panels,
  after: Type.Integer({ minimum: 0, description: "The tenant's latest event sequence: the wall's live channel continues after it" }),
})

const DashboardPeriod = Type.String({
  pattern: '^[0-9]{4}(-(0[1-9]|1[0-2])|-Q[1-4])?$',
  description: 'A month `YYYY-MM`, a quarter `YYYY-Qn` or a year `YYYY`',
})
export const OverviewQuery = Type.Object({ period: DashboardPeriod })
const Agency = { agencyId: Nullable(Type.String()), agency: Nullable(Type.String({ description: 'The OPD name; null when not routed to one' })) }
const IncidentFact = Type.Object({
  id: Type.String(),
  number: Type.String(),
  type: Type.String(),
  priority: Type.String(),
  status: Type.String(),
  kecamatan: Nullable(Type.Object({ code: Type.String(), name: Type.String() })),
  createdAt: Type.String(),
  onSceneAt: Nullable(Type.String()),
})
const Tally = {
  count: Type.Integer({ description: 'Incidents created in the period, cancelled ones aside' }),
  responded: Type.Integer({ description: 'Of them, reached by a unit' }),
  responseP50: Nullable(Type.Number({ description: 'Median minutes from the call to the first unit on scene' })),
}
const Offline = Nullable(Type.Object({ total: Type.Integer({ description: 'Checked' }), offline: Type.Integer() }))

export const Overview = Type.Object({
  period: Type.Object({
    key: Type.String(),
    kind: Type.Enum(['month', 'quarter', 'year']),
    months: Type.Array(Type.String()),
    latestMonth: Type.String({ description: 'The month whose indicator values are shown (the latest that has started)' }),
    provisional: Type.Boolean({ description: 'The period is not over: its figures may still change' }),
    lastYear: Type.String({ description: 'The same period a year before, compared with' }),
    start: Type.String({ format: 'date-time' }),
    end: Type.String({ format: 'date-time' }),
  }),
  computedAt: Type.String({ format: 'date-time' }),
  formula: Type.Object({ score: LongLabel, period: LongLabel }),
  dimensions: Type.Array(
    Type.Object({
      dimension: Dimension,
      score: Nullable(Type.Number()),
      previousScore: Nullable(Type.Number()),
      lastYearScore: Nullable(Type.Number()),
      trend: Type.Array(Type.Object({ period: Type.String(), score: Nullable(Type.Number()) }), { description: '12 periods of the same kind' }),
      indicators: Type.Array(Assessed),
    }),
  ),
  attention: Type.Object({
    indicators: Type.Array(Type.Intersect([Assessed, Type.Object({ dimension: Dimension })]), { description: 'Furthest below target first' }),
    overdueComplaints: Type.Array(Type.Object({ ...Agency, count: Type.Integer() })),
    openP1: Type.Object({ count: Type.Integer(), items: Type.Array(Type.Intersect([IncidentFact, Type.Object({ typeName: LongLabel })])) }),
    warnings: Type.Array(Type.Object({ id: Type.String(), headline: Type.String(), severity: Type.String(), expires: Type.String() })),
    cameras: Offline,
    devices: Offline,
  }),
  incidents: Type.Object({
    ...Tally,
    lastYearCount: Type.Integer(),
    cancelled: Type.Integer(),
    byType: Type.Array(Type.Object({ type: Type.String(), name: LongLabel, ...Tally })),
    byKecamatan: Type.Array(Type.Object({ code: Nullable(Type.String()), name: Nullable(Type.String()), ...Tally })),
  }),
  complaints: Type.Object({
    slaPct: Nullable(Type.Number()),
    resolved: Type.Number(),
    byAgency: Type.Array(Type.Object({ ...Agency, resolved: Type.Integer(), slaPct: Nullable(Type.Number()) })),
  }),
  levies: Type.Object({
    realised: Type.Number(),
    payments: Type.Integer(),
    target: Nullable(Type.Number({ description: "The markets' yearly targets, pro rata for the period's months" })),
    pct: Nullable(Type.Number()),
    lastYearRealised: Type.Number(),
    markets: Type.Array(Type.Object({ market: Type.String(), amount: Nullable(Type.Number()) })),
  }),
  findings: Type.Array(Type.Object({ ...Agency, open: Type.Integer(), overdue: Type.Integer() })),
})

export const ReportSettings = Type.Object(
  {
    heading: Type.Array(Type.String({ minLength: 1, maxLength: 120 }), {
      maxItems: 4,
      description: 'Letterhead lines, e.g. `PEMERINTAH KOTA MAGELANG`, `DINAS KOMUNIKASI, INFORMATIKA DAN STATISTIK`',
    }),
    address: Nullable(Type.String({ maxLength: 300 })),
    signerName: Nullable(Type.String({ maxLength: 120 })),
    signerTitle: Nullable(Type.String({ maxLength: 160, description: 'e.g. `Wali Kota Magelang`' })),
    signerNip: Nullable(Type.String({ pattern: '^[0-9 ]{0,24}$' })),
  },
  { additionalProperties: false },
)
export const ReportSettingsView = Type.Object({
  heading: Type.Array(Type.String()),
  address: Nullable(Type.String()),
  signerName: Nullable(Type.String()),
  signerTitle: Nullable(Type.String()),
  signerNip: Nullable(Type.String()),
  hasLogo: Type.Boolean(),
  updatedBy: Nullable(Type.String()),
  updatedAt: Nullable(Type.String()),
})
