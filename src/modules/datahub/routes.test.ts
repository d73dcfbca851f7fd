import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { multipart } from './multipart.test-support.ts'
import type { Dataset, PushResult, Resource, Version } from './schema.ts'

type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } }
type Preview = { format: string; columns: { name: string; type: string }[]; rows: Record<string, unknown>[]; total: number; points: number }

let server: TestServer
const cookies: Record<string, string> = {}
let token = ''
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/datahub/${name}`, import.meta.url))

async function createDataset(who: string, tenant: string, extra: Record<string, unknown> = {}): Promise<Dataset> {
  const res = await as(who, { method: 'POST', url: `/api/t/${tenant}/datasets`, payload: { name: unique('ds'), title: 'Titik wifi gratis', ...extra } })
  expect(res.statusCode, res.body).toBe(201)
  return json<Dataset>(res)
}

async function upload(who: string, tenant: string, name: string, filename: string, bytes: Buffer): Promise<Resource> {
  const res = await as(who, { method: 'POST', url: `/api/t/${tenant}/datasets/${name}/resources`, ...multipart(filename, bytes) })
  expect(res.statusCode, res.body).toBe(201)
  return json<Resource>(res)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'executive', 'malang_admin', 'field_crew', 'agency_officer']) cookies[who] = await loginCookie(server.kendali, who)
  const res = await as('admin', { method: 'POST', url: '/api/t/33.71/tokens', payload: { name: unique('opd-system'), roles: ['agency_officer'] } })
  expect(res.statusCode, res.body).toBe(201)
  token = json<{ token: string }>(res).token
})
afterAll(() => server.close())

describe('datasets', () => {
  it('creates a dataset owned by an OPD and refuses an unknown OPD or a taken name', async () => {
    const ds = await createDataset('operator', '33.71', { organization: 'diskominsta', tags: ['wifi', 'internet'], public: true })
    expect(ds.organization?.code).toBe('diskominsta')
    expect(ds).toMatchObject({ tags: ['wifi', 'internet'], public: true, license: 'cc-by', resources: [] })
    const unknown = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/datasets',
      payload: { name: unique('ds'), title: 'X data', organization: 'nope' },
    })
    expect(unknown.statusCode).toBe(400)
    expect(json<ErrorBody>(unknown).error.details?.field).toBe('organization')
    const taken = await as('operator', { method: 'POST', url: '/api/t/33.71/datasets', payload: { name: ds.name, title: 'Again' } })
    expect(taken.statusCode).toBe(409)
  })

  it('previews an upload without storing it, then stores it as version 1 with typed rows and points', async () => {
    const ds = await createDataset('operator', '33.71')
    const preview = await as('operator', {
      method: 'POST',
      url: `/api/t/33.71/datasets/${ds.name}/resources/preview`,
      ...multipart('wifi.csv', fixture('wifi-magelang-semicolon.csv')),
    })
    expect(preview.statusCode, preview.body).toBe(200)
    const p = json<Preview>(preview)
    expect(p).toMatchObject({ format: 'csv', total: 3, points: 3 })
    expect(p.columns.find((c) => c.name === 'lintang')?.type).toBe('number')
    expect(json<Dataset>(await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}` })).resources).toEqual([])

    const resource = await upload('operator', '33.71', ds.name, 'wifi.csv', fixture('wifi-magelang-semicolon.csv'))
    expect(resource).toMatchObject({ kind: 'file', format: 'csv', version: 1, rowCount: 3, hasPoints: true })
    const rows = await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}/resources/${resource.id}/rows?limit=2` })
    expect(json<{ items: Record<string, unknown>[]; total: number }>(rows)).toMatchObject({
      total: 3,
      items: [{ nama: 'Alun-alun Kota Magelang', lintang: -7.4773 }, {}],
    })
  })

  it('keeps old versions downloadable and queries the current one by default', async () => {
    const ds = await createDataset('operator', '33.71')
    const first = await upload('operator', '33.71', ds.name, 'puskesmas.csv', fixture('puskesmas-comma.csv'))
    const second = 'kode,nama,kecamatan,lat,lon,tempat_tidur,buka_24_jam,tanggal_data\nP009,Puskesmas Baru,Magelang Tengah,-7.48,110.21,4,ya,2025-06-30\n'
    const res = await as('operator', {
      method: 'POST',
      url: `/api/t/33.71/datasets/${ds.name}/resources/${first.id}/versions`,
      ...multipart('puskesmas-juni.csv', Buffer.from(second)),
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(json<Resource>(res)).toMatchObject({ version: 2, rowCount: 1 })
    const versions = json<{ items: Version[] }>(
      await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}/resources/${first.id}/versions` }),
    ).items
    expect(versions.map((v) => [v.version, v.rowCount, v.current, v.filename])).toEqual([
      [2, 1, true, 'puskesmas-juni.csv'],
      [1, 3, false, 'puskesmas.csv'],
    ])
    const old = await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}/resources/${first.id}/versions/1/download` })
    expect(old.statusCode).toBe(200)
    expect(old.rawPayload.equals(fixture('puskesmas-comma.csv'))).toBe(true)
    expect(old.headers['content-disposition']).toContain('puskesmas.csv')
    const current = json<{ items: { kode: string }[]; total: number }>(
      await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}/resources/${first.id}/rows` }),
    )
    expect(current).toMatchObject({ total: 1, items: [{ kode: 'P009' }] })
    const older = json<{ total: number }>(await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}/resources/${first.id}/rows?version=1` }))
    expect(older.total).toBe(3)
  })

  it('pages and filters rows by typed column values and text', async () => {
    const ds = await createDataset('operator', '33.71')
    const lines = ['kelurahan,tahun,jumlah']
    for (let i = 0; i < 250; i++) lines.push(`Kel ${i % 5},${2020 + (i % 3)},${i}`)
    const r = await upload('operator', '33.71', ds.name, 'banyak.csv', Buffer.from(lines.join('\n')))
    const base = `/api/t/33.71/datasets/${ds.name}/resources/${r.id}/rows`
    const page2 = json<{ items: { _id: number; jumlah: number }[]; total: number }>(
      await as('operator', { method: 'GET', url: `${base}?limit=100&offset=100` }),
    )
    expect(page2.total).toBe(250)
    expect(page2.items[0]).toMatchObject({ _id: 101, jumlah: 100 })
    const filtered = json<{ items: { tahun: number; kelurahan: string }[]; total: number }>(
      await as('operator', { method: 'GET', url: `${base}?filters=${encodeURIComponent(JSON.stringify({ tahun: '2021', kelurahan: 'Kel 1' }))}` }),
    )
    expect(filtered.total).toBe(17)
    expect(filtered.items.every((i) => i.tahun === 2021 && i.kelurahan === 'Kel 1')).toBe(true)
    const bad = await as('operator', { method: 'GET', url: `${base}?filters=${encodeURIComponent('{"nope":1}')}` })
    expect(bad.statusCode).toBe(400)
  })

  it('adds a link resource and refuses a body that is neither file nor link', async () => {
    const ds = await createDataset('operator', '33.71')
    const link = await as('operator', {
      method: 'POST',
      url: `/api/t/33.71/datasets/${ds.name}/resources`,
      payload: { url: 'https://data.magelangkota.go.id/dataset/x.pdf' },
    })
    expect(link.statusCode, link.body).toBe(201)
    expect(json<Resource>(link)).toMatchObject({ kind: 'link', format: 'pdf', version: null })
    const bad = await as('operator', { method: 'POST', url: `/api/t/33.71/datasets/${ds.name}/resources`, payload: { link: 'x' } })
    expect(bad.statusCode).toBe(400)
  })

  it('shows internal datasets only to people of the tenant; public ones to everyone', async () => {
    const internal = await createDataset('operator', '33.71')
    const open = await createDataset('operator', '33.71', { public: true })
    const r = await upload('operator', '33.71', internal.name, 'wifi.csv', fixture('wifi-magelang-semicolon.csv'))
    for (const who of [null, 'malang_admin']) {
      const headers = who ? { cookie: cookies[who] } : {}
      expect((await inject({ method: 'GET', url: `/api/t/33.71/datasets/${internal.name}`, headers })).statusCode).toBe(404)
      expect((await inject({ method: 'GET', url: `/api/t/33.71/datasets/${internal.name}/resources/${r.id}/rows`, headers })).statusCode).toBe(404)
      expect((await inject({ method: 'GET', url: `/api/t/33.71/datasets/${open.name}`, headers })).statusCode).toBe(200)
      const list = json<{ items: Dataset[] }>(await inject({ method: 'GET', url: '/api/t/33.71/datasets?limit=200', headers }))
      expect(list.items.every((d) => d.public)).toBe(true)
      const points = json<{ features: { properties: { dataset: string } }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/dataset-points', headers }))
      expect(points.features.some((f) => f.properties.dataset === internal.name)).toBe(false)
    }
    const staff = json<{ features: { properties: { dataset: string } }[] }>(
      await as('field_crew', { method: 'GET', url: `/api/t/33.71/dataset-points?dataset=${internal.name}` }),
    )
    expect(staff.features).toHaveLength(3)
    expect((await as('malang_admin', { method: 'POST', url: '/api/t/33.71/datasets', payload: { name: unique('ds'), title: 'Nope' } })).statusCode).toBe(403)
    expect((await as('field_crew', { method: 'POST', url: '/api/t/33.71/datasets', payload: { name: unique('ds'), title: 'Nope' } })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'PATCH', url: `/api/t/33.71/datasets/${open.name}`, payload: { public: false } })).statusCode).toBe(403)
  })

  it('publishes a dataset with PATCH and deletes it with its versions', async () => {
    const ds = await createDataset('operator', '33.71')
    const patched = await as('operator', { method: 'PATCH', url: `/api/t/33.71/datasets/${ds.name}`, payload: { public: true, steward: 'Diskominsta' } })
    expect(json<Dataset>(patched)).toMatchObject({ public: true, steward: 'Diskominsta', title: ds.title })
    expect((await inject({ method: 'GET', url: `/api/t/33.71/datasets/${ds.name}` })).statusCode).toBe(200)
    expect((await as('operator', { method: 'DELETE', url: `/api/t/33.71/datasets/${ds.name}` })).statusCode).toBe(403)
    expect((await as('admin', { method: 'DELETE', url: `/api/t/33.71/datasets/${ds.name}` })).statusCode).toBe(204)
    expect((await as('admin', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}` })).statusCode).toBe(404)
  })
})

