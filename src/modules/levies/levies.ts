import type { Database, Queryable } from '../../core/db/database.ts'
import { nextSerial } from '../../core/db/serial.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import { BulkOutcome, problem } from '../../core/http/bulk.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import { dateInZone } from '../../core/time.ts'
import { levyError } from './errors.ts'
import { recordLevyEvent } from './events.ts'
import type { TenancyLookups } from './ports.ts'
import { NoticeRejected, type PaymentMethod, type PaymentProvider } from './providers.ts'
import { buildDynamicQris, type ParsedQris, parseQris, QrisError, qrisPng } from './qris.ts'
import { addDays, billLines, daysBetween, periodBounds, type StallKind, sanctionOf, type TariffBasis, type TariffRow } from './reckoning.ts'
import * as store from './store.ts'

export const JOB_GENERATE = 'levies.generate'
export const JOB_MONTHLY = 'levies.monthly'
const SYSTEM_ACTOR = 'system:levies'

const DEFAULT_SETTINGS: store.SettingsRow = {
  sanctionPercent: 1,
  sanctionMaxMonths: 24,
  dueDays: 10,
  qrisAcquirer: 'ID.CO.BANKJATENG.WWW',
  qrisPan: '936001130000012345',
  qrisMerchantId: '000000012345',
  qrisNmid: 'ID1025000012345',
  qrisMcc: '9311',
}

/** The most stalls one range adds. */
export const MAX_STALL_RANGE = 500

/** `A-`, 1 … 3, width 2 → `A-01`, `A-02`, `A-03`. */
export function stallCodes(prefix: string, from: number, to: number, width: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => `${prefix}${String(from + i).padStart(width, '0')}`)
}

/**
 * The managing OPD of a market an officer adds or moves: one of their own (the only one when they name none);
 * an administrator's choice stands as it is.
 */
export function managerFor(agencies: 'all' | string[], agencyId: string | null | undefined): string | null | undefined {
  if (agencies === 'all') return agencyId
  if (agencies.length === 0) throw new Forbidden('You act for no OPD; an administrator links you to yours')
  if (agencyId === undefined || agencyId === null) {
    if (agencies.length === 1) return agencies[0]
    throw new Invalid('Choose which of your OPDs manages the market', { field: 'agencyId' })
  }
  if (!agencies.includes(agencyId)) throw new Forbidden('A market can only be given to an OPD you work for', { field: 'agencyId' })
  return agencyId
}

/** `3271********0001`: enough to tell two vendors apart, not enough to use the number. */
export function maskNik(nik: string | null): string | null {
  if (!nik) return null
  return nik.length <= 8 ? '*'.repeat(nik.length) : `${nik.slice(0, 4)}${'*'.repeat(nik.length - 8)}${nik.slice(-4)}`
}

/** Phone numbers as vendors type them: 0812…, +62812…, 62 812-…: the same number. */
export function samePhone(a: string, b: string): boolean {
  const plain = (p: string) => p.replace(/[^0-9]/g, '').replace(/^62/, '0')
  return plain(a) === plain(b) && plain(a).length >= 6
}

const tenantDigits = (tenant: string) => tenant.replaceAll('.', '')
const billNumber = (tenant: string, year: number, serial: number) => `SKRD-${tenantDigits(tenant)}-${year}-${String(serial).padStart(6, '0')}`
const receiptNumber = (tenant: string, year: number, serial: number) => `STS-${tenantDigits(tenant)}-${year}-${String(serial).padStart(6, '0')}`

/** A row that belongs to a market: the market itself, a stall, a permit or a bill (by number). */
export type KeptRef = { market: string } | { stall: string } | { permit: string } | { bill: string }

export type Bill = store.BillRow & { outstanding: number; isOverdue: boolean }

export interface PaymentInput {
  amount: number
  method: PaymentMethod
  reference?: string
}

export interface Receipt extends store.PaymentRow {
  bill: Bill
}

export interface AgingBucket {
  key: { id: string; code: string; name: string }
  bills: number
  outstanding: number
  buckets: { d1_30: number; d31_60: number; d61_90: number; over_90: number }
}

