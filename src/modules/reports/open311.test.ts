import { readFileSync } from 'node:fs'
import { XMLParser } from 'fast-xml-parser'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { isEmailAddress, parseForm, w3Time } from './open311.ts'

// Kendali's Open311 answers against the spec's own example documents (test/fixtures/open311, see SOURCE.md).

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/open311/${name}`, import.meta.url), 'utf8')
/** The spec's JSON examples, with numbers such as 001 quoted so they parse. */
const specJson = <T>(name: string): T => JSON.parse(fixture(name).replace(/("[a-z_]+":)\s*(0\d+)/g, '$1"$2"')) as T
const parser = new XMLParser({ isArray: (name) => ['service', 'request', 'error'].includes(name), parseTagValue: false })
const xml = (body: string) => parser.parse(body) as Record<string, Record<string, Record<string, unknown>[]>>
/** Element names of an XML element in document order. */
const elementOrder = (body: string, element: string): string[] => {
  const inner = body.slice(body.indexOf(`<${element}>`) + element.length + 2, body.indexOf(`</${element}>`))
  return [...inner.matchAll(/<([a-z_]+)\s*\/?>/g)].map((m) => m[1])
}

let server: TestServer
let apiKey: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const MAGELANG = { lat: -7.4773, long: 110.2176 }

/** The spec's own example POST body, pointed at this jurisdiction, service and city. */
function specPost(overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams(fixture('post_request.form.txt').trim())
  const values: Record<string, string> = {
    api_key: apiKey,
    jurisdiction_id: '33.71',
    service_code: 'jalan_rusak',
    lat: String(MAGELANG.lat + Math.random() * 0.004),
    long: String(MAGELANG.long + Math.random() * 0.004),
    phone: '081111111111',
    ...overrides,
  }
  for (const [k, v] of Object.entries(values)) params.set(k, v)
  return params.toString().replaceAll('%5B', '[').replaceAll('%5D', ']')
}

const post = (format: 'json' | 'xml', body: string) =>
  inject({
    method: 'POST',
    url: `/open311/v2/requests.${format}`,
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    payload: body,
  })

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  const admin = await loginCookie(server.kendali, 'admin')
  const res = await inject({
    method: 'POST',
    url: '/api/t/33.71/tokens',
    headers: { cookie: admin },
    payload: { name: unique('open311'), roles: ['operator'] },
  })
  expect(res.statusCode, res.body).toBe(201)
  apiKey = json<{ token: string }>(res).token
})
afterAll(() => server.close())

function expectXml(res: LightMyRequestResponse): string {
  expect(res.headers['content-type']).toBe('text/xml; charset=utf-8')
  expect(res.body.startsWith('<?xml version="1.0" encoding="utf-8"?>')).toBe(true)
  return res.body
}

describe('Open311 Service Discovery', () => {
  it('describes the endpoint like the spec example, in XML and JSON', async () => {
    const spec = specJson<Record<string, unknown> & { endpoints: Record<string, unknown>[] }>('discovery.json.txt')
    const res = await inject({ method: 'GET', url: '/open311/v2/discovery.json' })
    expect(res.statusCode).toBe(200)
    const ours = json<Record<string, unknown> & { endpoints: Record<string, unknown>[] }>(res)
    expect(Object.keys(ours).sort()).toEqual(Object.keys(spec).sort())
    expect(Object.keys(ours.endpoints[0]).sort()).toEqual(Object.keys(spec.endpoints[0]).sort())
    expect(ours.endpoints).toEqual([
      {
        specification: 'http://wiki.open311.org/GeoReport_v2',
        url: expect.stringMatching(/^https?:\/\/.+\/open311\/v2$/),
        changeset: ours.changeset,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ])
    expect(ours.key_service).toContain('/tokens')

    const xmlRes = await inject({ method: 'GET', url: '/open311/v2/discovery.xml' })
    const body = expectXml(xmlRes)
    expect(elementOrder(body, 'discovery').slice(0, 4)).toEqual(elementOrder(fixture('discovery.xml'), 'discovery').slice(0, 4))
    const names = (order: string[]) => [...new Set(order)]
    expect(names(elementOrder(body, 'endpoint'))).toEqual(names(elementOrder(fixture('discovery.xml'), 'endpoint')))
    expect(body).toMatch(/<formats>\s*<format>text\/xml<\/format>\s*<format>application\/json<\/format>\s*<\/formats>/)
  })
})

describe('Open311 services', () => {
  it('lists services with the fields of the spec example, in XML and JSON', async () => {
    const spec = xml(fixture('services.xml')).services.service[0]
    const res = await inject({ method: 'GET', url: '/open311/v2/services.xml?jurisdiction_id=33.71' })
    expect(res.statusCode).toBe(200)
    const ours = xml(expectXml(res)).services.service
    expect(Object.keys(ours[0]).sort()).toEqual(Object.keys(spec).sort())
    expect(elementOrder(res.body, 'service')).toEqual(elementOrder(fixture('services.xml'), 'service'))
    expect(ours.find((s) => s.service_code === 'jalan_rusak')).toMatchObject({ metadata: 'false', type: 'realtime', group: 'infrastruktur' })
    // Categories that are not public (social cases, complaints about people) are not offered here.
    expect(ours.map((s) => s.service_code)).not.toContain('sosial')

    const specList = specJson<Record<string, unknown>[]>('services.json.txt')
    const jsonRes = await inject({ method: 'GET', url: '/open311/v2/services.json?jurisdiction_id=33.71' })
    expect(jsonRes.headers['content-type']).toBe('application/json; charset=utf-8')
    const list = json<Record<string, unknown>[]>(jsonRes) as unknown as Record<string, unknown>[]
    expect(Object.keys(list[0]).sort()).toEqual(Object.keys(specList[0]).sort())
    expect(list.find((s) => s.service_code === 'banjir')).toMatchObject({ metadata: false, type: 'realtime', service_name: 'Banjir / genangan' })
  })

  it('gives a service definition shaped like the spec example', async () => {
    const spec = specJson<Record<string, unknown>>('service_definition.json.txt')
    const res = await inject({ method: 'GET', url: '/open311/v2/services/jalan_rusak.json?jurisdiction_id=33.71' })
    expect(res.statusCode).toBe(200)
    const ours = JSON.parse(res.body) as Record<string, unknown>
    expect(Object.keys(ours).sort()).toEqual(Object.keys(spec).sort())
    expect(ours).toEqual({ service_code: 'jalan_rusak', attributes: [] })
    const xmlRes = await inject({ method: 'GET', url: '/open311/v2/services/jalan_rusak.xml?jurisdiction_id=33.71' })
    expect(elementOrder(expectXml(xmlRes), 'service_definition')).toEqual(['service_code', 'attributes'])
    expect((await inject({ method: 'GET', url: '/open311/v2/services/nope.xml?jurisdiction_id=33.71' })).statusCode).toBe(404)
  })
})

describe('Open311 requests', () => {
  it('accepts the spec’s example POST (form-encoded, attributes, api_key) and answers like the spec example', async () => {
    const res = await post('xml', specPost())
    expect(res.statusCode, res.body).toBe(200)
    const ours = xml(expectXml(res)).service_requests.request[0]
    const spec = xml(fixture('post_response.xml')).service_requests.request[0]
    expect(Object.keys(ours).sort()).toEqual(Object.keys(spec).sort())
    expect(ours.service_request_id).toMatch(/^R-\d{4}-\d{5}$/)
    expect(ours.account_id).toBe('123456')

    const jsonRes = await post('json', specPost({ account_id: '' }))
    expect(jsonRes.statusCode, jsonRes.body).toBe(200)
    const [created] = JSON.parse(jsonRes.body) as Record<string, unknown>[]
    expect(Object.keys(created).sort()).toEqual(Object.keys(specJson<Record<string, unknown>[]>('post_response.json.txt')[0]).sort())
    expect(created.account_id).toBeNull()

    // The request is a Kendali report with the reporter, attributes and media of the form.
    const operator = await loginCookie(server.kendali, 'operator')
    const list = json<{ items: { id: string; number: string; source: string; reporter: { name: string; email: string } }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/reports?limit=20', headers: { cookie: operator } }),
    )
    expect(list.items.find((r) => r.number === created.service_request_id)).toMatchObject({
      source: 'open311',
      reporter: { name: 'john smith', email: 'smit333@sfgov.edu' },
    })
  })

  it('lists requests with the fields of the spec example, filtered by id, service, dates and status', async () => {
    const [created] = JSON.parse((await post('json', specPost())).body) as { service_request_id: string }[]
    const res = await inject({ method: 'GET', url: `/open311/v2/requests.xml?jurisdiction_id=33.71&service_request_id=${created.service_request_id}` })
    expect(res.statusCode).toBe(200)
    const [ours] = xml(expectXml(res)).service_requests.request
    expect(elementOrder(res.body, 'request')).toEqual(elementOrder(fixture('requests.xml'), 'request'))
    expect(ours).toMatchObject({ service_request_id: created.service_request_id, status: 'open', service_code: 'jalan_rusak', agency_responsible: '' })
    expect(ours.requested_datetime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00$/)

    const spec = specJson<Record<string, unknown>[]>('requests.json.txt')[0]
    const jsonList = JSON.parse(
      (await inject({ method: 'GET', url: '/open311/v2/requests.json?jurisdiction_id=33.71&service_code=jalan_rusak&status=open' })).body,
    ) as Record<string, unknown>[]
    expect(Object.keys(jsonList[0])).toEqual(Object.keys(spec))
    expect(jsonList.map((r) => r.service_request_id)).toContain(created.service_request_id)
    expect(jsonList.every((r) => r.status === 'open' && r.service_code === 'jalan_rusak')).toBe(true)
    const closed = JSON.parse((await inject({ method: 'GET', url: '/open311/v2/requests.json?jurisdiction_id=33.71&status=closed' })).body) as Record<
      string,
      unknown
    >[]
    expect(closed.map((r) => r.service_request_id)).not.toContain(created.service_request_id)
    const old = await inject({
      method: 'GET',
      url: '/open311/v2/requests.json?jurisdiction_id=33.71&start_date=2010-01-01T00:00:00Z&end_date=2010-02-01T00:00:00Z',
    })
    expect(JSON.parse(old.body)).toEqual([])
    const tooLong = await inject({
      method: 'GET',
      url: '/open311/v2/requests.json?jurisdiction_id=33.71&start_date=2010-01-01T00:00:00Z&end_date=2010-12-01T00:00:00Z',
    })
    expect(tooLong.statusCode).toBe(400)
  })

  it('gives one request, and a request id from a token, shaped like the spec examples', async () => {
    const [created] = JSON.parse((await post('json', specPost())).body) as { service_request_id: string }[]
    const one = await inject({ method: 'GET', url: `/open311/v2/requests/${created.service_request_id}.json?jurisdiction_id=33.71` })
    expect(one.statusCode).toBe(200)
    const [request] = JSON.parse(one.body) as Record<string, unknown>[]
    expect(Object.keys(request)).toEqual(Object.keys(specJson<Record<string, unknown>[]>('request.json.txt')[0]))
    const xmlOne = await inject({ method: 'GET', url: `/open311/v2/requests/${created.service_request_id}.xml?jurisdiction_id=33.71` })
    expect(elementOrder(expectXml(xmlOne), 'request')).toEqual(elementOrder(fixture('request.xml'), 'request'))

    const operator = await loginCookie(server.kendali, 'operator')
    const report = json<{ items: { id: string; number: string }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/reports?limit=5', headers: { cookie: operator } }),
    ).items.find((r) => r.number === created.service_request_id)
    const { code } = (await server.kendali.ctx.db.query<{ code: string }>('SELECT code FROM reports WHERE tenant = $1 AND id = $2', ['33.71', report?.id]))[0]
    const token = await inject({ method: 'GET', url: `/open311/v2/tokens/${code}.xml?jurisdiction_id=33.71` })
    expect(token.statusCode).toBe(200)
    expect(elementOrder(expectXml(token), 'request')).toEqual(elementOrder(fixture('token.xml'), 'request'))
    expect(xml(token.body).service_requests.request[0]).toEqual({ service_request_id: created.service_request_id, token: code })
    const tokenJson = JSON.parse((await inject({ method: 'GET', url: `/open311/v2/tokens/${code}.json?jurisdiction_id=33.71` })).body) as Record<
      string,
      unknown
    >[]
    expect(Object.keys(tokenJson[0]).sort()).toEqual(Object.keys(specJson<Record<string, unknown>[]>('token.json.txt')[0]).sort())
  })
})

describe('Open311 errors and isolation', () => {
  it('answers errors in the spec’s format and status codes, in both formats', async () => {
    const specError = xml(fixture('errors.xml')).errors.error[0]
    const cases: [InjectOptions, number][] = [
      [{ method: 'GET', url: '/open311/v2/services.xml' }, 400],
      [{ method: 'GET', url: '/open311/v2/services.xml?jurisdiction_id=99.99' }, 404],
      [{ method: 'GET', url: '/open311/v2/requests/R-1999-00001.xml?jurisdiction_id=33.71' }, 404],
      [{ method: 'GET', url: '/open311/v2/tokens/AAAA-AAAA.xml?jurisdiction_id=33.71' }, 404],
    ]
    for (const [req, status] of cases) {
      const res = await inject(req)
      expect(res.statusCode, String(req.url)).toBe(status)
      const [error] = xml(expectXml(res)).errors.error
      expect(Object.keys(error).sort()).toEqual(Object.keys(specError).sort())
      expect(error.code).toBe(String(status))
    }
    const badKey = await post('json', specPost({ api_key: 'not-a-key' }))
    expect(badKey.statusCode).toBe(403)
    const [error] = JSON.parse(badKey.body) as Record<string, unknown>[]
    expect(Object.keys(error).sort()).toEqual(Object.keys(specJson<Record<string, unknown>[]>('errors.json.txt')[0]).sort())
    expect(error).toEqual({ code: 403, description: "Invalid api_key received -- can't proceed with create_request." })
    expect((await post('xml', specPost({ api_key: '' }))).statusCode).toBe(403)
    expect((await post('xml', specPost({ service_code: '001' }))).statusCode).toBe(404)
    const noPoint = await post('json', specPost({ lat: '', long: '' }))
    expect(noPoint.statusCode).toBe(400)
    expect((JSON.parse(noPoint.body) as { description: string }[])[0].description).toContain('lat and long')
  })

  it('keeps jurisdictions apart: a Magelang key cannot post to Malang, and Malang lists none of Magelang', async () => {
    expect((await post('json', specPost({ jurisdiction_id: '35.73' }))).statusCode).toBe(403)
    const [created] = JSON.parse((await post('json', specPost())).body) as { service_request_id: string }[]
    const malang = JSON.parse((await inject({ method: 'GET', url: '/open311/v2/requests.json?jurisdiction_id=35.73' })).body) as Record<string, unknown>[]
    expect(malang.map((r) => r.service_request_id)).not.toContain(created.service_request_id)
    const other = await inject({ method: 'GET', url: `/open311/v2/requests/${created.service_request_id}.json?jurisdiction_id=35.73` })
    expect(other.statusCode).toBe(404)
  })
})

describe('Open311 helpers', () => {
  it('parses the spec’s attribute[code] and attribute[code][] form fields', () => {
    expect(parseForm('service_code=001&attribute[WHISPAWN]=123456&attribute[M][]=a&attribute[M][]=b')).toEqual({
      service_code: '001',
      attribute: { WHISPAWN: '123456', M: ['a', 'b'] },
    })
  })

  it('checks e-mail addresses in linear time, rightly', () => {
    for (const good of ['warga@magelangkota.go.id', 'a.b+c@d.co']) expect(isEmailAddress(good), good).toBe(true)
    for (const bad of ['warga', '@x.id', 'a@b', 'a@.b', 'a@b.', 'a@b@c.id', 'a b@c.id']) expect(isEmailAddress(bad), bad).toBe(false)
    // The shape that made the old pattern backtrack quadratically: 16 KB of dots after an @, and no end.
    expect(isEmailAddress(`a@${'.'.repeat(16_384)}`)).toBe(false)
    expect(isEmailAddress(`${'a'.repeat(16_384)}@b.id`)).toBe(false)
  })

  it('writes w3 date-times with the tenant offset', () => {
    expect(w3Time('2026-01-07T02:00:00.000Z', 7 * 60)).toBe('2026-01-07T09:00:00+07:00')
    expect(w3Time('2026-01-07T02:00:00.000Z', 9 * 60)).toBe('2026-01-07T11:00:00+09:00')
  })
})
