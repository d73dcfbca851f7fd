import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { validateXML } from 'xmllint-wasm'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'

type Alert = {
  id: string
  identifier: string
  thread: string
  msgType: string
  status: string
  sender: string
  sent: string | null
  references: string[]
  event: string
  headline: string | null
  effective: string | null
  onset: string | null
  regions: { code: string; name: string }[]
  area: unknown
  author: string
  approver: string | null
  incidentId: string | null
}
type ErrorBody = { error: { code: string; details?: { field?: string } } }

// The official OASIS CAP 1.2 schema (docs.oasis-open.org/emergency/cap/v1.2/CAP-v1.2.xsd).
const XSD = readFileSync(new URL('../../../test/fixtures/alerts/CAP-v1.2.xsd', import.meta.url), 'utf8')

async function schemaErrors(xml: string): Promise<string[]> {
  const result = await validateXML({ xml: [{ fileName: 'alert.xml', contents: xml }], schema: [{ fileName: 'CAP-v1.2.xsd', contents: XSD }] })
  return result.errors.map((e) => e.rawMessage)
}

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

const inHours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString()

const FLOOD = {
  event: 'Banjir',
  category: ['Met'],
  urgency: 'Immediate',
  severity: 'Severe',
  certainty: 'Observed',
  headline: 'Banjir di Kemirirejo & sekitarnya',
  description: 'Air Kali Progo naik <1 m> di bantaran.',
  instruction: 'Jauhi bantaran sungai dan ikuti arahan petugas BPBD.',
  contact: 'BPBD Kota Magelang 112',
  regions: ['33.71.03.1001'],
}
const ENGLISH = { event: 'Flood', headline: 'Flooding in Kemirirejo', description: 'The river is rising.', instruction: 'Stay away from the river banks.' }
const SQUARE = {
  type: 'Polygon',
  coordinates: [
    [
      [110.21, -7.48],
      [110.22, -7.48],
      [110.22, -7.47],
      [110.21, -7.47],
      [110.21, -7.48],
    ],
  ],
}
const CIRCLE = { type: 'Feature', geometry: { type: 'Point', coordinates: [110.2176, -7.4773] }, properties: { radius: 1500 } }

async function draft(body: Record<string, unknown> = {}, who = 'operator'): Promise<Alert> {
  const res = await as(who, { method: 'POST', url: '/api/t/33.71/alerts', payload: { ...FLOOD, expires: inHours(3), ...body } })
  expect(res.statusCode, res.body).toBe(201)
  return json<Alert>(res)
}

async function approve(id: string, who = 'admin'): Promise<Alert> {
  const res = await as(who, { method: 'POST', url: `/api/t/33.71/alerts/${id}/approve` })
  expect(res.statusCode, res.body).toBe(200)
  return json<Alert>(res)
}

async function capOf(identifier: string): Promise<string> {
  const res = await inject({ method: 'GET', url: `/cap/33.71/alerts/${identifier}.xml` })
  expect(res.statusCode, res.body).toBe(200)
  expect(res.headers['content-type']).toContain('application/cap+xml')
  return res.body
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'executive', 'dispatcher', 'malang_admin', 'superadmin']) cookies[who] = await loginCookie(server.kendali, who)
})

afterAll(async () => {
  await server.close()
})

