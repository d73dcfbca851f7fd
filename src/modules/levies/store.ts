import type { Queryable } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { PaymentMethod } from './providers.ts'
import type { BillLine, StallKind, TariffRow } from './reckoning.ts'

// This module's SQL and nothing else. Every function takes the handle (database or transaction) first.

const iso = (column: string) => `to_json(${column}) #>> '{}'`
const day = (column: string) => `to_char(${column}, 'YYYY-MM-DD')`

// Settings

export interface SettingsRow {
  sanctionPercent: number
  sanctionMaxMonths: number
  dueDays: number
  qrisAcquirer: string
  qrisPan: string
  qrisMerchantId: string
  qrisNmid: string
  qrisMcc: string
}

export async function findSettings(db: Queryable, tenant: string): Promise<SettingsRow | null> {
  const [row] = await db.query<SettingsRow>(
    `SELECT sanction_percent AS "sanctionPercent", sanction_max_months AS "sanctionMaxMonths", due_days AS "dueDays",
       qris_acquirer AS "qrisAcquirer", qris_pan AS "qrisPan", qris_merchant_id AS "qrisMerchantId", qris_nmid AS "qrisNmid", qris_mcc AS "qrisMcc"
     FROM levy_settings WHERE tenant = $1`,
    [tenant],
  )
  return row ?? null
}

export async function upsertSettings(db: Queryable, tenant: string, s: SettingsRow): Promise<void> {
  await db.query(
    `INSERT INTO levy_settings (tenant, sanction_percent, sanction_max_months, due_days, qris_acquirer, qris_pan, qris_merchant_id, qris_nmid, qris_mcc, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     ON CONFLICT (tenant) DO UPDATE SET sanction_percent = EXCLUDED.sanction_percent, sanction_max_months = EXCLUDED.sanction_max_months,
       due_days = EXCLUDED.due_days, qris_acquirer = EXCLUDED.qris_acquirer, qris_pan = EXCLUDED.qris_pan,
       qris_merchant_id = EXCLUDED.qris_merchant_id, qris_nmid = EXCLUDED.qris_nmid, qris_mcc = EXCLUDED.qris_mcc, updated_at = now()`,
    [tenant, s.sanctionPercent, s.sanctionMaxMonths, s.dueDays, s.qrisAcquirer, s.qrisPan, s.qrisMerchantId, s.qrisNmid, s.qrisMcc],
  )
}

// Markets

export interface MarketRow {
  id: string
  code: string
  name: string
  address: string | null
  location: GeoPoint
  kelurahan: { code: string; name: string } | null
  agencyId: string | null
  qrisName: string
  qrisCity: string
  postalCode: string | null
  terminal: string
  stalls: number
}

const MARKET = `m.id::text AS id, m.code, m.name, m.address, ST_AsGeoJSON(m.location)::json AS location,
  CASE WHEN m.kelurahan_code IS NULL THEN NULL ELSE json_build_object('code', m.kelurahan_code, 'name', m.kelurahan_name) END AS kelurahan,
  m.agency_id::text AS "agencyId", m.qris_name AS "qrisName", m.qris_city AS "qrisCity", m.postal_code AS "postalCode", m.terminal,
  (SELECT count(*) FROM levy_stalls s WHERE s.tenant = m.tenant AND s.market_id = m.id)::int AS stalls`

export async function listMarkets(db: Queryable, tenant: string): Promise<MarketRow[]> {
  return db.query<MarketRow>(`SELECT ${MARKET} FROM levy_markets m WHERE m.tenant = $1 ORDER BY m.name`, [tenant])
}

export async function findMarket(db: Queryable, tenant: string, id: string): Promise<MarketRow | null> {
  const [row] = await db.query<MarketRow>(`SELECT ${MARKET} FROM levy_markets m WHERE m.tenant = $1 AND m.id = $2`, [tenant, id])
  return row ?? null
}

export async function findMarketByCode(db: Queryable, tenant: string, code: string): Promise<MarketRow | null> {
  const [row] = await db.query<MarketRow>(`SELECT ${MARKET} FROM levy_markets m WHERE m.tenant = $1 AND m.code = $2`, [tenant, code])
  return row ?? null
}

