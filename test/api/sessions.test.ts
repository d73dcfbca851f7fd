import { createHash } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

let server: TestServer
let admin: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const tokenHash = (cookie: string) => createHash('sha256').update(cookie.split('=')[1]).digest('hex')
const sql = (text: string, params: unknown[]) => server.kendali.ctx.db.query(text, params)

beforeAll(async () => {
  server = await startTestKendali()
  admin = await loginCookie(server.kendali, 'admin')
})
afterAll(() => server.close())

describe('session cookies', () => {
  const loginSetCookie = async (s: TestServer, headers: Record<string, string> = {}) => {
    const res = await s.kendali.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'operator', password: 'kendali-demo' }, headers })
    expect(res.statusCode).toBe(200)
    return String(res.headers['set-cookie'])
  }

  it('are Secure when the request came over TLS through a trusted proxy, and not on a plain or forged one', async () => {
    expect(await loginSetCookie(server)).not.toMatch(/;\s*Secure/i)
    expect(await loginSetCookie(server, { 'x-forwarded-proto': 'https' })).not.toMatch(/;\s*Secure/i)
    const proxied = await startTestKendali({ listen: false, env: { TRUST_PROXY: '1' } })
    try {
      expect(await loginSetCookie(proxied, { 'x-forwarded-proto': 'https' })).toMatch(/;\s*Secure/i)
    } finally {
      await proxied.close()
    }
  })

  it('are always Secure when PUBLIC_URL is https', async () => {
    const public_ = await startTestKendali({ listen: false, env: { PUBLIC_URL: 'https://kendali.magelangkota.go.id' } })
    try {
      expect(await loginSetCookie(public_)).toMatch(/;\s*Secure/i)
    } finally {
      await public_.close()
    }
  })
})

describe('session timeouts', () => {
  const me = (cookie: string) => inject({ method: 'GET', url: '/api/auth/me', headers: { cookie } })

  it('ends a session left idle longer than SESSION_IDLE_MINUTES (12 h by default), and keeps one in use', async () => {
    const idle = await loginCookie(server.kendali, 'operator')
    const busy = await loginCookie(server.kendali, 'operator')
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '13 hours' WHERE token_hash = $1`, [tokenHash(idle)])
    await sql(`UPDATE sessions SET last_seen_at = now() - interval '11 hours' WHERE token_hash = $1`, [tokenHash(busy)])
    expect((await me(idle)).statusCode).toBe(401)
    expect((await me(busy)).statusCode).toBe(200)
    const [seen] = await sql(`SELECT last_seen_at > now() - interval '1 minute' AS fresh FROM sessions WHERE token_hash = $1`, [tokenHash(busy)])
    expect(seen).toEqual({ fresh: true })
  })

  it('ends a session at its absolute end (SESSION_DAYS) however busy it is', async () => {
    const cookie = await loginCookie(server.kendali, 'operator')
    const [row] = await sql(`SELECT round(extract(epoch FROM expires_at - created_at) / 86400) AS days FROM sessions WHERE token_hash = $1`, [
      tokenHash(cookie),
    ])
    expect(Number((row as { days: number }).days)).toBe(7)
    await sql(`UPDATE sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [tokenHash(cookie)])
    expect((await me(cookie)).statusCode).toBe(401)
  })
})

describe('API tokens', () => {
  const create = (payload: Record<string, unknown>) => inject({ method: 'POST', url: '/api/t/33.71/tokens', headers: { cookie: admin }, payload })
  const list = async () =>
    json<{ items: { id: string; expiresAt: string | null; lastUsedAt: string | null }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/tokens', headers: { cookie: admin } }),
    ).items
  const call = (token: string) => inject({ method: 'GET', url: '/api/t/33.71/users', headers: { authorization: `Bearer ${token}` } })

  it('may be given an end, shown in the list with the last use, and are refused after it', async () => {
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString()
    const res = await create({ name: unique('sistem'), roles: ['admin'], expiresAt })
    expect(res.statusCode).toBe(201)
    const created = json<{ id: string; token: string; expiresAt: string }>(res)
    expect(Date.parse(created.expiresAt)).toBe(Date.parse(expiresAt))
    expect((await list()).find((t) => t.id === created.id)?.lastUsedAt).toBeNull()
    expect((await call(created.token)).statusCode).toBe(200)
    expect((await list()).find((t) => t.id === created.id)).toMatchObject({ expiresAt: expect.any(String), lastUsedAt: expect.any(String) })
    await sql(`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = $1`, [created.id])
    expect((await call(created.token)).statusCode).toBe(401)
  })

  it('refuses an end in the past, and lasts until revoked without one', async () => {
    const past = await create({ name: unique('basi'), roles: ['operator'], expiresAt: '2020-01-01T00:00:00Z' })
    expect(past.statusCode).toBe(400)
    expect(json<{ error: { details: unknown } }>(past).error.details).toMatchObject({ field: 'expiresAt' })
    const forever = json<{ expiresAt: string | null }>(await create({ name: unique('tetap'), roles: ['operator'] }))
    expect(forever.expiresAt).toBeNull()
  })
})

