import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveProbe } from '../../../test/support/live.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { headSeq } from '../../core/events/log.ts'

type Created = { id: string; token: string; prefix: string; expiresAt: string }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const anonymous = (opts: InjectOptions) => server.kendali.app.inject(opts)
const bearer = (token: string, opts: InjectOptions) => anonymous({ ...opts, headers: { ...opts.headers, authorization: `Bearer ${token}` } })
const openSession = (token: string, tenant = '33.71') => anonymous({ method: 'POST', url: `/api/t/${tenant}/kpi/wall/session`, payload: { token } })
const wallCookie = (res: { cookies: { name: string; value: string }[] }) => {
  const cookie = res.cookies.find((c) => c.name === 'kendali_wall')
  return `kendali_wall=${cookie?.value}`
}
const incidents = { method: 'GET', url: '/api/t/33.71/incidents' } as const
/** A screen's session: the wall cookie its token opens, as the wall page does. */
async function screenOf(token: string) {
  const cookie = wallCookie(await openSession(token))
  return (opts: InjectOptions) => anonymous({ ...opts, headers: { ...opts.headers, cookie } })
}

async function newToken(name: string, days?: number): Promise<Created> {
  const res = await as('admin', { method: 'POST', url: '/api/t/33.71/wall-tokens', payload: { name, days } })
  expect(res.statusCode, res.body).toBe(201)
  return json<Created>(res)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: true, env: { LIVE_RECHECK_SECONDS: '1' } })
  for (const who of ['admin', 'executive', 'operator', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('wall tokens', () => {
  it("lets a screen read each of its panels' data with a token shown once and stored hashed", async () => {
    const created = await newToken('Layar utama Command Center', 30)
    expect(created.token).toMatch(/^kdw_/)
    expect(created.token.startsWith(created.prefix)).toBe(true)
    const screen = await screenOf(created.token)
    const [agency] = json<{ items: { id: string }[] }>(await anonymous({ method: 'GET', url: '/api/t/33.71/agencies?limit=1' })).items
    const panels = [
      '/api/t/33.71',
      '/api/t/33.71/kpi/wall/settings',
      '/api/t/33.71/kpi/summary?period=2026-01',
      '/api/t/33.71/regions?level=kelurahan',
      '/api/t/33.71/incidents?status=open&limit=500',
      '/api/t/33.71/units?limit=1000',
      '/api/t/33.71/devices?limit=1000',
      '/api/t/33.71/alarms?status=open&limit=200',
      '/api/t/33.71/cameras?limit=1000',
      '/api/t/33.71/agencies?limit=1000',
      `/api/t/33.71/reports?status=open&agencyId=${agency.id}&limit=1`,
      '/api/t/33.71/levies/revenue',
    ]
    for (const url of panels) {
      const res = await screen({ method: 'GET', url })
      expect(res.statusCode, `${url} ${res.body}`).toBe(200)
    }

    const list = await as('admin', { method: 'GET', url: '/api/t/33.71/wall-tokens' })
    expect(list.body).not.toContain(created.token)
    const listed = json<{ items: { id: string; lastUsedAt: string | null }[] }>(list).items.find((t) => t.id === created.id)
    expect(listed?.lastUsedAt).not.toBeNull()
    const [row] = await server.kendali.ctx.db.query<{ token_hash: string }>('SELECT token_hash FROM kpi_wall_tokens WHERE id = $1', [created.id])
    expect(row.token_hash).not.toContain(created.token)
    expect(row.token_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('reads nothing its panels do not show, though an executive may', async () => {
    const screen = await screenOf((await newToken('Layar rapat kecil')).token)
    const report = '/api/t/33.71/reports/00000000-0000-4000-8000-000000000000'
    const hidden = [report, '/api/t/33.71/asn/discipline', '/api/t/33.71/connectors', '/api/t/33.71/users', '/api/t/33.71/events', '/api/t/33.71/facilities']
    for (const url of hidden) {
      const res = await screen({ method: 'GET', url })
      expect([url, res.statusCode]).toEqual([url, 403])
    }
    // The narrowing is the wall's own: its executive role alone reads these.
    for (const url of ['/api/t/33.71/events', '/api/t/33.71/facilities', '/api/t/33.71/asn/discipline']) {
      expect((await as('executive', { method: 'GET', url })).statusCode, url).not.toBe(403)
    }
  })

  it("reads the panels' lists, not the details behind them, and never a caller's or reporter's contact", async () => {
    const screen = await screenOf((await newToken('Layar ruang rapat')).token)
    const call = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/incidents',
      payload: {
        type: 'medical',
        source: 'call_119',
        location: { type: 'Point', coordinates: [110.2176, -7.4773] },
        description: 'Pak Slamet pingsan di rumah, Jl. Pemuda 12',
        caller: { name: 'Siti Aminah', phone: '081234567890' },
      },
    })
    expect(call.statusCode, call.body).toBe(201)
    const incident = json<{ id: string; number: string }>(call)
    const reported = await anonymous({
      method: 'POST',
      url: '/api/t/33.71/reports',
      payload: {
        category: 'lampu_jalan_mati',
        description: 'Lampu mati di depan rumah Bu Rini',
        location: { type: 'Point', coordinates: [110.2181, -7.4781] },
        consent: true,
        reporter: { name: 'Rini Astuti', phone: '081298765432' },
      },
    })
    expect(reported.statusCode, reported.body).toBe(201)
    const report = json<{ number: string }>(reported)

    type Listed = { number: string; caller?: unknown; reporter?: unknown; description: string | null }
    const incidentsOnWall = json<{ items: Listed[] }>(await screen({ method: 'GET', url: '/api/t/33.71/incidents?status=open&limit=500' })).items
    expect(incidentsOnWall.find((i) => i.number === incident.number)).toMatchObject({ caller: null, description: null })
    const reportsOnWall = json<{ items: Listed[] }>(await screen({ method: 'GET', url: '/api/t/33.71/reports?limit=200' })).items
    expect(reportsOnWall.find((r) => r.number === report.number)).toMatchObject({ reporter: null, description: '' })
    // An executive still reads them (contacts masked): the wall's narrowing is its own.
    const executiveSees = json<{ items: Listed[] }>(await as('executive', { method: 'GET', url: '/api/t/33.71/incidents?status=open&limit=500' })).items
    expect(executiveSees.find((i) => i.number === incident.number)).toMatchObject({ caller: { name: 'S*** A***', phone: '0812*****890' } })

    const [unit] = json<{ items: { id: string }[] }>(await screen({ method: 'GET', url: '/api/t/33.71/units?limit=1' })).items
    const details = [
      `/api/t/33.71/incidents/${incident.id}`,
      '/api/t/33.71/incidents/targets',
      `/api/t/33.71/units/${unit.id}`,
      `/api/t/33.71/units/${unit.id}/track`,
      '/api/t/33.71/levies/vendors',
      '/api/t/33.71/levies/bills',
      '/api/t/33.71/levies/payments',
      '/api/t/33.71/levies/arrears?by=vendor',
      '/api/t/33.71/kpi/indicators',
      '/api/t/33.71/kpi/report.pdf?period=2026-01',
    ]
    for (const url of details) {
      expect([url, (await screen({ method: 'GET', url })).statusCode]).toEqual([url, 403])
      expect([url, (await as('executive', { method: 'GET', url })).statusCode]).not.toEqual([url, 403])
    }
  })

  it('is no bearer token, and the wall cookie holds no other token', async () => {
    const { token } = await newToken('Layar disalin')
    for (const url of ['/api/t/33.71/kpi/wall/settings', '/api/t/33.71/incidents', '/api/t/33.71/users']) {
      const res = await bearer(token, { method: 'GET', url })
      expect([url, res.statusCode, json<{ error: { code: string } }>(res).error.code]).toEqual([url, 401, 'unauthorized'])
    }
    const session = cookies.admin.match(/kendali_session=([^;]+)/)?.[1]
    expect((await anonymous({ ...incidents, headers: { cookie: `kendali_wall=${session}` } })).statusCode).toBe(401)
  })

  it('never writes, reads no other city and nothing an executive may not read', async () => {
    const screen = await screenOf((await newToken('Layar rapat')).token)
    const writes: InjectOptions[] = [
      { method: 'PUT', url: '/api/t/33.71/kpi/wall/settings', payload: { panels: [{ kind: 'kpi', seconds: 10 }] } },
      { method: 'POST', url: '/api/t/33.71/wall-tokens', payload: { name: 'x' } },
      { method: 'POST', url: '/api/t/33.71/kpi/indicators/x/values', payload: { period: '2026-01', value: 1 } },
    ]
    for (const opts of writes) {
      const res = await screen(opts)
      expect([opts.url, res.statusCode, json<{ error: { message: string } }>(res).error?.message]).toEqual([opts.url, 403, 'This token only reads'])
    }
    expect((await screen({ method: 'GET', url: '/api/t/35.73/incidents' })).statusCode).toBe(403)
    expect((await screen({ method: 'GET', url: '/api/t/33.71/wall-tokens' })).statusCode).toBe(403)
    expect((await anonymous({ ...incidents, headers: { cookie: 'kendali_wall=kdw_guessed' } })).statusCode).toBe(401)
  })

  it('opens a screen session in an httpOnly, same-site cookie that reads the API until the token is revoked', async () => {
    const created = await newToken('Layar lobi')
    expect((await openSession(created.token, '35.73')).statusCode).toBe(401)
    expect((await openSession('kdw_guessed')).statusCode).toBe(401)
    expect((await anonymous({ method: 'POST', url: '/api/t/33.71/kpi/wall/session', payload: {} })).statusCode).toBe(400)

    const opened = await openSession(created.token)
    expect(opened.statusCode, opened.body).toBe(204)
    const cookie = opened.cookies.find((c) => c.name === 'kendali_wall')
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' })
    expect(new Date(String(cookie?.expires)).getTime()).toBe(new Date(created.expiresAt).getTime() - (new Date(created.expiresAt).getTime() % 1000))
    const screen = (opts: InjectOptions) => anonymous({ ...opts, headers: { cookie: wallCookie(opened) } })
    expect((await screen(incidents)).statusCode).toBe(200)
    expect((await screen({ method: 'PUT', url: '/api/t/33.71/kpi/wall/settings', payload: { panels: [{ kind: 'kpi', seconds: 10 }] } })).statusCode).toBe(403)

    expect((await as('admin', { method: 'DELETE', url: `/api/t/33.71/wall-tokens/${created.id}` })).statusCode).toBe(204)
    expect((await screen(incidents)).statusCode).toBe(401)
    expect((await openSession(created.token)).statusCode).toBe(401)
  })

  it("follows the live channel with the screen's cookie and is cut off when the token is revoked", async () => {
    const created = await newToken('Layar live')
    const cookie = wallCookie(await openSession(created.token))
    // From the log's head on: a channel opened without `after` starts wherever the log is once it has started,
    // which an event recorded right after the upgrade may already be behind.
    const head = await headSeq(server.kendali.ctx.db, '33.71')
    const live = await LiveProbe.open(server.url, '33.71', cookie, head)
    const executive = await LiveProbe.open(server.url, '33.71', cookies.executive, head)
    // A topic the executive reads but no panel shows, then one the wall follows.
    const { ctx } = server.kendali
    await ctx.db.transaction((tx) => ctx.events.record(tx, '33.71', 'test', { topic: 'facilities', type: 'facility.created', entity: null, data: {} }))
    await newToken('Layar lain')
    await executive.waitFor(2)
    expect(executive.events.map((e) => e.topic)).toEqual(['facilities', 'kpi'])
    await live.waitFor(1)
    expect(live.events.map((e) => e.topic)).toEqual(['kpi'])
    expect(live.events[0]).toMatchObject({ topic: 'kpi', type: 'wall_token.created' })
    await executive.close()
    expect((await as('admin', { method: 'DELETE', url: `/api/t/33.71/wall-tokens/${created.id}` })).statusCode).toBe(204)
    expect(await live.closedByServer()).toBe(4401)
    await expect(LiveProbe.open(server.url, '33.71', cookie)).rejects.toThrow(/401/)
  })

  it('gets live events without their free text: a note on an incident reaches the command center, not the screen', async () => {
    const cookie = wallCookie(await openSession((await newToken('Layar lobi live')).token))
    const head = await headSeq(server.kendali.ctx.db, '33.71')
    const live = await LiveProbe.open(server.url, '33.71', cookie, head)
    const executive = await LiveProbe.open(server.url, '33.71', cookies.executive, head)
    const created = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/incidents',
      payload: { type: 'medical', source: 'call_119', location: { type: 'Point', coordinates: [110.2179, -7.4771] } },
    })
    expect(created.statusCode, created.body).toBe(201)
    const { id, number } = json<{ id: string; number: string }>(created)
    const text = 'Korban Pak Slamet, 0812 3456 7890, riwayat jantung'
    expect((await as('operator', { method: 'POST', url: `/api/t/33.71/incidents/${id}/notes`, payload: { text } })).statusCode).toBe(201)
    const noted = (probe: LiveProbe) => probe.events.find((e) => e.type === 'incident.noted' && e.entity === id)
    await expect.poll(() => noted(executive)).toBeDefined()
    await expect.poll(() => noted(live)).toBeDefined()
    expect(noted(executive)?.data).toMatchObject({ number, text })
    expect(noted(live)?.data).toMatchObject({ number, priority: expect.any(String) })
    expect(noted(live)?.data).not.toHaveProperty('text')
    expect(JSON.stringify(live.events)).not.toContain('Slamet')
    await live.close()
    await executive.close()
  })

  it('stops working once revoked or expired', async () => {
    const revoked = await newToken('Layar lama')
    const old = await screenOf(revoked.token)
    expect((await old(incidents)).statusCode).toBe(200)
    expect((await as('malang_admin', { method: 'DELETE', url: `/api/t/33.71/wall-tokens/${revoked.id}` })).statusCode).toBe(403)
    expect((await as('admin', { method: 'DELETE', url: `/api/t/33.71/wall-tokens/${revoked.id}` })).statusCode).toBe(204)
    expect((await old(incidents)).statusCode).toBe(401)

    const expired = await newToken('Layar pinjaman', 1)
    const lent = await screenOf(expired.token)
    expect((await lent(incidents)).statusCode).toBe(200)
    await server.kendali.ctx.db.query(`UPDATE kpi_wall_tokens SET expires_at = now() - interval '1 minute' WHERE id = $1`, [expired.id])
    const res = await lent(incidents)
    expect(res.statusCode).toBe(401)
    expect(json<{ error: { code: string } }>(res).error.code).toBe('unauthorized')
    expect((await openSession(expired.token)).statusCode).toBe(401)
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

describe('the wall schedule', () => {
  const settings = (who: string, panels?: unknown, tenant = '33.71') => {
    const url = `/api/t/${tenant}/kpi/wall/settings`
    return as(who, panels === undefined ? { method: 'GET', url } : { method: 'PUT', url, payload: { panels } })
  }

  it('shows every panel for 30 s until the command center sets its own order and times', async () => {
    const fresh = json<{ panels: { kind: string; seconds: number }[] }>(await settings('admin')).panels
    expect(fresh).toEqual(['kpi', 'map', 'cameras', 'reports', 'levies'].map((kind) => ({ kind, seconds: 30 })))
    const panels = [
      { kind: 'map', seconds: 20 },
      { kind: 'kpi', seconds: 5 },
    ]
    const saved = await settings('operator', panels)
    expect(saved.statusCode, saved.body).toBe(200)
    expect(json<{ panels: unknown }>(await settings('executive')).panels).toEqual(panels)
    expect((await settings('executive', panels)).statusCode).toBe(403)
    expect(json<{ panels: unknown }>(await settings('malang_admin', undefined, '35.73')).panels).toEqual(fresh)
  })

  it('refuses a bad schedule naming the field, and keeps the one it had', async () => {
    const before = json<{ panels: unknown }>(await settings('admin')).panels
    const cases: [unknown, string][] = [
      [[{ kind: 'weather', seconds: 30 }], 'panels.0.kind'],
      [
        [
          { kind: 'kpi', seconds: 30 },
          { kind: 'map', seconds: 4 },
        ],
        'panels.1.seconds',
      ],
      [[{ kind: 'kpi', seconds: 2.5 }], 'panels.0.seconds'],
      [[{ kind: 'kpi' }], 'panels.0.seconds'],
      [[], 'panels'],
      [
        [
          { kind: 'kpi', seconds: 30 },
          { kind: 'kpi', seconds: 10 },
        ],
        'panels.1.kind',
      ],
    ]
    for (const [panels, field] of cases) {
      const res = await settings('admin', panels)
      expect(res.statusCode, JSON.stringify(panels)).toBe(400)
      expect(json<{ error: { details: { field: string } } }>(res).error.details.field, JSON.stringify(panels)).toBe(field)
    }
    expect(json<{ panels: unknown }>(await settings('admin')).panels).toEqual(before)
  })
})
