import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RouteAccess } from '../../src/core/http/server.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../support/server.ts'

// Routes anyone may call. Adding a public route means adding it here, on purpose.
const PUBLIC_ROUTES = [
  'GET /api/health',
  'GET /api/health/live',
  // Prometheus scrapes: checked by its own token (METRICS_TOKEN) or network (METRICS_ALLOW), refused when neither is set.
  'GET /metrics',
  'GET /api/health/ready',
  'GET /api/config',
  // The basemap is a street map like any printed one: tiles, styles, glyphs and the archives themselves.
  'GET /api/basemap/tiles/:z/:x/:y.mvt',
  'GET /api/basemap/styles/:theme.json',
  'GET /api/basemap/fonts/:fontstack/:range.pbf',
  'GET /api/basemap/archives/:name',
  'POST /api/auth/login',
  'POST /api/auth/logout',
  'GET /api/tenants',
  'GET /api/t/:tenant',
  'GET /api/t/:tenant/regions',
  'GET /api/t/:tenant/regions/lookup',
  'GET /api/t/:tenant/agencies',
  'GET /api/t/:tenant/agencies/:id',
  // Devices authenticate with their own token, checked by the sensors module (tested there).
  'POST /api/t/:tenant/devices/:id/readings',
  // Analytics vendors post detections signed with their source's secret, checked by the analytics module (tested there).
  'POST /api/t/:tenant/analytics/sources/:id/events',
  // Public cameras are for everyone; the cctv module hides internal ones from callers without a role (tested there).
  'GET /api/t/:tenant/cameras',
  'GET /api/t/:tenant/cameras/:id',
  'GET /api/t/:tenant/cameras/:id/snapshot',
  'GET /api/t/:tenant/cameras/:id/mjpeg',
  // The live HLS stream through the server, public cameras only for anonymous callers (tested in the cctv module).
  'GET /api/t/:tenant/cameras/:id/hls/*',
  // The demo cameras' test-pattern snapshots (a name and the time, nothing else), so the demo needs no internet.
  'GET /api/demo/cameras/:file',
  // Citizens report without an account; the reports module rate-limits them and shows only public fields (tested there).
  'GET /api/t/:tenant/report-categories',
  // Place search and a point in words: the citizen's report form finds its street too.
  'GET /api/t/:tenant/places',
  'GET /api/t/:tenant/places/reverse',
  'GET /api/t/:tenant/reports/nearby',
  'GET /api/t/:tenant/reports/public',
  // The report form offers only the chat channels the city has switched on.
  'GET /api/t/:tenant/reports/update-channels',
  'POST /api/t/:tenant/reports',
  'POST /api/t/:tenant/reports/:id/support',
  'GET /api/t/:tenant/reports/:id/photos/:photoId',
  'GET /api/t/:tenant/reports/track/:code',
  'GET /api/t/:tenant/reports/track/:code/photos/:photoId',
  'POST /api/t/:tenant/reports/track/:code/photos',
  'POST /api/t/:tenant/reports/track/:code/reopen',
  // Citizens read published public agency posts and their attachments; the posts module hides drafts and internal ones (tested there).
  'GET /api/t/:tenant/posts/public',
  'GET /api/t/:tenant/posts/public/live',
  'GET /api/t/:tenant/posts/public/:id',
  'GET /api/t/:tenant/posts/:id/attachments/:attachmentId',
  // Payment providers notify without a session; the levies module checks the Midtrans signature and logs rejects (tested there).
  'POST /api/t/:tenant/levies/payments/callback/midtrans',
  // Market vendors see their own bills, QRIS and receipts by vendor code + phone, sent in the body so no phone
  // number lands in a URL or a log (checked by the levies module, tested there).
  'POST /api/t/:tenant/levies/public/bills',
  'POST /api/t/:tenant/levies/public/bills/:number/qris',
  'POST /api/t/:tenant/levies/public/payments/:receipt',
  // Situation-room screens open a read-only session with their wall token, checked by the kpi module (tested there).
  'POST /api/t/:tenant/kpi/wall/session',
  // Open311 GeoReport v2: reads are public by the spec, POST requires an api_key checked by the reports module.
  'GET /open311/v2/discovery.json',
  'GET /open311/v2/discovery.xml',
  'GET /open311/v2/services.json',
  'GET /open311/v2/services.xml',
  'GET /open311/v2/services/:file',
  'GET /open311/v2/requests.json',
  'GET /open311/v2/requests.xml',
  'GET /open311/v2/requests/:file',
  'POST /open311/v2/requests.json',
  'POST /open311/v2/requests.xml',
  'GET /open311/v2/tokens/:file',
  // Public warnings are for everyone (CAP 1.2, Atom, the portal's list and map); citizens subscribe and unsubscribe
  // without an account (gateway webhooks need an admin, checked by the alerts module and tested there).
  'GET /cap/:tenant/alerts.atom',
  'GET /cap/:tenant/alerts/:file',
  'GET /api/t/:tenant/alerts/active',
  'GET /api/t/:tenant/alerts/active/areas',
  'POST /api/t/:tenant/subscriptions',
  'POST /api/t/:tenant/subscriptions/confirm',
  'POST /api/t/:tenant/subscriptions/unsubscribe',
  'GET /api/t/:tenant/subscriptions/push-key',
  // Messaging providers' webhooks: each checked by its provider's scheme (signature, secret token, inbound token).
  'GET /api/t/:tenant/messaging/whatsapp/webhook',
  'POST /api/t/:tenant/messaging/whatsapp/webhook',
  'POST /api/t/:tenant/messaging/telegram/webhook',
  'POST /api/t/:tenant/messaging/sms/webhook',
  // Open data: public datasets, their rows, files and map points for everyone; the datahub module hides internal ones (tested there).
  'GET /api/t/:tenant/datasets',
  'GET /api/t/:tenant/datasets/:name',
  'GET /api/t/:tenant/datasets/:name/resources/:id/versions',
  'GET /api/t/:tenant/datasets/:name/resources/:id/download',
  'GET /api/t/:tenant/datasets/:name/resources/:id/versions/:version/download',
  'GET /api/t/:tenant/datasets/:name/resources/:id/rows',
  'GET /api/t/:tenant/dataset-points',
  // The city's app store: the app directory with health and uptime (archived apps only for staff, tested in datahub).
  'GET /api/t/:tenant/apps',
  // Public assets (free wifi, facilities, evacuation points) for the portal map.
  'GET /api/t/:tenant/assets',
  // CKAN Action API v3 (read side) for harvesters and Satu Data portals: public datasets only.
  'GET /api/3/action/:action',
  'POST /api/3/action/:action',
  'GET /api/t/:tenant/ckan/3/action/:action',
  'POST /api/t/:tenant/ckan/3/action/:action',
  // The same public catalogue as DCAT-AP (JSON-LD and Turtle).
  'GET /api/t/:tenant/catalog.jsonld',
  'GET /api/t/:tenant/catalog.ttl',
]