/** e-Retribusi: markets, stalls, vendors, permits, tariffs; bills per period; payments and receipts. */
export class LevyService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly tenancy: TenancyLookups,
  ) {}

  async today(db: Queryable, tenant: string): Promise<string> {
    return dateInZone(new Date(), await this.tenancy.timezone(db, tenant))
  }

  // Settings

  async settings(db: Queryable, tenant: string): Promise<store.SettingsRow> {
    return (await store.findSettings(db, tenant)) ?? DEFAULT_SETTINGS
  }

  async putSettings(db: Database, tenant: string, actor: string, input: Partial<store.SettingsRow>): Promise<store.SettingsRow> {
    return db.transaction(async (tx) => {
      const next = { ...(await this.settings(tx, tenant)), ...input }
      await store.upsertSettings(tx, tenant, next)
      await recordLevyEvent(this.events, tx, tenant, actor, {
        topic: 'levy_config',
        type: 'levy_settings.changed',
        entity: tenant,
        data: { fields: Object.keys(input) },
      })
      return next
    })
  }

  // Markets, stalls, vendors, permits, tariffs

  markets(db: Queryable, tenant: string) {
    return store.listMarkets(db, tenant)
  }

  async market(db: Queryable, tenant: string, id: string): Promise<store.MarketRow> {
    const found = await store.findMarket(db, tenant, id)
    if (!found) throw new NotFound(`There is no market ${id} in ${tenant}`)
    return found
  }

  /**
   * Who keeps the market a market, stall, permit or bill belongs to: its managing OPD's id, null for a market
   * with none, undefined when there is no such row (the call that follows answers that).
   */
  async managerOf(db: Queryable, tenant: string, ref: KeptRef): Promise<string | null | undefined> {
    let marketId: string | undefined
    if ('market' in ref) marketId = ref.market
    else if ('bill' in ref) marketId = (await store.findBill(db, tenant, ref.bill))?.market.id
    else {
      const stallId = 'stall' in ref ? ref.stall : (await store.findPermit(db, tenant, ref.permit))?.stallId
      marketId = stallId ? (await store.findStall(db, tenant, await this.today(db, tenant), stallId))?.marketId : undefined
    }
    if (!marketId) return undefined
    const market = await store.findMarket(db, tenant, marketId)
    return market ? market.agencyId : undefined
  }

  /** Refuses an officer a market of another OPD (or of none); `agencies` are those the caller acts for. */
  async assertKeeps(db: Queryable, tenant: string, agencies: 'all' | string[], ref: KeptRef) {
    if (agencies === 'all') return
    const manager = await this.managerOf(db, tenant, ref)
    if (manager === undefined) return
    if (manager === null || !agencies.includes(manager)) throw new Forbidden('Only administrators and officers of the market’s managing OPD keep this market')
  }

  /** Refuses the market office's city-wide work (tariffs, vendors, bill runs) to an officer whose OPDs manage no market. */
  async assertMarketOffice(db: Queryable, tenant: string, agencies: 'all' | string[]) {
    if (agencies === 'all') return
    const markets = await store.listMarkets(db, tenant)
    if (!markets.some((m) => m.agencyId !== null && agencies.includes(m.agencyId))) {
      throw new Forbidden('This is the market office’s: administrators and officers of an OPD that manages a market')
    }
  }

  /** The kelurahan a market's location lies in; a point outside the tenant is refused. */
  private async kelurahanOf(db: Queryable, tenant: string, location: GeoPoint) {
    const [lon, lat] = location.coordinates
    const kelurahan = await this.tenancy.kelurahanAt(db, tenant, lon, lat)
    if (!kelurahan) throw new Invalid(`The point ${lon}, ${lat} lies outside ${tenant}`, { field: 'location' })
    return kelurahan
  }

  async createMarket(
    db: Database,
    tenant: string,
    actor: string,
    input: {
      code: string
      name: string
      address?: string
      location: GeoPoint
      agencyId?: string | null
      qrisName?: string
      qrisCity?: string
      postalCode?: string | null
      terminal?: string
    },
  ): Promise<store.MarketRow> {
    const kelurahan = await this.kelurahanOf(db, tenant, input.location)
    if (input.agencyId && !(await this.tenancy.hasAgency(db, tenant, input.agencyId))) {
      throw new Invalid(`There is no agency ${input.agencyId} in ${tenant}`, { field: 'agencyId' })
    }
    return db.transaction(async (tx) => {
      if (await store.findMarketByCode(tx, tenant, input.code)) throw new Conflict(`The market code ${input.code} is taken`, { field: 'code' })
      const id = await store.insertMarket(tx, tenant, {
        code: input.code,
        name: input.name,
        address: input.address ?? null,
        location: input.location,
        kelurahan,
        agencyId: input.agencyId ?? null,
        qrisName: (input.qrisName ?? `UPT ${input.name}`).toUpperCase().slice(0, 25),
        qrisCity: (input.qrisCity ?? 'KOTA').toUpperCase().slice(0, 15),
        postalCode: input.postalCode ?? null,
        terminal: (input.terminal ?? input.code)
          .toUpperCase()
          .replace(/[^A-Z0-9]/g, '')
          .slice(0, 25),
      })
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_market.created', entity: id, data: { code: input.code } })
      return this.market(tx, tenant, id)
    })
  }

  /** Changes a market's name, address, location, OPD or QRIS labels; its code stays, bills and receipts name it. */
  async updateMarket(
    db: Database,
    tenant: string,
    actor: string,
    id: string,
    input: {
      name?: string
      address?: string | null
      location?: GeoPoint
      agencyId?: string | null
      qrisName?: string
      qrisCity?: string
      postalCode?: string | null
      terminal?: string
    },
  ): Promise<store.MarketRow> {
    if (input.agencyId && !(await this.tenancy.hasAgency(db, tenant, input.agencyId))) {
      throw new Invalid(`There is no agency ${input.agencyId} in ${tenant}`, { field: 'agencyId' })
    }
    const kelurahan = input.location ? await this.kelurahanOf(db, tenant, input.location) : null
    return db.transaction(async (tx) => {
      await this.market(tx, tenant, id)
      if (input.location && kelurahan) await store.moveMarket(tx, tenant, id, input.location, kelurahan)
      const change = {
        ...input,
        qrisName: input.qrisName?.toUpperCase(),
        qrisCity: input.qrisCity?.toUpperCase(),
        terminal: input.terminal?.toUpperCase(),
      }
      await store.updateMarket(tx, tenant, id, change)
      await recordLevyEvent(this.events, tx, tenant, actor, {
        topic: 'levy_config',
        type: 'levy_market.changed',
        entity: id,
        data: { fields: Object.keys(input) },
      })
      return this.market(tx, tenant, id)
    })
  }

  /** A page of stalls (of a market, whose code holds `search`), each with the vendor holding it today. */
  async stalls(db: Queryable, tenant: string, q: { marketId: string | null; search?: string; after: store.StallPosition | null; limit: number }) {
    const page = await store.listStalls(db, tenant, await this.today(db, tenant), { ...q, search: q.search?.trim() || null })
    const last = page.items.length === q.limit ? page.items[page.items.length - 1] : undefined
    return { ...page, last: last ? { n: last.marketName, m: last.marketId, c: last.code } : null }
  }

  async createStall(
    db: Database,
    tenant: string,
    actor: string,
    input: { marketId: string; code: string; kind: StallKind; class: string; areaM2: number },
  ): Promise<store.StallRow> {
    return db.transaction(async (tx) => {
      if (!(await store.findMarket(tx, tenant, input.marketId))) throw new Invalid(`There is no market ${input.marketId} in ${tenant}`, { field: 'marketId' })
      const id = await store.insertStall(tx, tenant, input)
      if (!id) throw new Conflict(`The market already has a stall ${input.code}`, { field: 'code' })
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_stall.created', entity: id, data: { code: input.code } })
      const stall = await store.findStall(tx, tenant, await this.today(tx, tenant), id)
      if (!stall) throw new NotFound(`There is no stall ${id}`)
      return stall
    })
  }

  /**
   * Adds a numbered range of alike stalls at once (`A-01` … `A-20`): the codes are `prefix` and the number
   * padded to `width` digits. Codes the market already has are left as they are and answered as rejected.
   */
  async createStallRange(
    db: Database,
    tenant: string,
    actor: string,
    input: { marketId: string; prefix: string; from: number; to: number; width: number; kind: StallKind; class: string; areaM2: number },
  ): Promise<{ accepted: number; rejected: { index: number; field: string; message: string }[] }> {
    if (input.to < input.from) throw new Invalid(`to (${input.to}) comes before from (${input.from})`, { field: 'to' })
    if (input.to - input.from >= MAX_STALL_RANGE) throw new Invalid(`At most ${MAX_STALL_RANGE} stalls at once`, { field: 'to' })
    const codes = stallCodes(input.prefix, input.from, input.to, input.width)
    return db.transaction(async (tx) => {
      if (!(await store.findMarket(tx, tenant, input.marketId))) throw new Invalid(`There is no market ${input.marketId} in ${tenant}`, { field: 'marketId' })
      const added = new Set(await store.insertStallRange(tx, tenant, { ...input, codes }))
      if (added.size > 0) {
        await recordLevyEvent(this.events, tx, tenant, actor, {
          topic: 'levy_config',
          type: 'levy_stall.range_created',
          entity: input.marketId,
          data: { first: codes[0], last: codes[codes.length - 1], created: added.size },
        })
      }
      const rejected = codes.flatMap((code, index) => (added.has(code) ? [] : [{ index, field: 'code', message: `The market already has a stall ${code}` }]))
      return { accepted: added.size, rejected }
    })
  }

  /**
   * Changes a stall's class or area (bills already issued keep theirs) or takes it out of use; a stall let
   * today or later cannot be taken out of use until its permit ends.
   */
  async updateStall(
    db: Database,
    tenant: string,
    actor: string,
    id: string,
    input: { class?: string; areaM2?: number; isActive?: boolean },
  ): Promise<store.StallRow> {
    return db.transaction(async (tx) => {
      const today = await this.today(tx, tenant)
      const [locked] = await tx.query('SELECT 1 FROM levy_stalls WHERE tenant = $1 AND id = $2 FOR UPDATE', [tenant, id])
      if (!locked) throw new NotFound(`There is no stall ${id} in ${tenant}`)
      if (input.isActive === false) {
        const [held] = await store.overlappingPermits(tx, tenant, id, today, null)
        if (held) throw new Conflict('The stall is let; end its permit before taking it out of use', { permitId: held.id })
      }
      await store.updateStall(tx, tenant, id, input)
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_stall.changed', entity: id, data: { ...input } })
      const stall = await store.findStall(tx, tenant, today, id)
      if (!stall) throw new NotFound(`There is no stall ${id}`)
      return stall
    })
  }

  /**
   * Adds stalls, or changes the class and area of those a market has, each item answered on its own: a market
   * not in the tenant or not kept by the caller's OPDs, a repeated code, or a code held by another kind of stall
   * fails that item only.
   */
  async bulkSaveStalls(
    db: Database,
    tenant: string,
    actor: string,
    agencies: 'all' | string[],
    items: { marketId: string; code: string; kind: StallKind; class: string; areaM2: number }[],
  ) {
    const out = new BulkOutcome()
    const markets = new Map<string, store.MarketRow | null>()
    for (const id of new Set(items.map((i) => i.marketId))) markets.set(id, await store.findMarket(db, tenant, id))
    items.forEach((item, index) => {
      const market = markets.get(item.marketId)
      if (!market)
        out.fail(index, problem('invalid', 'marketId', `Pasar ${item.marketId} tidak ada di ${tenant}`, `There is no market ${item.marketId} in ${tenant}`))
      else if (agencies !== 'all' && (market.agencyId === null || !agencies.includes(market.agencyId)))
        out.fail(index, problem('forbidden', 'marketId', `Pasar ${market.name} bukan kelolaan OPD Anda`, `Market ${market.name} is not kept by your OPD`))
    })
    out.firstOfEach(
      items.map((i) => `${i.marketId}/${i.code}`),
      'code',
      { id: 'Los/kios', en: 'Stall' },
    )
    const rows = items.flatMap((item, index) => (out.isFailed(index) ? [] : [{ index, item }]))
    if (rows.length === 0) return out.answer(items.length)
    await db.transaction(async (tx) => {
      const saved = new Map(
        (
          await store.saveStalls(
            tx,
            tenant,
            rows.map((r) => r.item),
          )
        ).map((r) => [`${r.marketId}/${r.code}`, r]),
      )
      for (const { index, item } of rows) {
        const stall = saved.get(`${item.marketId}/${item.code}`)
        if (stall) out.stored(index, stall.id, stall.isCreated)
        else out.fail(index, problem('conflict', 'kind', `Kode ${item.code} dipakai tempat jenis lain`, `Code ${item.code} belongs to a stall of another kind`))
      }
      const { created, updated } = out.answer(items.length)
      if (created + updated > 0)
        await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_stall.bulk_saved', entity: null, data: { created, updated } })
    })
    return out.answer(items.length)
  }

  /** Adds vendors, or changes the name, phone and NIK of those whose code exists, each item answered on its own. */
  async bulkSaveVendors(db: Database, tenant: string, actor: string, items: { code: string; name: string; phone?: string | null; nik?: string | null }[]) {
    const out = new BulkOutcome()
    out.firstOfEach(
      items.map((i) => i.code),
      'code',
      { id: 'Kode pedagang', en: 'Vendor code' },
    )
    const rows = items.flatMap((item, index) => (out.isFailed(index) ? [] : [{ index, item }]))
    if (rows.length === 0) return out.answer(items.length)
    await db.transaction(async (tx) => {
      const saved = await store.saveVendors(
        tx,
        tenant,
        rows.map(({ item }) => ({ code: item.code, name: item.name, phone: item.phone ? item.phone.replace(/[^0-9+]/g, '') : null, nik: item.nik ?? null })),
      )
      const byCode = new Map(saved.map((v) => [v.code, v]))
      for (const { index, item } of rows) {
        const vendor = byCode.get(item.code)
        if (vendor) out.stored(index, vendor.id, vendor.isCreated)
      }
      const { created, updated } = out.answer(items.length)
      // Counts only: the NIKs and phones stay out of the event log.
      if (created + updated > 0)
        await recordLevyEvent(this.events, tx, tenant, actor, {
          topic: 'levy_config',
          type: 'levy_vendor.bulk_saved',
          entity: null,
          data: { created, updated },
        })
    })
    return out.answer(items.length)
  }

  /** Vendors with the NIK masked unless the caller may see it. */
  async vendors(db: Queryable, tenant: string, q: { search?: string; cursor?: string | null; limit: number }, showNik: boolean) {
    const page = await store.listVendors(db, tenant, await this.today(db, tenant), {
      search: q.search?.trim() || null,
      after: q.cursor ?? null,
      limit: q.limit,
    })
    const items = page.items.map((v) => this.shownVendor(v, showNik))
    return { items, total: page.total, last: items.length === q.limit ? (items[items.length - 1]?.code ?? null) : null }
  }

  private shownVendor(v: store.VendorRow, showNik: boolean): store.VendorRow {
    return { ...v, nik: showNik ? v.nik : maskNik(v.nik) }
  }

  async vendor(db: Queryable, tenant: string, id: string, showNik: boolean): Promise<store.VendorRow> {
    const found = await store.findVendor(db, tenant, await this.today(db, tenant), id)
    if (!found) throw new NotFound(`There is no vendor ${id} in ${tenant}`)
    return this.shownVendor(found, showNik)
  }

  async createVendor(
    db: Database,
    tenant: string,
    actor: string,
    input: { code: string; name: string; phone?: string | null; nik?: string | null },
    showNik: boolean,
  ): Promise<store.VendorRow> {
    return db.transaction(async (tx) => {
      const phone = input.phone ? input.phone.replace(/[^0-9+]/g, '') : null
      const id = await store.insertVendor(tx, tenant, { code: input.code, name: input.name, phone, nik: input.nik ?? null })
      if (!id) throw new Conflict(`The vendor code ${input.code} is taken`, { field: 'code' })
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_vendor.created', entity: id, data: { code: input.code } })
      return this.vendor(tx, tenant, id, showNik)
    })
  }

  /** Changes a vendor's name, phone or NIK; the code stays, it is what the vendor signs in with. */
  async updateVendor(
    db: Database,
    tenant: string,
    actor: string,
    id: string,
    input: { name?: string; phone?: string | null; nik?: string | null },
    showNik: boolean,
  ): Promise<store.VendorRow> {
    return db.transaction(async (tx) => {
      await this.vendor(tx, tenant, id, false)
      const phone = input.phone ? input.phone.replace(/[^0-9+]/g, '') : input.phone
      await store.updateVendor(tx, tenant, id, { ...input, phone })
      // The fields changed, never their values: the NIK and phone stay out of the event log.
      await recordLevyEvent(this.events, tx, tenant, actor, {
        topic: 'levy_config',
        type: 'levy_vendor.changed',
        entity: id,
        data: { fields: Object.keys(input) },
      })
      return this.vendor(tx, tenant, id, showNik)
    })
  }

  permits(db: Queryable, tenant: string, vendorId: string | null, stallId: string | null) {
    return store.listPermits(db, tenant, vendorId, stallId)
  }

  async createPermit(
    db: Database,
    tenant: string,
    actor: string,
    input: { vendorId: string; stallId: string; startsOn: string; endsOn?: string | null },
  ): Promise<store.PermitRow> {
    const endsOn = input.endsOn ?? null
    if (endsOn && endsOn < input.startsOn) throw new Invalid('endsOn comes before startsOn', { field: 'endsOn' })
    return db.transaction(async (tx) => {
      const today = await this.today(tx, tenant)
      if (!(await store.findVendor(tx, tenant, today, input.vendorId)))
        throw new Invalid(`There is no vendor ${input.vendorId} in ${tenant}`, { field: 'vendorId' })
      const stall = await store.findStall(tx, tenant, today, input.stallId)
      if (!stall) throw new Invalid(`There is no stall ${input.stallId} in ${tenant}`, { field: 'stallId' })
      if (!stall.isActive) throw new Conflict(`The stall ${stall.code} is out of use`, { field: 'stallId' })
      // Serialises permits of one stall so two overlapping ones cannot both pass the check.
      await tx.query('SELECT 1 FROM levy_stalls WHERE tenant = $1 AND id = $2 FOR UPDATE', [tenant, input.stallId])
      const overlapping = await store.overlappingPermits(tx, tenant, input.stallId, input.startsOn, endsOn)
      if (overlapping.length > 0) throw new Conflict('The stall is already let for some of these days', { permitId: overlapping[0].id })
      const permit = { vendorId: input.vendorId, stallId: input.stallId, startsOn: input.startsOn, endsOn }
      const id = await store.insertPermit(tx, tenant, permit)
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_permit.created', entity: id, data: { ...permit } })
      return { id, ...permit, stall: { code: stall.code, marketName: stall.marketName } }
    })
  }

  /**
   * Ends a permit early: its last day becomes `endsOn`, so no bill charges a day after it. A bill already
   * issued for later days is never rewritten: the permit cannot end before the last day billed.
   */
  async endPermit(db: Database, tenant: string, actor: string, id: string, endsOn: string): Promise<store.PermitRow> {
    return db.transaction(async (tx) => {
      const permit = await store.findPermit(tx, tenant, id, true)
      if (!permit) throw new NotFound(`There is no permit ${id} in ${tenant}`)
      if (endsOn < permit.startsOn) throw new Invalid(`The permit starts on ${permit.startsOn}, after ${endsOn}`, { field: 'endsOn' })
      if (permit.endsOn && endsOn >= permit.endsOn)
        throw new Conflict(`The permit already ends on ${permit.endsOn}`, { field: 'endsOn', endsOn: permit.endsOn })
      const billed = await store.billChargingAfter(tx, tenant, id, endsOn)
      if (billed) throw new Conflict(`The bill ${billed} already charges days after ${endsOn}`, { field: 'endsOn', billNumber: billed })
      await store.endPermit(tx, tenant, id, endsOn)
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_permit.ended', entity: id, data: { endsOn } })
      return { ...permit, endsOn }
    })
  }

  tariffs(db: Queryable, tenant: string) {
    return store.listTariffs(db, tenant)
  }

  /** Adds a tariff from a date; earlier bills keep the amounts they were issued with. */
  async createTariff(
    db: Database,
    tenant: string,
    actor: string,
    input: { kind: StallKind; class: string; basis: TariffBasis; rate: number; legalBasis: string; effectiveFrom: string },
  ): Promise<TariffRow> {
    return db.transaction(async (tx) => {
      const row = await store.insertTariff(tx, tenant, input)
      if (!row) throw new Conflict(`A ${input.kind} class ${input.class} tariff already takes effect on ${input.effectiveFrom}`, { field: 'effectiveFrom' })
      await recordLevyEvent(this.events, tx, tenant, actor, {
        topic: 'levy_config',
        type: 'levy_tariff.created',
        entity: row.id,
        data: { kind: row.kind, class: row.class, effectiveFrom: row.effectiveFrom },
      })
      return row
    })
  }

  // Yearly levy targets

  /** Every market of the tenant with its levy target for the year (null where none is set). */
  async targets(db: Queryable, tenant: string, year: number) {
    const set = await store.listTargets(db, tenant, year)
    return (await store.listMarkets(db, tenant)).map((m) => {
      const target = set.find((t) => t.marketId === m.id)
      return { marketId: m.id, marketName: m.name, year, amount: target?.amount ?? null, setBy: target?.setBy ?? null, setAt: target?.setAt ?? null }
    })
  }

  /** Sets (or replaces) the levy a market is expected to bring in over a year. */
  async setTarget(db: Database, tenant: string, actor: string, marketId: string, year: number, amount: number) {
    return db.transaction(async (tx) => {
      const market = await this.market(tx, tenant, marketId)
      await store.upsertTarget(tx, tenant, { marketId, year, amount, setBy: actor })
      await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levy_config', type: 'levy_target.set', entity: marketId, data: { year, amount } })
      const [target] = (await store.listTargets(tx, tenant, year)).filter((t) => t.marketId === marketId)
      return { ...target, marketName: market.name }
    })
  }

  // Bills

  /** Asks for a period's bills; the durable job issues them (once, however often asked). */
  async requestGeneration(db: Queryable, tenant: string, period: string, actor: string): Promise<void> {
    await this.jobs.enqueue(db, tenant, JOB_GENERATE, { period, actor }, { dedupeKey: `generate:${period}` })
  }

  async onGenerate(db: Database, job: Job): Promise<void> {
    const period = String(job.payload.period)
    await this.generate(db, job.tenant, period, typeof job.payload.actor === 'string' ? job.payload.actor : SYSTEM_ACTOR)
  }

  /** Each month the current period's bills are asked for in every tenant with permits. */
  async onMonthly(db: Database): Promise<void> {
    const tenants = await db.query<{ tenant: string }>('SELECT DISTINCT tenant FROM levy_permits')
    for (const { tenant } of tenants) await this.requestGeneration(db, tenant, (await this.today(db, tenant)).slice(0, 7), SYSTEM_ACTOR)
  }

  /** Issues the bills of a period for every permit that has none yet; safe to run any number of times. */
  async generate(db: Database, tenant: string, period: string, actor: string): Promise<{ period: string; created: number }> {
    if (!/^[0-9]{4}-(0[1-9]|1[0-2])$/.test(period)) throw new Invalid('period must be YYYY-MM', { field: 'period' })
    return db.transaction(async (tx) => {
      // One generation of a tenant's period at a time; the unique (permit, period) index is the last word.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`levies:${tenant}:${period}`])
      const { first, last } = periodBounds(period)
      const settings = await this.settings(tx, tenant)
      const tariffs = await store.listTariffs(tx, tenant)
      const dueOn = addDays(last, settings.dueDays)
      const year = Number(period.slice(0, 4))
      let created = 0
      for (const row of await store.unbilledPermits(tx, tenant, period, first, last)) {
        const lines = billLines(
          period,
          row,
          row,
          tariffs.filter((t) => t.kind === row.kind && t.class === row.class),
        )
        if (lines.length === 0) continue
        const amount = lines.reduce((sum, l) => sum + l.amount, 0)
        const number = billNumber(tenant, year, await nextSerial(tx, 'levy_bill_counters', tenant, year))
        await store.insertBill(tx, tenant, { number, period, row, amount, dueOn, lines })
        created++
      }
      if (created > 0) {
        await recordLevyEvent(this.events, tx, tenant, actor, { topic: 'levies', type: 'levy.bills_generated', entity: period, data: { period, created } })
      }
      return { period, created }
    })
  }

  /** A bill as of a date: the sanction it carries by then and what is left to pay. */
  shown(b: store.BillRow, settings: store.SettingsRow, asOf: string): Bill {
    const { sanction, months } = b.status === 'paid' ? { sanction: b.sanction, months: b.sanctionMonths } : sanctionOf(b, asOf, settings)
    return { ...b, sanction, sanctionMonths: months, outstanding: Math.max(0, b.amount + sanction - b.paid), isOverdue: b.status !== 'paid' && asOf > b.dueOn }
  }

  async bills(db: Queryable, tenant: string, f: Omit<store.BillFilter, 'overdueOn'> & { overdue: boolean }) {
    const asOf = await this.today(db, tenant)
    const settings = await this.settings(db, tenant)
    const page = await store.listBills(db, tenant, { ...f, overdueOn: f.overdue ? asOf : null })
    return { items: page.items.map((b) => this.shown(b, settings, asOf)), total: page.total }
  }

  async bill(db: Queryable, tenant: string, number: string): Promise<Bill & { payments: store.PaymentRow[] }> {
    const row = await store.findBill(db, tenant, number)
    if (!row) throw new NotFound(`There is no bill ${number} in ${tenant}`)
    const bill = this.shown(row, await this.settings(db, tenant), await this.today(db, tenant))
    return { ...bill, payments: await store.billPayments(db, tenant, row.id) }
  }

  /** The dynamic QRIS of a bill's outstanding amount, as the payload and a PNG. */
  async qris(db: Queryable, tenant: string, number: string): Promise<{ payload: string; imagePng: string; amount: number; billNumber: string }> {
    const bill = await this.bill(db, tenant, number)
    if (bill.outstanding <= 0) throw new Conflict(`The bill ${number} is paid`, { billStatus: bill.status })
    const market = await this.market(db, tenant, bill.market.id)
    const s = await this.settings(db, tenant)
    const payload = buildDynamicQris(
      {
        acquirer: s.qrisAcquirer,
        pan: s.qrisPan,
        merchantId: s.qrisMerchantId,
        nmid: s.qrisNmid,
        mcc: s.qrisMcc,
        name: market.qrisName,
        city: market.qrisCity,
        postalCode: market.postalCode,
        terminal: market.terminal,
      },
      Math.round(bill.outstanding),
      bill.number,
    )
    return { payload, imagePng: (await qrisPng(payload)).toString('base64'), amount: Math.round(bill.outstanding), billNumber: bill.number }
  }

  /** Checks a QRIS string someone shows (a vendor's screenshot, a bank's echo) and finds the bill it names. */
  async verifyQris(db: Queryable, tenant: string, payload: string) {
    let parsed: ParsedQris
    try {
      parsed = parseQris(payload)
    } catch (err) {
      if (err instanceof QrisError) throw new Invalid(`Not a valid QRIS: ${err.message}`, { field: 'payload' })
      throw err
    }
    const row = parsed.billNumber ? await store.findBill(db, tenant, parsed.billNumber) : null
    const bill = row ? this.shown(row, await this.settings(db, tenant), await this.today(db, tenant)) : null
    const { fields: _fields, ...summary } = parsed
    return {
      ...summary,
      bill: bill ? { number: bill.number, status: bill.status, outstanding: bill.outstanding, amountMatches: parsed.amount === bill.outstanding } : null,
    }
  }

  // Payments

  /**
   * Records a payment on a bill. The bill row is locked for the whole check-and-write, so payments at the
   * same moment cannot together pay more than is owed.
   */
  async pay(
    db: Database,
    tenant: string,
    actor: string,
    number: string,
    input: PaymentInput,
    provider: string | null = null,
  ): Promise<{ receipt: Receipt; isDuplicate: boolean }> {
    if (!Number.isInteger(input.amount) || input.amount <= 0) throw new Invalid('amount must be whole rupiah above zero', { field: 'amount' })
    if ((input.method === 'card' || input.method === 'transfer' || input.method === 'qris') && !input.reference) {
      throw new Invalid(`A ${input.method} payment needs its reference (EDC approval code, bank or VA reference)`, { field: 'reference' })
    }
    return db.transaction(async (tx) => {
      const row = await store.findBill(tx, tenant, number, true)
      if (!row) throw new NotFound(`There is no bill ${number} in ${tenant}`)
      if (provider && input.reference) {
        const earlier = await store.findProviderPayment(tx, tenant, provider, input.reference)
        if (earlier) return { receipt: await this.receiptOf(tx, tenant, earlier), isDuplicate: true }
      }
      const settings = await this.settings(tx, tenant)
      const bill = this.shown(row, settings, await this.today(tx, tenant))
      if (bill.outstanding <= 0) throw new Conflict(`The bill ${number} is already paid`, { outstanding: 0 })
      if (input.amount > bill.outstanding) {
        throw new Conflict(`Rp${input.amount} is more than the Rp${bill.outstanding} still owed on ${number}`, {
          field: 'amount',
          outstanding: bill.outstanding,
        })
      }
      const year = Number((await this.today(tx, tenant)).slice(0, 4))
      const receipt = receiptNumber(tenant, year, await nextSerial(tx, 'levy_receipt_counters', tenant, year))
      const day = provider ? null : await store.findOpenDay(tx, tenant, actor)
      await store.insertPayment(tx, tenant, {
        receipt,
        billId: row.id,
        amount: input.amount,
        method: input.method,
        reference: input.reference ?? null,
        provider,
        actor,
        dayId: day?.id ?? null,
      })
      const paid = row.paid + input.amount
      const status = paid >= bill.amount + bill.sanction ? 'paid' : 'partial'
      await store.updateBillPaid(tx, tenant, row.id, { sanction: bill.sanction, sanctionMonths: bill.sanctionMonths, paid, status })
      await recordLevyEvent(this.events, tx, tenant, actor, {
        topic: 'levies',
        type: 'levy.payment_recorded',
        entity: receipt,
        data: {
          receipt,
          billNumber: number,
          marketId: row.market.id,
          marketName: row.market.name,
          amount: input.amount,
          method: input.method,
          isCashless: input.method !== 'cash',
          billStatus: status,
        },
      })
      const payment = await store.findPayment(tx, tenant, receipt)
      if (!payment) throw new NotFound(`There is no receipt ${receipt}`)
      return { receipt: await this.receiptOf(tx, tenant, payment), isDuplicate: false }
    })
  }

  private async receiptOf(db: Queryable, tenant: string, payment: store.PaymentRow): Promise<Receipt> {
    const { payments: _payments, ...bill } = await this.bill(db, tenant, payment.billNumber)
    return { ...payment, bill }
  }

  async receipt(db: Queryable, tenant: string, receipt: string): Promise<Receipt> {
    const payment = await store.findPayment(db, tenant, receipt)
    if (!payment) throw new NotFound(`There is no receipt ${receipt} in ${tenant}`)
    return this.receiptOf(db, tenant, payment)
  }

  async payments(db: Queryable, tenant: string, q: { date?: string; cursor?: string | null; limit: number }) {
    const timezone = await this.tenancy.timezone(db, tenant)
    return store.listPayments(db, tenant, { day: q.date ?? dateInZone(new Date(), timezone), timezone, after: q.cursor ?? null, limit: q.limit })
  }

  /**
   * A provider's notification: checked (signature, bill, amount), then paid, recorded or ignored as a
   * repeat. Every notification is kept with what it did; rejected ones are logged and answered 4xx.
   */
  async notify(db: Database, tenant: string, provider: PaymentProvider, body: Record<string, unknown>, log: (msg: string, data: object) => void) {
    const reject = async (reason: string, fields: { orderId: string | null; transactionId: string | null; status: string | null }, error: Error) => {
      log('payment notification rejected', { tenant, provider: provider.name, orderId: fields.orderId, reason })
      await db.transaction(async (tx) => {
        await store.insertNotification(tx, tenant, { provider: provider.name, ...fields, outcome: 'rejected', reason, body })
        await recordLevyEvent(this.events, tx, tenant, `provider:${provider.name}`, {
          topic: 'levies',
          type: 'levy.notification_rejected',
          entity: fields.orderId,
          data: { provider: provider.name, orderId: fields.orderId, reason },
        })
      })
      throw error
    }
    let notice: ReturnType<PaymentProvider['read']>
    try {
      notice = provider.read(body)
    } catch (err) {
      if (!(err instanceof NoticeRejected)) throw err
      return reject(err.message, err.fields, levyError(err.code, `Notification refused: ${err.message}`))
    }
    const fields = { orderId: notice.billNumber, transactionId: notice.transactionId, status: notice.status }
    const bill = await store.findBill(db, tenant, notice.billNumber)
    if (!bill) return reject('unknown order_id', fields, new NotFound(`There is no bill ${notice.billNumber} in ${tenant}`))
    if (!notice.isPaid) {
      await store.insertNotification(db, tenant, { provider: provider.name, ...fields, outcome: 'recorded', reason: null, body })
      return { outcome: 'recorded' as const, receipt: null }
    }
    if (!Number.isInteger(notice.amount)) return reject('gross_amount is not whole rupiah', fields, new Invalid('gross_amount must be whole rupiah'))
    try {
      const { receipt, isDuplicate } = await this.pay(
        db,
        tenant,
        `provider:${provider.name}`,
        notice.billNumber,
        { amount: notice.amount, method: notice.method, reference: notice.transactionId },
        provider.name,
      )
      if (isDuplicate && receipt.amount !== notice.amount) {
        return reject('a repeat of a paid transaction with another amount', fields, new Conflict('The transaction was paid with another amount'))
      }
      const outcome = isDuplicate ? ('duplicate' as const) : ('paid' as const)
      await store.insertNotification(db, tenant, { provider: provider.name, ...fields, outcome, reason: null, body })
      return { outcome, receipt: receipt.receipt }
    } catch (err) {
      if (err instanceof Conflict || err instanceof Invalid) return reject(err.message, fields, err)
      throw err
    }
  }

  notifications(db: Queryable, tenant: string, orderId: string | null, limit: number) {
    return store.listNotifications(db, tenant, orderId, limit)
  }

  // Vendor self-service: a vendor proves who they are with their vendor code and phone number.

  /** The vendor with this code and phone, or NotFound alike for a wrong code or a wrong phone. */
  async vendorByCodeAndPhone(db: Queryable, tenant: string, code: string, phone: string): Promise<store.VendorRow> {
    const vendor = await store.findVendorByCode(db, tenant, await this.today(db, tenant), code)
    if (!vendor?.phone || !samePhone(vendor.phone, phone)) throw new NotFound('No vendor has this code and phone number')
    return vendor
  }

  /** A vendor's open bills and last paid ones, with nothing of other vendors. */
  async vendorBills(db: Queryable, tenant: string, code: string, phone: string) {
    const vendor = await this.vendorByCodeAndPhone(db, tenant, code, phone)
    const page = await this.bills(db, tenant, { period: null, statuses: null, marketId: null, vendorId: vendor.id, overdue: false, after: null, limit: 24 })
    const payments = await Promise.all(page.items.map(async (b) => ({ number: b.number, receipts: await this.billReceipts(db, tenant, b.number) })))
    return {
      vendor: { code: vendor.code, name: vendor.name },
      bills: page.items.map((b) => ({ ...b, receipts: payments.find((p) => p.number === b.number)?.receipts ?? [] })),
    }
  }

  private async billReceipts(db: Queryable, tenant: string, number: string): Promise<string[]> {
    return (await this.bill(db, tenant, number)).payments.map((p) => p.receipt)
  }

  /** Checks that a bill or receipt belongs to the vendor asking for it. */
  async ownBill(db: Queryable, tenant: string, code: string, phone: string, number: string): Promise<void> {
    const vendor = await this.vendorByCodeAndPhone(db, tenant, code, phone)
    const bill = await store.findBill(db, tenant, number)
    if (!bill || bill.vendor.id !== vendor.id) throw new NotFound(`The vendor has no bill ${number}`)
  }

  // Collectors' days

  async openDay(db: Database, tenant: string, collector: string): Promise<store.CollectorDayRow> {
    return db.transaction(async (tx) => {
      const day = await store.openDay(tx, tenant, collector)
      if (!day) throw new Conflict('Your day is already open; close it first', { dayId: (await store.findOpenDay(tx, tenant, collector))?.id })
      await recordLevyEvent(this.events, tx, tenant, collector, { topic: 'levies', type: 'levy.collector_day_opened', entity: day.id, data: { collector } })
      return day
    })
  }

  async currentDay(db: Queryable, tenant: string, collector: string) {
    const day = await store.findOpenDay(db, tenant, collector)
    return day ? { ...day, ...(await store.dayTotals(db, tenant, day.id)) } : null
  }

  /** Closes a day with the cash handed in; a deposit that differs from the cash recorded is flagged. */
  async closeDay(db: Database, tenant: string, actor: string, id: string, deposit: number, isOffice: boolean): Promise<store.CollectorDayRow> {
    return db.transaction(async (tx) => {
      const day = await store.findDay(tx, tenant, id, true)
      if (!day) throw new NotFound(`There is no collector day ${id}`)
      if (day.collector !== actor && !isOffice) throw new Forbidden('Only the collector or the market office closes a day')
      if (day.status !== 'open') throw new Conflict('The day is already closed')
      const totals = await store.dayTotals(tx, tenant, id)
      const difference = deposit - totals.cash
      const closed = await store.closeDay(tx, tenant, id, { deposit, ...totals, difference, status: difference === 0 ? 'reconciled' : 'flagged' })
      await recordLevyEvent(this.events, tx, tenant, actor, {
        topic: 'levies',
        type: 'levy.collector_day_closed',
        entity: id,
        data: { collector: day.collector, deposit, cash: totals.cash, difference, status: closed.status },
      })
      return closed
    })
  }

  days(db: Queryable, tenant: string, collector: string | null, limit: number) {
    return store.listDays(db, tenant, collector, limit)
  }

  // Revenue and arrears

  /** Money received on a day, cashless share, and arrears per market. */
  async revenue(db: Queryable, tenant: string, date?: string) {
    const timezone = await this.tenancy.timezone(db, tenant)
    const day = date ?? dateInZone(new Date(), timezone)
    const rows = await store.revenueOn(db, tenant, day, timezone)
    const arrears = await this.arrears(db, tenant, 'market', day)
    const byMethod = { card: 0, qris: 0, cash: 0, transfer: 0 }
    let count = 0
    const markets = (await store.listMarkets(db, tenant)).map((m) => {
      const mine = rows.filter((r) => r.marketId === m.id)
      const total = mine.reduce((s, r) => s + r.total, 0)
      const cashless = mine.filter((r) => r.method !== 'cash').reduce((s, r) => s + r.total, 0)
      return { id: m.id, code: m.code, name: m.name, total, cashless, arrears: arrears.find((a) => a.key.id === m.id)?.outstanding ?? 0 }
    })
    for (const r of rows) {
      byMethod[r.method] += r.total
      count += r.count
    }
    const total = byMethod.card + byMethod.qris + byMethod.cash + byMethod.transfer
    const cashless = total - byMethod.cash
    return { date: day, total, cashless, cashlessShare: total === 0 ? 0 : cashless / total, payments: count, byMethod, markets }
  }

  /** What is owed past its due date, by market or vendor, in aging buckets of days overdue. */
  async arrears(db: Queryable, tenant: string, by: 'market' | 'vendor', asOf?: string): Promise<AgingBucket[]> {
    const day = asOf ?? (await this.today(db, tenant))
    const settings = await this.settings(db, tenant)
    const groups = new Map<string, AgingBucket>()
    for (const row of await store.overdueBills(db, tenant, day)) {
      const bill = this.shown(row, settings, day)
      const key = by === 'market' ? bill.market : bill.vendor
      const group = groups.get(key.id) ?? { key, bills: 0, outstanding: 0, buckets: { d1_30: 0, d31_60: 0, d61_90: 0, over_90: 0 } }
      const late = daysBetween(bill.dueOn, day)
      const bucket = late <= 30 ? 'd1_30' : late <= 60 ? 'd31_60' : late <= 90 ? 'd61_90' : 'over_90'
      group.bills++
      group.outstanding += bill.outstanding
      group.buckets[bucket] += bill.outstanding
      groups.set(key.id, group)
    }
    return [...groups.values()].sort((a, b) => b.outstanding - a.outstanding)
  }
}
