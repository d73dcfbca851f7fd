import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveProbe } from '../../../test/support/live.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { incidentsServices } from './index.ts'

type Incident = {
  id: string
  number: string
  status: string
  priority: string
  type: string
  kelurahan: { code: string; name: string } | null
  kecamatan: { code: string; name: string } | null
  onSceneAt: string | null
  hospitalAt: string | null
  closedAt: string | null
  outcome: string | null
  timers: { overdue: boolean; dueAt: string | null }
  caller: { name: string | null; phone: string | null } | null
}
type Detail = Incident & { timeline: { kind: string; data: Record<string, unknown> }[]; dispatches: { unitId: string; releasedAt: string | null }[] }
type Unit = { id: string; callsign: string; status: string; incidentId: string | null; destinationId: string | null; location: unknown }
type Recommendation = { unitId: string; callsign: string; kind: string; distanceM: number; straightM: number; etaSeconds: number }

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })

// Near Alun-alun Kota Magelang.
const ALUN_ALUN: [number, number] = [110.2176, -7.4773]
const point = (coordinates: [number, number]) => ({ type: 'Point', coordinates })
/** A point `north` and `east` metres away from another. */
const offset = ([lon, lat]: [number, number], north: number, east = 0): [number, number] => [
  lon + east / (111_320 * Math.cos((lat * Math.PI) / 180)),
  lat + north / 110_540,
]

