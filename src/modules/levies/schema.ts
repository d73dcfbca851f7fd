import { type Static, Type } from 'typebox'
import { Point } from '../../core/geo/geojson.ts'

const TenantCode = Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$', description: 'Kemendagri code, e.g. `33.71`' })
export const TenantParams = Type.Object({ tenant: TenantCode })
export const IdParams = Type.Object({ tenant: TenantCode, id: Type.String({ format: 'uuid' }) })
const BillNumber = Type.String({ pattern: '^SKRD-[0-9]{2,4}-[0-9]{4}-[0-9]{6}$', description: 'SKRD-{tenant}-{yyyy}-{serial}, e.g. `SKRD-3371-2026-000123`' })
export const BillParams = Type.Object({ tenant: TenantCode, number: BillNumber })
export const ReceiptParams = Type.Object({
  tenant: TenantCode,
  receipt: Type.String({ pattern: '^STS-[0-9]{2,4}-[0-9]{4}-[0-9]{6}$', description: 'STS-{tenant}-{yyyy}-{serial}' }),
})

const Uuid = Type.String({ format: 'uuid' })
const Time = Type.String({ format: 'date-time' })
const Day = Type.String({ format: 'date', description: 'YYYY-MM-DD' })
const NullableText = Type.Union([Type.String(), Type.Null()])
const Period = Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$', description: 'The month billed, YYYY-MM' })
const Code = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,29}$' })
export const StallKind = Type.Union([Type.Literal('kios'), Type.Literal('los'), Type.Literal('pelataran'), Type.Literal('lapak')], {
  description: 'kios (closed shop), los (open hall stall), pelataran (open yard), lapak (table or mat)',
})
const TariffBasis = Type.Union([Type.Literal('per_m2_day'), Type.Literal('flat_day'), Type.Literal('flat_month')])
export const Method = Type.Union([Type.Literal('card'), Type.Literal('qris'), Type.Literal('cash'), Type.Literal('transfer')], {
  description: 'card (EDC), qris, cash (collector), transfer (bank transfer or virtual account)',
})
const Ref = Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() })

export const Market = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  address: NullableText,
  location: Point,
  kelurahan: Type.Union([Type.Object({ code: Type.String(), name: Type.String() }), Type.Null()]),
  agencyId: NullableText,
  qrisName: Type.String(),
  qrisCity: Type.String(),
  postalCode: NullableText,
  terminal: Type.String(),
  stalls: Type.Integer(),
  mayManage: Type.Boolean({ description: 'Whether the caller keeps this market: an administrator, or an officer of its managing OPD' }),
})

export const CreateMarket = Type.Object(
  {
    code: Code,
    name: Type.String({ minLength: 3, maxLength: 100 }),
    address: Type.Optional(Type.String({ maxLength: 300 })),
    location: Point,
    agencyId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    qrisName: Type.Optional(Type.String({ minLength: 1, maxLength: 25 })),
    qrisCity: Type.Optional(Type.String({ minLength: 1, maxLength: 15 })),
    postalCode: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{5}$' }), Type.Null()])),
    terminal: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,25}$' })),
  },
  { additionalProperties: false },
)

export const UpdateMarket = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 3, maxLength: 100 })),
    address: Type.Optional(Type.Union([Type.String({ maxLength: 300 }), Type.Null()])),
    location: Type.Optional(Point),
    agencyId: Type.Optional(Type.Union([Uuid, Type.Null()])),
    qrisName: Type.Optional(Type.String({ minLength: 1, maxLength: 25 })),
    qrisCity: Type.Optional(Type.String({ minLength: 1, maxLength: 15 })),
    postalCode: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{5}$' }), Type.Null()])),
    terminal: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,25}$' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const Stall = Type.Object({
  id: Type.String(),
  marketId: Type.String(),
  marketName: Type.String(),
  code: Type.String(),
  kind: StallKind,
  class: Type.String(),
  areaM2: Type.Number(),
  isActive: Type.Boolean(),
  vendor: Type.Union([Type.Object({ id: Type.String(), code: Type.String(), name: Type.String() }), Type.Null()]),
})

export const CreateStall = Type.Object(
  {
    marketId: Uuid,
    code: Code,
    kind: StallKind,
    class: Type.String({ pattern: '^[A-Za-z0-9]{1,5}$', description: 'Class of the place as the Perda names it (I, II, III…)' }),
    areaM2: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
  },
  { additionalProperties: false },
)

export const CreateStallRange = Type.Object(
  {
    marketId: Uuid,
    prefix: Type.String({ pattern: '^([A-Za-z0-9][A-Za-z0-9._-]{0,19})?$', description: 'What every code starts with, e.g. `A-`' }),
    from: Type.Integer({ minimum: 0, maximum: 99999 }),
    to: Type.Integer({ minimum: 0, maximum: 99999, description: 'The last number, included; at most 500 stalls at once' }),
    width: Type.Optional(Type.Integer({ minimum: 1, maximum: 5, description: 'Digits of the number, zero-padded (default: those of `to`)' })),
    kind: StallKind,
    class: Type.String({ pattern: '^[A-Za-z0-9]{1,5}$' }),
    areaM2: Type.Number({ exclusiveMinimum: 0, maximum: 10000 }),
  },
  { additionalProperties: false },
)

