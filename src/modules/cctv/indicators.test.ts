import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope } from '../../core/indicators.ts'

let server: TestServer
const NOVEMBER = { key: '2026-11', frequency: 'monthly' as const, start: new Date('2026-10-31T17:00:00Z'), end: new Date('2026-11-30T17:00:00Z') }
const scope = (tenant: string): IndicatorScope => ({ tenant, period: NOVEMBER, entered: async () => [] })
const compute = (s: IndicatorScope) => {
  const indicator = server.kendali.ctx.indicators.get('cctv_online_pct')
  if (!indicator) throw new Error('cctv_online_pct is not registered')
  return indicator.compute(s)
}

async function camera(tenant: string, agency: string | null, status: string, archived = false) {
  await server.kendali.ctx.db.query(
    `INSERT INTO cameras (tenant, name, location, agency_id, snapshot_url, status, archived_at)
     VALUES ($1, $2, ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), $3, 'http://192.0.2.1/snap.jpg', $4, $5)`,
    [tenant, unique('cam'), agency, status, archived ? new Date().toISOString() : null],
  )
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('cctv indicators', () => {
  it('gives the share of active cameras online among those checked, city-wide and per OPD, as a snapshot', async () => {
    const tenant = unique('t')
    const dishub = randomUUID()
    const satpol = randomUUID()
    await camera(tenant, dishub, 'online')
    await camera(tenant, dishub, 'online')
    await camera(tenant, dishub, 'offline')
    await camera(tenant, satpol, 'unknown')
    await camera(tenant, null, 'online')
    await camera(tenant, satpol, 'online', true)
    const values = await compute(scope(tenant))
    // Checked: 3 of 4 online (the never-checked and the archived camera are left out); Satpol has none checked.
    expect(values).toHaveLength(2)
    expect(values).toEqual(
      expect.arrayContaining([
        { value: 75, records: 4 },
        { breakdown: { by: 'agency', key: dishub }, value: 66.7, records: 3 },
      ]),
    )
    expect(server.kendali.ctx.indicators.get('cctv_online_pct')?.isSnapshot).toBe(true)
  })

  it('has no share for a city without cameras, nor while none has been checked (a server starting)', async () => {
    expect(await compute(scope(unique('t')))).toEqual([])
    const starting = unique('t')
    await camera(starting, null, 'unknown')
    await camera(starting, null, 'unknown')
    expect(await compute(scope(starting))).toEqual([])
  })
})