function concreteUrl(route: RouteAccess, tenant: string): string {
  return route.url.replace(':tenant', tenant).replace(/:[a-zA-Z]+/g, () => randomUUID())
}

const bodyOf = (method: string) => (method === 'GET' || method === 'DELETE' ? undefined : {})

describe('every route declares who may call it', () => {
  let server: TestServer
  let malangAdmin: string
  let eventsBefore: number

  beforeAll(async () => {
    server = await startTestKendali({ listen: false })
    malangAdmin = await loginCookie(server.kendali, 'malang_admin')
    const [row] = await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE tenant = '33.71'`)
    eventsBefore = row.n
  })
  afterAll(() => server.close())

  const closed = () => server.kendali.routes.filter((r) => r.access !== 'public')

  it('lists exactly the intended public routes', () => {
    const open = server.kendali.routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`)
    expect(open.sort()).toEqual([...PUBLIC_ROUTES].sort())
    expect(closed().length).toBeGreaterThan(10)
  })

  it('answers 401 with an error and no data to anonymous callers on every other route', async () => {
    for (const route of closed()) {
      const res = await server.kendali.app.inject({ method: route.method as 'GET', url: concreteUrl(route, '33.71'), payload: bodyOf(route.method) })
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401)
      const body = json(res)
      expect(Object.keys(body)).toEqual(['error'])
    }
  })

  it('answers 403 to an administrator of another city on every route of 33.71', async () => {
    const tenantRoutes = closed().filter((r) => r.url.startsWith('/api/t/:tenant') || r.access === 'platform_admin')
    expect(tenantRoutes.length).toBeGreaterThan(8)
    for (const route of tenantRoutes) {
      const res = await server.kendali.app.inject({
        method: route.method as 'GET',
        url: concreteUrl(route, '33.71'),
        payload: bodyOf(route.method),
        headers: { cookie: malangAdmin },
      })
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(403)
      expect(json<{ error: { code: string } }>(res).error.code).toBe('forbidden')
    }
  })

  it('leaves the walked tenant unchanged', async () => {
    const [row] = await server.kendali.ctx.db.query<{ n: number }>(`SELECT count(*) AS n FROM events WHERE tenant = '33.71'`)
    expect(row.n).toBe(eventsBefore)
  })

  it('answers 404 for a tenant that does not exist, before anything else', async () => {
    const res = await server.kendali.app.inject({ method: 'GET', url: '/api/t/99.99/events' })
    expect(res.statusCode).toBe(404)
    expect(json<{ error: { message: string } }>(res).error.message).toContain('99.99')
  })

  it('lets a province grant read its cities but not change them', async () => {
    const superadmin = await loginCookie(server.kendali, 'superadmin')
    const username = unique('prov').toLowerCase()
    const created = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33/users',
      headers: { cookie: superadmin },
      payload: { username, name: 'Admin Provinsi', password: 'kendali-demo', roles: ['admin'] },
    })
    expect(created.statusCode).toBe(201)
    const provinceAdmin = await loginCookie(server.kendali, username)
    const read = await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/users?limit=1', headers: { cookie: provinceAdmin } })
    expect(read.statusCode).toBe(200)
    const write = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      headers: { cookie: provinceAdmin },
      payload: { code: unique('prov'), name: 'Tidak Boleh' },
    })
    expect(write.statusCode).toBe(403)
    expect(json<{ error: { message: string } }>(write).error.message).toContain('read-only')
    const otherProvince = await server.kendali.app.inject({ method: 'GET', url: '/api/t/35.73/events?limit=1', headers: { cookie: provinceAdmin } })
    expect(otherProvince.statusCode).toBe(403)
  })

  it('refuses a role that the route does not name', async () => {
    const operator = await loginCookie(server.kendali, 'operator')
    const res = await server.kendali.app.inject({
      method: 'POST',
      url: '/api/t/33.71/agencies',
      payload: { code: 'nope', name: 'Nope' },
      headers: { cookie: operator },
    })
    expect(res.statusCode).toBe(403)
    const users = await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/users', headers: { cookie: operator } })
    expect(users.statusCode).toBe(403)
  })
})