async function newIncident(body: Record<string, unknown> = {}, who = 'dispatcher', tenant = '33.71'): Promise<Incident> {
  const res = await as(who, {
    method: 'POST',
    url: `/api/t/${tenant}/incidents`,
    payload: { type: 'medical', source: 'call_119', location: point(ALUN_ALUN), ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return json<Incident>(res)
}

async function newUnit(body: Record<string, unknown>, who = 'admin', tenant = '33.71'): Promise<Unit> {
  const res = await as(who, { method: 'POST', url: `/api/t/${tenant}/units`, payload: { callsign: unique('U').slice(-28), kind: 'ambulance', ...body } })
  expect(res.statusCode, res.body).toBe(201)
  return json<Unit>(res)
}

const dispatch = (incident: Incident, unit: Unit, who = 'dispatcher', tenant = '33.71') =>
  as(who, { method: 'POST', url: `/api/t/${tenant}/incidents/${incident.id}/dispatch`, payload: { unitId: unit.id } })
const unitStatus = (unit: Unit, body: Record<string, unknown>, who = 'dispatcher') =>
  as(who, { method: 'POST', url: `/api/t/33.71/units/${unit.id}/status`, payload: body })
const detail = async (incident: Incident, tenant = '33.71') =>
  json<Detail>(await as('operator', { method: 'GET', url: `/api/t/${tenant}/incidents/${incident.id}` }))

beforeAll(async () => {
  server = await startTestKendali({ listen: true })
  for (const who of ['admin', 'operator', 'dispatcher', 'field_crew', 'executive', 'agency_officer', 'malang_admin', 'malang_operator']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
})
afterAll(() => server.close())

describe('incident intake', () => {
  it('numbers an incident per tenant and year and derives its kelurahan and kecamatan from the point', async () => {
    const incident = await newIncident({ caller: { name: 'Bu Siti', phone: '081234567890' }, address: 'Alun-alun' })
    expect(incident.number).toMatch(new RegExp(`^33\\.71-${new Date().getFullYear()}-\\d{5}$`))
    expect(incident).toMatchObject({ status: 'new', priority: 'P1', type: 'medical' })
    const where = json<{ kelurahan: { code: string }; kecamatan: { code: string } }>(
      await inject({ method: 'GET', url: `/api/t/33.71/regions/lookup?lon=${ALUN_ALUN[0]}&lat=${ALUN_ALUN[1]}` }),
    )
    expect(incident.kelurahan?.code).toBe(where.kelurahan.code)
    expect(incident.kecamatan?.code).toBe(where.kecamatan.code)
    expect(incident.kelurahan?.code.startsWith(`${incident.kecamatan?.code}.`)).toBe(true)
    const next = await newIncident()
    expect(Number(next.number.split('-')[2])).toBeGreaterThan(Number(incident.number.split('-')[2]))
  })

  it('shows callers whole to those who take calls and send units, masked to other readers', async () => {
    const incident = await newIncident({ caller: { name: 'Bu Siti', phone: '081234567890' } })
    await as('dispatcher', {
      method: 'POST',
      url: `/api/t/33.71/incidents/${incident.id}/calls`,
      payload: { source: 'call_112', caller: { name: 'Pak Budi', phone: '0812000111' } },
    })
    for (const [who, caller, second] of [
      ['dispatcher', { name: 'Bu Siti', phone: '081234567890' }, { name: 'Pak Budi', phone: '0812000111' }],
      ['admin', { name: 'Bu Siti', phone: '081234567890' }, { name: 'Pak Budi', phone: '0812000111' }],
      ['executive', { name: 'B*** S***', phone: '0812*****890' }, { name: 'P*** B***', phone: '0812***111' }],
      ['field_crew', { name: 'B*** S***', phone: '0812*****890' }, { name: 'P*** B***', phone: '0812***111' }],
    ] as const) {
      const shown = json<Detail>(await as(who, { method: 'GET', url: `/api/t/33.71/incidents/${incident.id}` }))
      expect([who, shown.caller, shown.timeline.find((e) => e.kind === 'call')?.data.caller]).toEqual([who, caller, second])
      const list = json<{ items: Incident[] }>(await as(who, { method: 'GET', url: '/api/t/33.71/incidents?limit=5' }))
      expect([who, list.items.find((i) => i.id === incident.id)?.caller]).toEqual([who, caller])
    }
  })

  it('erases the callers of an incident once it has been closed for the retention time, and logs it', async () => {
    const db = server.kendali.ctx.db
    const incident = await newIncident({ caller: { name: 'Bu Siti', phone: '081234567890' } })
    await as('dispatcher', {
      method: 'POST',
      url: `/api/t/33.71/incidents/${incident.id}/calls`,
      payload: { source: 'call_112', caller: { name: 'Pak Budi', phone: '0812000111' } },
    })
    const closed = await as('dispatcher', { method: 'PATCH', url: `/api/t/33.71/incidents/${incident.id}`, payload: { status: 'cancelled' } })
    expect(closed.statusCode, closed.body).toBe(200)
    const { incidents } = incidentsServices(server.kendali.ctx)
    await incidents.eraseExpiredCallers(db, 30)
    expect((await detail(incident)).caller).toEqual({ name: 'Bu Siti', phone: '081234567890' })
    await incidents.eraseExpiredCallers(db, 30, new Date(Date.now() + 31 * 86_400_000))
    const after = await detail(incident)
    expect(after.caller).toBeNull()
    expect(after.timeline.find((e) => e.kind === 'call')?.data.caller).toBeUndefined()
    const events = json<{ items: { type: string }[] }>(await as('admin', { method: 'GET', url: '/api/t/33.71/events?topic=incidents&limit=1000' }))
    expect(events.items.map((e) => e.type)).toContain('incident_callers.erased')
  })

  it('takes the priority from the type unless the call-taker gives one, and refuses unknown types', async () => {
    expect((await newIncident({ type: 'fallen_tree' })).priority).toBe('P3')
    expect((await newIncident({ type: 'fallen_tree', priority: 'P2' })).priority).toBe('P2')
    const res = await as('dispatcher', {
      method: 'POST',
      url: '/api/t/33.71/incidents',
      payload: { type: 'alien', source: 'operator', location: point(ALUN_ALUN) },
    })
    expect(res.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string } } }>(res).error.details.field).toBe('type')
  })

  it('lets dispatchers and operators create incidents but not executives or field crews', async () => {
    await newIncident({}, 'operator')
    for (const who of ['executive', 'field_crew']) {
      const res = await as(who, { method: 'POST', url: '/api/t/33.71/incidents', payload: { type: 'medical', source: 'call_119', location: point(ALUN_ALUN) } })
      expect(res.statusCode).toBe(403)
    }
  })

  it('shows possible duplicates: the same type within 300 m and 30 minutes', async () => {
    const near = offset(ALUN_ALUN, 2000, 1000)
    const first = await newIncident({ type: 'fire', location: point(near) })
    const ask = (type: string, at: [number, number]) =>
      as('dispatcher', { method: 'GET', url: `/api/t/33.71/incidents/duplicates?type=${type}&lon=${at[0]}&lat=${at[1]}` })
    const close = json<{ items: (Incident & { distanceM: number })[] }>(await ask('fire', offset(near, 150)))
    expect(close.items.find((i) => i.id === first.id)?.distanceM).toBeCloseTo(150, -1)
    expect(json<{ items: Incident[] }>(await ask('fire', offset(near, 450))).items.map((i) => i.id)).not.toContain(first.id)
    expect(json<{ items: Incident[] }>(await ask('medical', offset(near, 10))).items.map((i) => i.id)).not.toContain(first.id)
    const attached = await as('dispatcher', {
      method: 'POST',
      url: `/api/t/33.71/incidents/${first.id}/calls`,
      payload: { source: 'call_112', caller: { name: 'Pak Budi', phone: '0812000111' }, description: 'Api terlihat dari jalan' },
    })
    expect(attached.statusCode).toBe(201)
    expect((await detail(first)).timeline.map((e) => e.kind)).toEqual(['created', 'call'])
  })
})

describe('lists and the map', () => {
  it('filters by status, type, priority and bbox and pages with a cursor, newest first', async () => {
    const spot = offset(ALUN_ALUN, -1500, 500)
    const mine = [await newIncident({ type: 'crime', location: point(spot) }), await newIncident({ type: 'crime', location: point(offset(spot, 20)) })]
    const far = await newIncident({ type: 'crime', location: point(offset(spot, 3000)) })
    const [minLon, minLat] = offset(spot, -100, -100)
    const [maxLon, maxLat] = offset(spot, 100, 100)
    const url = `/api/t/33.71/incidents?type=crime&status=open&priority=P2&bbox=${minLon},${minLat},${maxLon},${maxLat}&limit=1`
    const page1 = json<{ items: Incident[]; total: number; next: string }>(await as('executive', { method: 'GET', url }))
    expect(page1.items.map((i) => i.id)).toEqual([mine[1].id])
    const page2 = json<{ items: Incident[]; next: string | null }>(await as('executive', { method: 'GET', url: `${url}&cursor=${page1.next}` }))
    expect(page2.items.map((i) => i.id)).toEqual([mine[0].id])
    expect(page1.total).toBeGreaterThanOrEqual(2)
    const geojson = json<{ features: { id: string; properties: { priority: string } }[] }>(
      await as('operator', { method: 'GET', url: `/api/t/33.71/incidents/geojson?bbox=${minLon},${minLat},${maxLon},${maxLat}` }),
    )
    expect(geojson.features.map((f) => f.id)).toEqual(expect.arrayContaining(mine.map((i) => i.id)))
    expect(geojson.features.map((f) => f.id)).not.toContain(far.id)
  })

  it('pages through incidents created at the same instant without losing or repeating one, with an exact small total', async () => {
    const spot = offset(ALUN_ALUN, 730, -910)
    const made = []
    for (let i = 0; i < 5; i++) made.push(await newIncident({ type: 'fire', location: point(offset(spot, i * 5)) }))
    // Ties on created_at: the id breaks them, and the cursor carries both.
    await server.kendali.ctx.db.query('UPDATE incidents SET created_at = $2 WHERE tenant = $1 AND id = ANY($3::uuid[])', [
      '33.71',
      '2026-03-01T02:00:00Z',
      made.map((i) => i.id),
    ])
    const [minLon, minLat] = offset(spot, -50, -50)
    const [maxLon, maxLat] = offset(spot, 100, 50)
    const url = `/api/t/33.71/incidents?bbox=${minLon},${minLat},${maxLon},${maxLat}&limit=2`
    const seen: string[] = []
    let page = json<{ items: Incident[]; total: number; totalIsExact: boolean; next: string | null }>(await as('executive', { method: 'GET', url }))
    expect(page).toMatchObject({ total: 5, totalIsExact: true })
    for (;;) {
      seen.push(...page.items.map((i) => i.id))
      if (!page.next) break
      page = json(await as('executive', { method: 'GET', url: `${url}&cursor=${page.next}` }))
    }
    expect(seen).toEqual(
      made
        .map((i) => i.id)
        .sort()
        .reverse(),
    )
    expect(json<{ total: number }>(await as('executive', { method: 'GET', url: `${url}&total=exact` })).total).toBe(5)
    expect((await as('executive', { method: 'GET', url: `${url}&total=roughly` })).statusCode).toBe(400)
  })

  it("keeps each city's incidents to itself", async () => {
    const incident = await newIncident()
    expect((await as('malang_operator', { method: 'GET', url: `/api/t/33.71/incidents/${incident.id}` })).statusCode).toBe(403)
    expect((await as('malang_operator', { method: 'GET', url: `/api/t/35.73/incidents/${incident.id}` })).statusCode).toBe(404)
    const malang = json<{ items: Incident[] }>(await as('malang_operator', { method: 'GET', url: '/api/t/35.73/incidents?limit=1000' }))
    expect(malang.items.map((i) => i.id)).not.toContain(incident.id)
  })
})

describe('the status machine over the API', () => {
  it('refuses moves that are not allowed, needs an outcome to close, and lets only operators reopen', async () => {
    const incident = await newIncident()
    const patch = (body: Record<string, unknown>, who = 'dispatcher') =>
      as(who, { method: 'PATCH', url: `/api/t/33.71/incidents/${incident.id}`, payload: body })
    expect((await patch({ status: 'on_scene' })).statusCode).toBe(409)
    expect(json(await patch({ status: 'dispatched', note: 'Ditangani DPUPR' }))).toMatchObject({ status: 'dispatched' })
    expect(json(await patch({ status: 'on_scene' }))).toMatchObject({ status: 'on_scene' })
    expect((await patch({ status: 'closed' })).statusCode).toBe(400)
    expect(json(await patch({ status: 'closed', outcome: 'resolved' }))).toMatchObject({ status: 'closed', outcome: 'resolved' })
    const reopen = (who: string) => as(who, { method: 'POST', url: `/api/t/33.71/incidents/${incident.id}/reopen`, payload: { note: 'Korban kambuh' } })
    expect((await reopen('dispatcher')).statusCode).toBe(403)
    expect(json(await reopen('operator'))).toMatchObject({ status: 'new', closedAt: null, outcome: null })
    expect((await reopen('operator')).statusCode).toBe(409)
    const statuses = (await detail(incident)).timeline.filter((e) => e.kind === 'status').map((e) => e.data.to)
    expect(statuses).toEqual(['dispatched', 'on_scene', 'closed', 'new'])
  })
})

describe('dispatch', () => {
  it('recommends available units of the kinds the type needs, fastest first, with distance and ETA', async () => {
    const spot = offset(ALUN_ALUN, 800, -600)
    const incident = await newIncident({ location: point(spot) })
    const a = await newUnit({ location: point(offset(spot, 1500)) })
    const b = await newUnit({ location: point(offset(spot, 400)) })
    const c = await newUnit({ location: point(offset(spot, 0, 900)) })
    const busy = await newUnit({ location: point(offset(spot, 50)) })
    const fire = await newUnit({ kind: 'fire_engine', location: point(offset(spot, 30)) })
    expect((await dispatch(await newIncident(), busy)).statusCode).toBe(201)
    const res = await as('dispatcher', { method: 'GET', url: `/api/t/33.71/incidents/${incident.id}/recommendations?limit=50` })
    const recs = json<{ items: Recommendation[] }>(res).items
    const ids = recs.map((r) => r.unitId)
    expect(ids).not.toContain(busy.id)
    expect(ids).not.toContain(fire.id)
    expect(recs.every((r) => r.kind === 'ambulance')).toBe(true)
    expect(ids.filter((id) => [a.id, b.id, c.id].includes(id))).toEqual([b.id, c.id, a.id])
    const best = recs.find((r) => r.unitId === b.id)
    expect(best?.straightM).toBeCloseTo(400, -1)
    expect(best?.distanceM).toBeGreaterThan(best?.straightM ?? 0)
    expect(recs.map((r) => r.etaSeconds)).toEqual([...recs.map((r) => r.etaSeconds)].sort((x, y) => x - y))
  })

  it("recommends the unit kinds of the tenant's own type, and answers 404 for an incident it does not have", async () => {
    const code = `own_${Date.now().toString(36)}`
    const put = await as('admin', {
      method: 'PUT',
      url: `/api/t/33.71/incident-types/${code}`,
      payload: { label: { id: 'Uji rekomendasi', en: 'Recommendation test' }, defaultPriority: 'P2', unitKinds: ['rescue'] },
    })
    expect(put.statusCode, put.body).toBe(200)
    const spot = offset(ALUN_ALUN, -700, 500)
    const incident = await newIncident({ type: code, location: point(spot) })
    const rescue = await newUnit({ kind: 'rescue', location: point(offset(spot, 200)) })
    await newUnit({ location: point(offset(spot, 20)) })
    const recs = json<{ items: Recommendation[] }>(
      await as('dispatcher', { method: 'GET', url: `/api/t/33.71/incidents/${incident.id}/recommendations?limit=50` }),
    ).items
    expect(recs.length).toBeGreaterThan(0)
    expect(recs.every((r) => r.kind === 'rescue')).toBe(true)
    expect(recs.map((r) => r.unitId)).toContain(rescue.id)
    const missing = await as('dispatcher', { method: 'GET', url: '/api/t/33.71/incidents/00000000-0000-4000-8000-000000000000/recommendations' })
    expect(missing.statusCode).toBe(404)
  })

  it('gives one of two dispatchers racing for the same unit a 201 and the other a 409 naming the incident', async () => {
    for (let round = 0; round < 5; round++) {
      const unit = await newUnit({ location: point(ALUN_ALUN) })
      const first = await newIncident()
      const second = await newIncident()
      const results = await Promise.all([dispatch(first, unit, 'dispatcher'), dispatch(second, unit, 'operator')])
      expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409])
      const lost = results[0].statusCode === 409 ? results[0] : results[1]
      const won = results[0].statusCode === 201 ? first : second
      expect(json<{ error: { code: string; message: string } }>(lost).error.code).toBe('conflict')
      expect(json<{ error: { message: string } }>(lost).error.message).toContain(won.number)
      const shown = json<Unit>(await as('operator', { method: 'GET', url: `/api/t/33.71/units/${unit.id}` }))
      expect(shown).toMatchObject({ status: 'dispatched', incidentId: won.id })
    }
  })

  it('sends a unit once when the same dispatch is clicked twice at once', async () => {
    const unit = await newUnit({ location: point(ALUN_ALUN) })
    const incident = await newIncident()
    const results = await Promise.all([dispatch(incident, unit), dispatch(incident, unit)])
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409])
    expect((await detail(incident)).dispatches).toHaveLength(1)
  })

  it('does not dispatch to a closed incident', async () => {
    const incident = await newIncident()
    await as('dispatcher', { method: 'PATCH', url: `/api/t/33.71/incidents/${incident.id}`, payload: { status: 'cancelled', note: 'Salah sambung' } })
    expect((await dispatch(incident, await newUnit({ location: point(ALUN_ALUN) }))).statusCode).toBe(409)
  })

  it('moves the incident with the crew’s buttons and closes it with the outcome when the last unit leaves', async () => {
    const incident = await newIncident()
    const unit = await newUnit({ location: point(offset(ALUN_ALUN, 500)), crew: [{ name: 'Kru Uji', username: 'field_crew' }] })
    expect((await dispatch(incident, unit)).statusCode).toBe(201)
    expect((await detail(incident)).status).toBe('dispatched')
    expect(json(await unitStatus(unit, { status: 'en_route' }, 'field_crew'))).toMatchObject({ status: 'en_route' })
    await unitStatus(unit, { status: 'on_scene' }, 'field_crew')
    expect((await detail(incident)).onSceneAt).not.toBeNull()
    expect((await detail(incident)).status).toBe('on_scene')
    expect((await unitStatus(unit, { status: 'transporting' }, 'field_crew')).statusCode).toBe(400)
    const hospitals = json<{ items: { id: string; code: string }[] }>(await as('field_crew', { method: 'GET', url: '/api/t/33.71/facilities?kind=hospital' }))
    const tidar = hospitals.items.find((f) => f.code === 'rsud-tidar')
    expect(json(await unitStatus(unit, { status: 'transporting', destinationId: tidar?.id }, 'field_crew'))).toMatchObject({ destinationId: tidar?.id })
    await unitStatus(unit, { status: 'at_hospital' }, 'field_crew')
    expect((await detail(incident)).hospitalAt).not.toBeNull()
    expect((await unitStatus(unit, { status: 'available' }, 'field_crew')).statusCode).toBe(200)
    const done = await detail(incident)
    // Available without an outcome ends the unit's part but leaves closing to the dispatcher.
    expect(done.status).toBe('on_scene')
    expect(done.dispatches[0].releasedAt).not.toBeNull()
    const again = await newUnit({ location: point(ALUN_ALUN) })
    await dispatch(incident, again)
    await unitStatus(again, { status: 'on_scene' })
    expect(json(await unitStatus(again, { status: 'returning', outcome: 'transported' }))).toMatchObject({ status: 'returning', incidentId: null })
    expect(await detail(incident)).toMatchObject({ status: 'closed', outcome: 'transported' })
    const kinds = (await detail(incident)).timeline.map((e) => e.kind)
    expect(kinds.filter((k) => k === 'dispatch')).toHaveLength(2)
    expect(kinds.filter((k) => k === 'unit_status').length).toBeGreaterThanOrEqual(6)
  })

  it('lets a field crew move only a unit it is listed on', async () => {
    const other = await newUnit({ location: point(ALUN_ALUN) })
    expect((await unitStatus(other, { status: 'out_of_service' }, 'field_crew')).statusCode).toBe(403)
    const position = await as('field_crew', {
      method: 'POST',
      url: `/api/t/33.71/units/${other.id}/position`,
      payload: { location: point(offset(ALUN_ALUN, 10)) },
    })
    expect(position.statusCode).toBe(403)
    const mine = json<{ items: Unit[] }>(await as('field_crew', { method: 'GET', url: '/api/t/33.71/units/mine' }))
    expect(mine.items.map((u) => u.callsign)).toContain('AMB-119-01')
  })

  it('releases the units of a cancelled incident', async () => {
    const incident = await newIncident()
    const waiting = await newUnit({ location: point(ALUN_ALUN) })
    const driving = await newUnit({ location: point(ALUN_ALUN) })
    await dispatch(incident, waiting)
    await dispatch(incident, driving)
    await unitStatus(driving, { status: 'en_route' })
    await as('dispatcher', { method: 'PATCH', url: `/api/t/33.71/incidents/${incident.id}`, payload: { status: 'cancelled' } })
    const get = async (u: Unit) => json<Unit>(await as('operator', { method: 'GET', url: `/api/t/33.71/units/${u.id}` }))
    expect(await get(waiting)).toMatchObject({ status: 'available', incidentId: null })
    expect(await get(driving)).toMatchObject({ status: 'returning', incidentId: null })
  })
})

