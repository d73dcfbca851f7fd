import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { startRedirectTrap } from '../../../test/support/redirect-trap.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { type BmkgFeeds, BmkgIntake, capLinks, parseCap, parseQuakes } from './bmkg.ts'
import { alertsServices } from './index.ts'
import { incidentPort, tenancyLookups } from './ports.ts'

// Real-format BMKG samples (test/fixtures/alerts/bmkg/README.md says where each comes from).
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/alerts/bmkg/${name}`, import.meta.url), 'utf8')
const XSD = readFileSync(new URL('../../../test/fixtures/alerts/CAP-v1.2.xsd', import.meta.url), 'utf8')
// The day after the invented Magelang quake (2026-11-16T20:12:09Z) and the nowcast (17 Nov, 14:40 WIB).
const NOW = new Date('2026-11-17T08:00:00Z')

let feedServer: Server
let base = ''
let trap: Awaited<ReturnType<typeof startRedirectTrap>>
let server: TestServer
let cookie = ''

function intake(feeds: Partial<BmkgFeeds>, alerts = alertsServices(server.kendali.ctx, { clock: () => NOW }).alerts): BmkgIntake {
  const ctx = server.kendali.ctx
  return new BmkgIntake(
    { autogempaUrl: null, gempadirasakanUrl: null, gempaterkiniUrl: null, capUrl: null, nearKm: 100, ...feeds },
    ctx.events,
    tenancyLookups(ctx),
    incidentPort(ctx),
    alerts,
    ctx.outbound,
  )
}

/** An RSS index as BMKG's, whose items link into the server's own network: the metadata address and a redirect. */
const hostileIndex = () => `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Peringatan Dini Cuaca</title>
<item><title>Metadata</title><link>http://169.254.169.254/latest/meta-data/</link></item>
<item><title>Dialihkan</title><link>${trap.url}/CJG20261117001_alert.xml</link></item>
</channel></rss>`

// The latest quake in the autogempa shape, placed under Kota Magelang an hour before NOW.
const magelangQuake = () => {
  const doc = JSON.parse(fixture('autogempa.json'))
  Object.assign(doc.Infogempa.gempa, { DateTime: '2026-11-17T07:00:00+00:00', Coordinates: '-7.48,110.22', Dirasakan: 'IV Kota Magelang' })
  return JSON.stringify(doc)
}

beforeAll(async () => {
  feedServer = createServer((req, res) => {
    const path = req.url ?? '/'
    if (path === '/broken') return void res.writeHead(500).end('oops')
    if (path === '/garbage.json') return void res.writeHead(200, { 'content-type': 'application/json' }).end('{"Infogempa": nul')
    if (path === '/hostile-rss.xml') return void res.writeHead(200).end(hostileIndex())
    if (path === '/nowcast-rss.xml') return void res.writeHead(200).end(fixture('nowcast-rss.xml').replaceAll('{BASE}', base))
    if (path === '/autogempa-magelang.json') return void res.writeHead(200).end(magelangQuake())
    const name = path.slice(1)
    if (!/^[A-Za-z0-9_-]+\.(json|xml)$/.test(name)) return void res.writeHead(404).end()
    res.writeHead(200).end(fixture(name))
  })
  await new Promise<void>((resolve) => feedServer.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(feedServer.address() as AddressInfo).port}`
  trap = await startRedirectTrap()
  // The feed server is configured (trusted); the CAP messages its index links to run on loopback too.
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  cookie = await loginCookie(server.kendali, 'operator')
})

afterAll(async () => {
  await trap.close()
  await server.close()
  await new Promise<void>((resolve) => feedServer.close(() => resolve()))
})