describe('OPD ownership', () => {
  it('lets an officer write only the datasets of their own OPD: metadata, files, versions and rows', async () => {
    // The demo agency officer works for DPUPR.
    const own = await createDataset('agency_officer', '33.71', { organization: 'dpupr' })
    const other = await createDataset('admin', '33.71', { organization: 'diskominsta' })
    const file = multipart('wifi.csv', fixture('wifi-magelang-semicolon.csv'))
    const resource = await upload('admin', '33.71', other.name, 'wifi.csv', fixture('wifi-magelang-semicolon.csv'))
    const refused = [
      await as('agency_officer', { method: 'POST', url: '/api/t/33.71/datasets', payload: { name: unique('ds'), title: 'Tanpa OPD' } }),
      await as('agency_officer', {
        method: 'POST',
        url: '/api/t/33.71/datasets',
        payload: { name: unique('ds'), title: 'OPD lain', organization: 'diskominsta' },
      }),
      await as('agency_officer', { method: 'PATCH', url: `/api/t/33.71/datasets/${other.name}`, payload: { title: 'Diambil alih' } }),
      await as('agency_officer', { method: 'PATCH', url: `/api/t/33.71/datasets/${own.name}`, payload: { organization: 'diskominsta' } }),
      await as('agency_officer', { method: 'POST', url: `/api/t/33.71/datasets/${other.name}/resources`, ...file }),
      await as('agency_officer', { method: 'POST', url: `/api/t/33.71/datasets/${other.name}/resources/${resource.id}/versions`, ...file }),
      await as('agency_officer', { method: 'POST', url: `/api/t/33.71/datasets/${other.name}/rows`, payload: { batchId: unique('b'), rows: [{ nama: 'x' }] } }),
    ]
    expect(refused.map((r) => r.statusCode)).toEqual(refused.map(() => 403))
    expect(json<Dataset>(await as('admin', { method: 'GET', url: `/api/t/33.71/datasets/${other.name}` })).resources).toHaveLength(1)
    await upload('agency_officer', '33.71', own.name, 'wifi.csv', fixture('wifi-magelang-semicolon.csv'))
  })
})

