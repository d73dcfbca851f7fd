import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

let server: TestServer
let cookie: string
let otherCookie: string
const post = (url: string, payload: Record<string, unknown>, key: string, as = cookie) =>
  server.kendali.app.inject({ method: 'POST', url, payload, headers: { cookie: as, 'idempotency-key': key } } satisfies InjectOptions)

const ALUN_ALUN = { type: 'Point', coordinates: [110.2176, -7.4773] }

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  cookie = await loginCookie(server.kendali, 'dispatcher')
  otherCookie = await loginCookie(server.kendali, 'operator')
})
afterAll(() => server.close())

describe('Idempotency-Key on creates', () => {
  it('answers a retried POST /incidents with the first answer and makes no duplicate; another body with the key is a 409', async () => {
    const key = unique('retry')
    const body = { type: 'medical', source: 'call_119', location: ALUN_ALUN, description: key }
    const first = await post('/api/t/33.71/incidents', body, key)
    expect(first.statusCode, first.body).toBe(201)
    const again = await post('/api/t/33.71/incidents', body, key)
    expect(again.statusCode).toBe(201)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(json(again)).toEqual(json(first))
    const [{ n }] = await server.kendali.ctx.db.query<{ n: number }>('SELECT count(*) AS n FROM incidents WHERE description = $1', [key])
    expect(n).toBe(1)

    const other = await post('/api/t/33.71/incidents', { ...body, type: 'fire' }, key)
    expect(other.statusCode).toBe(409)
    expect(json(other)).toMatchObject({ error: { code: 'conflict', details: { field: 'idempotency-key' } } })

    // The key is the caller's own: another person's same key is another request.
    const someoneElse = await post('/api/t/33.71/incidents', body, key, otherCookie)
    expect(someoneElse.statusCode).toBe(201)
    expect(json<{ id: string }>(someoneElse).id).not.toBe(json<{ id: string }>(first).id)
  })

  it('answers a retried note with the first note, keeps nothing of a refused request, and refuses a malformed key', async () => {
    const incident = json<{ id: string }>(
      await post('/api/t/33.71/incidents', { type: 'medical', source: 'call_119', location: ALUN_ALUN }, unique('incident')),
    )
    const url = `/api/t/33.71/incidents/${incident.id}/notes`
    const key = unique('note')
    const first = await post(url, { text: 'Caller says the road is blocked' }, key)
    expect(first.statusCode, first.body).toBe(201)
    const again = await post(url, { text: 'Caller says the road is blocked' }, key)
    expect(json(again)).toEqual(json(first))
    const detail = json<{ timeline: Record<string, unknown>[] }>(
      await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/incidents/${incident.id}`, headers: { cookie } }),
    )
    expect(detail.timeline.filter((e) => JSON.stringify(e).includes('road is blocked'))).toHaveLength(1)

    // A 400 keeps nothing: the corrected request with the same key runs.
    const badKey = unique('fixed')
    expect((await post(url, { text: '' }, badKey)).statusCode).toBe(400)
    expect((await post(url, { text: 'Corrected note' }, badKey)).statusCode).toBe(201)

    expect((await post(url, { text: 'x' }, 'has spaces in it')).statusCode).toBe(400)
  })
})
