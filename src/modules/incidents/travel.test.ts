import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { incidentsServices } from './index.ts'
import { estimateTravel, OsrmTravel, ROAD_FACTOR } from './travel.ts'

describe('travel estimates without a routing service', () => {
  it('takes straight-line metres × the road factor at the kind’s urban speed', () => {
    const travel = estimateTravel(1000, 'ambulance')
    expect(travel.distanceM).toBe(1000 * ROAD_FACTOR)
    // 1.4 km at 40 km/h
    expect(travel.etaSeconds).toBe(126)
    expect(travel.source).toBe('estimate')
  })
})

describe('travel from an OSRM-compatible routing service', () => {
  let server: Server
  let base: string
  const asked: string[] = []
  let answer: (url: string) => { status: number; body: unknown } = () => ({ status: 500, body: {} })

  beforeAll(async () => {
    server = createServer((req, res) => {
      asked.push(req.url ?? '')
      const { status, body } = answer(req.url ?? '')
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

  const legs = [
    { straightM: 800, kind: 'ambulance' as const, from: [110.21, -7.47] as [number, number] },
    { straightM: 1200, kind: 'ambulance' as const, from: [110.22, -7.48] as [number, number] },
  ]

  it('asks one table from the units to the incident and uses its durations and distances', async () => {
    answer = () => ({ status: 200, body: { code: 'Ok', durations: [[95.4], [null]], distances: [[1020.2], [null]] } })
    const travel = await new OsrmTravel(`${base}/`, () => undefined).travel(legs, [110.2176, -7.4773])
    expect(asked.at(-1)).toBe(
      '/table/v1/driving/110.217600,-7.477300;110.210000,-7.470000;110.220000,-7.480000?sources=1;2&destinations=0&annotations=duration,distance',
    )
    expect(travel[0]).toEqual({ distanceM: 1020, etaSeconds: 95, source: 'routing' })
    // A unit the service cannot route keeps the estimate.
    expect(travel[1]).toEqual(estimateTravel(1200, 'ambulance'))
  })

  it('asks again only for the legs it has not routed in the last ten minutes', async () => {
    answer = (url) => {
      const sources = new URL(url, 'http://x').searchParams.get('sources')?.split(';') ?? []
      return { status: 200, body: { code: 'Ok', durations: sources.map(() => [300]), distances: sources.map(() => [2500]) } }
    }
    let clock = 1_000_000
    const osrm = new OsrmTravel(
      base,
      () => undefined,
      2000,
      () => clock,
    )
    const to: [number, number] = [110.2, -7.4]
    await osrm.travel(legs, to)
    const before = asked.length
    const moved = { straightM: 500, kind: 'rescue' as const, from: [110.23, -7.49] as [number, number] }
    const travel = await osrm.travel([...legs, moved], to)
    expect(asked.slice(before)).toEqual(['/table/v1/driving/110.200000,-7.400000;110.230000,-7.490000?sources=1&destinations=0&annotations=duration,distance'])
    expect(travel.map((t) => t.source)).toEqual(['routing', 'routing', 'routing'])
    clock += 10 * 60_000 + 1
    await osrm.travel(legs, to)
    expect(asked.at(-1)).toContain('sources=1;2&')
  })

  it('falls back to estimates, and says so, when the service fails', async () => {
    answer = () => ({ status: 503, body: {} })
    const failures: unknown[] = []
    const travel = await new OsrmTravel(base, (err) => failures.push(err)).travel(legs, [110.2176, -7.4773])
    expect(travel.map((t) => t.source)).toEqual(['estimate', 'estimate'])
    expect(failures).toHaveLength(1)
  })
})

describe('ROUTING_URL', () => {
  let routing: Server
  let kendali: TestServer

  beforeAll(async () => {
    routing = createServer((req, res) => {
      // Every unit asked about is 7 minutes and 3.2 km away by road.
      const sources = new URL(req.url ?? '', 'http://x').searchParams.get('sources')?.split(';') ?? []
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ code: 'Ok', durations: sources.map(() => [420]), distances: sources.map(() => [3200]) }))
    })
    await new Promise<void>((resolve) => routing.listen(0, '127.0.0.1', resolve))
    kendali = await startTestKendali({ listen: false, env: { ROUTING_URL: `http://127.0.0.1:${(routing.address() as AddressInfo).port}` } })
  })
  afterAll(async () => {
    await kendali.close()
    await new Promise<void>((resolve) => routing.close(() => resolve()))
  })

  it('makes recommendations take their travel times from the routing service', async () => {
    const { ctx } = kendali.kendali
    const s = incidentsServices(ctx)
    const incident = await s.incidents.create(ctx.db, '33.71', 'test', {
      type: 'medical',
      source: 'call_119',
      location: { type: 'Point', coordinates: [110.2176, -7.4773] },
    })
    const [first] = await s.dispatch.recommend(ctx.db, '33.71', incident.id, 3)
    expect(first).toMatchObject({ etaSeconds: 420, distanceM: 3200, etaSource: 'routing' })
  })
})