export async function insertMarket(db: Queryable, tenant: string, m: Omit<MarketRow, 'id' | 'stalls'>): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO levy_markets (tenant, code, name, address, location, kelurahan_code, kelurahan_name, agency_id, qris_name, qris_city, postal_code, terminal)
     VALUES ($1, $2, $3, $4, ST_SetSRID(ST_GeomFromGeoJSON($5), 4326), $6, $7, $8, $9, $10, $11, $12) RETURNING id::text`,
    [
      tenant,
      m.code,
      m.name,
      m.address,
      JSON.stringify(m.location),
      m.kelurahan?.code ?? null,
      m.kelurahan?.name ?? null,
      m.agencyId,
      m.qrisName,
      m.qrisCity,
      m.postalCode,
      m.terminal,
    ],
  )
  return row.id
}

/** Changes the given fields of a market; the code stays, bills and receipts name it. */
export async function updateMarket(
  db: Queryable,
  tenant: string,
  id: string,
  m: Partial<Pick<MarketRow, 'name' | 'address' | 'agencyId' | 'qrisName' | 'qrisCity' | 'postalCode' | 'terminal'>>,
): Promise<void> {
  const columns = {
    name: 'name',
    address: 'address',
    agencyId: 'agency_id',
    qrisName: 'qris_name',
    qrisCity: 'qris_city',
    postalCode: 'postal_code',
    terminal: 'terminal',
  }
  await updateColumns(db, 'levy_markets', tenant, id, columns, m)
}

/** Moves a market to a point in a kelurahan. */
export async function moveMarket(db: Queryable, tenant: string, id: string, location: GeoPoint, kelurahan: { code: string; name: string }): Promise<void> {
  await db.query(
    `UPDATE levy_markets SET location = ST_SetSRID(ST_GeomFromGeoJSON($3), 4326), kelurahan_code = $4, kelurahan_name = $5 WHERE tenant = $1 AND id = $2`,
    [tenant, id, JSON.stringify(location), kelurahan.code, kelurahan.name],
  )
}

/** `UPDATE … SET` of the fields given (undefined leaves a column alone, null clears it). */
async function updateColumns(db: Queryable, table: string, tenant: string, id: string, columns: Record<string, string>, values: Record<string, unknown>) {
  const sets: string[] = []
  const params: unknown[] = [tenant, id]
  for (const [field, column] of Object.entries(columns)) {
    if (values[field] === undefined) continue
    params.push(values[field])
    sets.push(`${column} = $${params.length}`)
  }
  if (sets.length > 0) await db.query(`UPDATE ${table} SET ${sets.join(', ')} WHERE tenant = $1 AND id = $2`, params)
}

// Stalls

export interface StallRow {
  id: string
  marketId: string
  marketName: string
  code: string
  kind: StallKind
  class: string
  areaM2: number
  isActive: boolean
  vendor: { id: string; code: string; name: string } | null
}

const STALL = `s.id::text AS id, s.market_id::text AS "marketId", m.name AS "marketName", s.code, s.kind, s.class, s.area_m2 AS "areaM2",
  s.is_active AS "isActive",
  (SELECT json_build_object('id', v.id, 'code', v.code, 'name', v.name) FROM levy_permits p JOIN levy_vendors v ON v.tenant = p.tenant AND v.id = p.vendor_id
    WHERE p.tenant = s.tenant AND p.stall_id = s.id AND p.starts_on <= $2::date AND (p.ends_on IS NULL OR p.ends_on >= $2::date) LIMIT 1) AS vendor`
const STALL_FROM = 'levy_stalls s JOIN levy_markets m ON m.tenant = s.tenant AND m.id = s.market_id'

/** Where a page of stalls continues: after this market (by name, then id) and stall code. */
export type StallPosition = { n: string; m: string; c: string }

/** A page of stalls sorted by market name and code, those whose code holds `search` if given, with how many match. */
export async function listStalls(
  db: Queryable,
  tenant: string,
  today: string,
  q: { marketId: string | null; search: string | null; after: StallPosition | null; limit: number },
): Promise<{ items: StallRow[]; total: number }> {
  const where = `s.tenant = $1 AND ($3::uuid IS NULL OR s.market_id = $3) AND ($4::text IS NULL OR lower(s.code) LIKE $4)`
  const params = [tenant, today, q.marketId, q.search ? `%${q.search.toLowerCase()}%` : null]
  const items = await db.query<StallRow>(
    `SELECT ${STALL} FROM ${STALL_FROM} WHERE ${where} AND ($5::text IS NULL OR (m.name, m.id::text, s.code) > ($5, $6, $7))
     ORDER BY m.name, m.id::text, s.code LIMIT $8`,
    [...params, q.after?.n ?? null, q.after?.m ?? null, q.after?.c ?? null, q.limit],
  )
  // $2 (today) only shapes the vendor shown, not the count.
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${STALL_FROM} WHERE ${where} AND $2::date IS NOT NULL`, params)
  return { items, total: count.n }
}

