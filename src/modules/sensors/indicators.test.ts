import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope } from '../../core/indicators.ts'

let server: TestServer
// January 2026 in WIB, as the kpi module hands it over.
const JANUARY = { key: '2026-01', frequency: 'monthly' as const, start: new Date('2025-12-31T17:00:00Z'), end: new Date('2026-01-31T17:00:00Z') }
const scope = (tenant: string): IndicatorScope => ({ tenant, period: JANUARY, entered: async () => [] })
const compute = (s: IndicatorScope) => {
  const indicator = server.kendali.ctx.indicators.get('sensor_alarms')
  if (!indicator) throw new Error('sensor_alarms is not registered')
  return indicator.compute(s)
}

async function alarm(tenant: string, device: string, kind: string, raised: string) {
  await server.kendali.ctx.db.query(`INSERT INTO alarms (tenant, kind, device_id, severity, status, raised_at) VALUES ($1, $2, $3, 'warning', 'cleared', $4)`, [
    tenant,
    kind,
    device,
    raised,
  ])
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('sensor indicators', () => {
  it('counts the threshold alarms raised in the period', async () => {
    const tenant = unique('t')
    const device = unique('dev')
    await server.kendali.ctx.db.query(
      `INSERT INTO devices (tenant, id, name, kind, metrics, location, token_hash, created_at)
       VALUES ($1, $2, 'AWLR uji', 'water_level', '[]', ST_SetSRID(ST_MakePoint(110.2, -7.47), 4326), 'x', '2025-06-01T00:00:00Z')`,
      [tenant, device],
    )
    await alarm(tenant, device, 'threshold', '2025-12-31T17:00:00Z')
    await alarm(tenant, device, 'threshold', '2026-01-15T00:00:00Z')
    await alarm(tenant, device, 'threshold', '2026-01-31T17:00:00Z')
    await alarm(tenant, device, 'offline', '2026-01-16T00:00:00Z')
    expect(await compute(scope(tenant))).toEqual([{ value: 2, records: 2 }])
  })

  it('shows a city without sensors as missing, not as zero alarms', async () => {
    expect(await compute(scope(unique('t')))).toEqual([])
  })
})
