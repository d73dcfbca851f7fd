import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as tenancyStore from '../../src/modules/tenancy/store.ts'
import { testDatabaseKind } from '../support/db.ts'
import { agencyIdsOf, json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } }
type Page<T> = { items: T[]; total: number; next: string | null }

let server: TestServer
let admin: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const errorOf = (res: LightMyRequestResponse) => json<ErrorBody>(res).error

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  admin = await loginCookie(server.kendali, 'admin')
})
afterAll(() => server.close())

describe('health and docs', () => {
  it('reports ok with the database in use', async () => {
    const res = await inject({ method: 'GET', url: '/api/health' })
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({ status: 'ok', db: testDatabaseKind() })
  })

  it('serves OpenAPI 3.1 generated from the route schemas', async () => {
    const res = await inject({ method: 'GET', url: '/api/docs/json' })
    const doc = json<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown }>> }>(res)
    expect(doc.openapi).toBe('3.1.0')
    expect(doc.paths['/api/t/{tenant}/agencies'].post.requestBody).toBeDefined()
    expect(Object.keys(doc.paths)).toContain('/api/t/{tenant}/regions/lookup')
  })
})

describe('login', () => {
  it('sets an httpOnly session cookie and answers me; logout ends it', async () => {
    const login = await inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator', password: 'kendali-demo' } })
    expect(login.statusCode).toBe(200)
    expect(String(login.headers['set-cookie'])).toMatch(/HttpOnly/i)
    expect(login.body).not.toContain('password')
    const cookie = `kendali_session=${login.cookies[0].value}`
    const me = await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })
    expect(json<{ user: { username: string; grants: unknown[] } }>(me).user).toMatchObject({
      username: 'operator',
      grants: [{ tenant: '33.71', roles: ['operator'], agencies: [] }],
    })
    await inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } })
    expect((await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401)
  })

  it('answers a wrong password and an unknown name alike', async () => {
    const wrong = await inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator', password: 'nope' }, remoteAddress: '10.9.0.1' })
    const unknown = await inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'nobody', password: 'nope' }, remoteAddress: '10.9.0.1' })
    expect(wrong.statusCode).toBe(401)
    expect(unknown.statusCode).toBe(401)
    expect(errorOf(wrong)).toEqual(errorOf(unknown))
  })

  /** A fresh operator account, for throttling tests that must not disturb others. */
  async function freshAccount(prefix: string) {
    const username = unique(prefix).toLowerCase()
    const res = await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Pemilik Akun', password: 'benar-sekali-123', roles: ['operator'] },
    })
    expect(res.statusCode).toBe(201)
    return { username, id: json<{ id: string }>(res).id }
  }
  const loginFrom = (ip: string, username: string, password: string) =>
    inject({ method: 'POST', url: '/api/auth/login', payload: { username, password }, remoteAddress: ip })
  /** An attacker's earlier failures, as the throttle recorded them. */
  async function pastFailures(username: string, ip: string, count: number) {
    for (let i = 0; i < count; i++) await tenancyStore.insertLoginFailure(server.kendali.ctx.db, username, ip)
  }

  it('slows guesses from one address with growing delays, and the 429 says when to retry', async () => {
    const { username } = await freshAccount('tebak')
    for (let i = 0; i < 5; i++) expect((await loginFrom('10.8.0.1', username, `salah-${i}`)).statusCode).toBe(401)
    // Past the five free failures each try waits 2^k seconds after the last: here 2^7 s, even for the right password.
    await pastFailures(username, '10.8.0.1', 7)
    const held = await loginFrom('10.8.0.1', username, 'benar-sekali-123')
    expect(held.statusCode).toBe(429)
    expect(errorOf(held).code).toBe('rate_limited')
    const retryAfter = Number(held.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(100)
    expect(retryAfter).toBeLessThanOrEqual(128)
    expect(errorOf(held).details).toMatchObject({ retryAfter })
  })

  it('does not let an attacker keep the owner out: the right password from the owner’s own address works', async () => {
    const { username } = await freshAccount('pemilik')
    // Many failures on the account, from one address and from many.
    await pastFailures(username, '10.8.2.1', 40)
    for (let i = 0; i < 30; i++) await pastFailures(username, `10.8.3.${i}`, 1)
    expect((await loginFrom('10.8.2.1', username, 'benar-sekali-123')).statusCode).toBe(429)
    // An address that took part in the spread attack waits too, but not long.
    const spread = await loginFrom('10.8.3.7', username, 'benar-sekali-123')
    expect(spread.statusCode).toBe(429)
    expect(Number(spread.headers['retry-after'])).toBeLessThanOrEqual(300)
    expect((await loginFrom('10.8.4.1', username, 'benar-sekali-123')).statusCode).toBe(200)
  })

  it('tells the owner of failed logins at their next login, and the administrators once the account is slowed', async () => {
    const { username, id } = await freshAccount('diberitahu')
    for (let i = 0; i < 5; i++) expect((await loginFrom(`10.8.5.${i}`, username, `salah-${i}`)).statusCode).toBe(401)
    const first = await loginFrom('10.8.6.1', username, 'benar-sekali-123')
    expect(first.statusCode).toBe(200)
    expect(json<{ failedLogins: unknown }>(first).failedLogins).toEqual({ count: 5, lastAt: expect.any(String), lastFrom: '10.8.5.4' })
    const second = await loginFrom('10.8.6.1', username, 'benar-sekali-123')
    expect(json<{ failedLogins: unknown }>(second).failedLogins).toBeNull()
    const events = await inject({
      method: 'GET',
      url: '/api/t/33.71/events?topic=access&type=user.login_throttled&order=desc&limit=50',
      headers: { cookie: admin },
    })
    const throttled = json<Page<{ entity: string; data: Record<string, unknown> }>>(events).items.filter((e) => e.entity === id)
    expect(throttled).toEqual([expect.objectContaining({ data: { username, failures: 5, lastAddress: '10.8.5.4' } })])
  })

  it('limits failures from one address across accounts', async () => {
    const ip = '10.7.0.1'
    for (let i = 0; i < 30; i++) {
      await inject({ method: 'POST', url: '/api/auth/login', payload: { username: `ghost${i}`, password: 'x' }, remoteAddress: ip })
    }
    const res = await inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator', password: 'kendali-demo' }, remoteAddress: ip })
    expect(res.statusCode).toBe(429)
    const elsewhere = await inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username: 'operator', password: 'kendali-demo' },
      remoteAddress: '10.7.0.2',
    })
    expect(elsewhere.statusCode).toBe(200)
  })
})