export async function findStall(db: Queryable, tenant: string, today: string, id: string): Promise<StallRow | null> {
  const [row] = await db.query<StallRow>(`SELECT ${STALL} FROM ${STALL_FROM} WHERE s.tenant = $1 AND s.id = $3`, [tenant, today, id])
  return row ?? null
}

export async function insertStall(db: Queryable, tenant: string, s: { marketId: string; code: string; kind: StallKind; class: string; areaM2: number }) {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO levy_stalls (tenant, market_id, code, kind, class, area_m2) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (tenant, market_id, code) DO NOTHING RETURNING id::text`,
    [tenant, s.marketId, s.code, s.kind, s.class, s.areaM2],
  )
  return row?.id ?? null
}

export async function updateStall(db: Queryable, tenant: string, id: string, s: Partial<Pick<StallRow, 'class' | 'areaM2' | 'isActive'>>): Promise<void> {
  await updateColumns(db, 'levy_stalls', tenant, id, { class: 'class', areaM2: 'area_m2', isActive: 'is_active' }, s)
}

/** Adds the stalls of the codes not yet taken in the market, all alike but for the code; answers the codes added. */
export async function insertStallRange(
  db: Queryable,
  tenant: string,
  s: { marketId: string; codes: string[]; kind: StallKind; class: string; areaM2: number },
): Promise<string[]> {
  const rows = await db.query<{ code: string }>(
    `INSERT INTO levy_stalls (tenant, market_id, code, kind, class, area_m2)
     SELECT $1, $2, code, $4, $5, $6 FROM unnest($3::text[]) AS code
     ON CONFLICT (tenant, market_id, code) DO NOTHING RETURNING code`,
    [tenant, s.marketId, s.codes, s.kind, s.class, s.areaM2],
  )
  return rows.map((r) => r.code)
}

/**
 * Adds stalls and changes the class and area of those the market has; a code held by a stall of another kind
 * is left alone and not returned.
 */
export function saveStalls(
  db: Queryable,
  tenant: string,
  stalls: { marketId: string; code: string; kind: StallKind; class: string; areaM2: number }[],
): Promise<{ id: string; marketId: string; code: string; isCreated: boolean }[]> {
  return db.query(
    `INSERT INTO levy_stalls AS s (tenant, market_id, code, kind, class, area_m2)
     SELECT $1, * FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::numeric[])
     ON CONFLICT (tenant, market_id, code) DO UPDATE SET class = EXCLUDED.class, area_m2 = EXCLUDED.area_m2 WHERE s.kind = EXCLUDED.kind
     RETURNING s.id::text, s.market_id::text AS "marketId", s.code, (s.xmax = 0) AS "isCreated"`,
    [tenant, stalls.map((s) => s.marketId), stalls.map((s) => s.code), stalls.map((s) => s.kind), stalls.map((s) => s.class), stalls.map((s) => s.areaM2)],
  )
}

// Yearly levy targets per market

export interface TargetRow {
  marketId: string
  year: number
  amount: number
  setBy: string
  setAt: string
}

export async function listTargets(db: Queryable, tenant: string, year: number): Promise<TargetRow[]> {
  return db.query<TargetRow>(
    `SELECT market_id::text AS "marketId", year, amount::float8 AS amount, set_by AS "setBy", ${iso('set_at')} AS "setAt"
     FROM levy_market_targets WHERE tenant = $1 AND year = $2 ORDER BY market_id`,
    [tenant, year],
  )
}

export async function upsertTarget(db: Queryable, tenant: string, t: { marketId: string; year: number; amount: number; setBy: string }): Promise<void> {
  await db.query(
    `INSERT INTO levy_market_targets (tenant, market_id, year, amount, set_by) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant, market_id, year) DO UPDATE SET amount = EXCLUDED.amount, set_by = EXCLUDED.set_by, set_at = now()`,
    [tenant, t.marketId, t.year, t.amount, t.setBy],
  )
}

// Vendors

export interface VendorRow {
  id: string
  code: string
  name: string
  phone: string | null
  nik: string | null
  stalls: { id: string; code: string; marketName: string }[]
}

const VENDOR = `v.id::text AS id, v.code, v.name, v.phone, v.nik,
  coalesce((SELECT json_agg(json_build_object('id', s.id, 'code', s.code, 'marketName', m.name) ORDER BY m.name, s.code)
    FROM levy_permits p JOIN levy_stalls s ON s.tenant = p.tenant AND s.id = p.stall_id JOIN levy_markets m ON m.tenant = s.tenant AND m.id = s.market_id
    WHERE p.tenant = v.tenant AND p.vendor_id = v.id AND p.starts_on <= $2::date AND (p.ends_on IS NULL OR p.ends_on >= $2::date)), '[]'::json) AS stalls`

/** Vendors by name, code, phone or the code of a stall they hold; keyset-paged by code. */
export async function listVendors(db: Queryable, tenant: string, today: string, q: { search: string | null; after: string | null; limit: number }) {
  const params = [tenant, today, q.search ? `%${q.search.toLowerCase()}%` : null, q.after, q.limit]
  const where = `v.tenant = $1 AND ($3::text IS NULL OR lower(v.name) LIKE $3 OR lower(v.code) LIKE $3 OR v.phone LIKE $3
    OR EXISTS (SELECT 1 FROM levy_permits p JOIN levy_stalls s ON s.tenant = p.tenant AND s.id = p.stall_id
      WHERE p.tenant = v.tenant AND p.vendor_id = v.id AND lower(s.code) LIKE $3))`
  const items = await db.query<VendorRow>(
    `SELECT ${VENDOR} FROM levy_vendors v WHERE ${where} AND ($4::text IS NULL OR v.code > $4) ORDER BY v.code LIMIT $5`,
    params,
  )
  // $2 (today) only shapes the stalls listed, not the count.
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM levy_vendors v WHERE ${where} AND $2::date IS NOT NULL`, params.slice(0, 3))
  return { items, total: count.n }
}