describe('API tokens carry no more than the person who issued them', () => {
  const PASSWORD = 'Rahasia-panjang-2026'
  const bearer = (token: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, authorization: `Bearer ${token}` } })
  const asAdmin = (opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: admin } })

  async function issuer(roles: string[]) {
    const username = unique('penerbit')
      .toLowerCase()
      .replace(/[^a-z0-9._-]/g, '')
    const made = await asAdmin({ method: 'POST', url: '/api/t/33.71/users', payload: { username, name: 'Penerbit Token', password: PASSWORD, roles } })
    expect(made.statusCode, made.body).toBe(201)
    return { id: json<{ id: string }>(made).id, cookie: await loginCookie(server.kendali, username, PASSWORD) }
  }
  const issue = async (cookie: string, payload: Record<string, unknown>) => {
    const res = await inject({ method: 'POST', url: '/api/t/33.71/tokens', headers: { cookie }, payload: { name: unique('integrasi'), ...payload } })
    expect(res.statusCode, res.body).toBe(201)
    return json<{ id: string; token: string; agencies: string[] | null }>(res).token
  }

  it('follows its issuer: narrowed to the roles they keep when they stop administering, dead once they are disabled', async () => {
    const person = await issuer(['admin'])
    const token = await issue(person.cookie, { roles: ['admin', 'operator'] })
    const users = { method: 'GET', url: '/api/t/33.71/users' } as const
    const incidents = { method: 'GET', url: '/api/t/33.71/incidents?limit=1' } as const
    expect((await bearer(token, users)).statusCode).toBe(200)

    const demote = await asAdmin({ method: 'PATCH', url: `/api/t/33.71/users/${person.id}`, payload: { roles: ['operator'] } })
    expect(demote.statusCode, demote.body).toBe(200)
    expect((await bearer(token, users)).statusCode).toBe(403)
    expect((await bearer(token, incidents)).statusCode).toBe(200)

    expect((await asAdmin({ method: 'PATCH', url: `/api/t/33.71/users/${person.id}`, payload: { roles: ['executive'] } })).statusCode).toBe(200)
    expect((await bearer(token, incidents)).statusCode).toBe(401)

    expect((await asAdmin({ method: 'PATCH', url: `/api/t/33.71/users/${person.id}`, payload: { roles: ['admin'] } })).statusCode).toBe(200)
    expect((await bearer(token, users)).statusCode).toBe(200)
    expect((await asAdmin({ method: 'PATCH', url: `/api/t/33.71/users/${person.id}`, payload: { disabled: true } })).statusCode).toBe(200)
    expect((await bearer(token, incidents)).statusCode).toBe(401)
  })

  it('is issued by a person, not by another token', async () => {
    const token = await issue(admin, { roles: ['admin'] })
    const minted = await bearer(token, { method: 'POST', url: '/api/t/33.71/tokens', payload: { name: 'turunan', roles: ['admin'] } })
    expect(minted.statusCode, minted.body).toBe(403)
    expect(json<{ items: { name: string }[] }>(await asAdmin({ method: 'GET', url: '/api/t/33.71/tokens' })).items.map((t) => t.name)).not.toContain('turunan')
  })

  it("acts for the OPDs it was issued for, and for no other OPD's reports", async () => {
    const reports = json<{ items: { agencyId: string | null }[] }>(await asAdmin({ method: 'GET', url: '/api/t/33.71/reports?limit=200' })).items
    const opd = reports.find((r) => r.agencyId !== null)?.agencyId as string
    expect(new Set(reports.map((r) => r.agencyId)).size).toBeGreaterThan(1)
    const token = await issue(admin, { roles: ['agency_officer'], agencies: [opd] })
    const seen = json<{ items: { agencyId: string | null }[] }>(await bearer(token, { method: 'GET', url: '/api/t/33.71/reports?limit=200' })).items
    expect(seen.length).toBeGreaterThan(0)
    expect(new Set(seen.map((r) => r.agencyId))).toEqual(new Set([opd]))
    // Without OPDs it acts for every OPD its issuer (an administrator) acts for.
    const wide = await issue(admin, { roles: ['agency_officer'] })
    const all = json<{ items: { agencyId: string | null }[] }>(await bearer(wide, { method: 'GET', url: '/api/t/33.71/reports?limit=200' })).items
    expect(new Set(all.map((r) => r.agencyId)).size).toBeGreaterThan(1)

    const unknown = await asAdmin({
      method: 'POST',
      url: '/api/t/33.71/tokens',
      payload: { name: 'x-opd', roles: ['agency_officer'], agencies: ['00000000-0000-4000-8000-000000000000'] },
    })
    expect(unknown.statusCode).toBe(400)
    expect(json<{ error: { details: unknown } }>(unknown).error.details).toMatchObject({ field: 'agencies' })
  })
})

