import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { CoreContext } from '../../core/module.ts'
import { type IncidentsServices, incidentsServices } from './index.ts'
import type { Incident, Unit } from './schema.ts'
import * as store from './store.ts'

// Incidents on a controlled clock, years back so that no other test's incidents fall in the windows.
let server: TestServer
let ctx: CoreContext
let now = new Date('2021-03-01T02:00:00Z')
let s: IncidentsServices
const TENANT = '35.73'
// Kota Malang, near Alun-alun Tugu.
const TUGU: [number, number] = [112.6347, -7.977]
const minutes = (m: number) => {
  now = new Date(now.getTime() + m * 60_000)
}

async function call(type = 'medical', priority?: 'P1' | 'P2' | 'P3' | 'P4'): Promise<Incident> {
  return s.incidents.create(ctx.db, TENANT, 'test', {
    type,
    source: 'call_112',
    location: { type: 'Point', coordinates: TUGU },
    ...(priority ? { priority } : {}),
  })
}

async function ambulance(): Promise<Unit> {
  return s.units.create(ctx.db, TENANT, 'test', { callsign: unique('AMB').slice(-28), kind: 'ambulance', location: { type: 'Point', coordinates: TUGU } })
}

const crew = { actor: 'test', username: null, mayMoveAnyUnit: true }

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  ctx = server.kendali.ctx
  s = incidentsServices(ctx, () => now)
})
afterAll(() => server.close())

describe('timers on a controlled clock', () => {
  it('marks a P1 call overdue two minutes after the call if nobody was sent, and not once one is', async () => {
    const incident = await call()
    expect(incident.timers).toMatchObject({ overdue: false, dueAt: new Date(now.getTime() + 120_000).toISOString() })
    minutes(3)
    expect((await s.incidents.get(ctx.db, TENANT, incident.id)).timers.overdue).toBe(true)
    await s.dispatch.dispatch(ctx.db, TENANT, 'test', incident.id, (await ambulance()).id)
    const sent = await s.incidents.get(ctx.db, TENANT, incident.id)
    expect(sent.timers).toMatchObject({ callToDispatch: 180, overdue: false })
    const geo = await s.incidents.features(ctx.db, TENANT, {})
    expect(geo.features.find((f) => f.id === incident.id)?.properties.overdue).toBe(false)
  })

  it('uses the tenant’s own targets once set', async () => {
    await s.incidents.putTargets(ctx.db, TENANT, 'test', [{ priority: 'P4', dispatchSeconds: 60, onSceneSeconds: 600 }])
    const incident = await call('other', 'P4')
    minutes(2)
    expect((await s.incidents.get(ctx.db, TENANT, incident.id)).timers.overdue).toBe(true)
    await s.incidents.putTargets(ctx.db, TENANT, 'test', [{ priority: 'P4', dispatchSeconds: 3600, onSceneSeconds: 14_400 }])
  })
})

describe('metrics', () => {
  it('gives counts and median and p90 of each interval per type and priority', async () => {
    now = new Date('2021-06-01T01:00:00Z')
    const from = now
    // Three medical P1 runs dispatched after 1, 2 and 4 minutes, on scene 8 minutes later, closed.
    for (const wait of [1, 2, 4]) {
      const incident = await call('medical')
      const unit = await ambulance()
      minutes(wait)
      await s.dispatch.dispatch(ctx.db, TENANT, 'test', incident.id, unit.id)
      minutes(8)
      await s.units.setStatus(ctx.db, TENANT, crew, unit.id, { status: 'on_scene' })
      minutes(10)
      await s.units.setStatus(ctx.db, TENANT, crew, unit.id, { status: 'returning', outcome: 'treated_on_scene' })
    }
    await call('fire')
    const { rows } = await s.incidents.metrics(ctx.db, TENANT, from, new Date(now.getTime() + 60_000))
    const medical = rows.find((r) => r.type === 'medical' && r.priority === 'P1')
    expect(medical).toMatchObject({ count: 3, closed: 3, open: 0 })
    expect(medical?.callToDispatch).toEqual({ count: 3, median: 120, p90: 216 })
    expect(medical?.dispatchToOnScene).toMatchObject({ count: 3, median: 480 })
    expect(medical?.total.median).toBe((2 + 8 + 10) * 60)
    expect(medical?.onSceneToHospital.count).toBe(0)
    const all = rows.find((r) => r.type === null && r.priority === null)
    expect(all).toMatchObject({ count: 4, open: 1 })
    expect(rows.find((r) => r.type === 'fire' && r.priority === null)?.count).toBe(1)
  })

  it('refuses a window that ends before it starts', async () => {
    await expect(s.incidents.metrics(ctx.db, TENANT, new Date('2021-02-01'), new Date('2021-01-01'))).rejects.toThrow(/before/)
  })
})

describe('unit tracks', () => {
  it('keeps each position in the track, moves the unit only forward in time, and prunes old points', async () => {
    now = new Date()
    const unit = await ambulance()
    const at = (minutesAgo: number, lon: number) => ({
      location: { type: 'Point' as const, coordinates: [lon, -7.977] as [number, number] },
      at: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    })
    // A phone clock a minute fast is still accepted.
    await s.units.position(ctx.db, TENANT, crew, unit.id, at(-1, 112.631))
    await s.units.position(ctx.db, TENANT, crew, unit.id, at(5, 112.632))
    expect((await s.units.get(ctx.db, TENANT, unit.id)).location?.coordinates[0]).toBe(112.631)
    await s.units.position(ctx.db, TENANT, crew, unit.id, at(400 * 24 * 60, 112.633))
    const all = await s.units.track(ctx.db, TENANT, unit.id, new Date(Date.now() - 500 * 86_400_000), new Date(Date.now() + 600_000))
    expect(all.map((p) => p.location.coordinates[0])).toEqual([112.633, 112.632, 112.631])
    await store.pruneTracks(ctx.db, 180)
    const kept = await s.units.track(ctx.db, TENANT, unit.id, new Date(Date.now() - 500 * 86_400_000), new Date(Date.now() + 600_000))
    expect(kept.map((p) => p.location.coordinates[0])).toEqual([112.632, 112.631])
  })
})
