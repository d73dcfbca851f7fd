import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'

type Created = { id: string; token: string; prefix: string; expiresAt: string }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const anonymous = (opts: InjectOptions) => server.kendali.app.inject(opts)
const wall = (token: string, tenant = '33.71') => anonymous({ method: 'GET', url: `/api/t/${tenant}/kpi/wall?token=${encodeURIComponent(token)}` })

async function newToken(name: string, days?: number): Promise<Created> {
  const res = await as('admin', { method: 'POST', url: '/api/t/33.71/wall-tokens', payload: { name, days } })
  expect(res.statusCode, res.body).toBe(201)
  return json<Created>(res)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'executive', 'operator', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('wall tokens', () => {
  it('lets a screen read the wall summary with a token shown once and stored hashed', async () => {
    const created = await newToken('Layar utama Command Center', 30)
    expect(created.token).toMatch(/^kdw_/)
    expect(created.token.startsWith(created.prefix)).toBe(true)
    const res = await wall(created.token)
    expect(res.statusCode, res.body).toBe(200)
    const body = json<{ tenant: { name: string; timezone: string }; summary: { dimensions: unknown[] } }>(res)
    expect(body.tenant).toMatchObject({ name: 'Kota Magelang', timezone: 'Asia/Jakarta' })
    expect(body.summary.dimensions).toHaveLength(6)

    const list = await as('admin', { method: 'GET', url: '/api/t/33.71/wall-tokens' })
    expect(list.body).not.toContain(created.token)
    const listed = json<{ items: { id: string; lastUsedAt: string | null }[] }>(list).items.find((t) => t.id === created.id)
    expect(listed?.lastUsedAt).not.toBeNull()
    const [row] = await server.kendali.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM kpi_wall_tokens WHERE id = $1', [created.id])
    expect(row.token_hash).not.toContain(created.token)
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reads nothing else: not another city, not the staff API, not as a bearer token', async () => {
    const { token } = await newToken('Layar rapat')
    expect((await wall(token, '35.73')).statusCode).toBe(401)
    expect((await wall('kdw_guessed')).statusCode).toBe(401)
    expect((await anonymous({ method: 'GET', url: '/api/t/33.71/kpi/wall' })).statusCode).toBe(400)
    for (const url of ['/api/t/33.71/kpi/summary?period=2026-01', '/api/t/33.71/kpi/indicators', '/api/t/33.71/wall-tokens', '/api/t/33.71/incidents']) {
      expect((await anonymous({ method: 'GET', url: `${url}${url.includes('?') ? '&' : '?'}token=${token}` })).statusCode, url).toBe(401)
      expect((await anonymous({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } })).statusCode, url).toBe(401)
    }
  })

  it('stops working once revoked or expired', async () => {
    const revoked = await newToken('Layar lama')
    expect((await wall(revoked.token)).statusCode).toBe(200)
    expect((await as('malang_admin', { method: 'DELETE', url: `/api/t/33.71/wall-tokens/${revoked.id}` })).statusCode).toBe(403)
    expect((await as('admin', { method: 'DELETE', url: `/api/t/33.71/wall-tokens/${revoked.id}` })).statusCode).toBe(204)
    expect((await wall(revoked.token)).statusCode).toBe(401)

    const expired = await newToken('Layar pinjaman', 1)
    expect((await wall(expired.token)).statusCode).toBe(200)
    await server.kendali.ctx.db.query(`UPDATE kpi_wall_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired.id])
    const res = await wall(expired.token)
    expect(res.statusCode).toBe(401)
    expect(json<{ error: { code: string } }>(res).error.code).toBe('unauthorized')
  })

  it('is for admins only, and refuses bad input without a change', async () => {
    for (const who of ['executive', 'operator', 'malang_admin']) {
      expect((await as(who, { method: 'POST', url: '/api/t/33.71/wall-tokens', payload: { name: 'x' } })).statusCode, who).toBe(403)
      expect((await as(who, { method: 'GET', url: '/api/t/33.71/wall-tokens' })).statusCode, who).toBe(403)
    }
    const before = json<{ total: number }>(await as('admin', { method: 'GET', url: '/api/t/33.71/wall-tokens' })).total
    for (const payload of [{ name: '' }, { name: 'x', days: 0 }, { name: 'x', days: 1000 }, { days: 3 }]) {
      expect((await as('admin', { method: 'POST', url: '/api/t/33.71/wall-tokens', payload })).statusCode, JSON.stringify(payload)).toBe(400)
    }
    expect(json<{ total: number }>(await as('admin', { method: 'GET', url: '/api/t/33.71/wall-tokens' })).total).toBe(before)
    expect((await as('admin', { method: 'DELETE', url: '/api/t/33.71/wall-tokens/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404)
  })
})