describe('drafting and the two-person rule', () => {
  it('drafts with CAP fields and answers id, identifier and status', async () => {
    const a = await draft()
    expect(a.status).toBe('draft')
    expect(a.msgType).toBe('Alert')
    expect(a.identifier).toMatch(/^33\.71-\d{4}-\d{5}$/)
    expect(a.regions).toEqual([{ code: '33.71.03.1001', name: 'Kemirirejo', level: 'kelurahan' }])
    expect(a.author).toBe('operator')
    expect(a.sent).toBeNull()
  })

  it('refuses the author approving their own alert and publishes on a second person', async () => {
    const a = await draft()
    const own = await as('operator', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/approve` })
    expect(own.statusCode).toBe(403)
    expect(json<ErrorBody>(own).error.code).toBe('forbidden')
    expect(json<Alert>(await as('operator', { method: 'GET', url: `/api/t/33.71/alerts/${a.id}` })).status).toBe('draft')
    const published = await approve(a.id)
    expect(published.status).toBe('published')
    expect(published.approver).toBe('admin')
    expect(published.sent).not.toBeNull()
    const again = await as('admin', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/approve` })
    expect(again.statusCode).toBe(409)
  })

  it('refuses anyone who changed the draft approving it, and publishes on a person who did not', async () => {
    const a = await draft()
    const changed = await as('admin', { method: 'PATCH', url: `/api/t/33.71/alerts/${a.id}`, payload: { headline: 'Banjir di Kemirirejo, diperbarui' } })
    expect(changed.statusCode, changed.body).toBe(200)
    const own = await as('admin', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/approve` })
    expect(own.statusCode).toBe(403)
    expect(json<ErrorBody>(own).error.details).toMatchObject({ author: 'operator', editors: ['admin'] })
    expect((await as('operator', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/approve` })).statusCode).toBe(403)
    expect((await approve(a.id, 'superadmin')).approver).toBe('superadmin')
  })

  it('lets only authors draft and only approvers approve', async () => {
    const body = { ...FLOOD, expires: inHours(2) }
    expect((await as('executive', { method: 'POST', url: '/api/t/33.71/alerts', payload: body })).statusCode).toBe(403)
    expect((await as('dispatcher', { method: 'POST', url: '/api/t/33.71/alerts', payload: body })).statusCode).toBe(403)
    const a = await draft()
    expect((await as('executive', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/approve` })).statusCode).toBe(403)
    expect((await as('executive', { method: 'GET', url: `/api/t/33.71/alerts/${a.id}` })).statusCode).toBe(200)
    expect((await inject({ method: 'POST', url: '/api/t/33.71/alerts', payload: body })).statusCode).toBe(401)
  })

  it('keeps another city out of 33.71 alerts', async () => {
    const a = await draft()
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/33.71/alerts/${a.id}` })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url: '/api/t/33.71/alerts' })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/approve` })).statusCode).toBe(403)
    const own = await as('malang_admin', { method: 'GET', url: `/api/t/35.73/alerts/${a.id}` })
    expect(own.statusCode).toBe(404)
  })

  it('refuses bad input with 400 and stores nothing', async () => {
    const before = json<{ total: number }>(await as('admin', { method: 'GET', url: '/api/t/33.71/alerts' })).total
    const cases: Record<string, unknown>[] = [
      { ...FLOOD, expires: inHours(-1) },
      { ...FLOOD, expires: inHours(2), severity: 'Bad' },
      { ...FLOOD, expires: inHours(2), regions: ['35.73.01.1001'] },
      { ...FLOOD, expires: inHours(2), regions: [] },
      { ...FLOOD, expires: inHours(2), onset: inHours(3) },
      { ...FLOOD, expires: inHours(2), effective: inHours(2) },
      {
        ...FLOOD,
        expires: inHours(2),
        regions: undefined,
        area: {
          type: 'Polygon',
          coordinates: [
            [
              [110.21, -7.48],
              [110.22, -7.47],
              [110.22, -7.48],
              [110.21, -7.47],
              [110.21, -7.48],
            ],
          ],
        },
      },
    ]
    for (const payload of cases) {
      const res = await as('operator', { method: 'POST', url: '/api/t/33.71/alerts', payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(json<ErrorBody>(res).error.code).toBe('invalid')
    }
    expect(json<{ total: number }>(await as('admin', { method: 'GET', url: '/api/t/33.71/alerts' })).total).toBe(before)
  })

  it('changes a draft but never a published message', async () => {
    const a = await draft()
    const changed = await as('operator', { method: 'PATCH', url: `/api/t/33.71/alerts/${a.id}`, payload: { headline: 'Banjir meluas', regions: ['33.71.03'] } })
    expect(changed.statusCode, changed.body).toBe(200)
    expect(json<Alert>(changed).headline).toBe('Banjir meluas')
    expect(json<Alert>(changed).regions[0]).toMatchObject({ code: '33.71.03', name: 'Magelang Tengah' })
    await approve(a.id)
    const late = await as('operator', { method: 'PATCH', url: `/api/t/33.71/alerts/${a.id}`, payload: { headline: 'x' } })
    expect(late.statusCode).toBe(409)
  })

  it('lists by status', async () => {
    const a = await draft()
    const drafts = json<{ items: Alert[] }>(await as('admin', { method: 'GET', url: '/api/t/33.71/alerts?status=draft&limit=1000' }))
    expect(drafts.items.some((x) => x.id === a.id)).toBe(true)
    expect(drafts.items.every((x) => x.status === 'draft')).toBe(true)
  })
})

describe('updates, cancels and expiry', () => {
  it('chains an update and a cancel as new messages referencing the earlier ones', async () => {
    const first = await approve((await draft()).id)
    const upd = await as('operator', {
      method: 'POST',
      url: `/api/t/33.71/alerts/${first.id}/update`,
      payload: { severity: 'Extreme', headline: 'Banjir naik' },
    })
    expect(upd.statusCode, upd.body).toBe(201)
    const update = json<Alert>(upd)
    expect(update).toMatchObject({ msgType: 'Update', status: 'draft', thread: first.id })
    expect(update.identifier).not.toBe(first.identifier)
    expect(update.references).toEqual([`${first.sender},${first.identifier},${capTimeOf(await capOf(first.identifier))}`])
    await approve(update.id)
    expect(json<Alert>(await as('admin', { method: 'GET', url: `/api/t/33.71/alerts/${first.id}` })).status).toBe('superseded')

    const can = await as('operator', { method: 'POST', url: `/api/t/33.71/alerts/${update.id}/cancel`, payload: { note: 'Air sudah surut.' } })
    expect(can.statusCode, can.body).toBe(200)
    const cancel = json<Alert>(can)
    expect(cancel).toMatchObject({ msgType: 'Cancel', status: 'draft', thread: first.id })
    expect(cancel.references).toHaveLength(2)
    expect(cancel.references[1]).toContain(update.identifier)
    await approve(cancel.id)
    expect(json<Alert>(await as('admin', { method: 'GET', url: `/api/t/33.71/alerts/${update.id}` })).status).toBe('cancelled')
    const active = json<{ items: { id: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/alerts/active' }))
    expect(active.items.map((x) => x.id)).not.toContain(update.id)
    expect(active.items.map((x) => x.id)).not.toContain(cancel.id)

    const xml = await capOf(cancel.identifier)
    expect(xml).toContain('<msgType>Cancel</msgType>')
    expect(xml).toContain(`<references>${cancel.references.join(' ')}</references>`)
  })

  it('discards a draft that is cancelled, without a CAP message', async () => {
    const a = await draft()
    const res = await as('operator', { method: 'POST', url: `/api/t/33.71/alerts/${a.id}/cancel`, payload: {} })
    expect(json<Alert>(res).status, res.body).toBe('discarded')
    expect((await inject({ method: 'GET', url: `/cap/33.71/alerts/${a.identifier}.xml` })).statusCode).toBe(404)
  })

  it('drops an expired alert from the active list by itself and marks it expired', async () => {
    const a = await approve((await draft({ expires: new Date(Date.now() + 1500).toISOString() })).id)
    const activeIds = async () => json<{ items: { id: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/alerts/active' })).items.map((x) => x.id)
    expect(await activeIds()).toContain(a.id)
    await expect.poll(activeIds).not.toContain(a.id)
    const s = server.kendali.ctx
    const { alertsServices } = await import('./index.ts')
    await alertsServices(s).alerts.expireDue(s.db)
    expect(json<Alert>(await as('admin', { method: 'GET', url: `/api/t/33.71/alerts/${a.id}` })).status).toBe('expired')
  })
})

function capTimeOf(xml: string): string {
  const m = /<sent>([^<]+)<\/sent>/.exec(xml)
  if (!m) throw new Error('no <sent>')
  return m[1]
}

describe('CAP 1.2 and the feeds', () => {
  it('produces messages valid against the official CAP 1.2 schema: alert, update, cancel, polygon, circle, two languages', async () => {
    // Effective and onset, given to the minute, go into every info block in the tenant's zone, after certainty and before expires.
    const minute = Math.ceil(Date.now() / 60_000) * 60_000
    const times = { effective: new Date(minute).toISOString(), onset: new Date(minute + 3_600_000).toISOString() }
    const wib = (iso: string) => `${new Date(Date.parse(iso) + 7 * 3_600_000).toISOString().slice(0, 19)}+07:00`
    const regions = await approve((await draft({ english: ENGLISH, ...times })).id)
    expect([regions.effective, regions.onset]).toEqual([times.effective, times.onset])
    const polygon = await approve((await draft({ regions: undefined, area: SQUARE, areaDesc: 'Sekitar Alun-alun' })).id)
    const circle = await approve((await draft({ regions: ['33.71.01'], area: CIRCLE })).id)
    const update = json<Alert>(await as('operator', { method: 'POST', url: `/api/t/33.71/alerts/${circle.id}/update`, payload: { urgency: 'Expected' } }))
    await approve(update.id)
    const cancel = json<Alert>(await as('operator', { method: 'POST', url: `/api/t/33.71/alerts/${polygon.id}/cancel`, payload: {} }))
    await approve(cancel.id)
    for (const a of [regions, polygon, circle, update, cancel]) {
      const xml = await capOf(a.identifier)
      expect(await schemaErrors(xml), `${a.identifier}\n${xml}`).toEqual([])
      expect(capTimeOf(xml)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+07:00$/)
    }
    const two = await capOf(regions.identifier)
    expect(two.match(/<info>/g)).toHaveLength(2)
    expect(two).toContain('<language>en-US</language>')
    expect(two).toContain('<valueName>KEMENDAGRI</valueName>')
    expect(two).toContain('&lt;1 m&gt;')
    const timed = `<effective>${wib(times.effective)}</effective><onset>${wib(times.onset)}</onset><expires>`
    expect(two.replace(/>\s+</g, '><').split(timed)).toHaveLength(3)
    const square = await capOf(polygon.identifier)
    expect(square).toContain('<polygon>-7.48,110.21 -7.48,110.22 -7.47,110.22 -7.47,110.21 -7.48,110.21</polygon>')
    expect(await capOf(circle.identifier)).toContain('<circle>-7.4773,110.2176 1.5</circle>')
    const polygons = [...two.matchAll(/<polygon>([^<]+)<\/polygon>/g)].map((m) => m[1].split(' '))
    expect(polygons.length).toBeGreaterThan(0)
    for (const ring of polygons) {
      expect(ring.length).toBeGreaterThanOrEqual(4)
      expect(ring[0]).toBe(ring[ring.length - 1])
    }
  })

  it('indexes active alerts in Atom and serves JSON and GeoJSON to everyone', async () => {
    const a = await approve((await draft({ headline: 'Angin kencang' })).id)
    const atom = await inject({ method: 'GET', url: '/cap/33.71/alerts.atom' })
    expect(atom.statusCode).toBe(200)
    expect(atom.headers['content-type']).toContain('application/atom+xml')
    expect(atom.body).toContain(`/cap/33.71/alerts/${a.identifier}.xml`)
    const pending = await draft({ headline: 'Belum disetujui' })
    expect(atom.body).not.toContain(pending.identifier)
    expect((await inject({ method: 'GET', url: `/cap/33.71/alerts/${pending.identifier}.xml` })).statusCode).toBe(404)

    const list = json<{ items: { id: string; capUrl: string; instruction: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/alerts/active' }))
    const mine = list.items.find((x) => x.id === a.id)
    expect(mine?.capUrl).toMatch(new RegExp(`/cap/33\\.71/alerts/${a.identifier.replace(/\./g, '\\.')}\\.xml$`))
    expect(mine?.instruction).toBe(FLOOD.instruction)
    const areas = json<{ features: { id: string; geometry: { type: string } }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/alerts/active/areas' }))
    expect(areas.features.find((f) => f.id === a.id)?.geometry.type).toMatch(/Polygon/)
    expect((await inject({ method: 'GET', url: '/cap/99.99/alerts.atom' })).statusCode).toBe(404)
    expect(
      json<{ items: unknown[] }>(await inject({ method: 'GET', url: '/api/t/35.73/alerts/active' })).items.some((x) => (x as { id: string }).id === a.id),
    ).toBe(false)
  })
})
