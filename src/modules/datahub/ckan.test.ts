import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { multipart } from './multipart.test-support.ts'
import type { Dataset, Resource } from './schema.ts'

type Envelope<T = Record<string, unknown>> = { help: string; success: boolean; result: T; error?: Record<string, unknown> }
type Package = { id: string; name: string; organization: { name: string }; resources: { id: string; format: string; url: string }[]; tags: { name: string }[] }
type Search = {
  count: number
  results: Package[]
  facets: Record<string, Record<string, number>>
  search_facets: Record<string, { items: { name: string; count: number }[] }>
}

let server: TestServer
let cookie = ''
let malang = ''
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const fixture = <T = Record<string, unknown>>(name: string) =>
  JSON.parse(readFileSync(new URL(`../../../test/fixtures/datahub/ckan/${name}`, import.meta.url), 'utf8')) as T
const action = async <T = Record<string, unknown>>(path: string, status = 200) => {
  const res = await inject({ method: 'GET', url: path })
  expect(res.statusCode, res.body).toBe(status)
  expect(res.headers['content-type']).toContain('application/json')
  return json<Envelope<T>>(res)
}

/** Every key of CKAN's answer is in ours with a value of the same kind, down the tree (first item of lists). */
function expectSameShape(actual: unknown, expected: unknown, path = 'result'): void {
  if (expected === null) return
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is a list`).toBe(true)
    if (expected.length > 0 && (actual as unknown[]).length > 0) expectSameShape((actual as unknown[])[0], expected[0], `${path}[0]`)
    return
  }
  if (typeof expected === 'object') {
    expect(actual !== null && typeof actual === 'object', `${path} is an object`).toBe(true)
    for (const [key, value] of Object.entries(expected as Record<string, unknown>)) {
      expect(Object.hasOwn(actual as object, key), `${path}.${key} is present`).toBe(true)
      expectSameShape((actual as Record<string, unknown>)[key], value, `${path}.${key}`)
    }
    return
  }
  expect(typeof actual, `${path} is a ${typeof expected}`).toBe(typeof expected)
}

const tag = unique('tag').toLowerCase()
let open: Dataset
let second: Dataset
let internal: Dataset
let resource: Resource
let internalResource: Resource

async function dataset(cookieHeader: string, tenant: string, body: Record<string, unknown>, file?: [string, Buffer]) {
  const res = await inject({ method: 'POST', url: `/api/t/${tenant}/datasets`, headers: { cookie: cookieHeader }, payload: { name: unique('ckan'), ...body } })
  expect(res.statusCode, res.body).toBe(201)
  const ds = json<Dataset>(res)
  let r: Resource | undefined
  if (file) {
    const form = multipart(...file)
    const up = await inject({
      method: 'POST',
      url: `/api/t/${tenant}/datasets/${ds.name}/resources`,
      payload: form.payload,
      headers: { ...form.headers, cookie: cookieHeader },
    })
    expect(up.statusCode, up.body).toBe(201)
    r = json<Resource>(up)
  }
  return { ds, r }
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  cookie = await loginCookie(server.kendali, 'operator')
  malang = await loginCookie(server.kendali, 'malang_operator')
  const csv = Buffer.from('kecamatan,jumlah\nMagelang Utara,2\nMagelang Tengah,1\nMagelang Selatan,3\n')
  const meta = { producer: 'Dinas Kesehatan', steward: 'Diskominsta', frequency: 'tahunan', organization: 'dinkes', public: true }
  ;({ ds: open, r: resource } = (await dataset(cookie, '33.71', { title: 'Jumlah Puskesmas', tags: [tag, 'kesehatan'], ...meta }, ['puskesmas.csv', csv])) as {
    ds: Dataset
    r: Resource
  })
  ;({ ds: second } = await dataset(cookie, '33.71', { title: 'Daftar Posyandu', tags: [tag], ...meta, organization: 'diskominsta' }, [
    'posyandu.geojson',
    readFileSync(new URL('../../../test/fixtures/datahub/fasilitas.geojson', import.meta.url)),
  ]))
  ;({ ds: internal, r: internalResource } = (await dataset(cookie, '33.71', { title: 'Data internal', tags: [tag], organization: 'dinkes' }, [
    'x.csv',
    csv,
  ])) as {
    ds: Dataset
    r: Resource
  })
  await dataset(malang, '35.73', { title: 'Puskesmas Malang', tags: [tag], organization: 'dinkes', public: true })
})
afterAll(() => server.close())

describe('CKAN Action API', () => {
  it('answers package_show as CKAN does, by name or id, per tenant and across tenants', async () => {
    const body = await action<Package>(`/api/t/33.71/ckan/3/action/package_show?id=${open.name}`)
    expect(Object.keys(body)).toEqual(['help', 'success', 'result'])
    expect(body.help).toMatch(/\/api\/t\/33\.71\/ckan\/3\/action\/help_show\?name=package_show$/)
    expectSameShape(body.result, fixture('package_show.json').result)
    expectSameShape(body, fixture('package_show.json'), 'body')
    expect(body.result).toMatchObject({ name: open.name, organization: { name: '3371-dinkes' }, license_id: 'cc-by', isopen: true, author: 'Dinas Kesehatan' })
    expect(body.result.resources[0]).toMatchObject({ format: 'CSV', id: resource.id })
    const download = await inject({ method: 'GET', url: new URL(body.result.resources[0].url).pathname })
    expect(download.body).toContain('Magelang Utara')
    const global = await action<Package>(`/api/3/action/package_show?id=3371-${open.name}`)
    expect(global.result.id).toBe(open.id)
    expect((await action<Package>(`/api/3/action/package_show?id=${open.id}`)).result.name).toBe(`3371-${open.name}`)
  })

  it('answers errors with the CKAN envelope and status', async () => {
    const missing = await action('/api/3/action/package_show?id=nothing-here', 404)
    expectSameShape(missing, fixture('package_show_not_found.json'), 'body')
    expect(missing.success).toBe(false)
    expect(missing.error).toEqual({ __type: 'Not Found Error', message: 'Not found' })
    const noId = await action('/api/3/action/package_show', 409)
    expect(noId.error).toEqual(fixture<{ error: unknown }>('package_show_missing_id.json').error)
    const unknown = await inject({ method: 'GET', url: '/api/3/action/package_delete' })
    expect(unknown.statusCode).toBe(400)
    expect(JSON.parse(unknown.body)).toBe('Bad request - Action name not known: package_delete')
    const badFq = await action(`/api/3/action/package_search?fq=${encodeURIComponent('secret:1')}`, 400)
    expect(badFq.error?.__type).toBe('Search Query Error')
  })

  it('never shows internal datasets or their rows, nor another tenant’s in a tenant catalogue', async () => {
    expect((await action(`/api/t/33.71/ckan/3/action/package_show?id=${internal.name}`, 404)).success).toBe(false)
    expect((await action(`/api/3/action/package_show?id=${internal.id}`, 404)).success).toBe(false)
    expect((await action(`/api/3/action/datastore_search?resource_id=${internalResource.id}`, 404)).success).toBe(false)
    const list = await action<string[]>('/api/t/33.71/ckan/3/action/package_list')
    expect(list.result).toContain(open.name)
    expect(list.result).not.toContain(internal.name)
    const tenantSearch = await action<Search>(`/api/t/33.71/ckan/3/action/package_search?fq=tags:${tag}`)
    expect(tenantSearch.result.count).toBe(2)
    const globalSearch = await action<Search>(`/api/3/action/package_search?fq=tags:${tag}`)
    expect(globalSearch.result.count).toBe(3)
    expect(globalSearch.result.results.map((p) => p.name).some((n) => n.startsWith('3573-'))).toBe(true)
    expect((await action(`/api/t/35.73/ckan/3/action/package_show?id=${open.name}`, 404)).success).toBe(false)
  })

  it('searches with q, fq on organization, tags and res_format, pages with rows and start, and counts facets', async () => {
    const q = `/api/t/33.71/ckan/3/action/package_search?fq=${encodeURIComponent(`tags:${tag}`)}`
    const facets = await action<Search>(
      `${q}&facet.field=${encodeURIComponent('["organization","tags","res_format"]')}&rows=1&sort=${encodeURIComponent('title_string asc')}`,
    )
    // Facet maps are keyed by the values found; their shape is checked through search_facets and below.
    const { facets: _keyedByValue, ...searchShape } = fixture<{ result: Record<string, unknown> }>('package_search.json').result
    expectSameShape(facets.result, searchShape)
    expect(facets.result.count).toBe(2)
    expect(facets.result.results.map((p) => p.name)).toEqual([second.name])
    expect(facets.result.facets.organization).toEqual({ '3371-dinkes': 1, '3371-diskominsta': 1 })
    expect(facets.result.facets.tags[tag]).toBe(2)
    expect(facets.result.facets.res_format).toEqual({ CSV: 1, GEOJSON: 1 })
    expect(facets.result.search_facets.organization.items).toHaveLength(2)
    const page2 = await action<Search>(`${q}&rows=1&start=1&sort=${encodeURIComponent('title_string asc')}`)
    expect(page2.result.results.map((p) => p.name)).toEqual([open.name])
    const byOrg = await action<Search>(`${q}+organization:3371-dinkes`)
    expect(byOrg.result.results.map((p) => p.name)).toEqual([open.name])
    const byFormat = await action<Search>(`${q}%20res_format:GEOJSON`)
    expect(byFormat.result.results.map((p) => p.name)).toEqual([second.name])
    const byText = await action<Search>(`${q}&q=posyandu`)
    expect(byText.result.results.map((p) => p.name)).toEqual([second.name])
  })

  it('reads the same actions from a POSTed JSON body, as ckanapi sends them', async () => {
    const res = await inject({ method: 'POST', url: '/api/t/33.71/ckan/3/action/package_search', payload: { fq: `tags:${tag}`, rows: 5 } })
    expect(res.statusCode).toBe(200)
    expect(json<Envelope<Search>>(res).result.count).toBe(2)
  })

  it('lists organisations, tags and groups, and shows one organisation', async () => {
    const names = await action<string[]>('/api/t/33.71/ckan/3/action/organization_list')
    expect(names.result).toEqual(expect.arrayContaining(['3371-dinkes', '3371-diskominsta', '3371-inspektorat']))
    const all = await action<Record<string, unknown>[]>('/api/t/33.71/ckan/3/action/organization_list?all_fields=true&sort=name%20asc')
    expectSameShape(all.result, fixture('organization_list_all_fields.json').result)
    const global = await action<string[]>('/api/3/action/organization_list')
    expect(global.result).toEqual(expect.arrayContaining(['3371-dinkes', '3573-dinkes']))
    expect(global.result).not.toContain('3371-inspektorat')
    const org = await action<{ name: string; package_count: number; packages: Package[] }>(
      '/api/t/33.71/ckan/3/action/organization_show?id=3371-dinkes&include_datasets=true',
    )
    expect(org.result.package_count).toBeGreaterThanOrEqual(1)
    expect(org.result.packages.map((p) => p.name)).toContain(open.name)
    expect(org.result.packages.map((p) => p.name)).not.toContain(internal.name)
    expect((await action<string[]>('/api/t/33.71/ckan/3/action/tag_list')).result).toContain(tag)
    expect((await action<unknown[]>('/api/3/action/group_list')).result).toEqual([])
    const status = await action('/api/3/action/status_show')
    expectSameShape(status.result, fixture('status_show.json').result)
  })

  it('shows a resource and searches its rows with datastore_search: filters, q, sort, fields, limit and offset', async () => {
    const shown = await action(`/api/3/action/resource_show?id=${resource.id}`)
    expectSameShape(shown.result, fixture<{ result: { resources: unknown[] } }>('package_show.json').result.resources[0])
    const base = `/api/3/action/datastore_search?resource_id=${resource.id}`
    const page = await action<{ records: { _id: number; kecamatan: string }[]; total: number; fields: { id: string; type: string }[] }>(`${base}&limit=2`)
    expectSameShape(page.result, fixture('datastore_search.json').result)
    expect(page.result.total).toBe(3)
    expect(page.result.fields).toEqual([
      { id: '_id', type: 'int' },
      { id: 'kecamatan', type: 'text' },
      { id: 'jumlah', type: 'int' },
    ])
    expect(page.result.records).toEqual([
      { _id: 1, kecamatan: 'Magelang Utara', jumlah: 2 },
      { _id: 2, kecamatan: 'Magelang Tengah', jumlah: 1 },
    ])
    const next = await action<{ records: { _id: number }[] }>(`${base}&limit=2&offset=2`)
    expect(next.result.records.map((r) => r._id)).toEqual([3])
    const filtered = await action<{ records: unknown[]; total: number }>(
      `${base}&filters=${encodeURIComponent('{"kecamatan":"Magelang Selatan"}')}&fields=kecamatan,jumlah`,
    )
    expect(filtered.result).toMatchObject({ total: 1, records: [{ kecamatan: 'Magelang Selatan', jumlah: 3 }] })
    const sorted = await action<{ records: { jumlah: number }[] }>(`${base}&sort=${encodeURIComponent('jumlah desc')}`)
    expect(sorted.result.records.map((r) => r.jumlah)).toEqual([3, 2, 1])
    const text = await action<{ total: number }>(`${base}&q=tengah`)
    expect(text.result.total).toBe(1)
    expect((await action(`${base}&filters=${encodeURIComponent('{"nope":1}')}`, 409)).error?.__type).toBe('Validation Error')
  })

  it('publishes the catalogue as DCAT-AP in Turtle and JSON-LD holding the same triples', async () => {
    const ttl = await inject({ method: 'GET', url: '/api/t/33.71/catalog.ttl' })
    expect(ttl.headers['content-type']).toContain('text/turtle')
    // The Turtle is N-Triples: every line is one triple by the N-Triples grammar (W3C RDF 1.1).
    const IRI = '<([^<>"{}|^`\\\\\\s]*)>'
    const LITERAL = '"((?:[^"\\\\\\n\\r]|\\\\[tbnrf"\'\\\\])*)"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\\^\\^<([^>]*)>)?'
    const line = new RegExp(`^${IRI} ${IRI} (?:${IRI}|${LITERAL}) \\.$`)
    const fromTurtle = ttl.body
      .trim()
      .split('\n')
      .map((l) => {
        const m = line.exec(l)
        if (!m) throw new Error(`not an N-Triples line: ${l}`)
        return JSON.stringify([m[1], m[2], m[3] ?? null, m[4] === undefined ? null : JSON.parse(`"${m[4]}"`), m[5] ?? null, m[6] ?? null])
      })
    const jsonld = await inject({ method: 'GET', url: '/api/t/33.71/catalog.jsonld' })
    const fromJsonLd: string[] = []
    const rdfType = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type'
    for (const node of json<Record<string, unknown>[]>(jsonld)) {
      const id = node['@id'] as string
      for (const t of (node['@type'] as string[] | undefined) ?? []) fromJsonLd.push(JSON.stringify([id, rdfType, t, null, null, null]))
      for (const [p, values] of Object.entries(node)) {
        if (p.startsWith('@')) continue
        for (const v of values as Record<string, string>[])
          fromJsonLd.push(JSON.stringify([id, p, v['@id'] ?? null, v['@value'] ?? null, v['@language'] ?? null, v['@type'] ?? null]))
      }
    }
    expect(new Set(fromTurtle)).toEqual(new Set(fromJsonLd))
    const datasets = fromTurtle
      .map((t) => JSON.parse(t) as (string | null)[])
      .filter((t) => t[1] === 'http://www.w3.org/ns/dcat#dataset')
      .map((t) => t[2])
    expect(datasets.some((d) => d?.endsWith(`/p/33.71/data/${open.name}`))).toBe(true)
    expect(datasets.some((d) => d?.endsWith(`/data/${internal.name}`))).toBe(false)
    expect(ttl.body).toContain(
      `<http://www.w3.org/ns/dcat#downloadURL> <http://localhost:80/api/t/33.71/datasets/${open.name}/resources/${resource.id}/download>`,
    )
  })
})
