import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { OutboundPolicy } from '../../core/outbound/policy.ts'
import { ConnectorService } from './connectors.ts'
import { datahubServices } from './index.ts'
import type { Connector, ConnectorAlarm, Dataset, Run } from './schema.ts'
import * as store from './store.ts'

type ErrorBody = { error: { code: string; details?: { field?: string } } }

/** A fake OPD system: answers as `mode` says; `slow` never answers until the test ends. */
let mode: 'ok' | 'ok2' | 'slow' | 'fail' | 'big' | 'padded' | 'redirect-private' = 'ok'
const held: (() => void)[] = []
let opd: Server
let opdUrl = ''
let server: TestServer
let cookie = ''
const inject = (opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie } })

const rowsOf = (n: number) => ({
  meta: { source: 'SIM Wifi Diskominfo' },
  data: {
    items: Array.from({ length: n }, (_, i) => ({ name: `Hotspot ${i + 1}`, pos: { lat: -7.47 - i / 1000, lon: 110.21 }, state: i % 2 ? 'down' : 'up' })),
  },
})

beforeAll(async () => {
  opd = createServer((req, res) => {
    if (mode === 'slow') return void held.push(() => res.end('{}'))
    if (mode === 'fail') return void res.writeHead(500).end('Internal error')
    if (mode === 'redirect-private') return void res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end()
    if (req.headers.authorization !== 'Bearer opd-secret') return void res.writeHead(401).end()
    res.writeHead(200, { 'content-type': 'application/json' })
    // Padded: two rows in an answer of over a megabyte, so the download reports progress on its way.
    const body = mode === 'padded' ? { ...rowsOf(2), padding: 'x'.repeat(1_500_000) } : rowsOf(mode === 'big' ? 5000 : mode === 'ok2' ? 3 : 2)
    res.end(JSON.stringify(body))
  })
  await new Promise<void>((resolve) => opd.listen(0, '127.0.0.1', resolve))
  opdUrl = `http://127.0.0.1:${(opd.address() as AddressInfo).port}/api/wifi`
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1,localhost' } })
  cookie = await loginCookie(server.kendali, 'admin')
})
afterAll(async () => {
  for (const release of held) release()
  await server.close()
  await new Promise((resolve) => opd.close(resolve))
})