export async function findVendor(db: Queryable, tenant: string, today: string, id: string): Promise<VendorRow | null> {
  const [row] = await db.query<VendorRow>(`SELECT ${VENDOR} FROM levy_vendors v WHERE v.tenant = $1 AND v.id = $3`, [tenant, today, id])
  return row ?? null
}

export async function findVendorByCode(db: Queryable, tenant: string, today: string, code: string): Promise<VendorRow | null> {
  const [row] = await db.query<VendorRow>(`SELECT ${VENDOR} FROM levy_vendors v WHERE v.tenant = $1 AND v.code = $3`, [tenant, today, code])
  return row ?? null
}

export async function insertVendor(db: Queryable, tenant: string, v: { code: string; name: string; phone: string | null; nik: string | null }) {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO levy_vendors (tenant, code, name, phone, nik) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (tenant, code) DO NOTHING RETURNING id::text`,
    [tenant, v.code, v.name, v.phone, v.nik],
  )
  return row?.id ?? null
}

/** Adds vendors and changes the name, phone and NIK of those whose code exists. */
export function saveVendors(
  db: Queryable,
  tenant: string,
  vendors: { code: string; name: string; phone: string | null; nik: string | null }[],
): Promise<{ id: string; code: string; isCreated: boolean }[]> {
  return db.query(
    `INSERT INTO levy_vendors AS v (tenant, code, name, phone, nik)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[])
     ON CONFLICT (tenant, code) DO UPDATE SET name = EXCLUDED.name, phone = EXCLUDED.phone, nik = EXCLUDED.nik
     RETURNING v.id::text, v.code, (v.xmax = 0) AS "isCreated"`,
    [tenant, vendors.map((v) => v.code), vendors.map((v) => v.name), vendors.map((v) => v.phone), vendors.map((v) => v.nik)],
  )
}

export async function updateVendor(db: Queryable, tenant: string, id: string, v: Partial<Pick<VendorRow, 'name' | 'phone' | 'nik'>>): Promise<void> {
  await updateColumns(db, 'levy_vendors', tenant, id, { name: 'name', phone: 'phone', nik: 'nik' }, v)
}

// Permits

export interface PermitRow {
  id: string
  vendorId: string
  stallId: string
  startsOn: string
  endsOn: string | null
  /** The stall's code and its market's name, for people. */
  stall: { code: string; marketName: string }
}

const PERMIT = `id::text AS id, vendor_id::text AS "vendorId", stall_id::text AS "stallId", ${day('starts_on')} AS "startsOn", ${day('ends_on')} AS "endsOn",
  (SELECT json_build_object('code', s.code, 'marketName', m.name) FROM levy_stalls s JOIN levy_markets m ON m.tenant = s.tenant AND m.id = s.market_id
    WHERE s.tenant = levy_permits.tenant AND s.id = levy_permits.stall_id) AS stall`

export async function listPermits(db: Queryable, tenant: string, vendorId: string | null, stallId: string | null): Promise<PermitRow[]> {
  return db.query<PermitRow>(
    `SELECT ${PERMIT} FROM levy_permits WHERE tenant = $1 AND ($2::uuid IS NULL OR vendor_id = $2) AND ($3::uuid IS NULL OR stall_id = $3)
     ORDER BY starts_on DESC`,
    [tenant, vendorId, stallId],
  )
}

/** Permits of the stall whose days meet [startsOn, endsOn]. */
export async function overlappingPermits(db: Queryable, tenant: string, stallId: string, startsOn: string, endsOn: string | null): Promise<PermitRow[]> {
  return db.query<PermitRow>(
    `SELECT ${PERMIT} FROM levy_permits WHERE tenant = $1 AND stall_id = $2
       AND starts_on <= coalesce($4::date, 'infinity'::date) AND coalesce(ends_on, 'infinity'::date) >= $3::date`,
    [tenant, stallId, startsOn, endsOn],
  )
}

export async function findPermit(db: Queryable, tenant: string, id: string, forUpdate = false): Promise<PermitRow | null> {
  const [row] = await db.query<PermitRow>(`SELECT ${PERMIT} FROM levy_permits WHERE tenant = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [tenant, id])
  return row ?? null
}

