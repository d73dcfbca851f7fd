import type { InjectOptions } from 'fastify'
import jsqr from 'jsqr'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TEST_MIDTRANS_SERVER_KEY } from '../../../test/support/fixtures.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { testConfig } from '../../../test/support/template.ts'
import { LevyError } from './errors.ts'
import { DEMO_MIDTRANS_SERVER_KEY, leviesServices } from './index.ts'
import { midtransSignature } from './providers.ts'
import { parseQris } from './qris.ts'

type Market = { id: string; code: string; name: string; kelurahan: { code: string; name: string } | null; stalls: number }
type Vendor = { id: string; code: string; name: string; nik: string | null; stalls: { code: string }[] }
type Bill = {
  number: string
  period: string
  amount: number
  sanction: number
  paid: number
  outstanding: number
  status: string
  dueOn: string
  vendor: { id: string }
  lines: { tariffId: string; amount: number; legalBasis: string }[]
}
type Receipt = { receipt: string; amount: number; method: string; billNumber: string; bill: Bill }
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } }

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const get = async <T>(who: string, url: string) => {
  const res = await as(who, { method: 'GET', url })
  expect(res.statusCode, res.body).toBe(200)
  return json<T>(res)
}
const post = async <T>(who: string, url: string, payload: unknown, status = 201) => {
  const res = await as(who, { method: 'POST', url, payload: payload as Record<string, unknown> })
  expect(res.statusCode, res.body).toBe(status)
  return json<T>(res)
}
/** Runs the durable jobs until none is due. */
async function runJobs() {
  while ((await server.kendali.ctx.jobs.runDue(50)) > 0);
}

// The kelurahan the region lookup gives the seeded markets' locations.
// Pasar Cacaban lies in Kelurahan Magelang, not in Kelurahan Cacaban.
const SEEDED: Record<string, string> = { rejowinangun: 'Rejowinangun Utara', cacaban: 'Magelang', kebonpolo: 'Potrobangsan', gotong_royong: 'Gelangan' }
const MALANG = '/api/t/35.73/levies'
const MAGELANG = '/api/t/33.71/levies'
// Near Pasar Besar Malang.
const MALANG_POINT = { type: 'Point', coordinates: [112.6297, -7.9873] }
const MAGELANG_POINT = { type: 'Point', coordinates: [110.2176, -7.4773] }

/** A market of its own (Magelang's managed by Disdagkop) with one stall let to a fresh vendor from `startsOn`, in a tenant. */
/** A tariff class no other test uses (classes are digits), so a test's stalls are billed by its own tariffs alone. */
const freshClass = () =>
  unique('')
    .replace(/[^0-9]/g, '')
    .slice(-5)

/** Posts a tariff of a fresh class and answers the class. */
async function tariffClass(who: string, base: string, tariff: { kind: string; basis: string; rate: number; legalBasis: string; effectiveFrom: string }) {
  const cls = freshClass()
  await post(who, `${base}/tariffs`, { ...tariff, class: cls })
  return cls
}

async function stallWithVendor(who: string, base: string, point: unknown, opts: { kind?: string; cls?: string; area?: number; startsOn?: string } = {}) {
  const code = unique('psr').slice(-28)
  const agencyId = base === MAGELANG ? disdagkop : undefined
  const market = await post<Market>(who, `${base}/markets`, { code, name: `Pasar Uji ${code}`, location: point, terminal: 'PSRUJI', agencyId })
  const stall = await post<{ id: string }>(who, `${base}/stalls`, {
    marketId: market.id,
    code: 'K-01',
    kind: opts.kind ?? 'kios',
    class: opts.cls ?? 'UJI',
    areaM2: opts.area ?? 10,
  })
  const vendor = await post<Vendor>(who, `${base}/vendors`, { code: unique('v').slice(-28), name: 'Bu Uji', phone: '0812-1111-2222', nik: '3371014101800001' })
  await post(who, `${base}/permits`, { vendorId: vendor.id, stallId: stall.id, startsOn: opts.startsOn ?? '2026-01-01' })
  return { market, stall, vendor }
}

async function billsOf(who: string, base: string, vendorId: string, period?: string) {
  return (await get<{ items: Bill[] }>(who, `${base}/bills?vendor=${vendorId}${period ? `&period=${period}` : ''}`)).items
}

/** A fresh Magelang vendor with one issued bill for November 2026 (10 m² at Rp1.000 a day = Rp300.000), due 10 December. */
async function magelangBill(): Promise<Bill> {
  const cls = await tariffClass('admin', MAGELANG, { kind: 'kios', basis: 'per_m2_day', rate: 1000, legalBasis: 'Perda uji coba', effectiveFrom: '2026-01-01' })
  const { vendor } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT, { cls, startsOn: '2026-11-01' })
  await levies().generate(server.kendali.ctx.db, '33.71', '2026-11', 'test')
  const [bill] = await billsOf('admin', MAGELANG, vendor.id, '2026-11')
  expect(bill.amount).toBe(300_000)
  return bill
}

const levies = () => {
  const service = servicesRef
  if (!service) throw new Error('services not ready')
  return service
}
let servicesRef: import('./levies.ts').LevyService | null = null
/** The id of Kota Magelang's trade OPD (Disdagkop UKM), which manages its markets. */
let disdagkop = ''

/** A fresh agency officer of Kota Magelang working for these OPDs, logged in as `who`. */
async function officer(who: string, agencies: string[]) {
  const username = unique('pasar')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
  const password = 'rahasia-pasar-1'
  await post('admin', '/api/t/33.71/users', { username, name: 'Petugas Pasar', password, roles: ['agency_officer'], agencies })
  cookies[who] = await loginCookie(server.kendali, username, password)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'agency_officer', 'collector', 'operator', 'executive', 'field_crew', 'malang_admin']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
  const agencies = (await get<{ items: { id: string; code: string }[] }>('admin', '/api/t/33.71/agencies?limit=100')).items
  disdagkop = agencies.find((a) => a.code === 'disdagkop_ukm')?.id ?? ''
  // The market office: an officer of the OPD that manages the markets. The demo `agency_officer` works for DPUPR.
  await officer('keeper', [disdagkop])
  servicesRef = leviesServices(server.kendali.ctx).levies
})
afterAll(() => server.close())

