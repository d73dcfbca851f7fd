import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { DEMO_TENANT } from './demo.ts'
import { incidentsServices } from './index.ts'
import { DispatchSimulator, metresBetween, SIMULATOR_ACTOR, stepToward } from './simulator.ts'
import * as store from './store.ts'

describe('moving along a straight line', () => {
  it('steps the given metres toward the target and lands on it when close enough', () => {
    const from: [number, number] = [110.2176, -7.4773]
    const to: [number, number] = [110.2176, -7.4683]
    const total = metresBetween(from, to)
    expect(total).toBeCloseTo(995, -1)
    const step = stepToward(from, to, 100)
    expect(step.arrived).toBe(false)
    expect(metresBetween(from, step.point)).toBeCloseTo(100, 0)
    expect(stepToward(step.point, to, 5000)).toEqual({ point: to, arrived: true })
  })
})

describe('the demo dispatch simulator', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestKendali({ listen: false })
  })
  afterAll(() => server.close())

  it('takes a call through dispatch, arrival, hospital and home on a controlled clock', async () => {
    const { ctx } = server.kendali
    let now = new Date()
    const clock = () => now
    const s = incidentsServices(ctx, clock)
    // One call from a fixed sequence of numbers (place, type, …); no more calls after it.
    const sequence = [0.05, 0.1, 0.5, 0.5, 0.5]
    let i = 0
    const simulator = new DispatchSimulator(
      ctx.db,
      s,
      (err) => {
        throw err
      },
      { clock, random: () => sequence[i++ % sequence.length], callEveryMs: Number.POSITIVE_INFINITY },
    )
    const events: KendaliEvent[] = []
    const stop = ctx.bus.subscribe((e) => events.push(e))
    await simulator.call()
    const created = events.find((e) => e.type === 'incident.created' && e.actor === SIMULATOR_ACTOR)
    expect(created?.data).toMatchObject({ type: 'medical', status: 'new' })
    const incidentId = created?.entity ?? ''
    // Nobody dispatches it: the simulator does after 90 seconds, and the ambulance drives, arrives, transports, returns.
    for (let tick = 0; tick < 400; tick++) {
      now = new Date(now.getTime() + 15_000)
      await simulator.tick()
      const incident = await store.findIncident(ctx.db, DEMO_TENANT, incidentId)
      const dispatches = await store.dispatchesOf(ctx.db, DEMO_TENANT, incidentId)
      if (incident?.status === 'closed' && dispatches.every((d) => d.unitStatus === 'available')) break
    }
    stop()
    const incident = await s.incidents.detail(ctx.db, DEMO_TENANT, incidentId, true)
    expect(incident).toMatchObject({ status: 'closed', outcome: 'transported' })
    expect(incident.hospitalAt).not.toBeNull()
    const unitId = incident.dispatches[0].unitId
    const path = events.filter((e) => e.entity === unitId && e.type === 'unit.status_changed').map((e) => e.data.status)
    expect(path).toEqual(['dispatched', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'returning', 'available'])
    expect(events.filter((e) => e.entity === unitId && e.type === 'unit.moved').length).toBeGreaterThan(3)
    const unit = await s.units.get(ctx.db, DEMO_TENANT, unitId)
    // The nearest available ambulance may be one another test file made on this worker's database, without a home
    // station: then it stays where it became available. A demo ambulance drives back to its station.
    expect(unit.location).not.toBeNull()
    if (unit.homeFacilityId && unit.location) {
      const home = await s.facilities.get(ctx.db, DEMO_TENANT, unit.homeFacilityId)
      expect(metresBetween(unit.location.coordinates, home.location.coordinates)).toBeLessThan(30)
    }
    await simulator.stop()
  })
})
