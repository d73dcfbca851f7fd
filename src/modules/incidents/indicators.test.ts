import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope, IndicatorValue } from '../../core/indicators.ts'

let server: TestServer
// January 2026 in WIB, as the kpi module hands it over.
const JANUARY = { key: '2026-01', frequency: 'monthly' as const, start: new Date('2025-12-31T17:00:00Z'), end: new Date('2026-01-31T17:00:00Z') }
const scope = (tenant: string, population: IndicatorValue[] = []): IndicatorScope => ({
  tenant,
  period: JANUARY,
  entered: async (code) => (code === 'population' ? population : []),
})
const db = () => server.kendali.ctx.db

async function unit(tenant: string, kind: string): Promise<string> {
  const [row] = await db().query<{ id: string }>(`INSERT INTO units (tenant, callsign, kind) VALUES ($1, $2, $3) RETURNING id::text`, [
    tenant,
    unique('U'),
    kind,
  ])
  return row.id
}

async function incident(
  tenant: string,
  i: { kelurahan: string | null; kecamatan: string | null; created: string; onSceneMinutes?: number; units?: string[]; status?: string },
) {
  const created = new Date(i.created)
  const onScene = i.onSceneMinutes === undefined ? null : new Date(created.getTime() + i.onSceneMinutes * 60_000).toISOString()
  const [row] = await db().query<{ id: string }>(
    `INSERT INTO incidents (tenant, number, source, type, priority, status, location, kelurahan_code, kecamatan_code, created_at, on_scene_at)
     VALUES ($1, $2, 'call_119', 'medical', 'P1', $3, ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), $4, $5, $6, $7) RETURNING id::text`,
    [tenant, unique('I'), i.status ?? 'closed', i.kelurahan, i.kecamatan, i.created, onScene],
  )
  for (const unitId of i.units ?? []) {
    await db().query(`INSERT INTO dispatches (tenant, incident_id, unit_id, assigned_at, released_at) VALUES ($1, $2, $3, $4, $4)`, [
      tenant,
      row.id,
      unitId,
      i.created,
    ])
  }
}

const compute = (code: string, s: IndicatorScope) => {
  const indicator = server.kendali.ctx.indicators.get(code)
  if (!indicator) throw new Error(`${code} is not registered`)
  return indicator.compute(s)
}
const sorted = (values: IndicatorValue[]) => values.map((v) => [v.breakdown?.key ?? 'city', v.value]).sort((a, b) => String(a[0]).localeCompare(String(b[0])))

let tenant: string
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  tenant = unique('t')
  const ambulance = await unit(tenant, 'ambulance')
  const fireEngine = await unit(tenant, 'fire_engine')
  await incident(tenant, { kelurahan: 'K1.1', kecamatan: 'K1', created: '2026-01-02T00:00:00Z', onSceneMinutes: 10, units: [ambulance] })
  await incident(tenant, { kelurahan: 'K1.1', kecamatan: 'K1', created: '2026-01-03T00:00:00Z', onSceneMinutes: 20, units: [ambulance, fireEngine] })
  await incident(tenant, { kelurahan: 'K2.1', kecamatan: 'K2', created: '2026-01-04T00:00:00Z', onSceneMinutes: 30, units: [ambulance] })
  // A fire engine only, an ambulance not yet there, a cancelled call, one outside every kelurahan, one in February.
  await incident(tenant, { kelurahan: 'K2.1', kecamatan: 'K2', created: '2026-01-05T00:00:00Z', onSceneMinutes: 5, units: [fireEngine] })
  await incident(tenant, { kelurahan: 'K2.1', kecamatan: 'K2', created: '2026-01-06T00:00:00Z', units: [ambulance], status: 'dispatched' })
  await incident(tenant, { kelurahan: 'K1.1', kecamatan: 'K1', created: '2026-01-07T00:00:00Z', status: 'cancelled' })
  await incident(tenant, { kelurahan: null, kecamatan: null, created: '2026-01-08T00:00:00Z' })
  await incident(tenant, { kelurahan: 'K1.1', kecamatan: 'K1', created: '2026-01-31T17:00:00Z', onSceneMinutes: 1, units: [ambulance] })
})
afterAll(() => server.close())

describe('incident indicators', () => {
  it('computes ambulance response p50 and p90 from call to arrival, city-wide and per kecamatan', async () => {
    // City [10, 20, 30]; K1 [10, 20]; K2 [30] (continuous percentiles).
    expect(sorted(await compute('ambulance_response_p50', scope(tenant)))).toEqual([
      ['city', 20],
      ['K1', 15],
      ['K2', 30],
    ])
    expect(sorted(await compute('ambulance_response_p90', scope(tenant)))).toEqual([
      ['city', 28],
      ['K1', 19],
      ['K2', 30],
    ])
  })

  it('computes incidents per 10,000 inhabitants of each kelurahan with an entered population', async () => {
    const population = [
      { breakdown: { by: 'kelurahan' as const, key: 'K1.1' }, value: 20_000 },
      { breakdown: { by: 'kelurahan' as const, key: 'K2.1' }, value: 5_000 },
      { breakdown: { by: 'kelurahan' as const, key: 'K3.1' }, value: 10_000 },
    ]
    // K1.1: 2 incidents (the cancelled one aside); K2.1: 3; K3.1: none, a true zero; the city counts the one
    // outside every kelurahan too: 6 × 10,000 ÷ 35,000.
    expect(sorted(await compute('incidents_per_10k', scope(tenant, population)))).toEqual([
      ['city', 1.71],
      ['K1.1', 1],
      ['K2.1', 6],
      ['K3.1', 0],
    ])
  })

  it('has no incident rate without populations and no response time without ambulance calls', async () => {
    expect(await compute('incidents_per_10k', scope(tenant))).toEqual([])
    expect(await compute('ambulance_response_p50', scope(unique('t')))).toEqual([])
  })
})