describe('markets, stalls, vendors', () => {
  it('seeds Kota Magelang’s markets with the kelurahan the region lookup finds for each', async () => {
    const markets = (await get<{ items: Market[] }>('agency_officer', `${MAGELANG}/markets`)).items
    const names = markets.map((m) => m.name)
    for (const name of ['Pasar Rejowinangun', 'Pasar Cacaban', 'Pasar Kebonpolo', 'Pasar Gotong Royong']) expect(names).toContain(name)
    for (const m of markets.filter((x) => x.code in SEEDED)) {
      expect(m.kelurahan?.code).toMatch(/^33\.71\.\d{2}\.\d{4}$/)
      expect(m.stalls).toBeGreaterThan(0)
    }
    const kelurahan = Object.fromEntries(markets.filter((m) => m.code in SEEDED).map((m) => [m.code, m.kelurahan?.name]))
    expect(kelurahan).toEqual(SEEDED)
  })

  it('masks the NIK for everyone but administrators', async () => {
    const { vendor } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT)
    expect(vendor.nik).toBe('3371014101800001')
    expect((await get<Vendor>('collector', `${MAGELANG}/vendors/${vendor.id}`)).nik).toBe('3371********0001')
    expect((await get<Vendor>('agency_officer', `${MAGELANG}/vendors/${vendor.id}`)).nik).toBe('3371********0001')
    const found = await get<{ items: Vendor[] }>('collector', `${MAGELANG}/vendors?q=${vendor.code}`)
    expect(found.items.map((v) => [v.id, v.nik])).toEqual([[vendor.id, '3371********0001']])
    expect(found.items[0].stalls.map((s) => s.code)).toEqual(['K-01'])
  })

  it('refuses wrong roles, other tenants and bad input without changing anything', async () => {
    expect((await as('field_crew', { method: 'GET', url: `${MAGELANG}/markets` })).statusCode).toBe(403)
    expect((await as('collector', { method: 'POST', url: `${MAGELANG}/tariffs`, payload: {} })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url: `${MAGELANG}/vendors` })).statusCode).toBe(403)
    const malang = (await get<{ items: Market[] }>('malang_admin', `${MALANG}/markets`)).items
    expect(malang.some((m) => m.name === 'Pasar Rejowinangun')).toBe(false)
    const market = (await get<{ items: Market[] }>('admin', `${MAGELANG}/markets`)).items[0]
    const bad = await as('admin', {
      method: 'POST',
      url: `${MAGELANG}/stalls`,
      payload: { marketId: market.id, code: 'X-1', kind: 'kios', class: 'I', areaM2: -1 },
    })
    expect(bad.statusCode).toBe(400)
    expect(json<ErrorBody>(bad).error.code).toBe('invalid')
    const outside = await as('admin', {
      method: 'POST',
      url: `${MAGELANG}/markets`,
      payload: { code: unique('x').slice(-20), name: 'Pasar Luar', location: MALANG_POINT },
    })
    expect(outside.statusCode).toBe(400)
    const stalls = (await get<{ items: { code: string }[] }>('admin', `${MAGELANG}/stalls?market=${market.id}`)).items
    expect(stalls.some((s) => s.code === 'X-1')).toBe(false)
    // A Malang administrator cannot let a Magelang stall.
    const other = await as('malang_admin', {
      method: 'POST',
      url: `${MALANG}/stalls`,
      payload: { marketId: market.id, code: 'X-2', kind: 'kios', class: 'I', areaM2: 4 },
    })
    expect(other.statusCode).toBe(400)
  })

  it('pages a market’s stalls by code, finds them by part of the code, and refuses a forged cursor', async () => {
    const { market } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT)
    await post('admin', `${MAGELANG}/stalls/range`, { marketId: market.id, prefix: 'L-', from: 1, to: 5, width: 2, kind: 'los', class: 'II', areaM2: 4 }, 200)
    type StallPage = { items: { code: string; vendor: { name: string } | null }[]; total: number; next: string | null }
    const seen: string[] = []
    let url = `${MAGELANG}/stalls?market=${market.id}&limit=2`
    for (;;) {
      const page = await get<StallPage>('collector', url)
      expect(page.total).toBe(6)
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((s) => s.code))
      if (!page.next) break
      url = `${MAGELANG}/stalls?market=${market.id}&limit=2&cursor=${page.next}`
    }
    expect(seen).toEqual(['K-01', 'L-01', 'L-02', 'L-03', 'L-04', 'L-05'])
    const found = await get<StallPage>('collector', `${MAGELANG}/stalls?market=${market.id}&q=k-0`)
    expect([found.total, found.items.map((s) => [s.code, s.vendor?.name]), found.next]).toEqual([1, [['K-01', 'Bu Uji']], null])
    const forged = await as('collector', {
      method: 'GET',
      url: `${MAGELANG}/stalls?market=${market.id}&cursor=${Buffer.from('{"k":1}').toString('base64url')}`,
    })
    expect([forged.statusCode, json<ErrorBody>(forged).error.code]).toEqual([400, 'invalid'])
    expect((await as('collector', { method: 'GET', url: `${MAGELANG}/stalls?limit=0` })).statusCode).toBe(400)
  })

  it('refuses a permit that overlaps another on the same stall', async () => {
    const { stall } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT, { startsOn: '2026-01-01' })
    const other = await post<Vendor>('admin', `${MAGELANG}/vendors`, { code: unique('v').slice(-28), name: 'Pak Lain' })
    const res = await as('admin', { method: 'POST', url: `${MAGELANG}/permits`, payload: { vendorId: other.id, stallId: stall.id, startsOn: '2026-06-01' } })
    expect(res.statusCode).toBe(409)
  })
})

