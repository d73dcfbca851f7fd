import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { DomainError, Forbidden } from '../../core/errors.ts'
import { rolesIn } from '../../core/http/access.ts'
import { BulkResult as BulkAnswer, BulkBody } from '../../core/http/bulk.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { cursorKey, decodeCursor, encodeCursor, Page, PageQuery } from '../../core/http/paging.ts'
import { opdScope } from '../../core/http/permissions.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { LeviesServices } from './index.ts'
import { type KeptRef, managerFor } from './levies.ts'
import { LEVY_ACTIONS, type LevyAction } from './permissions.ts'
import {
  Arrears,
  Bill,
  BillDetail,
  BillParams,
  BillQuery,
  BulkResult,
  CollectorDay,
  CreateMarket,
  CreatePermit,
  CreateStall,
  CreateStallRange,
  CreateTariff,
  CreateVendor,
  EndPermit,
  IdParams,
  Market,
  MidtransNotification,
  Notification,
  Office,
  Pay,
  Permit,
  PutSettings,
  PutTarget,
  Qris,
  Receipt,
  ReceiptParams,
  Revenue,
  Settings,
  Stall,
  Target,
  TargetParams,
  Tariff,
  TenantParams,
  UpdateMarket,
  UpdateStall,
  UpdateVendor,
  Vendor,
} from './schema.ts'
import type { BillStatus, StallPosition } from './store.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

const DateQuery = Type.Object({ date: Type.Optional(Type.String({ format: 'date' })) })

