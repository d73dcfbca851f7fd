import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_BULK_ITEMS } from '../../src/core/http/bulk.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

// The bulk create/update routes of units, devices, stalls, vendors and staff: per-item results (created, updated,
// failed with words in both languages), role and tenant checks, and bad requests refused whole with nothing stored.

type Result = {
  index: number
  status: 'created' | 'updated' | 'failed'
  id: string | null
  token?: string
  error: { code: string; field: string | null; message: { id: string; en: string } } | null
}
type Bulk = { created: number; updated: number; failed: number; results: Result[] }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const bulk = (who: string, url: string, items: unknown[]) => as(who, { method: 'POST', url, payload: { items } })
const ok = async (who: string, url: string, items: unknown[]) => {
  const res = await bulk(who, url, items)
  expect(res.statusCode, res.body).toBe(200)
  return json<Bulk>(res)
}
const statuses = (b: Bulk) => b.results.map((r) => r.status)
const agencyOf = async (tenant: string) => json<{ items: { id: string }[] }>(await as('admin', { method: 'GET', url: `/api/t/${tenant}/agencies` })).items[0].id
const MAGELANG_POINT = { type: 'Point', coordinates: [110.2176, -7.4773] }

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('bulk units', () => {
  it('creates and updates units by callsign, answering each item, and fails only the bad ones', async () => {
    const [a, b, c] = [unique('BLK').slice(-20), unique('BLK').slice(-20), unique('BLK').slice(-20)]
    const agency = await agencyOf('33.71')
    const malangAgency = await agencyOf('35.73')
    const first = await ok('admin', '/api/t/33.71/units/bulk', [
      { callsign: a, kind: 'ambulance', agencyId: agency, location: MAGELANG_POINT },
      { callsign: b, kind: 'rescue' },
      { callsign: c, kind: 'rescue', agencyId: malangAgency },
      { callsign: a, kind: 'ambulance' },
    ])
    expect(statuses(first)).toEqual(['created', 'created', 'failed', 'failed'])
    expect(first).toMatchObject({ created: 2, updated: 0, failed: 2 })
    expect(first.results[2].error).toMatchObject({ code: 'invalid', field: 'agencyId' })
    expect(first.results[2].error?.message.id).toContain('tidak ada')
    expect(first.results[3].error).toMatchObject({ code: 'invalid', field: 'callsign' })
    const unit = json<{ callsign: string; agencyId: string; location: unknown }>(
      await as('admin', { method: 'GET', url: `/api/t/33.71/units/${first.results[0].id}` }),
    )
    expect(unit).toMatchObject({ callsign: a, agencyId: agency, location: MAGELANG_POINT })

    const second = await ok('admin', '/api/t/33.71/units/bulk', [
      { callsign: b, kind: 'rescue', agencyId: agency },
      { callsign: a, kind: 'fire_engine' },
    ])
    expect(statuses(second)).toEqual(['updated', 'failed'])
    expect(second.results[0].id).toBe(first.results[1].id)
    expect(second.results[1].error).toMatchObject({ code: 'conflict', field: 'kind' })
    expect(json<{ kind: string }>(await as('admin', { method: 'GET', url: `/api/t/33.71/units/${first.results[0].id}` })).kind).toBe('ambulance')
  })

  it('keeps tenants apart: the same callsign is another unit in another city, and no one writes into a city not theirs', async () => {
    const callsign = unique('BLK').slice(-20)
    const magelang = await ok('admin', '/api/t/33.71/units/bulk', [{ callsign, kind: 'police' }])
    expect((await bulk('malang_admin', '/api/t/33.71/units/bulk', [{ callsign, kind: 'police', agencyId: await agencyOf('35.73') }])).statusCode).toBe(403)
    const malang = await ok('malang_admin', '/api/t/35.73/units/bulk', [{ callsign, kind: 'police' }])
    expect(statuses(malang)).toEqual(['created'])
    expect(malang.results[0].id).not.toBe(magelang.results[0].id)
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/35.73/units/${magelang.results[0].id}` })).statusCode).toBe(404)
    expect((await bulk('operator', '/api/t/33.71/units/bulk', [{ callsign: unique('BLK').slice(-20), kind: 'police' }])).statusCode).toBe(403)
  })

  it('refuses a bad request whole with a 4xx and stores nothing', async () => {
    const count = async () => json<{ total: number }>(await as('admin', { method: 'GET', url: '/api/t/33.71/units?limit=1' })).total
    const before = await count()
    const callsign = unique('BLK').slice(-20)
    const bad: unknown[] = [
      {},
      { items: [] },
      { items: 'units' },
      { items: [{ callsign, kind: 'tank' }] },
      { items: [{ callsign, kind: 'police', colour: 'red' }] },
      { items: Array.from({ length: MAX_BULK_ITEMS + 1 }, (_, i) => ({ callsign: `${callsign}-${i}`.slice(-29), kind: 'police' })) },
    ]
    for (const payload of bad) {
      const res = await as('admin', { method: 'POST', url: '/api/t/33.71/units/bulk', payload: payload as Record<string, unknown> })
      expect(res.statusCode, JSON.stringify(payload).slice(0, 80)).toBe(400)
      expect(json<{ error: { code: string } }>(res).error.code).toBe('invalid')
    }
    expect(await count()).toBe(before)
  })
})

describe('bulk devices', () => {
  it('registers devices with their tokens and changes those named by id, in the caller’s city only', async () => {
    const created = await ok('admin', '/api/t/33.71/devices/bulk', [
      { name: 'AWLR Bulk 1', kind: 'flood_level', location: MAGELANG_POINT },
      { name: 'AWLR Bulk 2', kind: 'flood_level', location: MAGELANG_POINT, intervalSeconds: 60 },
      { name: 'Nothing', kind: 'not_a_kind', location: MAGELANG_POINT },
    ])
    expect(statuses(created)).toEqual(['created', 'created', 'failed'])
    expect(created.results[0].token).toMatch(/^kdd_/)
    expect(created.results[2].error).toMatchObject({ code: 'invalid', field: 'kind' })
    const id = created.results[0].id
    const changed = await ok('admin', '/api/t/33.71/devices/bulk', [
      { id, name: 'AWLR Bulk renamed', kind: 'flood_level', location: MAGELANG_POINT },
      { id, name: 'Twice', kind: 'flood_level', location: MAGELANG_POINT },
      { id: created.results[1].id, name: 'Other kind', kind: 'rain_gauge', location: MAGELANG_POINT },
    ])
    expect(statuses(changed)).toEqual(['updated', 'failed', 'failed'])
    expect(changed.results[2].error).toMatchObject({ code: 'conflict', field: 'kind' })
    expect(json<{ name: string }>(await as('admin', { method: 'GET', url: `/api/t/33.71/devices/${id}` })).name).toBe('AWLR Bulk renamed')
    // Malang cannot change Magelang's device: to Malang it does not exist.
    const foreign = await ok('malang_admin', '/api/t/35.73/devices/bulk', [{ id, name: 'Stolen', kind: 'flood_level', location: MAGELANG_POINT }])
    expect(foreign.results[0].error).toMatchObject({ code: 'not_found', field: 'id' })
    expect(json<{ name: string }>(await as('admin', { method: 'GET', url: `/api/t/33.71/devices/${id}` })).name).toBe('AWLR Bulk renamed')
    expect((await bulk('operator', '/api/t/33.71/devices/bulk', [{ name: 'X1', kind: 'flood_level', location: MAGELANG_POINT }])).statusCode).toBe(403)
  })
})

describe('bulk stalls and vendors', () => {
  it('adds vendors and changes them by code, each item answered', async () => {
    const code = unique('v').slice(-28)
    const first = await ok('admin', '/api/t/33.71/levies/vendors/bulk', [
      { code, name: 'Bu Sri', phone: '0812-3333-4444' },
      { code, name: 'Bu Sri lagi' },
    ])
    expect(statuses(first)).toEqual(['created', 'failed'])
    const second = await ok('admin', '/api/t/33.71/levies/vendors/bulk', [{ code, name: 'Bu Sri Rahayu', nik: '3371014101800001' }])
    expect(second.results[0]).toMatchObject({ status: 'updated', id: first.results[0].id })
    const vendor = json<{ name: string; nik: string }>(await as('admin', { method: 'GET', url: `/api/t/33.71/levies/vendors/${first.results[0].id}` }))
    expect(vendor).toMatchObject({ name: 'Bu Sri Rahayu', nik: '3371014101800001' })
    // The same code in Malang is Malang's own vendor.
    const malang = await ok('malang_admin', '/api/t/35.73/levies/vendors/bulk', [{ code, name: 'Pak Malang' }])
    expect(malang.results[0].status).toBe('created')
    expect((await bulk('malang_admin', '/api/t/33.71/levies/vendors/bulk', [{ code, name: 'X' }])).statusCode).toBe(403)
    expect((await bulk('admin', '/api/t/33.71/levies/vendors/bulk', [{ code, name: 'X', nik: '12' }])).statusCode).toBe(400)
  })

  it('adds stalls to a market and changes their class and area; another city’s market fails its items', async () => {
    const mcode = unique('psr').slice(-28)
    const market = json<{ id: string }>(
      await as('admin', {
        method: 'POST',
        url: '/api/t/33.71/levies/markets',
        payload: { code: mcode, name: `Pasar Bulk ${mcode}`, location: MAGELANG_POINT, terminal: 'PSRUJI' },
      }),
    )
    const malangMarket = json<{ id: string }>(
      await as('malang_admin', {
        method: 'POST',
        url: '/api/t/35.73/levies/markets',
        payload: { code: mcode, name: `Pasar Bulk ${mcode}`, location: { type: 'Point', coordinates: [112.6297, -7.9873] }, terminal: 'PSRUJI' },
      }),
    )
    const stall = (code: string, extra: Record<string, unknown> = {}) => ({ marketId: market.id, code, kind: 'kios', class: 'I', areaM2: 9, ...extra })
    const first = await ok('admin', '/api/t/33.71/levies/stalls/bulk', [
      stall('B-01'),
      stall('B-02'),
      stall('B-01'),
      stall('B-03', { marketId: malangMarket.id }),
    ])
    expect(statuses(first)).toEqual(['created', 'created', 'failed', 'failed'])
    expect(first.results[3].error).toMatchObject({ code: 'invalid', field: 'marketId' })
    const second = await ok('admin', '/api/t/33.71/levies/stalls/bulk', [stall('B-01', { class: 'II', areaM2: 12 }), stall('B-02', { kind: 'los' })])
    expect(statuses(second)).toEqual(['updated', 'failed'])
    expect(second.results[1].error?.message.en).toContain('another kind')
  })
})

describe('bulk staff', () => {
  it('creates and updates ASN staff by NIP; a wrong NIP or another city’s OPD fails the item', async () => {
    const nip = `1986040${String(1 + (process.pid % 9))}201001${1 + (process.pid % 2)}${String(100 + (Date.now() % 900)).padStart(3, '0')}`
    const agency = await agencyOf('33.71')
    const first = await ok('admin', '/api/t/33.71/asn/staff/bulk', [
      { nip, name: 'Rina', agencyId: agency, position: 'Analis' },
      { nip: '199013452015011001', name: 'Salah', agencyId: agency },
      { nip: '198504152010011002', name: 'Lain', agencyId: await agencyOf('35.73') },
    ])
    expect(statuses(first)).toEqual([expect.stringMatching(/created|updated/), 'failed', 'failed'])
    expect(first.results[1].error).toMatchObject({ code: 'invalid', field: 'nip' })
    expect(first.results[1].error?.message.id).toContain('tanggal lahir')
    expect(first.results[2].error).toMatchObject({ code: 'invalid', field: 'agencyId' })
    const second = await ok('admin', '/api/t/33.71/asn/staff/bulk', [{ nip, name: 'Rina Wati', agencyId: agency }])
    expect(second.results[0]).toMatchObject({ status: 'updated', id: first.results[0].id })
    expect((await bulk('operator', '/api/t/33.71/asn/staff/bulk', [{ nip, name: 'X', agencyId: agency }])).statusCode).toBe(403)
    expect((await bulk('malang_admin', '/api/t/33.71/asn/staff/bulk', [{ nip, name: 'X', agencyId: agency }])).statusCode).toBe(403)
  })
})