describe('market office editing', () => {
  const patch = (who: string, url: string, payload: unknown) => as(who, { method: 'PATCH', url, payload: payload as Record<string, unknown> })

  it('changes a market’s name and OPD, and refuses wrong roles, other tenants and bad input without a change', async () => {
    const { market } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT)
    const agency = (await get<{ items: { id: string }[] }>('admin', '/api/t/33.71/agencies')).items[0]
    const renamed = json<Market & { agencyId: string; qrisName: string }>(
      await patch('keeper', `${MAGELANG}/markets/${market.id}`, { name: 'Pasar Uji Baru', qrisName: 'upt pasar baru' }),
    )
    expect([renamed.name, renamed.agencyId, renamed.qrisName, renamed.code]).toEqual(['Pasar Uji Baru', disdagkop, 'UPT PASAR BARU', market.code])
    // Only an administrator gives a market to another OPD; its officers then no longer keep it.
    expect((await patch('keeper', `${MAGELANG}/markets/${market.id}`, { agencyId: agency.id })).statusCode).toBe(403)
    const changed = json<Market & { agencyId: string }>(await patch('admin', `${MAGELANG}/markets/${market.id}`, { agencyId: agency.id }))
    expect(changed.agencyId).toBe(agency.id)
    expect((await patch('keeper', `${MAGELANG}/markets/${market.id}`, { name: 'Pasar Disdagkop' })).statusCode).toBe(403)
    // Moving a market moves its kelurahan with it; a point outside the city is refused.
    const moved = json<Market>(await patch('admin', `${MAGELANG}/markets/${market.id}`, { location: { type: 'Point', coordinates: [110.2248, -7.4852] } }))
    expect(moved.kelurahan?.name).toBe('Rejowinangun Utara')
    const outside = await patch('admin', `${MAGELANG}/markets/${market.id}`, { location: MALANG_POINT })
    expect([outside.statusCode, json<ErrorBody>(outside).error.details?.field]).toEqual([400, 'location'])
    expect((await patch('collector', `${MAGELANG}/markets/${market.id}`, { name: 'Pasar Kolektor' })).statusCode).toBe(403)
    expect((await patch('malang_admin', `${MAGELANG}/markets/${market.id}`, { name: 'Pasar Malang' })).statusCode).toBe(403)
    // Through its own tenant a Malang administrator finds no such market.
    expect((await patch('malang_admin', `${MALANG}/markets/${market.id}`, { name: 'Pasar Malang' })).statusCode).toBe(404)
    expect((await patch('admin', `${MAGELANG}/markets/${market.id}`, { agencyId: '00000000-0000-4000-8000-000000000000' })).statusCode).toBe(400)
    expect((await patch('admin', `${MAGELANG}/markets/${market.id}`, { code: 'BARU' })).statusCode).toBe(400)
    expect((await patch('admin', `${MAGELANG}/markets/${market.id}`, {})).statusCode).toBe(400)
    const after = (await get<{ items: (Market & { agencyId: string })[] }>('admin', `${MAGELANG}/markets`)).items.find((m) => m.id === market.id)
    expect([after?.name, after?.agencyId, after?.code]).toEqual(['Pasar Uji Baru', agency.id, market.code])
  })

  it('changes a vendor’s phone and NIK, shows the NIK in full to administrators only, and refuses a bad NIK', async () => {
    const { vendor } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT)
    const res = await patch('keeper', `${MAGELANG}/vendors/${vendor.id}`, { phone: '+62 813-5555-0000', nik: '3371024202900002' })
    expect(res.statusCode, res.body).toBe(200)
    expect(json<Vendor & { phone: string }>(res)).toMatchObject({ phone: '+6281355550000', nik: '3371********0002', code: vendor.code })
    expect((await get<Vendor>('admin', `${MAGELANG}/vendors/${vendor.id}`)).nik).toBe('3371024202900002')
    expect((await patch('admin', `${MAGELANG}/vendors/${vendor.id}`, { nik: '3371-0242' })).statusCode).toBe(400)
    expect((await patch('collector', `${MAGELANG}/vendors/${vendor.id}`, { name: 'Bu Lain' })).statusCode).toBe(403)
    expect((await patch('malang_admin', `${MALANG}/vendors/${vendor.id}`, { name: 'Bu Lain' })).statusCode).toBe(404)
    const kept = await get<Vendor>('admin', `${MAGELANG}/vendors/${vendor.id}`)
    expect([kept.name, kept.nik]).toEqual(['Bu Uji', '3371024202900002'])
  })

  it('ends a permit early: no bill charges a day after, and a permit already billed beyond the date cannot end before it', async () => {
    const cls = await tariffClass('admin', MAGELANG, { kind: 'los', basis: 'flat_day', rate: 2000, legalBasis: 'Perda uji coba', effectiveFrom: '2026-01-01' })
    const { market, stall, vendor } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT, { kind: 'los', cls, startsOn: '2026-01-01' })
    type Permit = { id: string; endsOn: string | null; stall: { code: string; marketName: string } }
    const [permit] = (await get<{ items: Permit[] }>('admin', `${MAGELANG}/permits?vendor=${vendor.id}`)).items
    // A permit names its stall for people: code and market.
    expect(permit.stall).toEqual({ code: 'K-01', marketName: market.name })
    await levies().generate(server.kendali.ctx.db, '33.71', '2026-02', 'test')
    // February is billed to its last day: the permit cannot end inside it.
    const early = await as('admin', { method: 'POST', url: `${MAGELANG}/permits/${permit.id}/end`, payload: { endsOn: '2026-02-20' } })
    expect(early.statusCode).toBe(409)
    expect(json<ErrorBody>(early).error.details?.billNumber).toMatch(/^SKRD-/)
    expect((await as('admin', { method: 'POST', url: `${MAGELANG}/permits/${permit.id}/end`, payload: { endsOn: '2025-12-31' } })).statusCode).toBe(400)
    expect((await as('admin', { method: 'POST', url: `${MAGELANG}/permits/${permit.id}/end`, payload: { endsOn: 'soon' } })).statusCode).toBe(400)
    expect((await as('collector', { method: 'POST', url: `${MAGELANG}/permits/${permit.id}/end`, payload: { endsOn: '2026-03-15' } })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'POST', url: `${MALANG}/permits/${permit.id}/end`, payload: { endsOn: '2026-03-15' } })).statusCode).toBe(404)
    const ended = await post<{ endsOn: string }>('keeper', `${MAGELANG}/permits/${permit.id}/end`, { endsOn: '2026-03-15' }, 200)
    expect(ended.endsOn).toBe('2026-03-15')
    // A later end is no early end.
    expect((await as('admin', { method: 'POST', url: `${MAGELANG}/permits/${permit.id}/end`, payload: { endsOn: '2026-04-30' } })).statusCode).toBe(409)
    await levies().generate(server.kendali.ctx.db, '33.71', '2026-03', 'test')
    await levies().generate(server.kendali.ctx.db, '33.71', '2026-04', 'test')
    // March: 15 days at Rp2.000 = Rp30.000; April: nothing.
    expect((await billsOf('admin', MAGELANG, vendor.id, '2026-03')).map((b) => b.amount)).toEqual([30_000])
    expect(await billsOf('admin', MAGELANG, vendor.id, '2026-04')).toEqual([])
    // The stall is free again from 16 March, and now it can be taken out of use.
    const stallNow = await patch('admin', `${MAGELANG}/stalls/${stall.id}`, { isActive: false })
    expect(stallNow.statusCode, stallNow.body).toBe(200)
    expect(json<{ isActive: boolean }>(stallNow).isActive).toBe(false)
    const other = await post<Vendor>('admin', `${MAGELANG}/vendors`, { code: unique('v').slice(-28), name: 'Pak Baru' })
    expect(
      (await as('admin', { method: 'POST', url: `${MAGELANG}/permits`, payload: { vendorId: other.id, stallId: stall.id, startsOn: '2026-05-01' } }))
        .statusCode,
    ).toBe(409)
  })

  it('changes a stall’s area for bills to come only, and keeps a let stall in use', async () => {
    const cls = await tariffClass('admin', MAGELANG, {
      kind: 'kios',
      basis: 'per_m2_day',
      rate: 100,
      legalBasis: 'Perda uji coba',
      effectiveFrom: '2026-01-01',
    })
    const { stall, vendor } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT, { cls, area: 10, startsOn: '2026-01-01' })
    await levies().generate(server.kendali.ctx.db, '33.71', '2026-06', 'test')
    expect((await as('admin', { method: 'PATCH', url: `${MAGELANG}/stalls/${stall.id}`, payload: { isActive: false } })).statusCode).toBe(409)
    expect((await as('admin', { method: 'PATCH', url: `${MAGELANG}/stalls/${stall.id}`, payload: { areaM2: 0 } })).statusCode).toBe(400)
    const changed = await as('keeper', { method: 'PATCH', url: `${MAGELANG}/stalls/${stall.id}`, payload: { areaM2: 12 } })
    expect(json<{ areaM2: number; isActive: boolean }>(changed)).toMatchObject({ areaM2: 12, isActive: true })
    await levies().generate(server.kendali.ctx.db, '33.71', '2026-07', 'test')
    // June: 10 m² × Rp100 × 30 days, issued before the change; July: 12 m² × Rp100 × 31 days.
    expect((await billsOf('admin', MAGELANG, vendor.id, '2026-06')).map((b) => b.amount)).toEqual([30_000])
    expect((await billsOf('admin', MAGELANG, vendor.id, '2026-07')).map((b) => b.amount)).toEqual([37_200])
  })

  it('adds a tariff version from a date and never a second one for the same date', async () => {
    const cls = freshClass()
    const tariff = { kind: 'lapak', class: cls, basis: 'flat_month', rate: 30_000, legalBasis: 'Perda 1/2026 Pasal 9', effectiveFrom: '2026-01-01' }
    await post('keeper', `${MAGELANG}/tariffs`, tariff)
    const again = await as('admin', { method: 'POST', url: `${MAGELANG}/tariffs`, payload: { ...tariff, rate: 45_000 } })
    expect(again.statusCode).toBe(409)
    expect((await as('admin', { method: 'POST', url: `${MAGELANG}/tariffs`, payload: { ...tariff, legalBasis: '' } })).statusCode).toBe(400)
    const rates = (await get<{ items: { class: string; rate: number }[] }>('operator', `${MAGELANG}/tariffs`)).items.filter((t) => t.class === cls)
    expect(rates.map((t) => t.rate)).toEqual([30_000])
  })
})