describe('live', () => {
  it('sends the dispatch and the unit’s new status to another console at once', async () => {
    const probe = await LiveProbe.open(server.url, '33.71', cookies.operator)
    await probe.send({ subscribe: ['incidents', 'units'] })
    const incident = await newIncident()
    const unit = await newUnit({ location: point(ALUN_ALUN) })
    await dispatch(incident, unit)
    await as('dispatcher', { method: 'POST', url: `/api/t/33.71/units/${unit.id}/position`, payload: { location: point(offset(ALUN_ALUN, 100)) } })
    const mine = () => probe.events.filter((e) => e.entity === incident.id || e.entity === unit.id)
    await expect.poll(() => mine().length).toBe(5)
    expect(mine().map((e) => e.type)).toEqual(['incident.created', 'unit.created', 'unit.status_changed', 'incident.dispatched', 'unit.moved'])
    expect(mine()[2].data).toMatchObject({ status: 'dispatched', incidentId: incident.id, from: 'available' })
    expect(JSON.stringify(mine()[0].data)).not.toContain('phone')
    // Positions are volatile: live on the map, not in the log (the unit's track keeps them).
    expect(mine()[4]).toMatchObject({ seq: 0, volatile: true })
    const logged = json<{ items: { type: string; entity: string | null }[] }>(
      await as('operator', { method: 'GET', url: '/api/t/33.71/events?topics=units&order=desc&limit=50' }),
    )
    expect(logged.items.filter((e) => e.entity === unit.id).map((e) => e.type)).toEqual(['unit.status_changed', 'unit.created'])
    await probe.close()
  })
})