export async function endPermit(db: Queryable, tenant: string, id: string, endsOn: string): Promise<void> {
  await db.query('UPDATE levy_permits SET ends_on = $3 WHERE tenant = $1 AND id = $2', [tenant, id, endsOn])
}

/** A bill of the permit that charges a day after a date, if any. */
export async function billChargingAfter(db: Queryable, tenant: string, permitId: string, date: string): Promise<string | null> {
  const [row] = await db.query<{ number: string }>(
    `SELECT b.number FROM levy_bills b, jsonb_array_elements(b.lines) l
     WHERE b.tenant = $1 AND b.permit_id = $2 AND (l->>'to')::date > $3::date ORDER BY b.period LIMIT 1`,
    [tenant, permitId, date],
  )
  return row?.number ?? null
}

export async function insertPermit(db: Queryable, tenant: string, p: Omit<PermitRow, 'id' | 'stall'>): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    'INSERT INTO levy_permits (tenant, vendor_id, stall_id, starts_on, ends_on) VALUES ($1, $2, $3, $4, $5) RETURNING id::text',
    [tenant, p.vendorId, p.stallId, p.startsOn, p.endsOn],
  )
  return row.id
}

// Tariffs

const TARIFF = `id::text AS id, kind, class, basis, rate, legal_basis AS "legalBasis", ${day('effective_from')} AS "effectiveFrom"`

export async function listTariffs(db: Queryable, tenant: string): Promise<TariffRow[]> {
  return db.query<TariffRow>(`SELECT ${TARIFF} FROM levy_tariffs WHERE tenant = $1 ORDER BY kind, class, effective_from`, [tenant])
}

export async function insertTariff(db: Queryable, tenant: string, t: Omit<TariffRow, 'id'>): Promise<TariffRow | null> {
  const [row] = await db.query<TariffRow>(
    `INSERT INTO levy_tariffs (tenant, kind, class, basis, rate, legal_basis, effective_from) VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant, kind, class, effective_from) DO NOTHING RETURNING ${TARIFF}`,
    [tenant, t.kind, t.class, t.basis, t.rate, t.legalBasis, t.effectiveFrom],
  )
  return row ?? null
}

// Bills

export interface BillableRow {
  permitId: string
  vendorId: string
  stallId: string
  marketId: string
  startsOn: string
  endsOn: string | null
  kind: StallKind
  class: string
  areaM2: number
}

/** Permits with days in [first, last] that have no bill for the period yet. */
export async function unbilledPermits(db: Queryable, tenant: string, period: string, first: string, last: string): Promise<BillableRow[]> {
  return db.query<BillableRow>(
    `SELECT p.id::text AS "permitId", p.vendor_id::text AS "vendorId", p.stall_id::text AS "stallId", s.market_id::text AS "marketId",
       ${day('p.starts_on')} AS "startsOn", ${day('p.ends_on')} AS "endsOn", s.kind, s.class, s.area_m2 AS "areaM2"
     FROM levy_permits p JOIN levy_stalls s ON s.tenant = p.tenant AND s.id = p.stall_id
     WHERE p.tenant = $1 AND p.starts_on <= $4::date AND coalesce(p.ends_on, 'infinity'::date) >= $3::date
       AND NOT EXISTS (SELECT 1 FROM levy_bills b WHERE b.tenant = p.tenant AND b.permit_id = p.id AND b.period = $2)
     ORDER BY s.market_id, s.code`,
    [tenant, period, first, last],
  )
}