describe('push', () => {
  const push = (name: string, payload: unknown, opts: Partial<InjectOptions> = {}) =>
    inject({
      method: 'POST',
      url: `/api/t/33.71/datasets/${name}/rows`,
      payload: payload as string,
      ...opts,
      headers: { authorization: `Bearer ${token}`, ...opts.headers },
    })

  it('stores good rows, rejects bad ones with their reasons, and stores a batch id once', async () => {
    const ds = await createDataset('operator', '33.71')
    await upload('operator', '33.71', ds.name, 'puskesmas.csv', fixture('puskesmas-comma.csv'))
    const rows = [
      { kode: 'P100', nama: 'Pustu A', lat: -7.47, lon: 110.22, tempat_tidur: 2, buka_24_jam: true, tanggal_data: '2025-02-01' },
      { kode: 'P101', nama: 'Pustu B', tempat_tidur: 'dua' },
      { kode: 'P102', warna: 'merah' },
      { kode: 'P103', nama: 'Pustu C', lat: '-7,48', lon: '110,21' },
    ]
    const first = await push(ds.name, { batchId: 'b-1', rows })
    expect(first.statusCode, first.body).toBe(200)
    const result = json<PushResult>(first)
    expect(result.stored).toBe(2)
    expect(result.duplicate).toBe(false)
    expect(result.rejected).toEqual([
      { row: 1, field: 'tempat_tidur', message: expect.stringContaining('integer') },
      { row: 2, field: 'warna', message: expect.stringContaining('not a column') },
    ])
    const again = json<PushResult>(await push(ds.name, { batchId: 'b-1', rows }))
    expect(again).toMatchObject({ stored: 2, duplicate: true })
    const d = json<Dataset>(await as('operator', { method: 'GET', url: `/api/t/33.71/datasets/${ds.name}` }))
    expect(d.resources[0].rowCount).toBe(5)
    const found = json<{ items: { lat: number }[] }>(
      await as('operator', {
        method: 'GET',
        url: `/api/t/33.71/datasets/${ds.name}/resources/${d.resources[0].id}/rows?filters=${encodeURIComponent('{"kode":"P103"}')}`,
      }),
    )
    expect(found.items[0].lat).toBe(-7.48)
  })

  it('takes CSV with a batch id in the query', async () => {
    const ds = await createDataset('operator', '33.71')
    await upload('operator', '33.71', ds.name, 'puskesmas.csv', fixture('puskesmas-comma.csv'))
    const csv = 'kode;nama;tempat_tidur\nP200;Pustu D;3\nP201;Pustu E;tiga\n'
    const res = await push(ds.name, csv, { url: `/api/t/33.71/datasets/${ds.name}/rows?batchId=csv-1`, headers: { 'content-type': 'text/csv' } })
    expect(res.statusCode, res.body).toBe(200)
    expect(json<PushResult>(res)).toMatchObject({ stored: 1, rejected: [{ row: 1, field: 'tempat_tidur' }] })
    const noBatch = await push(ds.name, csv, { headers: { 'content-type': 'text/csv' } })
    expect(noBatch.statusCode).toBe(400)
  })

  it('refuses pushes without a token, with another city’s role, or into a dataset without a table', async () => {
    const ds = await createDataset('operator', '33.71')
    expect((await inject({ method: 'POST', url: `/api/t/33.71/datasets/${ds.name}/rows`, payload: { batchId: 'x', rows: [] } })).statusCode).toBe(401)
    expect((await as('malang_admin', { method: 'POST', url: `/api/t/33.71/datasets/${ds.name}/rows`, payload: { batchId: 'x', rows: [] } })).statusCode).toBe(
      403,
    )
    const empty = await push(ds.name, { batchId: 'x', rows: [{ a: 1 }] })
    expect(empty.statusCode).toBe(409)
    expect((await push(ds.name, { rows: [] })).statusCode).toBe(400)
  })
})

describe('demo city', () => {
  it('seeds Kota Magelang with public wifi hotspots and facilities that show on the map', async () => {
    const wifi = json<Dataset>(await inject({ method: 'GET', url: '/api/t/33.71/datasets/hotspot-wifi-publik' }))
    expect(wifi).toMatchObject({ public: true, organization: { code: 'diskominsta' } })
    expect(wifi.resources[0]).toMatchObject({ rowCount: 30, hasPoints: true })
    const points = json<{ features: { properties: { dataset: string } }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/dataset-points?dataset=fasilitas-publik' }),
    )
    expect(points.features).toHaveLength(20)
  })
})