describe('client addresses behind TRUST_PROXY', () => {
  let proxied: TestServer
  beforeAll(async () => {
    proxied = await startTestKendali({ listen: false, env: { TRUST_PROXY: '10.0.0.1' } })
  })
  afterAll(() => proxied.close())
  const failFrom = (remoteAddress: string, forwardedFor: string, username: string) =>
    proxied.kendali.app.inject({
      method: 'POST',
      url: '/api/auth/login',
      payload: { username, password: 'salah' },
      remoteAddress,
      headers: { 'x-forwarded-for': forwardedFor },
    })
  const failuresFrom = async (ip: string, username: string) => (await tenancyStore.recentLoginFailures(proxied.kendali.ctx.db, username, ip, 3600)).pair.n

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy: forged addresses do not escape the login throttle', async () => {
    const username = unique('palsu').toLowerCase()
    for (let i = 0; i < 3; i++) expect((await failFrom('10.9.9.9', `203.0.113.${i}`, username)).statusCode).toBe(401)
    expect(await failuresFrom('10.9.9.9', username)).toBe(3)
    expect(await failuresFrom('203.0.113.0', username)).toBe(0)
  })

  it("takes the client's address from the trusted proxy", async () => {
    const username = unique('proksi').toLowerCase()
    expect((await failFrom('10.0.0.1', '198.51.100.7', username)).statusCode).toBe(401)
    expect(await failuresFrom('198.51.100.7', username)).toBe(1)
  })
})