export async function insertBill(
  db: Queryable,
  tenant: string,
  b: { number: string; period: string; row: BillableRow; amount: number; dueOn: string; lines: BillLine[] },
): Promise<void> {
  await db.query(
    `INSERT INTO levy_bills (tenant, number, period, permit_id, vendor_id, stall_id, market_id, amount, status, due_on, lines)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, CASE WHEN $8::numeric = 0 THEN 'paid' ELSE 'unpaid' END, $9, $10)`,
    [tenant, b.number, b.period, b.row.permitId, b.row.vendorId, b.row.stallId, b.row.marketId, b.amount, b.dueOn, JSON.stringify(b.lines)],
  )
}

export type BillStatus = 'unpaid' | 'partial' | 'paid'

export interface BillRow {
  id: string
  number: string
  period: string
  vendor: { id: string; code: string; name: string }
  stall: { id: string; code: string; kind: StallKind }
  market: { id: string; code: string; name: string }
  amount: number
  sanction: number
  /** The months late `sanction` already covers. */
  sanctionMonths: number
  paid: number
  status: BillStatus
  dueOn: string
  lines: BillLine[]
  issuedAt: string
  paidAt: string | null
}

const BILL = `b.id::text AS id, b.number, b.period,
  json_build_object('id', v.id, 'code', v.code, 'name', v.name) AS vendor,
  json_build_object('id', s.id, 'code', s.code, 'kind', s.kind) AS stall,
  json_build_object('id', m.id, 'code', m.code, 'name', m.name) AS market,
  b.amount, b.sanction, b.sanction_months AS "sanctionMonths", b.paid, b.status, ${day('b.due_on')} AS "dueOn", b.lines, ${iso('b.issued_at')} AS "issuedAt", ${iso('b.paid_at')} AS "paidAt"`
const BILL_FROM = `levy_bills b JOIN levy_vendors v ON v.tenant = b.tenant AND v.id = b.vendor_id
  JOIN levy_stalls s ON s.tenant = b.tenant AND s.id = b.stall_id JOIN levy_markets m ON m.tenant = b.tenant AND m.id = b.market_id`

export interface BillFilter {
  period: string | null
  statuses: BillStatus[] | null
  marketId: string | null
  vendorId: string | null
  overdueOn: string | null
  after: string | null
  limit: number
}

export async function listBills(db: Queryable, tenant: string, f: BillFilter): Promise<{ items: BillRow[]; total: number }> {
  const where = `b.tenant = $1 AND ($2::text IS NULL OR b.period = $2) AND ($3::text[] IS NULL OR b.status = ANY($3::text[]))
    AND ($4::uuid IS NULL OR b.market_id = $4) AND ($5::uuid IS NULL OR b.vendor_id = $5) AND ($6::date IS NULL OR (b.due_on < $6::date AND b.status <> 'paid'))`
  const params = [tenant, f.period, f.statuses, f.marketId, f.vendorId, f.overdueOn]
  const items = await db.query<BillRow>(
    `SELECT ${BILL} FROM ${BILL_FROM} WHERE ${where} AND ($7::text IS NULL OR b.number < $7) ORDER BY b.number DESC LIMIT $8`,
    [...params, f.after, f.limit],
  )
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM levy_bills b WHERE ${where}`, params)
  return { items, total: count.n }
}

export async function findBill(db: Queryable, tenant: string, number: string, forUpdate = false): Promise<BillRow | null> {
  if (forUpdate) await db.query('SELECT 1 FROM levy_bills WHERE tenant = $1 AND number = $2 FOR UPDATE', [tenant, number])
  const [row] = await db.query<BillRow>(`SELECT ${BILL} FROM ${BILL_FROM} WHERE b.tenant = $1 AND b.number = $2`, [tenant, number])
  return row ?? null
}

export async function updateBillPaid(
  db: Queryable,
  tenant: string,
  id: string,
  b: { sanction: number; sanctionMonths: number; paid: number; status: BillStatus },
): Promise<void> {
  await db.query(
    `UPDATE levy_bills SET sanction = $3, sanction_months = $6, paid = $4, status = $5, paid_at = CASE WHEN $5 = 'paid' THEN now() ELSE paid_at END
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, b.sanction, b.paid, b.status, b.sanctionMonths],
  )
}