describe('the market office by OPD', () => {
  const put = (who: string, url: string, payload: unknown) => as(who, { method: 'PUT', url, payload: payload as Record<string, unknown> })
  const fieldOf = (res: Parameters<typeof json>[0]) => json<ErrorBody>(res).error.details?.field

  it('lets an agency officer keep only the markets their OPD manages, and administrators all', async () => {
    const dpupr = (await get<{ items: { id: string; code: string }[] }>('admin', '/api/t/33.71/agencies?limit=100')).items.find((a) => a.code === 'dpupr')?.id
    // An officer adds a market: it goes to their own OPD; another OPD's is refused.
    const code = unique('psr').slice(-28)
    const market = await post<Market & { agencyId: string; mayManage: boolean }>('keeper', `${MAGELANG}/markets`, {
      code,
      name: 'Pasar Sore Uji',
      location: MAGELANG_POINT,
    })
    expect([market.agencyId, market.mayManage]).toEqual([disdagkop, true])
    const foreign = await as('keeper', {
      method: 'POST',
      url: `${MAGELANG}/markets`,
      payload: { code: `${code}x`.slice(-28), name: 'Pasar Lain', location: MAGELANG_POINT, agencyId: dpupr },
    })
    expect(foreign.statusCode).toBe(403)
    // The demo agency officer works for DPUPR: they read the market but keep nothing of it.
    const seen = (await get<{ items: (Market & { mayManage: boolean })[] }>('agency_officer', `${MAGELANG}/markets`)).items.find((m) => m.id === market.id)
    expect(seen?.mayManage).toBe(false)
    const stall = await post<{ id: string }>('keeper', `${MAGELANG}/stalls`, { marketId: market.id, code: 'S-01', kind: 'lapak', class: 'I', areaM2: 2 })
    const vendor = await post<Vendor>('keeper', `${MAGELANG}/vendors`, { code: unique('v').slice(-28), name: 'Bu Sore' })
    const permit = await post<{ id: string }>('keeper', `${MAGELANG}/permits`, { vendorId: vendor.id, stallId: stall.id, startsOn: '2026-01-01' })
    const refused = [
      await as('agency_officer', { method: 'PATCH', url: `${MAGELANG}/markets/${market.id}`, payload: { name: 'Pasar DPUPR' } }),
      await as('agency_officer', {
        method: 'POST',
        url: `${MAGELANG}/stalls`,
        payload: { marketId: market.id, code: 'S-02', kind: 'lapak', class: 'I', areaM2: 2 },
      }),
      await as('agency_officer', {
        method: 'POST',
        url: `${MAGELANG}/stalls/range`,
        payload: { marketId: market.id, prefix: 'S-', from: 3, to: 4, kind: 'lapak', class: 'I', areaM2: 2 },
      }),
      await as('agency_officer', { method: 'PATCH', url: `${MAGELANG}/stalls/${stall.id}`, payload: { areaM2: 3 } }),
      await as('agency_officer', { method: 'POST', url: `${MAGELANG}/permits/${permit.id}/end`, payload: { endsOn: '2026-06-30' } }),
      await put('agency_officer', `${MAGELANG}/markets/${market.id}/targets/2026`, { amount: 1_000_000 }),
      // City-wide office work needs an OPD that manages a market; DPUPR manages none.
      await as('agency_officer', {
        method: 'POST',
        url: `${MAGELANG}/tariffs`,
        payload: { kind: 'lapak', class: 'Z', basis: 'flat_day', rate: 1, legalBasis: 'Perda uji', effectiveFrom: '2026-01-01' },
      }),
      await as('agency_officer', { method: 'POST', url: `${MAGELANG}/vendors`, payload: { code: unique('v').slice(-28), name: 'Pak DPUPR' } }),
      await as('agency_officer', { method: 'POST', url: `${MAGELANG}/bills/generate`, payload: { period: '2026-01' } }),
      await as('agency_officer', { method: 'POST', url: `${MAGELANG}/collector-days` }),
      await as('agency_officer', { method: 'GET', url: `${MAGELANG}/settings` }),
      await as('agency_officer', { method: 'GET', url: `${MAGELANG}/notifications` }),
    ]
    expect(refused.map((r) => r.statusCode)).toEqual(refused.map(() => 403))
    expect((await get<{ items: { code: string }[] }>('admin', `${MAGELANG}/stalls?market=${market.id}`)).items.map((s) => s.code)).toEqual(['S-01'])
    // An officer linked to no OPD acts for none.
    await officer('nobody', [])
    expect(
      (
        await as('nobody', {
          method: 'POST',
          url: `${MAGELANG}/markets`,
          payload: { code: `${code}n`.slice(-28), name: 'Pasar Tanpa OPD', location: MAGELANG_POINT },
        })
      ).statusCode,
    ).toBe(403)
    // The administrator keeps every market, and tells each caller whose markets they keep.
    expect((await as('admin', { method: 'PATCH', url: `${MAGELANG}/stalls/${stall.id}`, payload: { areaM2: 3 } })).statusCode).toBe(200)
    expect(await get('admin', `${MAGELANG}/office`)).toEqual({ managesAll: true, agencies: [] })
    expect(await get('keeper', `${MAGELANG}/office`)).toEqual({ managesAll: false, agencies: [disdagkop] })
  })

  it('adds a numbered range of stalls at once and answers the codes the market already has as rejected', async () => {
    const { market } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT)
    const range = (payload: Record<string, unknown>) =>
      as('keeper', { method: 'POST', url: `${MAGELANG}/stalls/range`, payload: { marketId: market.id, kind: 'los', class: 'II', areaM2: 3, ...payload } })
    const first = await range({ prefix: 'A-', from: 1, to: 20 })
    expect(first.statusCode, first.body).toBe(200)
    expect(json(first)).toEqual({ accepted: 20, rejected: [] })
    const again = json<{ accepted: number; rejected: { index: number; field: string; message: string }[] }>(await range({ prefix: 'A-', from: 18, to: 22 }))
    expect(again.accepted).toBe(2)
    expect(again.rejected.map((r) => [r.index, r.field])).toEqual([
      [0, 'code'],
      [1, 'code'],
      [2, 'code'],
    ])
    expect(again.rejected[0].message).toContain('A-18')
    const stalls = (await get<{ items: { code: string; kind: string; class: string; areaM2: number }[] }>('admin', `${MAGELANG}/stalls?market=${market.id}`))
      .items
    expect(stalls.filter((s) => s.code.startsWith('A-')).map((s) => s.code)).toEqual(
      Array.from({ length: 22 }, (_, i) => `A-${String(i + 1).padStart(2, '0')}`),
    )
    expect(stalls.find((s) => s.code === 'A-07')).toMatchObject({ kind: 'los', class: 'II', areaM2: 3 })
    // Width pads the number; bad input names the field and adds nothing.
    expect(json(await range({ prefix: 'B', from: 7, to: 8, width: 3 }))).toEqual({ accepted: 2, rejected: [] })
    expect((await get<{ items: { code: string }[] }>('admin', `${MAGELANG}/stalls?market=${market.id}`)).items.map((s) => s.code)).toContain('B007')
    const backwards = await range({ prefix: 'C-', from: 9, to: 2 })
    expect([backwards.statusCode, fieldOf(backwards)]).toEqual([400, 'to'])
    const tooMany = await range({ prefix: 'C-', from: 1, to: 501 })
    expect([tooMany.statusCode, fieldOf(tooMany)]).toEqual([400, 'to'])
    const badKind = await range({ prefix: 'C-', from: 1, to: 2, kind: 'warung' })
    expect([badKind.statusCode, fieldOf(badKind)]).toEqual([400, 'kind'])
    const badPrefix = await range({ prefix: '-C', from: 1, to: 2 })
    expect([badPrefix.statusCode, fieldOf(badPrefix)]).toEqual([400, 'prefix'])
    const noMarket = await range({ marketId: '00000000-0000-4000-8000-000000000000', prefix: 'C-', from: 1, to: 2 })
    expect([noMarket.statusCode, fieldOf(noMarket)]).toEqual([400, 'marketId'])
    expect((await get<{ items: { code: string }[] }>('admin', `${MAGELANG}/stalls?market=${market.id}`)).items.some((s) => s.code.startsWith('C-'))).toBe(false)
  })

  it('sets a market’s yearly levy target, replaces it, and lists every market with its target or none', async () => {
    const { market } = await stallWithVendor('admin', MAGELANG, MAGELANG_POINT)
    const url = `${MAGELANG}/markets/${market.id}/targets/2026`
    const set = await put('keeper', url, { amount: 120_000_000 })
    expect(set.statusCode, set.body).toBe(200)
    expect(json(set)).toMatchObject({ marketId: market.id, year: 2026, amount: 120_000_000, marketName: market.name })
    expect(json<{ amount: number }>(await put('admin', url, { amount: 150_000_000 })).amount).toBe(150_000_000)
    type Target = { marketId: string; amount: number | null; setBy: string | null }
    const year2026 = (await get<{ items: Target[] }>('executive', `${MAGELANG}/targets?year=2026`)).items
    expect(year2026.find((t) => t.marketId === market.id)).toMatchObject({ amount: 150_000_000, setBy: 'admin' })
    const year2027 = (await get<{ items: Target[] }>('executive', `${MAGELANG}/targets?year=2027`)).items
    expect(year2027.find((t) => t.marketId === market.id)).toMatchObject({ amount: null, setBy: null })
    const zero = await put('admin', url, { amount: 0 })
    expect([zero.statusCode, fieldOf(zero)]).toEqual([400, 'amount'])
    expect((await put('admin', `${MAGELANG}/markets/${market.id}/targets/1999`, { amount: 5 })).statusCode).toBe(400)
    expect((await put('collector', url, { amount: 5 })).statusCode).toBe(403)
    expect((await put('malang_admin', `${MALANG}/markets/${market.id}/targets/2026`, { amount: 5 })).statusCode).toBe(404)
    expect((await get<{ items: Target[] }>('admin', `${MAGELANG}/targets?year=2026`)).items.find((t) => t.marketId === market.id)?.amount).toBe(150_000_000)
  })
})

