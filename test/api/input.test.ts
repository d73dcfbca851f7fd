import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../src/core/http/input.ts'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

// Input PostgreSQL cannot hold is refused at the edge, for every route, with a 400 naming the field.

let server: TestServer
let cookie: string
const send = (method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, payload?: string | Buffer, contentType = 'application/json') =>
  server.kendali.app.inject({ method, url, headers: { cookie, 'content-type': contentType }, payload })

type ErrorBody = { error: { code: string; message: string; details?: { location?: string; field?: string } } }

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  cookie = await loginCookie(server.kendali, 'admin')
})
afterAll(async () => {
  await server?.close()
})

describe('text that cannot be stored', () => {
  it('refuses a NUL in a path parameter with a 400 naming it', async () => {
    const res = await send('GET', '/api/t/33.71%00/kpi/indicators')
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error).toMatchObject({ code: 'invalid', details: { location: 'params', field: 'tenant' } })
  })

  it('refuses a NUL in a query string', async () => {
    const res = await send('GET', '/api/t/33.71/incidents?q=a%00b')
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details).toMatchObject({ location: 'querystring', field: 'q' })
  })

  it('refuses a lone surrogate deep in a JSON body and stores nothing', async () => {
    const name = unique('Dinas')
    const res = await send('POST', '/api/t/33.71/agencies', `{"code":"${unique('x').toLowerCase().slice(0, 30)}","name":"${name}\\ud800"}`)
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details).toMatchObject({ location: 'body', field: 'name' })
    const agencies = json<{ items: { name: string }[] }>(await send('GET', '/api/t/33.71/agencies?limit=1000')).items
    expect(agencies.some((a) => a.name.startsWith(name))).toBe(false)
  })

  it('answers an Open311 POST with a NUL in the description with the spec’s 400 errors document', async () => {
    const res = await send(
      'POST',
      '/open311/v2/requests.json',
      'jurisdiction_id=33.71&api_key=k&service_code=jalan&description=Jalan%00rusak&lat=-7.47&long=110.22',
      'application/x-www-form-urlencoded',
    )
    expect(res.statusCode).toBe(400)
    expect(json<{ code: number; description: string }[]>(res)).toEqual([{ code: 400, description: expect.stringContaining('description') }])
  })
})

describe('numbers that cannot be stored', () => {
  it('refuses a KPI target of 1e309 and keeps the stored one', async () => {
    const url = '/api/t/33.71/kpi/indicators/city_events'
    const before = json<{ targets: unknown[] }>(await send('GET', url)).targets
    const res = await send('PATCH', url, '{"targets":[{"year":2026,"target":1e309}]}')
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details).toMatchObject({ location: 'body', field: 'targets.0.target' })
    expect(json<{ targets: unknown[] }>(await send('GET', url)).targets).toEqual(before)
    expect((await send('GET', '/api/t/33.71/kpi/summary?period=2026-01')).statusCode).toBe(200)
  })

  it('refuses a bigint cursor beyond what JSON carries exactly', async () => {
    const res = await send('GET', '/api/t/33.71/events?after=1e308')
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details).toMatchObject({ location: 'querystring', field: 'after' })
  })

  it('refuses a query number a schema would coerce to Infinity', async () => {
    const res = await send('GET', '/api/t/33.71/events?after=1e309')
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details).toMatchObject({ location: 'querystring', field: 'after' })
  })
})

describe('unknown fields', () => {
  it('refuses an unknown key inside a settings object and in a nested label', async () => {
    const settings = await send('PUT', '/api/t/33.71/reports/settings', '{"reopenDays":7,"reopenWeeks":1}')
    expect(settings.statusCode).toBe(400)
    expect(json<ErrorBody>(settings).error.details).toMatchObject({ location: 'body', field: 'reopenWeeks' })
    const label = await send('PATCH', '/api/t/33.71/kpi/indicators/city_events', '{"name":{"id":"Event","en":"Events","fr":"Événements"}}')
    expect(label.statusCode).toBe(400)
    expect(json<ErrorBody>(label).error.details).toMatchObject({ location: 'body', field: 'name.fr' })
  })
})

describe('JSON nested too deep', () => {
  it('answers 400 to a body nested 10,000 deep on the payment callback', async () => {
    const res = await send('POST', '/api/t/33.71/levies/payments/callback/midtrans', `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`)
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.code).toBe('invalid')
  })

  it('counts nesting outside strings only', () => {
    const deep = (n: number) => `${'['.repeat(n)}${']'.repeat(n)}`
    expect(nestsDeeperThan(deep(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false)
    expect(nestsDeeperThan(deep(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true)
    expect(nestsDeeperThan(JSON.stringify({ text: '[{'.repeat(100), quote: '\\"[[[' }), 2)).toBe(false)
  })
})

describe('a unique key taken by another request', () => {
  it('answers 409 to a second incident for one alarm', async () => {
    const body = JSON.stringify({
      type: 'medical',
      source: 'call_119',
      location: { type: 'Point', coordinates: [110.2177, -7.4797] },
      alarmId: unique('alarm'),
    })
    expect((await send('POST', '/api/t/33.71/incidents', body)).statusCode).toBe(201)
    const again = await send('POST', '/api/t/33.71/incidents', body)
    expect(again.statusCode).toBe(409)
    expect(json<ErrorBody>(again).error.code).toBe('conflict')
  })
})

describe('broken multipart bodies', () => {
  it('answers 400 to a truncated body, a missing boundary and another boundary', async () => {
    const agency = await tenancyServices(server.kendali.ctx).agencies.create(server.kendali.ctx.db, '33.71', 'system:test', {
      code: unique('opd').toLowerCase().slice(0, 40),
      name: 'Dinas Uji',
    })
    const post = json<{ id: string }>(
      await send('POST', '/api/t/33.71/posts', JSON.stringify({ kind: 'announcement', agencyId: agency.id, title: 'Uji', body: 'Uji' })),
    )
    const url = `/api/t/33.71/posts/${post.id}/attachments`
    const part = (boundary: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4`
    const broken: [string, string][] = [
      [part('b0undary'), 'multipart/form-data; boundary=b0undary'],
      [`${part('b0undary')}\r\n--b0undary--\r\n`, 'multipart/form-data'],
      [`${part('other')}\r\n--other--\r\n`, 'multipart/form-data; boundary=b0undary'],
    ]
    for (const [body, contentType] of broken) {
      const res = await send('POST', url, body, contentType)
      expect(res.statusCode, contentType).toBe(400)
      expect(json<ErrorBody>(res).error.code).toBe('invalid')
    }
  })
})