/** Unpaid and partly paid bills due before a date, for arrears. */
export async function overdueBills(db: Queryable, tenant: string, asOf: string): Promise<BillRow[]> {
  return db.query<BillRow>(`SELECT ${BILL} FROM ${BILL_FROM} WHERE b.tenant = $1 AND b.status <> 'paid' AND b.due_on < $2::date ORDER BY b.due_on`, [
    tenant,
    asOf,
  ])
}

// Payments

export interface PaymentRow {
  id: string
  receipt: string
  billNumber: string
  amount: number
  method: PaymentMethod
  reference: string | null
  provider: string | null
  actor: string
  paidAt: string
}

const PAYMENT = `p.id::text AS id, p.receipt, b.number AS "billNumber", p.amount, p.method, p.reference, p.provider, p.actor, ${iso('p.paid_at')} AS "paidAt"`
const PAYMENT_FROM = 'levy_payments p JOIN levy_bills b ON b.tenant = p.tenant AND b.id = p.bill_id'

export async function insertPayment(
  db: Queryable,
  tenant: string,
  p: {
    receipt: string
    billId: string
    amount: number
    method: PaymentMethod
    reference: string | null
    provider: string | null
    actor: string
    dayId: string | null
  },
): Promise<void> {
  await db.query(
    `INSERT INTO levy_payments (tenant, receipt, bill_id, amount, method, reference, provider, actor, collector_day_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
    [tenant, p.receipt, p.billId, p.amount, p.method, p.reference, p.provider, p.actor, p.dayId],
  )
}

/** Moves a payment (and its bill's paid time) to when it happened; for the demo's history. */
export async function backdatePayment(db: Queryable, tenant: string, receipt: string, at: string): Promise<void> {
  await db.query('UPDATE levy_payments SET paid_at = $3 WHERE tenant = $1 AND receipt = $2', [tenant, receipt, at])
  await db.query(
    `UPDATE levy_bills b SET paid_at = $3 FROM levy_payments p WHERE p.tenant = $1 AND p.receipt = $2 AND b.tenant = p.tenant AND b.id = p.bill_id AND b.paid_at IS NOT NULL`,
    [tenant, receipt, at],
  )
}

export async function findPayment(db: Queryable, tenant: string, receipt: string): Promise<PaymentRow | null> {
  const [row] = await db.query<PaymentRow>(`SELECT ${PAYMENT} FROM ${PAYMENT_FROM} WHERE p.tenant = $1 AND p.receipt = $2`, [tenant, receipt])
  return row ?? null
}

export async function findProviderPayment(db: Queryable, tenant: string, provider: string, reference: string): Promise<PaymentRow | null> {
  const [row] = await db.query<PaymentRow>(`SELECT ${PAYMENT} FROM ${PAYMENT_FROM} WHERE p.tenant = $1 AND p.provider = $2 AND p.reference = $3`, [
    tenant,
    provider,
    reference,
  ])
  return row ?? null
}

export async function billPayments(db: Queryable, tenant: string, billId: string): Promise<PaymentRow[]> {
  return db.query<PaymentRow>(`SELECT ${PAYMENT} FROM ${PAYMENT_FROM} WHERE p.tenant = $1 AND p.bill_id = $2 ORDER BY p.paid_at`, [tenant, billId])
}

export async function listPayments(db: Queryable, tenant: string, q: { day: string; timezone: string; after: string | null; limit: number }) {
  const where = `p.tenant = $1 AND (p.paid_at AT TIME ZONE $3)::date = $2::date`
  const items = await db.query<PaymentRow>(
    `SELECT ${PAYMENT} FROM ${PAYMENT_FROM} WHERE ${where} AND ($4::text IS NULL OR p.receipt < $4) ORDER BY p.receipt DESC LIMIT $5`,
    [tenant, q.day, q.timezone, q.after, q.limit],
  )
  const [count] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM levy_payments p WHERE ${where}`, [tenant, q.day, q.timezone])
  return { items, total: count.n }
}

/** Money received on a day (in the tenant's zone) per market and method. */
export async function revenueOn(db: Queryable, tenant: string, dayText: string, timezone: string) {
  return db.query<{ marketId: string; method: PaymentMethod; total: number; count: number }>(
    `SELECT b.market_id::text AS "marketId", p.method, sum(p.amount) AS total, count(*)::int AS count
     FROM ${PAYMENT_FROM} WHERE p.tenant = $1 AND (p.paid_at AT TIME ZONE $3)::date = $2::date GROUP BY b.market_id, p.method`,
    [tenant, dayText, timezone],
  )
}

// Provider notifications