export const BulkResult = Type.Object({
  accepted: Type.Integer(),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), field: Type.String(), message: Type.String() })),
})

export const Target = Type.Object({
  marketId: Type.String(),
  marketName: Type.String(),
  year: Type.Integer(),
  amount: Type.Union([Type.Number(), Type.Null()], { description: 'Rupiah expected over the year; null where none is set' }),
  setBy: NullableText,
  setAt: Type.Union([Time, Type.Null()]),
})
export const TargetParams = Type.Object({ tenant: TenantCode, id: Uuid, year: Type.Integer({ minimum: 2000, maximum: 2100 }) })
export const PutTarget = Type.Object(
  { amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000_000, description: 'Whole rupiah over the year' }) },
  { additionalProperties: false },
)

export const Office = Type.Object({
  managesAll: Type.Boolean({ description: 'Administrators keep every market' }),
  agencies: Type.Array(Type.String(), { description: 'Otherwise the OPDs whose markets the caller keeps' }),
})

export const UpdateStall = Type.Object(
  {
    class: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9]{1,5}$' })),
    areaM2: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 10000 })),
    isActive: Type.Optional(Type.Boolean({ description: 'false takes the stall out of use (it keeps its bills)' })),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const Vendor = Type.Object({
  id: Type.String(),
  code: Type.String(),
  name: Type.String(),
  phone: NullableText,
  nik: Type.Union([Type.String(), Type.Null()], { description: 'Masked (3371********0001) for everyone but administrators' }),
  stalls: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), marketName: Type.String() })),
})

export const CreateVendor = Type.Object(
  {
    code: Code,
    name: Type.String({ minLength: 2, maxLength: 120 }),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+() -]{6,20}$' }), Type.Null()])),
    nik: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{16}$' }), Type.Null()])),
  },
  { additionalProperties: false },
)

export const UpdateVendor = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 2, maxLength: 120 })),
    phone: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9+() -]{6,20}$' }), Type.Null()])),
    nik: Type.Optional(Type.Union([Type.String({ pattern: '^[0-9]{16}$' }), Type.Null()])),
  },
  { additionalProperties: false, minProperties: 1 },
)

export const Permit = Type.Object({
  id: Type.String(),
  vendorId: Type.String(),
  stallId: Type.String(),
  startsOn: Day,
  endsOn: Type.Union([Day, Type.Null()]),
  stall: Type.Object({ code: Type.String(), marketName: Type.String() }),
})
export const CreatePermit = Type.Object(
  { vendorId: Uuid, stallId: Uuid, startsOn: Day, endsOn: Type.Optional(Type.Union([Day, Type.Null()])) },
  { additionalProperties: false },
)

export const EndPermit = Type.Object({ endsOn: Day }, { additionalProperties: false })

export const Tariff = Type.Object({
  id: Type.String(),
  kind: StallKind,
  class: Type.String(),
  basis: TariffBasis,
  rate: Type.Number(),
  legalBasis: Type.String(),
  effectiveFrom: Day,
})
export const CreateTariff = Type.Object(
  {
    kind: StallKind,
    class: Type.String({ pattern: '^[A-Za-z0-9]{1,5}$' }),
    basis: TariffBasis,
    rate: Type.Number({ minimum: 0, maximum: 100_000_000 }),
    legalBasis: Type.String({ minLength: 5, maxLength: 300, description: 'The Perda or Perwal article that sets the rate' }),
    effectiveFrom: Day,
  },
  { additionalProperties: false },
)

export const Settings = Type.Object({
  sanctionPercent: Type.Number({ minimum: 0, maximum: 10, description: 'Administrative sanction per month late, percent of the levy' }),
  sanctionMaxMonths: Type.Integer({ minimum: 0, maximum: 60 }),
  dueDays: Type.Integer({ minimum: 0, maximum: 90, description: 'Days after the end of a period until its bill is due' }),
  qrisAcquirer: Type.String({ minLength: 5, maxLength: 32 }),
  qrisPan: Type.String({ pattern: '^[0-9]{16,19}$' }),
  qrisMerchantId: Type.String({ pattern: '^[0-9A-Za-z]{1,15}$' }),
  qrisNmid: Type.String({ pattern: '^ID[0-9]{13}$' }),
  qrisMcc: Type.String({ pattern: '^[0-9]{4}$' }),
})
export const PutSettings = Type.Partial(Settings, { additionalProperties: false })

const Line = Type.Object({
  from: Day,
  to: Day,
  days: Type.Integer(),
  tariffId: Type.String(),
  basis: TariffBasis,
  rate: Type.Number(),
  areaM2: Type.Number(),
  legalBasis: Type.String(),
  amount: Type.Number(),
})