describe('facilities', () => {
  it('lists the real Magelang hospitals of the demo inside the city and takes capacity updates', async () => {
    const list = json<{ items: { id: string; code: string; name: string; location: { coordinates: [number, number] }; erBeds: number }[] }>(
      await as('dispatcher', { method: 'GET', url: '/api/t/33.71/facilities?kind=hospital,puskesmas&limit=100' }),
    )
    expect(list.items.map((f) => f.name)).toEqual(expect.arrayContaining(['RSUD Tidar Kota Magelang', 'RST Tk. II dr. Soedjono', 'RS Harapan Magelang']))
    for (const f of list.items) {
      const [lon, lat] = f.location.coordinates
      expect((await inject({ method: 'GET', url: `/api/t/33.71/regions/lookup?lon=${lon}&lat=${lat}` })).statusCode, f.name).toBe(200)
    }
    const tidar = list.items.find((f) => f.code === 'rsud-tidar')
    const res = await as('dispatcher', { method: 'PUT', url: `/api/t/33.71/facilities/${tidar?.id}/capacity`, payload: { erBedsAvailable: 2 } })
    expect(json(res)).toMatchObject({ erBedsAvailable: 2 })
    expect(
      (await as('dispatcher', { method: 'PUT', url: `/api/t/33.71/facilities/${tidar?.id}/capacity`, payload: { erBedsAvailable: 999 } })).statusCode,
    ).toBe(400)
  })
})