export async function insertNotification(
  db: Queryable,
  tenant: string,
  n: {
    provider: string
    orderId: string | null
    transactionId: string | null
    status: string | null
    outcome: 'paid' | 'recorded' | 'duplicate' | 'rejected'
    reason: string | null
    body: unknown
  },
): Promise<void> {
  await db.query(
    `INSERT INTO levy_notifications (tenant, provider, order_id, transaction_id, transaction_status, outcome, reason, body)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
    [tenant, n.provider, n.orderId, n.transactionId, n.status, n.outcome, n.reason, JSON.stringify(n.body)],
  )
}

export interface NotificationRow {
  provider: string
  orderId: string | null
  transactionId: string | null
  status: string | null
  outcome: string
  reason: string | null
  receivedAt: string
}

export async function listNotifications(db: Queryable, tenant: string, orderId: string | null, limit: number): Promise<NotificationRow[]> {
  return db.query<NotificationRow>(
    `SELECT provider, order_id AS "orderId", transaction_id AS "transactionId", transaction_status AS status, outcome, reason,
       ${iso('received_at')} AS "receivedAt"
     FROM levy_notifications WHERE tenant = $1 AND ($2::text IS NULL OR order_id = $2) ORDER BY received_at DESC, id LIMIT $3`,
    [tenant, orderId, limit],
  )
}

// Collector days

export interface CollectorDayRow {
  id: string
  collector: string
  openedAt: string
  closedAt: string | null
  deposit: number | null
  cash: number | null
  cashless: number | null
  difference: number | null
  status: 'open' | 'reconciled' | 'flagged'
}

const COLLECTOR_DAY = `id::text AS id, collector, ${iso('opened_at')} AS "openedAt", ${iso('closed_at')} AS "closedAt", deposit, cash, cashless, difference, status`

export async function openDay(db: Queryable, tenant: string, collector: string): Promise<CollectorDayRow | null> {
  const [row] = await db.query<CollectorDayRow>(
    `INSERT INTO levy_collector_days (tenant, collector) VALUES ($1, $2) ON CONFLICT (tenant, collector) WHERE status = 'open' DO NOTHING
     RETURNING ${COLLECTOR_DAY}`,
    [tenant, collector],
  )
  return row ?? null
}

export async function findOpenDay(db: Queryable, tenant: string, collector: string): Promise<CollectorDayRow | null> {
  const [row] = await db.query<CollectorDayRow>(`SELECT ${COLLECTOR_DAY} FROM levy_collector_days WHERE tenant = $1 AND collector = $2 AND status = 'open'`, [
    tenant,
    collector,
  ])
  return row ?? null
}

export async function findDay(db: Queryable, tenant: string, id: string, forUpdate = false): Promise<CollectorDayRow | null> {
  const [row] = await db.query<CollectorDayRow>(
    `SELECT ${COLLECTOR_DAY} FROM levy_collector_days WHERE tenant = $1 AND id = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [tenant, id],
  )
  return row ?? null
}

export async function dayTotals(db: Queryable, tenant: string, dayId: string): Promise<{ cash: number; cashless: number }> {
  const [row] = await db.query<{ cash: number; cashless: number }>(
    `SELECT coalesce(sum(amount) FILTER (WHERE method = 'cash'), 0) AS cash, coalesce(sum(amount) FILTER (WHERE method <> 'cash'), 0) AS cashless
     FROM levy_payments WHERE tenant = $1 AND collector_day_id = $2`,
    [tenant, dayId],
  )
  return row
}

export async function closeDay(
  db: Queryable,
  tenant: string,
  id: string,
  d: { deposit: number; cash: number; cashless: number; difference: number; status: 'reconciled' | 'flagged' },
): Promise<CollectorDayRow> {
  const [row] = await db.query<CollectorDayRow>(
    `UPDATE levy_collector_days SET closed_at = now(), deposit = $3, cash = $4, cashless = $5, difference = $6, status = $7
     WHERE tenant = $1 AND id = $2 RETURNING ${COLLECTOR_DAY}`,
    [tenant, id, d.deposit, d.cash, d.cashless, d.difference, d.status],
  )
  return row
}

export async function listDays(db: Queryable, tenant: string, collector: string | null, limit: number): Promise<CollectorDayRow[]> {
  return db.query<CollectorDayRow>(
    `SELECT ${COLLECTOR_DAY} FROM levy_collector_days WHERE tenant = $1 AND ($2::text IS NULL OR collector = $2) ORDER BY opened_at DESC LIMIT $3`,
    [tenant, collector, limit],
  )
}