describe('tenants and regions', () => {
  it('lists tenants with public fields to anyone', async () => {
    const res = await inject({ method: 'GET', url: '/api/tenants' })
    const magelang = json<Page<{ code: string; name: string; timezone: string; bbox: number[] }>>(res).items.find((t) => t.code === '33.71')
    expect(magelang).toMatchObject({ name: 'Kota Magelang', kind: 'kota', parent: '33', timezone: 'Asia/Jakarta' })
    expect(magelang?.bbox[0]).toBeCloseTo(110.2, 1)
  })

  it('serves the 17 kelurahan and 3 kecamatan of Kota Magelang as GeoJSON', async () => {
    const kel = json<{ type: string; features: { id: string; geometry: { type: string }; properties: { code: string; level: string; parent: string } }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/regions?level=kelurahan' }),
    )
    expect(kel.type).toBe('FeatureCollection')
    expect(kel.features).toHaveLength(17)
    expect(kel.features.every((f) => f.geometry.type === 'MultiPolygon' && f.id === f.properties.code && f.properties.parent.startsWith('33.71.'))).toBe(true)
    const kec = json<{ features: unknown[] }>(await inject({ method: 'GET', url: '/api/t/33.71/regions?level=kecamatan' }))
    expect(kec.features).toHaveLength(3)
  })

  it('finds the kelurahan and kecamatan of a point by its real boundary', async () => {
    // Alun-alun Kota Magelang lies in Kelurahan Cacaban, Kecamatan Magelang Tengah.
    const res = await inject({ method: 'GET', url: '/api/t/33.71/regions/lookup?lon=110.2176&lat=-7.4773' })
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({ kelurahan: { name: 'Cacaban' }, kecamatan: { code: '33.71.03', name: 'Magelang Tengah' }, distanceM: 0 })
  })

  it('places a point just past the city border in the nearest kelurahan within 250 m, and no farther', async () => {
    // Points due east of the city's easternmost edge at the latitude of the alun-alun, 100 m and 400 m out.
    const [edge] = await server.kendali.ctx.db.query<{ lon: number; lat: number }>(
      `WITH city AS (SELECT ST_Union(geom) AS g FROM regions WHERE tenant = '33.71' AND level IN ('kelurahan', 'desa')),
       line AS (SELECT ST_Intersection(city.g, ST_SetSRID(ST_MakeLine(ST_MakePoint(110.0, -7.4773), ST_MakePoint(110.5, -7.4773)), 4326)) AS g FROM city)
       SELECT ST_XMax(g) AS lon, -7.4773 AS lat FROM line`,
    )
    const east = (metres: number) => edge.lon + metres / (111_320 * Math.cos((edge.lat * Math.PI) / 180))
    const near = await inject({ method: 'GET', url: `/api/t/33.71/regions/lookup?lon=${east(100)}&lat=${edge.lat}` })
    expect(near.statusCode, near.body).toBe(200)
    const found = json<{ kelurahan: { code: string }; kecamatan: { code: string; name: string }; distanceM: number }>(near)
    // The border need not run north-south: the nearest kelurahan is at most the 100 m away, and not 0.
    expect(found.distanceM).toBeGreaterThan(0)
    expect(found.distanceM).toBeLessThanOrEqual(100)
    expect(found.kelurahan.code.startsWith(`${found.kecamatan.code}.`)).toBe(true)
    expect(found.kecamatan.name).toBeTruthy()
    const far = await inject({ method: 'GET', url: `/api/t/33.71/regions/lookup?lon=${east(400)}&lat=${edge.lat}` })
    expect(far.statusCode).toBe(404)
  })

  it('answers 404 with a clear message for a point outside the city, and 400 for a bad coordinate', async () => {
    const outside = await inject({ method: 'GET', url: '/api/t/33.71/regions/lookup?lon=112.63&lat=-7.98' })
    expect(outside.statusCode).toBe(404)
    expect(errorOf(outside).message).toContain('outside Kota Magelang')
    const bad = await inject({ method: 'GET', url: '/api/t/33.71/regions/lookup?lon=500&lat=-7.98' })
    expect(bad.statusCode).toBe(400)
    expect(errorOf(bad).details).toMatchObject({ field: 'lon' })
  })

  it('keeps each city to its own boundaries', async () => {
    const malangPoint = await inject({ method: 'GET', url: '/api/t/35.73/regions/lookup?lon=112.6304&lat=-7.9797' })
    expect(malangPoint.statusCode).toBe(200)
    const sameInMagelang = await inject({ method: 'GET', url: '/api/t/33.71/regions/lookup?lon=112.6304&lat=-7.9797' })
    expect(sameInMagelang.statusCode).toBe(404)
  })

  it('imports boundaries per feature: stores the good ones and names what is wrong with the others', async () => {
    const malangAdmin = await loginCookie(server.kendali, 'malang_admin')
    const square = {
      type: 'Polygon',
      coordinates: [
        [
          [112.6, -7.99],
          [112.61, -7.99],
          [112.61, -7.98],
          [112.6, -7.98],
          [112.6, -7.99],
        ],
      ],
    }
    const feature = (code: string, level: string, geometry: unknown = square) => ({
      type: 'Feature',
      geometry,
      properties: { code, name: `Uji ${code}`, level, parent: null },
    })
    const res = await inject({
      method: 'POST',
      url: '/api/t/35.73/regions/import',
      headers: { cookie: malangAdmin },
      payload: {
        type: 'FeatureCollection',
        features: [
          feature('35.73.05.1999', 'kelurahan'),
          feature('33.71.01.1999', 'kelurahan'),
          feature('35.73.05', 'kelurahan'),
          feature('35.73.05.1998', 'kelurahan', { type: 'Point', coordinates: [112.6, -7.99] }),
        ],
      },
    })
    expect(res.statusCode).toBe(200)
    const result = json<{ accepted: number; rejected: { index: number; field: string }[] }>(res)
    expect(result.accepted).toBe(1)
    expect(result.rejected.map((r) => [r.index, r.field])).toEqual([
      [1, 'properties.code'],
      [2, 'properties.level'],
      [3, 'geometry'],
    ])
    const lookup = await inject({ method: 'GET', url: '/api/t/35.73/regions/lookup?lon=112.605&lat=-7.985' })
    expect(json(lookup)).toMatchObject({ kelurahan: { code: expect.stringMatching(/^35\.73\./) } })
  })
})