export function levyRoutes(app: KendaliApp, ctx: CoreContext, s: LeviesServices): void {
  const tags = ['levies']
  const base = '/api/t/:tenant/levies'
  const levies = s.levies
  /** Only administrators see a vendor's NIK in full. */
  const showsNik = (request: FastifyRequest) => {
    const principal = principalOf(request)
    return principal.isPlatformAdmin || rolesIn(principal, tenantOf(request)).direct.has('admin')
  }
  /** The OPDs the caller does an action for: `all` for administrators (and collectors where they take part). */
  const agenciesOf = (request: FastifyRequest, action: LevyAction) => opdScope(principalOf(request), tenantOf(request), LEVY_ACTIONS[action])
  /** Refuses an officer a market (of a stall, of a permit, of a bill) their OPD does not manage. */
  const keeps = (request: FastifyRequest, ref: KeptRef, action: LevyAction = 'levies.market.write') =>
    levies.assertKeeps(ctx.db, tenantOf(request).code, agenciesOf(request, action), ref)
  /** Refuses the city-wide office work to an officer whose OPDs manage no market. */
  const office = (request: FastifyRequest, action: LevyAction) => levies.assertMarketOffice(ctx.db, tenantOf(request).code, agenciesOf(request, action))
  const mayManage = (request: FastifyRequest, market: { agencyId: string | null }) => {
    const agencies = agenciesOf(request, 'levies.market.write')
    return agencies === 'all' || (market.agencyId !== null && agencies.includes(market.agencyId))
  }
  /** The market office, which sees and closes every collector's day. */
  const isOffice = (request: FastifyRequest) =>
    office(request, 'levies.collector_day.oversee').then(
      () => true,
      (err: unknown) => {
        if (err instanceof Forbidden) return false
        throw err
      },
    )

  app.get(
    `${base}/settings`,
    {
      config: { action: 'levies.settings.read' },
      schema: { tags, summary: 'Sanction, due days and the QRIS merchant account', params: TenantParams, response: { 200: Settings, ...errors } },
    },
    async (request) => {
      await office(request, 'levies.settings.read')
      return levies.settings(ctx.db, tenantOf(request).code)
    },
  )

  app.put(
    `${base}/settings`,
    {
      config: { action: 'levies.settings.write' },
      schema: { tags, summary: 'Changes levy settings', params: TenantParams, body: PutSettings, response: { 200: Settings, ...errors } },
    },
    async (request) => levies.putSettings(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body),
  )

  // Markets, stalls, vendors, permits, tariffs

  app.get(
    `${base}/markets`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Markets with their kelurahan, stall count and whether the caller keeps each',
        params: TenantParams,
        response: { 200: Page(Market), ...errors },
      },
    },
    async (request) => {
      const items = (await levies.markets(ctx.db, tenantOf(request).code)).map((m) => ({ ...m, mayManage: mayManage(request, m) }))
      return { items, total: items.length, next: null }
    },
  )

  app.get(
    `${base}/office`,
    {
      config: { action: 'levies.read' },
      schema: { tags, summary: 'Whose markets the caller keeps: all, or those of these OPDs', params: TenantParams, response: { 200: Office, ...errors } },
    },
    async (request) => {
      const agencies = agenciesOf(request, 'levies.market.write')
      return agencies === 'all' ? { managesAll: true, agencies: [] } : { managesAll: false, agencies }
    },
  )

  app.post(
    `${base}/markets`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Adds a market; its kelurahan comes from its location; an officer gives it to their own OPD',
        params: TenantParams,
        body: CreateMarket,
        response: { 201: Market, ...errors },
      },
    },
    async (request, reply) => {
      const agencyId = managerFor(agenciesOf(request, 'levies.market.write'), request.body.agencyId)
      const market = await levies.createMarket(ctx.db, tenantOf(request).code, principalOf(request).actor, { ...request.body, agencyId })
      reply.status(201)
      return { ...market, mayManage: true }
    },
  )

  app.patch(
    `${base}/markets/:id`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Changes a market’s name, address, location (and so kelurahan), OPD or QRIS labels; its code stays',
        params: IdParams,
        body: UpdateMarket,
        response: { 200: Market, ...errors },
      },
    },
    async (request) => {
      await keeps(request, { market: request.params.id })
      const agencies = agenciesOf(request, 'levies.market.write')
      const { agencyId } = request.body
      if (agencies !== 'all' && agencyId !== undefined && (agencyId === null || !agencies.includes(agencyId))) {
        throw new Forbidden('A market can only be given to an OPD you work for', { field: 'agencyId' })
      }
      const market = await levies.updateMarket(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body)
      return { ...market, mayManage: mayManage(request, market) }
    },
  )

  app.get(
    `${base}/stalls`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Stalls (of a market) with the vendor holding each today',
        params: TenantParams,
        querystring: Type.Object({
          market: Type.Optional(Type.String({ format: 'uuid' })),
          q: Type.Optional(Type.String({ maxLength: 30, description: 'Part of the stall code' })),
          ...PageQuery.properties,
        }),
        response: { 200: Page(Stall), ...errors },
      },
    },
    async (request) => {
      const { market, q, cursor, limit = 50 } = request.query
      const after = decodeCursor<StallPosition>(cursor, ['n', 'm', 'c'])
      const page = await levies.stalls(ctx.db, tenantOf(request).code, { marketId: market ?? null, search: q, after, limit })
      return { items: page.items, total: page.total, next: page.last ? encodeCursor(page.last) : null }
    },
  )

  app.post(
    `${base}/stalls`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Adds a stall (kios, los, pelataran, lapak) to a market',
        params: TenantParams,
        body: CreateStall,
        response: { 201: Stall, ...errors },
      },
    },
    async (request, reply) => {
      await keeps(request, { market: request.body.marketId })
      reply.status(201)
      return levies.createStall(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)
    },
  )

  app.post(
    `${base}/stalls/bulk`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Adds stalls to markets, or changes the class and area of those they have (by market and code), each item answered on its own',
        params: TenantParams,
        body: BulkBody(CreateStall, 'Stalls'),
        response: { 200: BulkAnswer(), ...errors },
      },
    },
    async (request) =>
      levies.bulkSaveStalls(ctx.db, tenantOf(request).code, principalOf(request).actor, agenciesOf(request, 'levies.market.write'), request.body.items),
  )

  app.post(
    `${base}/stalls/range`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Adds a numbered range of alike stalls (A-01 … A-20); codes the market already has are answered as rejected',
        params: TenantParams,
        body: CreateStallRange,
        response: { 200: BulkResult, ...errors },
      },
    },
    async (request) => {
      const { to, width } = request.body
      await keeps(request, { market: request.body.marketId })
      return levies.createStallRange(ctx.db, tenantOf(request).code, principalOf(request).actor, { ...request.body, width: width ?? String(to).length })
    },
  )

  app.patch(
    `${base}/stalls/:id`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Changes a stall’s class or area for bills to come, or takes it out of use (isActive false) once no permit holds it',
        params: IdParams,
        body: UpdateStall,
        response: { 200: Stall, ...errors },
      },
    },
    async (request) => {
      await keeps(request, { stall: request.params.id })
      return levies.updateStall(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body)
    },
  )

  app.get(
    `${base}/vendors`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Vendors by name, code, phone or stall code (NIK masked but for administrators)',
        params: TenantParams,
        querystring: Type.Object({
          q: Type.Optional(Type.String({ maxLength: 60 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 200: Page(Vendor), ...errors },
      },
    },
    async (request) => {
      const page = await levies.vendors(
        ctx.db,
        tenantOf(request).code,
        { search: request.query.q, cursor: cursorKey(request.query.cursor), limit: request.query.limit ?? 50 },
        showsNik(request),
      )
      return { items: page.items, total: page.total, next: page.last ? encodeCursor({ k: page.last }) : null }
    },
  )

  app.get(
    `${base}/vendors/:id`,
    {
      config: { action: 'levies.read' },
      schema: { tags, summary: 'A vendor with the stalls held today', params: IdParams, response: { 200: Vendor, ...errors } },
    },
    async (request) => levies.vendor(ctx.db, tenantOf(request).code, request.params.id, showsNik(request)),
  )

  app.post(
    `${base}/vendors`,
    {
      config: { action: 'levies.vendor.write' },
      schema: { tags, summary: 'Adds a vendor', params: TenantParams, body: CreateVendor, response: { 201: Vendor, ...errors } },
    },
    async (request, reply) => {
      await office(request, 'levies.vendor.write')
      reply.status(201)
      return levies.createVendor(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body, showsNik(request))
    },
  )

  app.post(
    `${base}/vendors/bulk`,
    {
      config: { action: 'levies.vendor.write' },
      schema: {
        tags,
        summary: 'Adds vendors, or changes the name, phone and NIK of those whose code exists, each item answered on its own',
        params: TenantParams,
        body: BulkBody(CreateVendor, 'Vendors'),
        response: { 200: BulkAnswer(), ...errors },
      },
    },
    async (request) => {
      await office(request, 'levies.vendor.write')
      return levies.bulkSaveVendors(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.items)
    },
  )

  app.patch(
    `${base}/vendors/:id`,
    {
      config: { action: 'levies.vendor.write' },
      schema: {
        tags,
        summary: 'Changes a vendor’s name, phone or NIK (the code stays)',
        params: IdParams,
        body: UpdateVendor,
        response: { 200: Vendor, ...errors },
      },
    },
    async (request) => {
      await office(request, 'levies.vendor.write')
      return levies.updateVendor(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body, showsNik(request))
    },
  )

  app.get(
    `${base}/permits`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Permits of a vendor or a stall',
        params: TenantParams,
        querystring: Type.Object({ vendor: Type.Optional(Type.String({ format: 'uuid' })), stall: Type.Optional(Type.String({ format: 'uuid' })) }),
        response: { 200: Page(Permit), ...errors },
      },
    },
    async (request) => {
      const items = await levies.permits(ctx.db, tenantOf(request).code, request.query.vendor ?? null, request.query.stall ?? null)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    `${base}/permits`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Lets a stall to a vendor over a period (no overlaps)',
        params: TenantParams,
        body: CreatePermit,
        response: { 201: Permit, ...errors },
      },
    },
    async (request, reply) => {
      await keeps(request, { stall: request.body.stallId })
      reply.status(201)
      return levies.createPermit(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)
    },
  )

  app.post(
    `${base}/permits/:id/end`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Ends a permit early on a date: no bill charges a day after it (refused if one already does)',
        params: IdParams,
        body: EndPermit,
        response: { 200: Permit, ...errors },
      },
    },
    async (request) => {
      await keeps(request, { permit: request.params.id })
      return levies.endPermit(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body.endsOn)
    },
  )

  app.get(
    `${base}/tariffs`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Tariffs per stall kind and class, with legal basis and effective date',
        params: TenantParams,
        response: { 200: Page(Tariff), ...errors },
      },
    },
    async (request) => {
      const items = await levies.tariffs(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    `${base}/tariffs`,
    {
      config: { action: 'levies.tariff.write' },
      schema: {
        tags,
        summary: 'Adds a tariff from a date (bills already issued keep their amounts)',
        params: TenantParams,
        body: CreateTariff,
        response: { 201: Tariff, ...errors },
      },
    },
    async (request, reply) => {
      await office(request, 'levies.tariff.write')
      reply.status(201)
      return levies.createTariff(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)
    },
  )

  // Yearly levy targets, which the levy realisation indicator measures against

  app.get(
    `${base}/targets`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Every market with its levy target for a year (amount null where none is set)',
        params: TenantParams,
        querystring: Type.Object({ year: Type.Integer({ minimum: 2000, maximum: 2100 }) }),
        response: { 200: Page(Target), ...errors },
      },
    },
    async (request) => {
      const items = await levies.targets(ctx.db, tenantOf(request).code, request.query.year)
      return { items, total: items.length, next: null }
    },
  )

  app.put(
    `${base}/markets/:id/targets/:year`,
    {
      config: { action: 'levies.market.write' },
      schema: {
        tags,
        summary: 'Sets (or replaces) the levy a market is expected to bring in over a year',
        params: TargetParams,
        body: PutTarget,
        response: { 200: Target, ...errors },
      },
    },
    async (request) => {
      await keeps(request, { market: request.params.id })
      const { id, year } = request.params
      return levies.setTarget(ctx.db, tenantOf(request).code, principalOf(request).actor, id, year, request.body.amount)
    },
  )

  // Bills

  app.post(
    `${base}/bills/generate`,
    {
      config: { action: 'levies.bill.generate' },
      schema: {
        tags,
        summary: 'Asks the durable job to issue a period’s bills (SKRD); asking again issues nothing twice',
        params: TenantParams,
        body: Type.Object({ period: Type.String({ pattern: '^[0-9]{4}-(0[1-9]|1[0-2])$' }) }, { additionalProperties: false }),
        response: { 202: Type.Object({ period: Type.String(), queued: Type.Boolean() }), ...errors },
      },
    },
    async (request, reply) => {
      await office(request, 'levies.bill.generate')
      await levies.requestGeneration(ctx.db, tenantOf(request).code, request.body.period, principalOf(request).actor)
      reply.status(202)
      return { period: request.body.period, queued: true }
    },
  )

  app.get(
    `${base}/bills`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Bills, newest number first, by period, status, market, vendor, overdue',
        params: TenantParams,
        querystring: BillQuery,
        response: { 200: Page(Bill), ...errors },
      },
    },
    async (request) => {
      const q = request.query
      const limit = q.limit ?? 50
      const statuses = q.status ? [...new Set(q.status.split(',').flatMap((x) => (x === 'open' ? ['unpaid', 'partial'] : [x])))] : null
      const page = await levies.bills(ctx.db, tenantOf(request).code, {
        period: q.period ?? null,
        statuses: statuses as BillStatus[] | null,
        marketId: q.market ?? null,
        vendorId: q.vendor ?? null,
        overdue: q.overdue ?? false,
        after: cursorKey(q.cursor),
        limit,
      })
      const last = page.items[page.items.length - 1]
      return { items: page.items, total: page.total, next: page.items.length === limit && last ? encodeCursor({ k: last.number }) : null }
    },
  )

  app.get(
    `${base}/bills/:number`,
    {
      config: { action: 'levies.read' },
      schema: { tags, summary: 'A bill with its lines, sanction and payments', params: BillParams, response: { 200: BillDetail, ...errors } },
    },
    async (request) => levies.bill(ctx.db, tenantOf(request).code, request.params.number),
  )

  app.get(
    `${base}/bills/:number/qris`,
    {
      config: { action: 'levies.read' },
      schema: { tags, summary: 'The dynamic QRIS of what is owed on a bill, payload and PNG', params: BillParams, response: { 200: Qris, ...errors } },
    },
    async (request) => levies.qris(ctx.db, tenantOf(request).code, request.params.number),
  )

  app.post(
    `${base}/qris/verify`,
    {
      config: { action: 'levies.qris.verify' },
      schema: {
        tags,
        summary: 'Parses and verifies a QRIS string (TLV, CRC) and finds the bill it names',
        params: TenantParams,
        body: Type.Object({ payload: Type.String({ minLength: 1, maxLength: 512 }) }, { additionalProperties: false }),
        response: {
          200: Type.Object({
            isDynamic: Type.Boolean(),
            merchantName: Type.String(),
            city: Type.String(),
            country: Type.String(),
            currency: Type.String(),
            amount: Type.Union([Type.Number(), Type.Null()]),
            billNumber: Type.Union([Type.String(), Type.Null()]),
            terminal: Type.Union([Type.String(), Type.Null()]),
            nmid: Type.Union([Type.String(), Type.Null()]),
            bill: Type.Union([
              Type.Object({ number: Type.String(), status: Type.String(), outstanding: Type.Number(), amountMatches: Type.Boolean() }),
              Type.Null(),
            ]),
          }),
          ...errors,
        },
      },
    },
    async (request) => levies.verifyQris(ctx.db, tenantOf(request).code, request.body.payload),
  )

  // Payments

  app.post(
    `${base}/bills/:number/payments`,
    {
      config: { action: 'levies.payment.take' },
      schema: {
        tags,
        summary: 'Records a payment (cash by a collector, card with the EDC reference, transfer/VA, QRIS); partial allowed, overpayment refused',
        params: BillParams,
        body: Pay,
        response: { 201: Receipt, ...errors },
      },
    },
    async (request, reply) => {
      // Collectors take payments on every market in the field; an officer only on their own OPD's markets.
      await keeps(request, { bill: request.params.number }, 'levies.payment.take')
      const { receipt } = await levies.pay(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.number, request.body)
      reply.status(201)
      return receipt
    },
  )

  app.get(
    `${base}/payments`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Payments of a day (the tenant’s date), newest receipt first',
        params: TenantParams,
        querystring: Type.Object({
          date: Type.Optional(Type.String({ format: 'date' })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 500 })),
        }),
        response: { 200: Page(Type.Omit(Receipt, ['bill'])), ...errors },
      },
    },
    async (request) => {
      const limit = request.query.limit ?? 50
      const page = await levies.payments(ctx.db, tenantOf(request).code, { date: request.query.date, cursor: cursorKey(request.query.cursor), limit })
      const last = page.items[page.items.length - 1]
      return { ...page, next: page.items.length === limit && last ? encodeCursor({ k: last.receipt }) : null }
    },
  )

  app.get(
    `${base}/payments/:receipt`,
    {
      config: { action: 'levies.read' },
      schema: { tags, summary: 'A receipt (STS / bukti bayar) with its bill', params: ReceiptParams, response: { 200: Receipt, ...errors } },
    },
    async (request) => levies.receipt(ctx.db, tenantOf(request).code, request.params.receipt),
  )

  app.post(
    `${base}/payments/callback/midtrans`,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Midtrans HTTP notification: signature checked, settlement/capture pays the bill once, other statuses are recorded',
        params: TenantParams,
        body: MidtransNotification,
        response: { 200: Type.Object({ outcome: Type.String(), receipt: Type.Union([Type.String(), Type.Null()]) }), ...errors, 503: ErrorBody },
      },
    },
    async (request) => {
      const provider = s.midtrans()
      if (!provider) throw new DomainError('unavailable', 'Payment notifications are off: MIDTRANS_SERVER_KEY is not set')
      return levies.notify(ctx.db, tenantOf(request).code, provider, request.body as Record<string, unknown>, (msg, data) => request.log.warn(data, msg))
    },
  )

  app.get(
    `${base}/notifications`,
    {
      config: { action: 'levies.notification.read' },
      schema: {
        tags,
        summary: 'Payment provider notifications as received, with what each did (paid, recorded, duplicate, rejected)',
        params: TenantParams,
        querystring: Type.Object({
          order: Type.Optional(Type.String({ maxLength: 64 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: Page(Notification), ...errors },
      },
    },
    async (request) => {
      await office(request, 'levies.notification.read')
      const items = await levies.notifications(ctx.db, tenantOf(request).code, request.query.order ?? null, request.query.limit ?? 100)
      return { items, total: items.length, next: null }
    },
  )

  // Vendor self-service on the public portal: the vendor code and phone number stand for a login. They travel in
  // POST bodies, never in a URL: query strings end up in access logs and browser history.

  const VendorProof = Type.Object(
    {
      vendor: Type.String({ minLength: 1, maxLength: 30, description: 'The vendor code' }),
      phone: Type.String({ pattern: '^[0-9+() -]{6,20}$', description: 'The phone number the market office holds' }),
    },
    { additionalProperties: false },
  )
  const publicErrors = { ...errors, 429: ErrorBody }

  app.post(
    `${base}/public/bills`,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A vendor’s own bills and receipts, by vendor code and phone number',
        params: TenantParams,
        body: VendorProof,
        response: {
          200: Type.Object({
            vendor: Type.Object({ code: Type.String(), name: Type.String() }),
            bills: Type.Array(Type.Intersect([Bill, Type.Object({ receipts: Type.Array(Type.String()) })])),
          }),
          ...publicErrors,
        },
      },
    },
    async (request) => levies.vendorBills(ctx.db, tenantOf(request).code, request.body.vendor, request.body.phone),
  )

  app.post(
    `${base}/public/bills/:number/qris`,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The QRIS of one of the vendor’s own bills',
        params: BillParams,
        body: VendorProof,
        response: { 200: Qris, ...publicErrors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      await levies.ownBill(ctx.db, tenant, request.body.vendor, request.body.phone, request.params.number)
      return levies.qris(ctx.db, tenant, request.params.number)
    },
  )

  app.post(
    `${base}/public/payments/:receipt`,
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A receipt of one of the vendor’s own payments',
        params: ReceiptParams,
        body: VendorProof,
        response: { 200: Receipt, ...publicErrors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const receipt = await levies.receipt(ctx.db, tenant, request.params.receipt)
      await levies.ownBill(ctx.db, tenant, request.body.vendor, request.body.phone, receipt.billNumber)
      return receipt
    },
  )

  // Collectors' days, revenue, arrears

  app.post(
    `${base}/collector-days`,
    {
      config: { action: 'levies.collector_day.open' },
      schema: { tags, summary: 'Opens the caller’s collecting day', params: TenantParams, response: { 201: CollectorDay, ...errors } },
    },
    async (request, reply) => {
      await office(request, 'levies.collector_day.open')
      reply.status(201)
      return levies.openDay(ctx.db, tenantOf(request).code, principalOf(request).actor)
    },
  )

  app.get(
    `${base}/collector-days`,
    {
      config: { action: 'levies.collector_day.read' },
      schema: {
        tags,
        summary: 'Collecting days (a collector sees their own), newest first',
        params: TenantParams,
        response: { 200: Page(CollectorDay), ...errors },
      },
    },
    async (request) => {
      const items = await levies.days(ctx.db, tenantOf(request).code, (await isOffice(request)) ? null : principalOf(request).actor, 200)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    `${base}/collector-days/:id/close`,
    {
      config: { action: 'levies.collector_day.close' },
      schema: {
        tags,
        summary: 'Closes a day with the cash deposited; a difference from the cash recorded is flagged',
        params: IdParams,
        body: Type.Object({ deposit: Type.Integer({ minimum: 0, maximum: 10_000_000_000 }) }, { additionalProperties: false }),
        response: { 200: CollectorDay, ...errors },
      },
    },
    async (request) =>
      levies.closeDay(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body.deposit, await isOffice(request)),
  )

  app.get(
    `${base}/revenue`,
    {
      config: { action: 'levies.revenue.read' },
      schema: {
        tags,
        summary: 'A day’s collection, cashless share and arrears per market',
        params: TenantParams,
        querystring: DateQuery,
        response: { 200: Revenue, ...errors },
      },
    },
    async (request) => levies.revenue(ctx.db, tenantOf(request).code, request.query.date),
  )

  app.get(
    `${base}/arrears`,
    {
      config: { action: 'levies.read' },
      schema: {
        tags,
        summary: 'Arrears aging per market or vendor',
        params: TenantParams,
        querystring: Type.Object({
          by: Type.Optional(Type.Union([Type.Literal('market'), Type.Literal('vendor')])),
          date: Type.Optional(Type.String({ format: 'date' })),
        }),
        response: { 200: Page(Arrears), ...errors },
      },
    },
    async (request) => {
      const items = await levies.arrears(ctx.db, tenantOf(request).code, request.query.by ?? 'market', request.query.date)
      return { items, total: items.length, next: null }
    },
  )
}