describe('reading BMKG feeds', () => {
  it('reads autogempa as one object and gempadirasakan as an array', () => {
    const latest = parseQuakes('autogempa', JSON.parse(fixture('autogempa.json')))
    expect(latest).toHaveLength(1)
    expect(latest[0]).toMatchObject({ lat: -1.17, lon: 120.06, magnitude: 4.1, depth: '10 km', felt: 'III Sigi' })
    expect(latest[0].at.toISOString()).toBe('2026-08-06T02:59:47.000Z')
    const felt = parseQuakes('gempadirasakan', JSON.parse(fixture('gempadirasakan-magelang.json')))
    expect(felt).toHaveLength(2)
    expect(felt[0]).toMatchObject({ lat: -7.62, lon: 110.31, magnitude: 4.6, potential: null })
    expect(felt[0].felt).toContain('Kota Magelang')
    expect(() => parseQuakes('gempaterkini', { nothing: true })).toThrow()
  })

  it('reads BMKG nowcast warnings: the RSS index links CAP 1.2 messages (themselves valid) with a polygon per district', async () => {
    const links = capLinks(fixture('nowcast-rss.xml'))
    expect(links).toEqual(['{BASE}/CJG20261117001_alert.xml', '{BASE}/CBT20261117002_alert.xml'])
    const document = fixture('CJG20261117001_alert.xml')
    const result = await validateXML({ xml: [{ fileName: 'w.xml', contents: document }], schema: [{ fileName: 'CAP-v1.2.xsd', contents: XSD }] })
    expect(result.errors).toEqual([])
    expect(capLinks(document)).toEqual([])
    const [w] = parseCap(document)
    expect(w).toMatchObject({
      key: 'cap:cuaca.ekstrem@bmkg.go.id:2.49.0.1.360.0.2026.11.17.07.40.001',
      identifier: '2.49.0.1.360.0.2026.11.17.07.40.001',
      event: 'Hujan Lebat dan Petir',
      category: ['Met'],
      urgency: 'Immediate',
      severity: 'Moderate',
      certainty: 'Observed',
      senderName: 'Badan Meteorologi Klimatologi dan Geofisika',
      headline: 'Hujan Lebat disertai Petir di Jawa Tengah',
      instruction: null,
      web: 'https://nowcasting.bmkg.go.id/infografis/CJG/2026/11/17/infografis.jpg',
      areaDesc: 'Jawa Tengah',
    })
    // Both districts of the one <area>, as closed GeoJSON rings [lon, lat].
    expect(w.polygons).toHaveLength(2)
    expect(w.polygons[0][0]).toEqual([110.18, -7.52])
    expect(w.polygons[1].at(-1)).toEqual(w.polygons[1][0])
    expect(w.description?.split('\n')).toHaveLength(4)
    expect(w.description).toMatch(/^Hujan lebat disertai petir akan terjadi .*Magelang Utara/)
    expect(w.expires?.toISOString()).toBe('2026-11-17T10:40:00.000Z')
    const cancel = document.replace('<msgType>Alert</msgType>', '<msgType>Cancel</msgType>')
    expect(parseCap(cancel)).toEqual([])
  })
})

