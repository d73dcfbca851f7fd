import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { OutboundPolicy } from '../../core/outbound/policy.ts'
import { AppService, JOB_PROBE, PROBE_EVERY_SECONDS } from './apps.ts'
import { seedDatahubDemo } from './demo.ts'
import { datahubModule, datahubServices } from './index.ts'
import type { App } from './schema.ts'
import * as store from './store.ts'

type ErrorBody = { error: { code: string; details?: { field?: string } } }

/** A fake OPD app: its answer per path; /slow never answers until the test ends. */
const held: (() => void)[] = []
/** Apps pointing at the fake server, archived at the end so later probes in this worker's database skip them. */
const created: { tenant: string; id: string }[] = []
let opd: Server
let base = ''
let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

async function createApp(who: string, tenant: string, extra: Record<string, unknown> = {}): Promise<App> {
  const res = await as(who, {
    method: 'POST',
    url: `/api/t/${tenant}/apps`,
    payload: {
      name: unique('SIM Pasar'),
      url: `${base}/ok`,
      organization: 'diskominsta',
      audience: ['citizen', 'business'],
      category: 'perdagangan',
      ...extra,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  created.push({ tenant, id: json<App>(res).id })
  return json<App>(res)
}

const probe = async (tenant: string, id: string) => {
  const res = await as('admin', { method: 'POST', url: `/api/t/${tenant}/apps/${id}/probe` })
  expect(res.statusCode, res.body).toBe(200)
  return json<App>(res)
}

beforeAll(async () => {
  opd = createServer((req, res) => {
    if (req.url === '/slow') return void held.push(() => res.end('late'))
    if (req.url === '/login') return void res.writeHead(401).end('Login required')
    if (req.url === '/broken') return void res.writeHead(503).end('Maintenance')
    if (req.url === '/to-metadata') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end()
    res.writeHead(200, { 'content-type': 'text/html' }).end('<h1>SIM Pasar</h1>')
  })
  await new Promise<void>((resolve) => opd.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(opd.address() as AddressInfo).port}`
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  for (const who of ['admin', 'operator', 'executive', 'field_crew', 'malang_admin', 'agency_officer', 'inspektorat'])
    cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(async () => {
  for (const app of created) await store.archiveApp(server.kendali.ctx.db, app.tenant, app.id)
  for (const release of held) release()
  await server.close()
  await new Promise((resolve) => opd.close(resolve))
})

describe('app directory', () => {
  it('lists an app of an OPD, unchecked until probed, in the public directory', async () => {
    const app = await createApp('admin', '33.71')
    expect(app).toMatchObject({ status: 'unknown', responseMs: null, uptime30d: null, archived: false, category: 'perdagangan' })
    expect(app.organization?.code).toBe('diskominsta')
    expect(app.audience).toEqual(['citizen', 'business'])
    const open = await inject({ method: 'GET', url: '/api/t/33.71/apps' })
    expect(open.statusCode).toBe(200)
    expect(json<{ items: App[] }>(open).items.map((a) => a.id)).toContain(app.id)
  })

  it('refuses bad input with the field named and changes nothing', async () => {
    const before = json<{ items: App[] }>(await inject({ method: 'GET', url: '/api/t/33.71/apps' })).items.length
    const cases: [Record<string, unknown>, string | undefined][] = [
      [{ url: 'http://10.1.2.3/simpeg' }, 'url'],
      [{ url: 'http://169.254.169.254/' }, 'url'],
      [{ url: 'http://localhost:8080/' }, 'url'],
      [{ url: 'ftp://magelangkota.go.id/' }, 'url'],
      [{ organization: 'nope' }, 'organization'],
      [{ audience: ['tourists'] }, undefined],
    ]
    for (const [extra, field] of cases) {
      const res = await as('admin', { method: 'POST', url: '/api/t/33.71/apps', payload: { name: unique('Bad app'), url: `${base}/ok`, ...extra } })
      expect(res.statusCode, JSON.stringify(extra)).toBe(400)
      if (field) expect(json<ErrorBody>(res).error.details?.field).toBe(field)
    }
    const app = await createApp('admin', '33.71')
    const twice = await as('admin', { method: 'POST', url: '/api/t/33.71/apps', payload: { name: app.name.toUpperCase(), url: `${base}/ok` } })
    expect(twice.statusCode).toBe(409)
    const after = json<{ items: App[] }>(await inject({ method: 'GET', url: '/api/t/33.71/apps' })).items.length
    expect(after).toBe(before + 1)
  })

  it('rejects a wrong role and a wrong tenant', async () => {
    const app = await createApp('admin', '33.71')
    const post = { method: 'POST' as const, url: '/api/t/33.71/apps', payload: { name: unique('X app'), url: `${base}/ok` } }
    expect((await inject(post)).statusCode).toBe(401)
    expect((await as('field_crew', post)).statusCode).toBe(403)
    expect((await as('executive', post)).statusCode).toBe(403)
    expect((await as('malang_admin', post)).statusCode).toBe(403)
    // Apps belong to an OPD: the command center and other OPDs' officers keep none of them.
    expect((await as('operator', post)).statusCode).toBe(403)
    expect((await as('operator', { method: 'POST', url: `/api/t/33.71/apps/${app.id}/probe` })).statusCode).toBe(403)
    const opd = { ...post, payload: { ...post.payload, organization: 'dpupr' } }
    expect((await as('inspektorat', opd)).statusCode).toBe(403)
    const dpupr = json<App>(await as('agency_officer', opd))
    expect(dpupr.organization?.code).toBe('dpupr')
    expect((await as('inspektorat', { method: 'PATCH', url: `/api/t/33.71/apps/${dpupr.id}`, payload: { name: 'Diambil alih' } })).statusCode).toBe(403)
    expect((await as('agency_officer', { method: 'PATCH', url: `/api/t/33.71/apps/${dpupr.id}`, payload: { organization: 'inspektorat' } })).statusCode).toBe(
      403,
    )
    expect((await as('agency_officer', { method: 'PATCH', url: `/api/t/33.71/apps/${dpupr.id}`, payload: { name: unique('SIMBG') } })).statusCode).toBe(200)
    expect((await as('malang_admin', { method: 'PATCH', url: `/api/t/33.71/apps/${app.id}`, payload: { name: 'Taken over' } })).statusCode).toBe(403)
    expect((await as('operator', { method: 'POST', url: `/api/t/33.71/apps/${app.id}/archive` })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'POST', url: `/api/t/35.73/apps/${app.id}/probe` })).statusCode).toBe(404)
    const malang = json<{ items: App[] }>(await as('malang_admin', { method: 'GET', url: '/api/t/35.73/apps' })).items
    expect(malang.map((a) => a.id)).not.toContain(app.id)
  })

  it('probes: up with a response time, a login page is up, 5xx and a redirect to a forbidden address are down', async () => {
    const ok = await probe('33.71', (await createApp('admin', '33.71')).id)
    expect(ok.status).toBe('up')
    expect(ok.responseMs).toBeGreaterThanOrEqual(0)
    expect(ok.checkedAt).not.toBeNull()
    expect(ok.uptime30d).toBe(1)
    expect((await probe('33.71', (await createApp('admin', '33.71', { url: `${base}/login` })).id)).status).toBe('up')
    const broken = await probe('33.71', (await createApp('admin', '33.71', { url: `${base}/broken` })).id)
    expect(broken).toMatchObject({ status: 'down', responseMs: null, uptime30d: 0 })
    expect(broken.error).toContain('503')
    const sneaky = await probe('33.71', (await createApp('admin', '33.71', { url: `${base}/to-metadata` })).id)
    expect(sneaky.status).toBe('down')
    expect(sneaky.error).toContain('169.254.169.254')
  })

  it('a slow app is down after the timeout', async () => {
    const ctx = server.kendali.ctx
    const { lookups } = datahubServices(ctx)
    const strict = new AppService(ctx.events, new OutboundPolicy(['127.0.0.1']), lookups, { timeoutMs: 300, parallel: 2 })
    const app = await createApp('admin', '33.71', { url: `${base}/slow` })
    const checked = await strict.probe(ctx.db, '33.71', app.id)
    expect(checked.status).toBe('down')
    expect(checked.error).toContain('300 ms')
  })

  it('uptime counts the probes of the last 30 days only', async () => {
    const app = await createApp('admin', '33.71')
    const db = server.kendali.ctx.db
    const past = (days: number, up: boolean) =>
      db.query(`INSERT INTO datahub_app_checks (tenant, app_id, checked_at, up) VALUES ('33.71', $1, now() - make_interval(days => $2), $3)`, [
        app.id,
        days,
        up,
      ])
    await past(40, false)
    await past(10, false)
    await past(3, false)
    await past(2, true)
    expect((await probe('33.71', app.id)).uptime30d).toBe(0.5)
  })

  it('the recurring probe job checks every listed app and skips archived ones', async () => {
    const ctx = server.kendali.ctx
    const jobs = datahubModule().jobs?.(ctx) ?? {}
    expect(jobs[JOB_PROBE]).toMatchObject({ everySeconds: PROBE_EVERY_SECONDS })
    const listed = await createApp('admin', '33.71')
    const archived = await createApp('admin', '33.71')
    const res = await as('admin', { method: 'POST', url: `/api/t/33.71/apps/${archived.id}/archive` })
    expect(res.statusCode, res.body).toBe(200)
    expect(json<App>(res).archived).toBe(true)
    await datahubServices(ctx).apps.probeAll(ctx.db)
    const open = json<{ items: App[] }>(await inject({ method: 'GET', url: '/api/t/33.71/apps' })).items
    expect(open.find((a) => a.id === listed.id)?.status).toBe('up')
    expect(open.map((a) => a.id)).not.toContain(archived.id)
    // Archived apps are for staff only.
    const staff = json<{ items: App[] }>(await as('operator', { method: 'GET', url: '/api/t/33.71/apps?archived=true' })).items
    expect(staff.find((a) => a.id === archived.id)?.status).toBe('unknown')
    const anonymous = json<{ items: App[] }>(await inject({ method: 'GET', url: '/api/t/33.71/apps?archived=true' })).items
    expect(anonymous.map((a) => a.id)).not.toContain(archived.id)
  })

  it('a changed URL is checked again from unknown, and a forbidden one is refused', async () => {
    const app = await probe('33.71', (await createApp('admin', '33.71')).id)
    expect(app.status).toBe('up')
    const bad = await as('admin', { method: 'PATCH', url: `/api/t/33.71/apps/${app.id}`, payload: { url: 'http://192.168.1.10/' } })
    expect(bad.statusCode).toBe(400)
    expect(json<ErrorBody>(bad).error.details?.field).toBe('url')
    const moved = await as('admin', { method: 'PATCH', url: `/api/t/33.71/apps/${app.id}`, payload: { url: `${base}/login`, category: 'pasar' } })
    expect(moved.statusCode, moved.body).toBe(200)
    expect(json<App>(moved)).toMatchObject({ status: 'unknown', category: 'pasar', url: `${base}/login` })
  })

  it('seeds the Magelang apps once', async () => {
    const ctx = server.kendali.ctx
    const services = datahubServices(ctx)
    const count = async () => (await services.apps.list(ctx.db, '33.71')).filter((a) => a.name === 'Portal Kota Magelang').length
    await seedDatahubDemo(ctx.db, services)
    await seedDatahubDemo(ctx.db, services)
    expect(await count()).toBe(1)
  })
})