describe('pull connectors', () => {
  let dataset: Dataset
  let connector: Connector

  beforeAll(async () => {
    const res = await inject({
      method: 'POST',
      url: '/api/t/33.71/datasets',
      payload: { name: unique('wifi'), title: 'Wifi publik (SIM Wifi)', organization: 'diskominsta' },
    })
    dataset = json<Dataset>(res)
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/connectors',
      payload: {
        name: 'SIM Wifi',
        dataset: dataset.name,
        url: opdUrl,
        format: 'json',
        rowsPath: 'data.items',
        headers: { authorization: 'Bearer opd-secret' },
        mapping: { nama: 'name', lat: 'pos.lat', lon: 'pos.lon', status: 'state' },
      },
    })
    expect(created.statusCode, created.body).toBe(201)
    connector = json<Connector>(created)
  })

  it('keeps a connector to admins and the OPD owning its dataset, and its settings and runs from leaders and the province', async () => {
    const as = async (who: string, opts: { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: Record<string, unknown> }) =>
      (await server.kendali.app.inject({ ...opts, headers: { cookie: await loginCookie(server.kendali, who) } })).statusCode
    const pull = { name: 'SIMBG', url: opdUrl, format: 'json' }
    // The demo agency officer works for DPUPR; the dataset belongs to Diskominsta.
    expect(await as('agency_officer', { method: 'POST', url: '/api/t/33.71/connectors', payload: { ...pull, dataset: dataset.name } })).toBe(403)
    expect(await as('agency_officer', { method: 'PATCH', url: `/api/t/33.71/connectors/${connector.id}`, payload: { url: opdUrl } })).toBe(403)
    for (const who of ['agency_officer', 'operator']) expect(await as(who, { method: 'POST', url: `/api/t/33.71/connectors/${connector.id}/run` })).toBe(403)
    for (const who of ['executive', 'pemprov', 'operator']) {
      expect(await as(who, { method: 'GET', url: '/api/t/33.71/connectors' })).toBe(403)
      expect(await as(who, { method: 'GET', url: `/api/t/33.71/connectors/${connector.id}/runs` })).toBe(403)
    }
    const own = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/datasets',
      headers: { cookie: await loginCookie(server.kendali, 'agency_officer') },
      payload: { name: unique('imb'), title: 'Izin bangunan', organization: 'dpupr' },
    })
    expect(own.statusCode, own.body).toBe(201)
    expect(await as('agency_officer', { method: 'POST', url: '/api/t/33.71/connectors', payload: { ...pull, dataset: json<Dataset>(own).name } })).toBe(201)
    expect(await as('agency_officer', { method: 'GET', url: '/api/t/33.71/connectors' })).toBe(200)
  })

  it('hides header values and refuses a private URL, another city and a bad schedule', async () => {
    expect(connector.headerNames).toEqual(['authorization'])
    expect(JSON.stringify(connector)).not.toContain('opd-secret')
    // Stored sealed: the database holds no header value in clear.
    const [raw] = await server.kendali.ctx.db.query('SELECT headers, url FROM datahub_connectors WHERE tenant = $1 AND id = $2', ['33.71', connector.id])
    expect(JSON.stringify(raw)).not.toContain('opd-secret')
    // Nor its URL, which may carry a token of its own (`?key=`); its owners still see it.
    expect(JSON.stringify(raw)).not.toContain(new URL(opdUrl).host)
    expect(connector.url).toBe(opdUrl)
    const strictServer = await startTestKendali({ listen: false })
    try {
      const strictCookie = await loginCookie(strictServer.kendali, 'admin')
      const res = await strictServer.kendali.app.inject({
        method: 'POST',
        url: '/api/t/33.71/connectors',
        headers: { cookie: strictCookie },
        payload: { name: 'Metadata', dataset: dataset.name, url: 'http://169.254.169.254/latest/meta-data/', format: 'json' },
      })
      expect(res.statusCode).toBe(400)
      expect(json<ErrorBody>(res).error.details?.field).toBe('url')
    } finally {
      await strictServer.close()
    }
    const badCron = await inject({
      method: 'POST',
      url: '/api/t/33.71/connectors',
      payload: { name: 'Jam', dataset: dataset.name, url: opdUrl, format: 'json', schedule: 'every hour' },
    })
    expect(json<ErrorBody>(badCron).error.details?.field).toBe('schedule')
    const malang = await loginCookie(server.kendali, 'malang_admin')
    expect((await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/connectors', headers: { cookie: malang } })).statusCode).toBe(403)
    expect(
      (await server.kendali.app.inject({ method: 'POST', url: `/api/t/33.71/connectors/${connector.id}/run`, headers: { cookie: malang } })).statusCode,
    ).toBe(403)
  })

  it('runs as a durable job, maps fields, stores a version, and recovers after slow and failing runs', async () => {
    mode = 'ok'
    const started = await inject({ method: 'POST', url: `/api/t/33.71/connectors/${connector.id}/run` })
    expect(started.statusCode, started.body).toBe(202)
    expect(json<Run>(started).status).toBe('running')
    const runs = () => inject({ method: 'GET', url: `/api/t/33.71/connectors/${connector.id}/runs` }).then((r) => json<{ items: Run[] }>(r).items)
    // Other modules' due jobs share the queue: run it until this run has finished.
    await expect
      .poll(async () => {
        await server.kendali.ctx.jobs.runDue(1000)
        return (await runs())[0].status
      })
      .not.toBe('running')
    expect((await runs())[0]).toMatchObject({ status: 'ok', rows: 2, version: 1, error: null })
    const rowsUrl = `/api/t/33.71/datasets/${dataset.name}/resources/${connector.resourceId}/rows`
    expect(json<{ items: unknown[] }>(await inject({ method: 'GET', url: rowsUrl })).items).toEqual([
      { _id: 1, nama: 'Hotspot 1', lat: -7.47, lon: 110.21, status: 'up' },
      { _id: 2, nama: 'Hotspot 2', lat: -7.471, lon: 110.21, status: 'down' },
    ])

    // A short-fused service so the slow OPD times out and a large answer is cut.
    const { datasets, lookups } = datahubServices(server.kendali.ctx)
    const ctx = server.kendali.ctx
    const strictLimits = new ConnectorService(ctx.events, ctx.jobs, datasets, new OutboundPolicy(['127.0.0.1']), lookups, ctx.secrets, {
      timeoutMs: 300,
      maxBytes: 20_000,
    })
    const attempt = async (m: typeof mode) => {
      mode = m
      return strictLimits.pull(ctx.db, '33.71', connector.id, await store.startRun(ctx.db, '33.71', connector.id))
    }
    expect(await attempt('slow')).toMatchObject({ status: 'failed', error: expect.stringContaining('No answer within 300 ms') })
    expect(await attempt('fail')).toMatchObject({ status: 'failed', error: 'The server answered 500' })
    expect(await attempt('big')).toMatchObject({ status: 'failed', error: expect.stringContaining('larger than 20000 bytes') })
    const failures = await ctx.db.query<{ type: string }>("SELECT type FROM events WHERE tenant = '33.71' AND entity = $1 AND type = 'connector.failed'", [
      connector.id,
    ])
    expect(failures).toHaveLength(3)
    // Three failures, one open alarm, carrying the latest error.
    const alarmsOf = async (status = 'open') =>
      json<{ items: ConnectorAlarm[]; total: number }>(await inject({ method: 'GET', url: `/api/t/33.71/connector-alarms?status=${status}` })).items.filter(
        (a) => a.connectorId === connector.id,
      )
    const [alarm, ...more] = await alarmsOf()
    expect(more).toEqual([])
    expect(alarm).toMatchObject({ status: 'active', failures: 3, connector: 'SIM Wifi', dataset: dataset.name, error: expect.stringContaining('larger than') })
    const malang = await loginCookie(server.kendali, 'malang_admin')
    const ackUrl = `/api/t/33.71/connector-alarms/${alarm.id}/ack`
    expect((await server.kendali.app.inject({ method: 'POST', url: ackUrl, headers: { cookie: malang } })).statusCode).toBe(403)
    expect(
      (await server.kendali.app.inject({ method: 'POST', url: `/api/t/35.73/connector-alarms/${alarm.id}/ack`, headers: { cookie: malang } })).statusCode,
    ).toBe(404)
    const acked = await inject({ method: 'POST', url: ackUrl })
    expect(acked.statusCode, acked.body).toBe(200)
    expect(json<ConnectorAlarm>(acked)).toMatchObject({ status: 'acknowledged', acknowledgedBy: expect.any(String) })
    expect((await inject({ method: 'POST', url: ackUrl })).statusCode).toBe(409)
    // Still failing: the acknowledged alarm counts it, no second alarm opens.
    await attempt('fail')
    expect((await alarmsOf()).map((a) => [a.id, a.status, a.failures])).toEqual([[alarm.id, 'acknowledged', 4]])
    // The last good version stays current while runs fail.
    expect(json<{ total: number }>(await inject({ method: 'GET', url: rowsUrl })).total).toBe(2)
    expect(await attempt('ok2')).toMatchObject({ status: 'ok', rows: 3, version: 2 })
    expect(json<{ total: number }>(await inject({ method: 'GET', url: rowsUrl })).total).toBe(3)
    expect((await runs()).map((r) => r.status)).toEqual(['ok', 'failed', 'failed', 'failed', 'failed', 'ok'])
    // The good run cleared the alarm; the next failure opens a new one.
    expect(await alarmsOf()).toEqual([])
    expect((await alarmsOf('cleared')).map((a) => [a.id, a.clearedAt !== null])).toEqual([[alarm.id, true]])
    await attempt('fail')
    const [reopened] = await alarmsOf()
    expect(reopened).toMatchObject({ status: 'active', failures: 1 })
    expect(reopened.id).not.toBe(alarm.id)
    await attempt('ok2')
    expect(await alarmsOf()).toEqual([])
  })

  it('edits a connector, keeping a header value sent as null and refusing a private URL or an unknown header without a value', async () => {
    mode = 'ok'
    const created = json<Connector>(
      await inject({
        method: 'POST',
        url: '/api/t/33.71/connectors',
        payload: { name: 'Ubah', dataset: dataset.name, url: `${opdUrl}?v=1`, format: 'csv', headers: { authorization: 'Bearer opd-secret', 'x-old': 'a' } },
      }),
    )
    const patch = (payload: Record<string, unknown>, c = cookie) =>
      server.kendali.app.inject({ method: 'PATCH', url: `/api/t/33.71/connectors/${created.id}`, headers: { cookie: c }, payload })
    const edited = await patch({
      name: 'Ubah lagi',
      format: 'json',
      rowsPath: 'data.items',
      headers: { authorization: null, 'x-new': 'b' },
      mapping: { nama: 'name' },
      schedule: '*/15 * * * *',
    })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(json<Connector>(edited)).toMatchObject({
      name: 'Ubah lagi',
      format: 'json',
      rowsPath: 'data.items',
      headerNames: ['authorization', 'x-new'],
      mapping: { nama: 'name' },
      schedule: '*/15 * * * *',
      url: `${opdUrl}?v=1`,
    })
    // The kept token still opens the OPD's endpoint.
    const { connectors } = datahubServices(server.kendali.ctx)
    const run = await connectors.pull(server.kendali.ctx.db, '33.71', created.id, await store.startRun(server.kendali.ctx.db, '33.71', created.id))
    expect(run).toMatchObject({ status: 'ok', rows: 2 })

    const missing = await patch({ headers: { 'x-unknown': null } })
    expect([missing.statusCode, json<ErrorBody>(missing).error.details?.field]).toEqual([400, 'headers'])
    const privateUrl = await patch({ url: 'http://10.1.2.3/data' })
    expect([privateUrl.statusCode, json<ErrorBody>(privateUrl).error.details?.field]).toEqual([400, 'url'])
    // Another host must be given the values again: a kept token would go wherever the URL now points.
    const elsewhere = opdUrl.replace('127.0.0.1', 'localhost')
    for (const moved of [
      { url: elsewhere },
      { url: elsewhere, headers: { authorization: null, 'x-new': 'b' } },
      { url: opdUrl.replace('http://', 'https://') },
    ]) {
      const res = await patch(moved)
      expect([res.statusCode, json<ErrorBody>(res).error.details?.field], JSON.stringify(moved)).toEqual([400, 'headers'])
    }
    expect((await connectors.get(server.kendali.ctx.db, '33.71', created.id)).url).toBe(`${opdUrl}?v=1`)
    const sameHost = await patch({ url: `${opdUrl}?v=2` })
    expect(sameHost.statusCode, sameHost.body).toBe(200)
    const retyped = await patch({ url: `${elsewhere}?v=3`, headers: { authorization: 'Bearer opd-secret' } })
    expect(retyped.statusCode, retyped.body).toBe(200)
    expect(json<Connector>(retyped)).toMatchObject({ url: `${elsewhere}?v=3`, headerNames: ['authorization'] })
    const badCron = await patch({ schedule: 'kadang-kadang' })
    expect([badCron.statusCode, json<ErrorBody>(badCron).error.details?.field]).toEqual([400, 'schedule'])
    expect((await patch({})).statusCode).toBe(400)
    const malang = await loginCookie(server.kendali, 'malang_admin')
    expect((await patch({ name: 'Bukan milikmu' }, malang)).statusCode).toBe(403)
    const executive = await loginCookie(server.kendali, 'executive')
    expect((await patch({ name: 'Bukan wewenangmu' }, executive)).statusCode).toBe(403)
    const after = json<{ items: Connector[] }>(await inject({ method: 'GET', url: '/api/t/33.71/connectors' })).items.find((c) => c.id === created.id)
    expect(after?.name).toBe('Ubah lagi')
    expect(JSON.stringify(after)).not.toContain('opd-secret')
  })

  it('fails a run whose endpoint redirects to the metadata address, without following it', async () => {
    mode = 'redirect-private'
    try {
      const { connectors } = datahubServices(server.kendali.ctx)
      const db = server.kendali.ctx.db
      const run = await connectors.pull(db, '33.71', connector.id, await store.startRun(db, '33.71', connector.id))
      expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('169.254.169.254') })
      // A good run clears the alarm the failure opened, as the other tests expect.
      mode = 'ok'
      expect(await connectors.pull(db, '33.71', connector.id, await store.startRun(db, '33.71', connector.id))).toMatchObject({ status: 'ok' })
    } finally {
      mode = 'ok'
    }
  })

  it('announces a run to live consoles as it goes: started, bytes so far, finished, without logging it', async () => {
    mode = 'padded'
    const ctx = server.kendali.ctx
    const { connectors } = datahubServices(ctx)
    const heard: Record<string, unknown>[] = []
    const stop = ctx.bus.subscribe((event) => {
      if (event.type === 'connector.run' && event.entity === connector.id) heard.push({ ...event.data, volatile: event.volatile })
    })
    try {
      const started = await connectors.start(ctx.db, '33.71', connector.id)
      const run = await connectors.pull(ctx.db, '33.71', connector.id, started.id)
      expect(run).toMatchObject({ status: 'ok', rows: 2 })
      await expect.poll(() => heard.at(-1)?.status).toBe('ok')
    } finally {
      stop()
    }
    expect(heard[0]).toEqual({ runId: expect.any(String), status: 'running', bytes: 0, volatile: true })
    const progress = heard.filter((e) => e.status === 'running' && Number(e.bytes) >= 1024 * 1024)
    expect(progress.length).toBeGreaterThan(0)
    expect(heard.at(-1)).toMatchObject({ status: 'ok', rows: 2, bytes: expect.any(Number) })
    expect(Number(heard.at(-1)?.bytes)).toBeGreaterThan(1_500_000)
    const logged = await ctx.db.query("SELECT 1 FROM events WHERE tenant = '33.71' AND entity = $1 AND type = 'connector.run'", [connector.id])
    expect(logged).toEqual([])
  })

  it('pages the open alarms of several failing connectors, newest first, and refuses a forged cursor', async () => {
    mode = 'fail'
    const { connectors } = datahubServices(server.kendali.ctx)
    const db = server.kendali.ctx.db
    const ids: string[] = []
    for (const name of ['Gagal A', 'Gagal B', 'Gagal C']) {
      const c = json<Connector>(
        await inject({ method: 'POST', url: '/api/t/33.71/connectors', payload: { name, dataset: dataset.name, url: opdUrl, format: 'json' } }),
      )
      await connectors.pull(db, '33.71', c.id, await store.startRun(db, '33.71', c.id))
      ids.push(c.id)
    }
    const seen: string[] = []
    let url = '/api/t/33.71/connector-alarms?limit=1'
    for (;;) {
      const page = json<{ items: ConnectorAlarm[]; total: number; next: string | null }>(await inject({ method: 'GET', url }))
      expect(page.items.length).toBeLessThanOrEqual(1)
      seen.push(...page.items.map((a) => a.connectorId))
      if (!page.next) break
      url = `/api/t/33.71/connector-alarms?limit=1&cursor=${page.next}`
    }
    expect(new Set(seen).size).toBe(seen.length)
    expect(seen.filter((id) => ids.includes(id))).toEqual([...ids].reverse())
    const forged = await inject({ method: 'GET', url: '/api/t/33.71/connector-alarms?cursor=not-ours' })
    expect(forged.statusCode).toBe(400)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/connector-alarms?status=broken' })).statusCode).toBe(400)
  })

  it('starts scheduled connectors once in the minute their cron fires', async () => {
    mode = 'ok'
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/connectors',
      payload: {
        name: 'Tiap jam',
        dataset: dataset.name,
        url: opdUrl,
        format: 'json',
        rowsPath: 'data.items',
        schedule: '0 * * * *',
        headers: { authorization: 'Bearer opd-secret' },
      },
    })
    const hourly = json<Connector>(created)
    const { connectors } = datahubServices(server.kendali.ctx)
    const db = server.kendali.ctx.db
    const runsOf = async () => (await store.listRuns(db, '33.71', hourly.id, 10)).length
    await connectors.schedule(db, new Date('2030-01-01T03:17:00Z'))
    expect(await runsOf()).toBe(0)
    await connectors.schedule(db, new Date('2030-01-01T03:00:05Z'))
    await connectors.schedule(db, new Date('2030-01-01T03:00:40Z'))
    expect(await runsOf()).toBe(1)
  })
})