describe('bills', () => {
  it('issues a period’s bills by the durable job once, however often asked, at the tariffs in force each day', async () => {
    const cls = freshClass()
    const tariff = (rate: number, effectiveFrom: string) =>
      post<{ id: string }>('malang_admin', `${MALANG}/tariffs`, {
        kind: 'los',
        class: cls,
        basis: 'per_m2_day',
        rate,
        legalBasis: `Perda Kota Malang uji ${rate}`,
        effectiveFrom,
      })
    const old = await tariff(500, '2025-01-01')
    const raised = await tariff(700, '2026-03-16')
    const { vendor } = await stallWithVendor('malang_admin', MALANG, MALANG_POINT, { kind: 'los', cls, area: 4 })
    await post('malang_admin', `${MALANG}/bills/generate`, { period: '2026-03' }, 202)
    await post('malang_admin', `${MALANG}/bills/generate`, { period: '2026-03' }, 202)
    await runJobs()
    await post('malang_admin', `${MALANG}/bills/generate`, { period: '2026-03' }, 202)
    await runJobs()
    const bills = await billsOf('malang_admin', MALANG, vendor.id)
    expect(bills).toHaveLength(1)
    const [bill] = bills
    expect(bill.number).toMatch(/^SKRD-3573-2026-\d{6}$/)
    expect(bill.lines.map((l) => [l.tariffId, l.amount])).toEqual([
      [old.id, 500 * 4 * 15],
      [raised.id, 700 * 4 * 16],
    ])
    expect(bill.amount).toBe(30_000 + 44_800)
    expect(bill.dueOn).toBe('2026-04-10')
    // A later tariff dated back into March does not rewrite the issued bill.
    await tariff(900, '2026-03-01')
    await post('malang_admin', `${MALANG}/bills/generate`, { period: '2026-03' }, 202)
    await runJobs()
    const again = await get<Bill>('malang_admin', `${MALANG}/bills/${bill.number}`)
    expect(again.amount).toBe(74_800)
    // Overdue since 10 April: the sanction of 1 % a month is charged on top.
    expect(again.sanction).toBeGreaterThanOrEqual(748 * 7)
    expect(again.outstanding).toBe(again.amount + again.sanction)
  })

  it('issues nothing twice when two generations run at the same moment', async () => {
    const cls = await tariffClass('malang_admin', MALANG, { kind: 'kios', basis: 'flat_day', rate: 1000, legalBasis: 'Perda uji', effectiveFrom: '2025-01-01' })
    const { vendor } = await stallWithVendor('malang_admin', MALANG, MALANG_POINT, { cls })
    const db = server.kendali.ctx.db
    const runs = await Promise.all([levies().generate(db, '35.73', '2026-05', 't'), levies().generate(db, '35.73', '2026-05', 't')])
    expect(runs.some((r) => r.created === 0)).toBe(true)
    expect(await billsOf('malang_admin', MALANG, vendor.id, '2026-05')).toHaveLength(1)
  })

  it('keeps one tenant’s bills from another', async () => {
    const bill = await magelangBill()
    expect((await as('malang_admin', { method: 'GET', url: `${MALANG}/bills/${bill.number}` })).statusCode).toBe(404)
    expect((await as('malang_admin', { method: 'GET', url: `${MAGELANG}/bills/${bill.number}` })).statusCode).toBe(403)
    const malangBills = (await get<{ items: Bill[] }>('malang_admin', `${MALANG}/bills?limit=1000`)).items
    expect(malangBills.some((b) => b.number.startsWith('SKRD-3371'))).toBe(false)
  })
})