describe('cross-site requests', () => {
  const addAgency = (headers: Record<string, string>) =>
    inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers,
      payload: {
        code: unique('opd')
          .toLowerCase()
          .replace(/[^a-z0-9]/g, '_'),
        name: 'OPD Uji',
      },
    })

  it('refuses a cookie-authenticated write started by a page of another site, and changes nothing', async () => {
    const before = json<{ total: number }>(await inject({ method: 'GET', url: '/api/t/33.71/agencies', headers: { cookie: admin } })).total
    const crossSite: Record<string, string>[] = [
      { origin: 'https://jahat.example' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
    ]
    for (const headers of crossSite) {
      const res = await addAgency({ cookie: admin, ...headers })
      expect(res.statusCode, JSON.stringify(headers)).toBe(403)
      expect(json<{ error: { code: string } }>(res).error.code).toBe('forbidden')
    }
    expect(json<{ total: number }>(await inject({ method: 'GET', url: '/api/t/33.71/agencies', headers: { cookie: admin } })).total).toBe(before)
  })

  it("accepts the site's own pages, programs that send no Origin, and bearer tokens from anywhere", async () => {
    expect((await addAgency({ cookie: admin, origin: 'http://localhost', 'sec-fetch-site': 'same-origin' })).statusCode).toBe(201)
    expect((await addAgency({ cookie: admin })).statusCode).toBe(201)
    const token = json<{ token: string }>(
      await inject({ method: 'POST', url: '/api/t/33.71/tokens', headers: { cookie: admin }, payload: { name: unique('integrasi'), roles: ['admin'] } }),
    ).token
    expect((await addAgency({ authorization: `Bearer ${token}`, origin: 'https://jahat.example' })).statusCode).toBe(201)
  })

  it("accepts PUBLIC_URL's origin behind a proxy that changes the Host", async () => {
    const proxied = await startTestKendali({ listen: false, env: { PUBLIC_URL: 'https://kendali.magelangkota.go.id' } })
    try {
      const cookie = await loginCookie(proxied.kendali, 'admin')
      const res = await proxied.kendali.app.inject({
        method: 'POST',
        url: '/api/auth/logout',
        headers: { cookie, host: '10.0.0.7:3000', origin: 'https://kendali.magelangkota.go.id' },
      })
      expect(res.statusCode).toBe(204)
    } finally {
      await proxied.close()
    }
  })

  it('refuses a live-channel upgrade with the cookie from another site', async () => {
    const url = `${server.url.replace(/^http/, 'ws')}/api/t/33.71/live`
    const open = (origin: string) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(url, { headers: { cookie: admin, origin } })
        socket.once('open', () => {
          socket.close()
          resolve(101)
        })
        socket.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0))
        socket.once('error', reject)
      })
    expect(await open('https://jahat.example')).toBe(403)
    expect(await open(server.url)).toBe(101)
  })
})