export const Bill = Type.Object({
  id: Type.String(),
  number: Type.String(),
  period: Type.String(),
  vendor: Ref,
  stall: Type.Object({ id: Type.String(), code: Type.String(), kind: StallKind }),
  market: Ref,
  amount: Type.Number({ description: 'The levy (pokok), fixed when issued' }),
  sanction: Type.Number({ description: 'Administrative sanction as of today' }),
  paid: Type.Number(),
  outstanding: Type.Number(),
  status: Type.Union([Type.Literal('unpaid'), Type.Literal('partial'), Type.Literal('paid')]),
  isOverdue: Type.Boolean(),
  dueOn: Day,
  lines: Type.Array(Line),
  issuedAt: Time,
  paidAt: Type.Union([Time, Type.Null()]),
})

export const BillQuery = Type.Object({
  period: Type.Optional(Period),
  status: Type.Optional(
    Type.String({ pattern: '^(unpaid|partial|paid|open)(,(unpaid|partial|paid|open))*$', description: 'Comma list; `open` = unpaid,partial' }),
  ),
  market: Type.Optional(Uuid),
  vendor: Type.Optional(Uuid),
  overdue: Type.Optional(Type.Boolean()),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  cursor: Type.Optional(Type.String({ maxLength: 500 })),
})

export const Payment = Type.Object({
  id: Type.String(),
  receipt: Type.String({ description: 'STS (bukti bayar) number' }),
  billNumber: Type.String(),
  amount: Type.Number(),
  method: Method,
  reference: NullableText,
  provider: NullableText,
  actor: Type.String(),
  paidAt: Time,
})
export const Receipt = Type.Intersect([Payment, Type.Object({ bill: Bill })])
export const BillDetail = Type.Intersect([Bill, Type.Object({ payments: Type.Array(Payment) })])

export const Pay = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 1_000_000_000, description: 'Whole rupiah; less than owed is a partial payment, more is refused' }),
    method: Method,
    reference: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'EDC approval code, bank or VA reference; required but for cash' })),
  },
  { additionalProperties: false },
)
export type Pay = Static<typeof Pay>

export const Qris = Type.Object({
  payload: Type.String({ description: 'EMVCo merchant-presented QRIS with the amount (54) and bill number (62.01)' }),
  imagePng: Type.String({ description: 'The QR code as a base64 PNG' }),
  amount: Type.Integer(),
  billNumber: Type.String(),
})

export const CollectorDay = Type.Object({
  id: Type.String(),
  collector: Type.String(),
  openedAt: Time,
  closedAt: Type.Union([Time, Type.Null()]),
  deposit: Type.Union([Type.Number(), Type.Null()]),
  cash: Type.Union([Type.Number(), Type.Null()]),
  cashless: Type.Union([Type.Number(), Type.Null()]),
  difference: Type.Union([Type.Number(), Type.Null()], { description: 'Deposit minus cash recorded; non-zero is flagged' }),
  status: Type.Union([Type.Literal('open'), Type.Literal('reconciled'), Type.Literal('flagged')]),
})

const Money = Type.Number()
export const Revenue = Type.Object({
  date: Day,
  total: Money,
  cashless: Money,
  cashlessShare: Type.Number({ description: '0 … 1' }),
  payments: Type.Integer(),
  byMethod: Type.Object({ card: Money, qris: Money, cash: Money, transfer: Money }),
  markets: Type.Array(Type.Object({ id: Type.String(), code: Type.String(), name: Type.String(), total: Money, cashless: Money, arrears: Money })),
})

export const Arrears = Type.Object({
  key: Ref,
  bills: Type.Integer(),
  outstanding: Money,
  buckets: Type.Object({ d1_30: Money, d31_60: Money, d61_90: Money, over_90: Money }, { description: 'Outstanding by days past due' }),
})

export const Notification = Type.Object({
  provider: Type.String(),
  orderId: NullableText,
  transactionId: NullableText,
  status: NullableText,
  outcome: Type.String(),
  reason: NullableText,
  receivedAt: Time,
})

// Midtrans' HTTP notification; every field is checked by the adapter (so a malformed one is logged too), others are kept.
export const MidtransNotification = Type.Object(
  {
    order_id: Type.Optional(Type.String({ maxLength: 64 })),
    status_code: Type.Optional(Type.String({ maxLength: 3 })),
    gross_amount: Type.Optional(Type.String({ maxLength: 20 })),
    signature_key: Type.Optional(Type.String({ maxLength: 256 })),
    transaction_status: Type.Optional(Type.String({ maxLength: 40 })),
    transaction_id: Type.Optional(Type.String({ maxLength: 64 })),
    payment_type: Type.Optional(Type.String({ maxLength: 40 })),
    fraud_status: Type.Optional(Type.String({ maxLength: 40 })),
  },
  { additionalProperties: true },
)