describe('agencies', () => {
  it('creates, changes and archives an agency, each with an event', async () => {
    const code = unique('dinas')
    const created = await inject({ method: 'POST', url: '/api/t/33.71/agencies', headers: { cookie: admin }, payload: { code, name: 'Dinas Uji' } })
    expect(created.statusCode).toBe(201)
    const agency = json<{ id: string; code: string }>(created)
    const patched = await inject({
      method: 'PATCH',
      url: `/api/t/33.71/agencies/${agency.id}`,
      headers: { cookie: admin },
      payload: { name: 'Dinas Uji Baru', shortName: 'DUB' },
    })
    expect(json(patched)).toMatchObject({ code, name: 'Dinas Uji Baru', shortName: 'DUB' })
    const removed = await inject({ method: 'DELETE', url: `/api/t/33.71/agencies/${agency.id}`, headers: { cookie: admin } })
    expect(removed.statusCode).toBe(204)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/agencies/${agency.id}` })).statusCode).toBe(404)
    const events = json<Page<{ type: string; entity: string; actor: string }>>(
      await inject({ method: 'GET', url: '/api/t/33.71/events?order=desc&limit=3&topic=agencies', headers: { cookie: admin } }),
    )
    expect(events.items.map((e) => e.type)).toEqual(['agency.archived', 'agency.updated', 'agency.created'])
    expect(events.items.every((e) => e.entity === agency.id && e.actor === 'admin')).toBe(true)
  })

  it('refuses a taken code with 409 and changes nothing', async () => {
    const before = json<Page<unknown>>(await inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=1' })).total
    const res = await inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers: { cookie: admin },
      payload: { code: 'dinkes', name: 'Dinas Kesehatan Lagi' },
    })
    expect(res.statusCode).toBe(409)
    expect(errorOf(res).details).toMatchObject({ field: 'code' })
    expect(json<Page<unknown>>(await inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=1' })).total).toBe(before)
  })

  it('names the field at fault for a bad body, and refuses unknown fields', async () => {
    const missing = await inject({ method: 'POST', url: '/api/t/33.71/agencies', headers: { cookie: admin }, payload: { code: 'ok-code' } })
    expect(missing.statusCode).toBe(400)
    expect(errorOf(missing)).toMatchObject({ code: 'invalid', details: { field: 'name' } })
    const extra = await inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers: { cookie: admin },
      payload: { code: 'ok-code', name: 'Dinas', tenant: '35.73' },
    })
    expect(extra.statusCode).toBe(400)
    expect(errorOf(extra).details).toMatchObject({ field: 'tenant' })
    const notJson = await inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers: { cookie: admin, 'content-type': 'application/json' },
      payload: '{"code":',
    })
    expect(notJson.statusCode).toBe(400)
    expect(notJson.body).not.toMatch(/at .*\.(ts|js):\d+/)
  })

  it('refuses a body over the size limit with 413', async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers: { cookie: admin, 'content-type': 'application/json' },
      payload: JSON.stringify({ code: 'big', name: 'x'.repeat(6 * 1024 * 1024) }),
    })
    expect(res.statusCode).toBe(413)
    expect(errorOf(res).code).toBe('payload_too_large')
  })

  it("never shows or changes another city's agency through this city's path", async () => {
    const malang = json<Page<{ id: string; code: string }>>(await inject({ method: 'GET', url: '/api/t/35.73/agencies' }))
    const theirs = malang.items[0]
    expect(theirs).toBeDefined()
    expect((await inject({ method: 'GET', url: `/api/t/33.71/agencies/${theirs.id}` })).statusCode).toBe(404)
    const patch = await inject({ method: 'PATCH', url: `/api/t/33.71/agencies/${theirs.id}`, headers: { cookie: admin }, payload: { name: 'Diambil alih' } })
    expect(patch.statusCode).toBe(404)
    const still = json<{ name: string }>(await inject({ method: 'GET', url: `/api/t/35.73/agencies/${theirs.id}` }))
    expect(still.name).not.toBe('Diambil alih')
    const magelangCodes = json<Page<{ code: string }>>(await inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=1000' })).items.map((a) => a.code)
    expect(magelangCodes).toContain('diskominsta')
    expect(malang.items.map((a) => a.id)).not.toEqual(expect.arrayContaining([expect.any(String), ...magelangCodes]))
  })

  it('pages with an opaque cursor', async () => {
    const first = json<Page<{ code: string }>>(await inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=5' }))
    expect(first.items).toHaveLength(5)
    expect(first.next).toEqual(expect.any(String))
    const second = json<Page<{ code: string }>>(await inject({ method: 'GET', url: `/api/t/33.71/agencies?limit=5&cursor=${first.next}` }))
    expect(second.items[0].code > first.items[4].code).toBe(true)
    const bad = await inject({ method: 'GET', url: '/api/t/33.71/agencies?cursor=garbage' })
    expect(bad.statusCode).toBe(400)
  })
})

describe('people and tokens', () => {
  it('creates a person who can log in with the roles given, and ends their sessions when disabled', async () => {
    const username = unique('petugas').toLowerCase()
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Petugas Baru', password: 'rahasia-panjang-1', roles: ['dispatcher'] },
    })
    expect(created.statusCode).toBe(201)
    expect(created.body).not.toContain('rahasia')
    const user = json<{ id: string; roles: string[] }>(created)
    expect(user.roles).toEqual(['dispatcher'])
    const cookie = await loginCookie(server.kendali, username, 'rahasia-panjang-1')
    expect((await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(200)
    const dup = await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Lagi', password: 'rahasia-panjang-1', roles: ['operator'] },
    })
    expect(dup.statusCode).toBe(409)
    const disabled = await inject({ method: 'PATCH', url: `/api/t/33.71/users/${user.id}`, headers: { cookie: admin }, payload: { disabled: true } })
    expect(json(disabled)).toMatchObject({ disabled: true })
    expect((await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })).statusCode).toBe(401)
    const again = await inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'rahasia-panjang-1' }, remoteAddress: '10.6.0.1' })
    expect(again.statusCode).toBe(401)
  })

  it('lets a person change their own password with the current one: other sessions end, this one stays, a wrong current one is refused', async () => {
    const username = unique('petugas').toLowerCase()
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Petugas Sandi', password: 'sandi-awal-123', roles: ['operator'] },
    })
    expect(created.statusCode).toBe(201)
    const desk = await loginCookie(server.kendali, username, 'sandi-awal-123')
    const phone = await loginCookie(server.kendali, username, 'sandi-awal-123')
    const change = (cookie: string, payload: Record<string, string>, remoteAddress = '10.71.0.1') =>
      inject({ method: 'POST', url: '/api/auth/password', headers: { cookie }, payload, remoteAddress })

    const wrong = await change(desk, { currentPassword: 'tebakan-salah', newPassword: 'sandi-baru-456' })
    expect(wrong.statusCode).toBe(400)
    expect(errorOf(wrong).details).toMatchObject({ field: 'currentPassword' })
    expect((await change(desk, { currentPassword: 'sandi-awal-123', newPassword: 'pendek' })).statusCode).toBe(400)

    expect((await change(desk, { currentPassword: 'sandi-awal-123', newPassword: 'sandi-baru-456' })).statusCode).toBe(204)
    expect((await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: desk } })).statusCode).toBe(200)
    expect((await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: phone } })).statusCode).toBe(401)
    const old = await inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: 'sandi-awal-123' }, remoteAddress: '10.71.0.2' })
    expect(old.statusCode).toBe(401)
    await loginCookie(server.kendali, username, 'sandi-baru-456')
  })

  it('slows guessing the current password through a stolen session like failed logins', async () => {
    const username = unique('petugas').toLowerCase()
    await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username, name: 'Petugas Curian', password: 'sandi-awal-123', roles: ['operator'] },
    })
    const stolen = await loginCookie(server.kendali, username, 'sandi-awal-123')
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      const res = await inject({
        method: 'POST',
        url: '/api/auth/password',
        headers: { cookie: stolen },
        payload: { currentPassword: `tebakan-${i}`, newPassword: 'milik-pencuri-789' },
        remoteAddress: '10.71.1.1',
      })
      statuses.push(res.statusCode)
    }
    expect(statuses.slice(0, 5)).toEqual([400, 400, 400, 400, 400])
    expect(statuses.at(-1)).toBe(429)
  })

  it('refuses a short password and a role that does not exist', async () => {
    const short = await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username: 'pendek', name: 'Pendek', password: 'abc', roles: ['operator'] },
    })
    expect(errorOf(short).details).toMatchObject({ field: 'password' })
    const role = await inject({
      method: 'POST',
      url: '/api/t/33.71/users',
      headers: { cookie: admin },
      payload: { username: 'peran', name: 'Peran', password: 'cukup-panjang-1', roles: ['kapten'] },
    })
    expect(role.statusCode).toBe(400)
  })

  it('links an agency officer to the OPDs they work for, refusing an OPD of another city, and their session carries it', async () => {
    const agencies = json<Page<{ id: string; code: string }>>(
      await inject({ method: 'GET', url: '/api/t/33.71/agencies?limit=100', headers: { cookie: admin } }),
    )
    const dlh = agencies.items.find((a) => a.code === 'dlh')?.id as string
    const dinkes = agencies.items.find((a) => a.code === 'dinkes')?.id as string
    const foreign = json<Page<{ id: string }>>(
      await inject({ method: 'GET', url: '/api/t/35.73/agencies?limit=1', headers: { cookie: await loginCookie(server.kendali, 'malang_admin') } }),
    ).items[0]?.id
    const username = unique('opd').toLowerCase()
    const payload = { username, name: 'Kepala Seksi DLH', password: 'rahasia-panjang-1', roles: ['agency_officer'] }
    const refused = await inject({ method: 'POST', url: '/api/t/33.71/users', headers: { cookie: admin }, payload: { ...payload, agencies: [foreign] } })
    expect(refused.statusCode).toBe(400)
    expect(errorOf(refused).details).toMatchObject({ field: 'agencies' })
    expect((await inject({ method: 'GET', url: `/api/t/33.71/users?limit=200`, headers: { cookie: admin } })).body).not.toContain(username)

    const created = json<{ id: string; agencies: string[] }>(
      await inject({ method: 'POST', url: '/api/t/33.71/users', headers: { cookie: admin }, payload: { ...payload, agencies: [dlh] } }),
    )
    expect(created.agencies).toEqual([dlh])
    const moved = await inject({ method: 'PATCH', url: `/api/t/33.71/users/${created.id}`, headers: { cookie: admin }, payload: { agencies: [dinkes] } })
    expect(json(moved)).toMatchObject({ agencies: [dinkes] })
    expect(await agencyIdsOf(server.kendali, username, '33.71', 'rahasia-panjang-1')).toEqual([dinkes])
  })

  it('does not let an administrator disable themselves', async () => {
    const me = json<{ user: { id: string } }>(await inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: admin } }))
    const res = await inject({ method: 'PATCH', url: `/api/t/33.71/users/${me.user.id}`, headers: { cookie: admin }, payload: { disabled: true } })
    expect(res.statusCode).toBe(409)
  })

  it('lets a city administrator reset or disable only people whose every role lies within their reach', async () => {
    const create = (username: string) =>
      inject({
        method: 'POST',
        url: '/api/t/33.71/users',
        headers: { cookie: admin },
        payload: { username, name: 'Pegawai', password: 'kendali-demo', roles: ['operator'] },
      })
    const provincial = json<{ id: string }>(await create(unique('provadmin').toLowerCase()))
    // A province administrator whose home tenant is the city.
    await tenancyStore.setRoles(server.kendali.ctx.db, '33', provincial.id, ['admin'])
    const url = `/api/t/33.71/users/${provincial.id}`
    for (const payload of [{ password: 'diambil-alih-123' }, { disabled: true }, { name: 'Diambil alih' }]) {
      const res = await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(403)
      expect(errorOf(res).details).toEqual({ tenant: '33' })
    }
    // Roles in the city stay the city administrator's to change, and the platform administrator reaches everyone.
    expect((await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { roles: ['operator', 'executive'] } })).statusCode).toBe(200)
    const superadmin = await loginCookie(server.kendali, 'superadmin')
    expect((await inject({ method: 'PATCH', url, headers: { cookie: superadmin }, payload: { disabled: true } })).statusCode).toBe(200)
    const local = json<{ id: string }>(await create(unique('lokal').toLowerCase()))
    expect((await inject({ method: 'PATCH', url: `/api/t/33.71/users/${local.id}`, headers: { cookie: admin }, payload: { disabled: true } })).statusCode).toBe(
      200,
    )
  })

  it('gives a system token once, stores only its hash, and revokes it at once', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/tokens',
      headers: { cookie: admin },
      payload: { name: 'Aplikasi Dinkes', roles: ['operator'] },
    })
    expect(created.statusCode).toBe(201)
    const { id, token } = json<{ id: string; token: string }>(created)
    expect(token).toMatch(/^kdl_/)
    const bearer = { authorization: `Bearer ${token}` }
    expect((await inject({ method: 'GET', url: '/api/t/33.71/events?limit=1', headers: bearer })).statusCode).toBe(200)
    expect((await inject({ method: 'GET', url: '/api/t/35.73/events?limit=1', headers: bearer })).statusCode).toBe(403)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/agencies', headers: bearer, payload: { code: 'x1', name: 'X' } })).statusCode).toBe(403)
    const list = await inject({ method: 'GET', url: '/api/t/33.71/tokens', headers: { cookie: admin } })
    expect(list.body).not.toContain(token)
    const [stored] = await server.kendali.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM api_tokens WHERE id = $1', [id])
    expect(stored.token_hash).not.toContain(token.slice(4))
    expect((await inject({ method: 'DELETE', url: `/api/t/33.71/tokens/${id}`, headers: { cookie: admin } })).statusCode).toBe(204)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/events?limit=1', headers: bearer })).statusCode).toBe(401)
  })
})