describe('BMKG intake', () => {
  it('raises an incident and a draft alert for a felt quake near the city, not for a far one, once', async () => {
    const bmkg = intake({ gempadirasakanUrl: `${base}/gempadirasakan-magelang.json`, autogempaUrl: `${base}/autogempa.json` })
    const first = await bmkg.poll(server.kendali.ctx.db, NOW)
    expect(first.failed).toEqual([])
    const magelang = first.drafted.filter((d) => d.tenant === '33.71')
    expect(magelang).toHaveLength(1)
    expect(first.drafted.some((d) => d.tenant === '35.73')).toBe(false)

    const alert = json<{ status: string; author: string; event: string; incidentId: string; regions: { code: string }[]; source: string }>(
      await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/alerts/${magelang[0].alertId}`, headers: { cookie } }),
    )
    expect(alert).toMatchObject({ status: 'draft', author: 'system:bmkg', event: 'Gempa bumi', source: 'bmkg', incidentId: magelang[0].incidentId })
    expect(alert.regions.map((r) => r.code).sort()).toEqual(['33.71.01', '33.71.02', '33.71.03'])
    const incident = json<{ source: string; alertId: string }>(
      await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/incidents/${magelang[0].incidentId}`, headers: { cookie } }),
    )
    expect(incident).toMatchObject({ source: 'bmkg', alertId: magelang[0].alertId })

    const again = await bmkg.poll(server.kendali.ctx.db, NOW)
    expect(again.drafted).toEqual([])
  })

  it('logs bad and unreachable feeds without stopping the others', async () => {
    const bmkg = intake({
      autogempaUrl: `${base}/broken`,
      gempaterkiniUrl: `${base}/garbage.json`,
      gempadirasakanUrl: 'http://127.0.0.1:9/nothing-listens-here',
      capUrl: `${base}/nowcast-rss.xml`,
    })
    const outcome = await bmkg.poll(server.kendali.ctx.db, NOW)
    expect(outcome.failed.map((f) => f.url).sort()).toEqual([`${base}/broken`, `${base}/garbage.json`, 'http://127.0.0.1:9/nothing-listens-here'].sort())
    expect(outcome.failed.find((f) => f.url.endsWith('/broken'))?.error).toBe('answered 500')
    // The weather warning over Kota Magelang still came through.
    const warning = outcome.drafted.filter((d) => d.tenant === '33.71')
    expect(warning).toHaveLength(1)
    const alert = json<{ event: string; area: { type: string }; severity: string; senderName: string; web: string }>(
      await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/alerts/${warning[0].alertId}`, headers: { cookie } }),
    )
    expect(alert).toMatchObject({
      event: 'Hujan Lebat dan Petir',
      severity: 'Moderate',
      area: { type: 'MultiPolygon' },
      senderName: 'Badan Meteorologi Klimatologi dan Geofisika',
      web: 'https://nowcasting.bmkg.go.id/infografis/CJG/2026/11/17/infografis.jpg',
    })
    // The Banten warning concerns no demo tenant.
    expect(outcome.drafted.map((d) => d.key)).toEqual(['cap:cuaca.ekstrem@bmkg.go.id:2.49.0.1.360.0.2026.11.17.07.40.001'])
  })

  it("follows links of the CAP index through the outbound guard: none reaches the server's own network", async () => {
    const outcome = await intake({ capUrl: `${base}/hostile-rss.xml` }).poll(server.kendali.ctx.db, NOW)
    expect(outcome.drafted).toEqual([])
    expect(outcome.failed).toEqual([
      { url: 'http://169.254.169.254/latest/meta-data/', error: expect.stringContaining('169.254.169.254') },
      { url: `${trap.url}/CJG20261117001_alert.xml`, error: expect.stringContaining('127.0.0.2') },
    ])
    expect(trap.trapped()).toBe(0)
  })

  it('resumes an event whose draft failed after its incident was raised, without a second incident', async () => {
    const alerts = alertsServices(server.kendali.ctx, { clock: () => NOW }).alerts
    // Only Kota Magelang's draft fails: other tenants near the quake (made by other test files on this worker's
    // database) are raised first or after and must not take the failure.
    const create = alerts.create.bind(alerts)
    let failOnce = true
    vi.spyOn(alerts, 'create').mockImplementation(async (db, tenant, ...rest) => {
      if (tenant === '33.71' && failOnce) {
        failOnce = false
        throw new Error('database went away')
      }
      return create(db, tenant, ...rest)
    })
    const bmkg = intake({ autogempaUrl: `${base}/autogempa-magelang.json` }, alerts)
    const db = server.kendali.ctx.db
    const bmkgIncidents = () =>
      db.query<{ id: string; alertId: string }>(
        `SELECT id, alert_id AS "alertId" FROM incidents WHERE tenant = '33.71' AND source = 'bmkg' AND description LIKE '%IV Kota Magelang%'`,
      )

    const failed = await bmkg.poll(db, NOW)
    expect(failed.drafted.filter((d) => d.tenant === '33.71')).toEqual([])
    expect(failed.failed).toEqual([{ url: `${base}/autogempa-magelang.json`, error: 'database went away' }])
    const [incident, ...others] = await bmkgIncidents()
    expect(others).toEqual([])

    const resumed = await bmkg.poll(db, NOW)
    expect(resumed.failed).toEqual([])
    expect(resumed.drafted.filter((d) => d.tenant === '33.71')).toEqual([expect.objectContaining({ incidentId: incident.id, alertId: incident.alertId })])
    expect(await bmkgIncidents()).toEqual([incident])
    const alert = json<{ incidentId: string; status: string }>(
      await server.kendali.app.inject({ method: 'GET', url: `/api/t/33.71/alerts/${incident.alertId}`, headers: { cookie } }),
    )
    expect(alert).toMatchObject({ incidentId: incident.id, status: 'draft' })
    const received = await db.query(`SELECT 1 FROM events WHERE tenant = '33.71' AND type = 'alert.bmkg_received' AND entity = $1`, [incident.alertId])
    expect(received).toHaveLength(1)

    expect((await bmkg.poll(db, NOW)).drafted).toEqual([])
    expect(await bmkgIncidents()).toEqual([incident])
  })
})

describe('prefilled drafts', () => {
  it('drafts an alert from an incident, in its kelurahan', async () => {
    const created = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/incidents',
      headers: { cookie },
      payload: { type: 'flood', source: 'operator', location: { type: 'Point', coordinates: [110.2117, -7.4787] }, description: 'Genangan 50 cm' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const incident = json<{ id: string }>(created)
    const res = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/alerts/prefill',
      headers: { cookie },
      payload: { incidentId: incident.id },
    })
    expect(res.statusCode, res.body).toBe(201)
    expect(json(res)).toMatchObject({ status: 'draft', event: 'Banjir', incidentId: incident.id, source: 'incident', regions: [{ code: '33.71.03.1002' }] })
  })

  it('answers 404 for an incident or alarm that is not the tenant’s', async () => {
    const missing = '00000000-0000-4000-8000-000000000000'
    for (const payload of [{ incidentId: missing }, { alarmId: missing }]) {
      const res = await server.kendali.app.inject({ method: 'POST', url: '/api/t/33.71/alerts/prefill', headers: { cookie }, payload })
      expect(res.statusCode, res.body).toBe(404)
    }
  })
})