describe('payments', () => {
  it('takes partial payments with receipts and refuses to take more than is owed', async () => {
    const bill = await magelangBill()
    const url = `${MAGELANG}/bills/${bill.number}/payments`
    const first = await post<Receipt>('collector', url, { amount: 100_000, method: 'cash' })
    expect(first.receipt).toMatch(/^STS-3371-\d{4}-\d{6}$/)
    expect(first.bill).toMatchObject({ status: 'partial', paid: 100_000, outstanding: 200_000 })
    const over = await as('collector', { method: 'POST', url, payload: { amount: 200_001, method: 'cash' } })
    expect(over.statusCode).toBe(409)
    expect(json<ErrorBody>(over).error.details?.outstanding).toBe(200_000)
    const noRef = await as('collector', { method: 'POST', url, payload: { amount: 10_000, method: 'card' } })
    expect(noRef.statusCode).toBe(400)
    // An officer takes payments only on their own OPD's markets (collectors on every market).
    const foreign = await as('agency_officer', { method: 'POST', url, payload: { amount: 200_000, method: 'card', reference: 'EDC-BJTG-00041' } })
    expect(foreign.statusCode).toBe(403)
    const card = await post<Receipt>('keeper', url, { amount: 200_000, method: 'card', reference: 'EDC-BJTG-00042' })
    expect(card.bill).toMatchObject({ status: 'paid', outstanding: 0 })
    const receipt = await get<Receipt>('executive', `${MAGELANG}/payments/${first.receipt}`)
    expect(receipt).toMatchObject({ amount: 100_000, method: 'cash', billNumber: bill.number })
    expect((await as('collector', { method: 'POST', url, payload: { amount: 1, method: 'cash' } })).statusCode).toBe(409)
    expect((await as('executive', { method: 'POST', url, payload: { amount: 1, method: 'cash' } })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url: `${MALANG}/payments/${first.receipt}` })).statusCode).toBe(404)
  })

  it('lets only one of two payments at the same moment through when together they pay too much', async () => {
    const bill = await magelangBill()
    const pay = () => as('collector', { method: 'POST', url: `${MAGELANG}/bills/${bill.number}/payments`, payload: { amount: 200_000, method: 'cash' } })
    const results = await Promise.all([pay(), pay()])
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409])
    expect((await get<Bill>('admin', `${MAGELANG}/bills/${bill.number}`)).paid).toBe(200_000)
  })

  it('reconciles a collector’s day and flags a short deposit', async () => {
    const open = await as('collector', { method: 'POST', url: `${MAGELANG}/collector-days` })
    // A day left open by an earlier run is closed first.
    if (open.statusCode === 409) {
      const id = String(json<ErrorBody>(open).error.details?.dayId)
      await post('collector', `${MAGELANG}/collector-days/${id}/close`, { deposit: 0 }, 200)
    }
    const day =
      open.statusCode === 201
        ? json<{ id: string; status: string }>(open)
        : await post<{ id: string; status: string }>('collector', `${MAGELANG}/collector-days`, {})
    expect(day.status).toBe('open')
    const bill = await magelangBill()
    await post('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 50_000, method: 'cash' })
    await post('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 25_000, method: 'cash' })
    await post('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 10_000, method: 'qris', reference: 'QRIS-RRN-7781' })
    const closed = await post<{ status: string; cash: number; cashless: number; difference: number }>(
      'collector',
      `${MAGELANG}/collector-days/${day.id}/close`,
      { deposit: 70_000 },
      200,
    )
    expect(closed).toMatchObject({ status: 'flagged', cash: 75_000, cashless: 10_000, difference: -5_000 })
    // An officer of an OPD that keeps no market is not the market office: another collector's day is not theirs to close.
    const reopened = await post<{ id: string }>('collector', `${MAGELANG}/collector-days`, {})
    expect((await as('agency_officer', { method: 'POST', url: `${MAGELANG}/collector-days/${reopened.id}/close`, payload: { deposit: 0 } })).statusCode).toBe(
      403,
    )
    await post('collector', `${MAGELANG}/collector-days/${reopened.id}/close`, { deposit: 0 }, 200)
    expect((await as('collector', { method: 'POST', url: `${MAGELANG}/collector-days/${day.id}/close`, payload: { deposit: 75_000 } })).statusCode).toBe(409)
  })
})

describe('QRIS', () => {
  it('gives a bill a dynamic QRIS of what is owed, readable from its PNG', async () => {
    const bill = await magelangBill()
    await post('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 10_000, method: 'cash' })
    const qris = await get<{ payload: string; imagePng: string; amount: number }>('collector', `${MAGELANG}/bills/${bill.number}/qris`)
    expect(qris.amount).toBe(290_000)
    expect(parseQris(qris.payload)).toMatchObject({ isDynamic: true, amount: 290_000, billNumber: bill.number, currency: '360', country: 'ID' })
    const { data, info } = await sharp(Buffer.from(qris.imagePng, 'base64')).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
    expect(jsqr.default(new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), info.width, info.height)?.data).toBe(qris.payload)
    const verified = await post<{ bill: { number: string; amountMatches: boolean } }>('collector', `${MAGELANG}/qris/verify`, { payload: qris.payload }, 200)
    expect(verified.bill).toMatchObject({ number: bill.number, amountMatches: true })
    const tampered = qris.payload.replace('5406290000', '5406190000')
    expect((await as('collector', { method: 'POST', url: `${MAGELANG}/qris/verify`, payload: { payload: tampered } })).statusCode).toBe(400)
  })
})

describe('Midtrans notifications', () => {
  // This city's Midtrans account; the suite's main server has none configured.
  let city: TestServer
  beforeAll(async () => {
    city = await startTestKendali({ listen: false, env: { MIDTRANS_SERVER_KEY: TEST_MIDTRANS_SERVER_KEY } })
  })
  afterAll(() => city.close())
  const callbackTo = (to: TestServer, tenant: string, body: Record<string, string>) =>
    to.kendali.app.inject({ method: 'POST', url: `/api/t/${tenant}/levies/payments/callback/midtrans`, payload: body })
  const callback = (tenant: string, body: Record<string, string>) => callbackTo(city, tenant, body)
  const notice = (orderId: string, gross: string, overrides: Record<string, string> = {}, key = TEST_MIDTRANS_SERVER_KEY) => {
    const body: Record<string, string> = {
      transaction_status: 'settlement',
      status_code: '200',
      transaction_id: unique('trx'),
      payment_type: 'qris',
      order_id: orderId,
      gross_amount: gross,
      fraud_status: 'accept',
      ...overrides,
    }
    body.signature_key ??= midtransSignature(body.order_id, body.status_code, body.gross_amount, key)
    return body
  }
  const notifications = async (order: string) =>
    (await get<{ items: { outcome: string; reason: string | null }[] }>('admin', `${MAGELANG}/notifications?order=${order}`)).items

  it('pays on settlement once, however often and however simultaneously it is notified', async () => {
    const bill = await magelangBill()
    const body = notice(bill.number, '300000.00')
    const [a, b] = await Promise.all([callback('33.71', body), callback('33.71', body)])
    expect([a.statusCode, b.statusCode]).toEqual([200, 200])
    expect([json<{ outcome: string }>(a).outcome, json<{ outcome: string }>(b).outcome].sort()).toEqual(['duplicate', 'paid'])
    const third = await callback('33.71', body)
    expect(json<{ outcome: string }>(third).outcome).toBe('duplicate')
    const paid = await get<Bill & { payments: { method: string; provider: string }[] }>('admin', `${MAGELANG}/bills/${bill.number}`)
    expect(paid).toMatchObject({ status: 'paid', paid: 300_000, payments: [{ method: 'qris', provider: 'midtrans' }] })
  })

  it('records pending, expire, deny and cancel without paying', async () => {
    const bill = await magelangBill()
    for (const status of ['pending', 'expire', 'deny', 'cancel']) {
      const res = await callback('33.71', notice(bill.number, '300000.00', { transaction_status: status, status_code: status === 'pending' ? '201' : '202' }))
      expect(json<{ outcome: string }>(res).outcome).toBe('recorded')
    }
    expect((await get<Bill>('admin', `${MAGELANG}/bills/${bill.number}`)).paid).toBe(0)
    expect((await notifications(bill.number)).map((n) => n.outcome)).toEqual(['recorded', 'recorded', 'recorded', 'recorded'])
  })

  it('says by its code why a notification is refused: forged (403), incomplete or with no amount (400)', async () => {
    const bill = await magelangBill()
    const error = async (body: Record<string, string>) => {
      const res = await callback('33.71', body)
      return { status: res.statusCode, code: json<{ error: { code: string } }>(res).error.code }
    }
    expect(await error({ ...notice(bill.number, '300000.00'), signature_key: 'ab'.repeat(64) })).toEqual({ status: 403, code: LevyError.NoticeSignature })
    const { transaction_id: _, ...incomplete } = notice(bill.number, '300000.00')
    expect(await error(incomplete)).toEqual({ status: 400, code: LevyError.NoticeIncomplete })
    expect(await error(notice(bill.number, 'tiga ratus ribu'))).toEqual({ status: 400, code: LevyError.NoticeAmount })
  })

  it('rejects and logs tampered, unknown, excessive and other-tenant notifications', async () => {
    const bill = await magelangBill()
    const tampered = { ...notice(bill.number, '300000.00'), gross_amount: '3100.00' }
    expect((await callback('33.71', tampered)).statusCode).toBe(403)
    expect((await callback('33.71', notice(bill.number, '400000.00'))).statusCode).toBe(409)
    expect((await callback('35.73', notice(bill.number, '300000.00'))).statusCode).toBe(404)
    const unknown = 'SKRD-3371-2026-999999'
    expect((await callback('33.71', notice(unknown, '1000.00'))).statusCode).toBe(404)
    expect((await get<Bill>('admin', `${MAGELANG}/bills/${bill.number}`)).paid).toBe(0)
    const log = await notifications(bill.number)
    expect(log.map((n) => n.outcome)).toEqual(['rejected', 'rejected'])
    expect(log.map((n) => n.reason).join(' ')).toContain('signature')
    expect((await notifications(unknown)).map((n) => n.reason)).toContain('unknown order_id')
  })

  it('refuses a settlement signed with the public demo key outside demo mode', async () => {
    const bill = await magelangBill()
    const forged = notice(bill.number, '300000.00', {}, DEMO_MIDTRANS_SERVER_KEY)
    expect((await callback('33.71', forged)).statusCode).toBe(403)
    const withoutKey = await callbackTo(server, '33.71', forged)
    expect(withoutKey.statusCode).toBe(503)
    expect(json<{ error: { code: string; message: string } }>(withoutKey).error).toMatchObject({
      code: 'unavailable',
      message: expect.stringContaining('MIDTRANS_SERVER_KEY'),
    })
    expect((await get<Bill>('admin', `${MAGELANG}/bills/${bill.number}`)).paid).toBe(0)
  })

  it('accepts the demo key only in demo mode, and never over a configured key', () => {
    const signedWithDemoKey = notice('SKRD-3371-2026-000001', '1000.00', {}, DEMO_MIDTRANS_SERVER_KEY)
    const withConfig = (env: Record<string, string>) => leviesServices({ ...server.kendali.ctx, config: testConfig(env) }).midtrans()
    expect(withConfig({ DEMO: '0' })).toBeNull()
    expect(withConfig({ DEMO: '1' })?.read(signedWithDemoKey)).toMatchObject({ isPaid: true, billNumber: 'SKRD-3371-2026-000001' })
    expect(() => withConfig({ DEMO: '1', MIDTRANS_SERVER_KEY: TEST_MIDTRANS_SERVER_KEY })?.read(signedWithDemoKey)).toThrow(/signature/)
  })
})

describe('revenue and arrears', () => {
  it('shows today’s collection with its cashless share, and arrears aging per vendor', async () => {
    const before = await get<{ total: number; cashless: number }>('executive', `${MAGELANG}/revenue`)
    const bill = await magelangBill()
    await post('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 60_000, method: 'cash' })
    await post('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 40_000, method: 'card', reference: 'EDC-1' })
    const after = await get<{ total: number; cashless: number; cashlessShare: number; markets: { total: number }[] }>('executive', `${MAGELANG}/revenue`)
    expect(after.total - before.total).toBe(100_000)
    expect(after.cashless - before.cashless).toBe(40_000)
    expect(after.cashlessShare).toBeCloseTo(after.cashless / after.total)
    const arrears = await get<{ items: { key: { id: string }; outstanding: number; buckets: Record<string, number> }[] }>(
      'operator',
      `${MAGELANG}/arrears?by=vendor&date=2027-01-15`,
    )
    const mine = arrears.items.find((a) => a.key.id === bill.vendor.id)
    // Due 10 December 2026; on 15 January 2027 it is 36 days late with 2 months of sanction begun, each
    // 1 % of the Rp200.000 left after the Rp100.000 paid before the due date: Rp2.000 a month.
    expect(mine?.buckets.d31_60).toBe(200_000 + 2_000 * 2)
    expect((await as('field_crew', { method: 'GET', url: `${MAGELANG}/revenue` })).statusCode).toBe(403)
  })
})

describe('vendor self-service', () => {
  it('shows a vendor their own bills, QRIS and receipts by vendor code and phone, and nothing to anyone else', async () => {
    const bill = await magelangBill()
    const detail = await get<Bill & { vendor: { code: string } }>('admin', `${MAGELANG}/bills/${bill.number}`)
    const code = detail.vendor.code
    const paid = await post<Receipt>('collector', `${MAGELANG}/bills/${bill.number}/payments`, { amount: 50_000, method: 'cash' })
    const mine = await inject({ method: 'POST', url: `${MAGELANG}/public/bills`, payload: { vendor: code, phone: '+62 812-1111-2222' } })
    expect(mine.statusCode, mine.body).toBe(200)
    const body = json<{ vendor: { name: string }; bills: (Bill & { receipts: string[] })[] }>(mine)
    expect(body.vendor.name).toBe('Bu Uji')
    expect(body.bills.map((b) => [b.number, b.outstanding, b.receipts])).toEqual([[bill.number, 250_000, [paid.receipt]]])
    expect(body.bills[0]).not.toHaveProperty('nik')
    const proof = { vendor: code, phone: '081211112222' }
    const qris = await inject({ method: 'POST', url: `${MAGELANG}/public/bills/${bill.number}/qris`, payload: proof })
    expect(parseQris(json<{ payload: string }>(qris).payload).amount).toBe(250_000)
    const receipt = await inject({ method: 'POST', url: `${MAGELANG}/public/payments/${paid.receipt}`, payload: proof })
    expect(json<Receipt>(receipt).amount).toBe(50_000)
    // A wrong phone, another vendor's bill or another tenant: nothing, and the same answer.
    expect((await inject({ method: 'POST', url: `${MAGELANG}/public/bills`, payload: { vendor: code, phone: '081299999999' } })).statusCode).toBe(404)
    // The phone never rides in a URL: the old query form is not a route any more.
    expect((await inject({ method: 'GET', url: `${MAGELANG}/public/bills?vendor=${code}&phone=081211112222` })).statusCode).toBe(404)
    const other = await magelangBill()
    expect((await inject({ method: 'POST', url: `${MAGELANG}/public/bills/${other.number}/qris`, payload: proof })).statusCode).toBe(404)
    expect((await inject({ method: 'POST', url: `${MALANG}/public/bills`, payload: proof })).statusCode).toBe(404)
  })
})
