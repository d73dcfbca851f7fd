import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope } from '../../core/indicators.ts'

let server: TestServer
const NOVEMBER = { key: '2026-11', frequency: 'monthly' as const, start: new Date('2026-10-31T17:00:00Z'), end: new Date('2026-11-30T17:00:00Z') }
const scope = (tenant: string): IndicatorScope => ({ tenant, period: NOVEMBER, entered: async () => [] })
const compute = (s: IndicatorScope) => {
  const indicator = server.kendali.ctx.indicators.get('datasets_published')
  if (!indicator) throw new Error('datasets_published is not registered')
  return indicator.compute(s)
}

async function dataset(tenant: string, agency: string | null, isPublic: boolean, deleted = false) {
  await server.kendali.ctx.db.query(`INSERT INTO datahub_datasets (tenant, name, title, agency_id, is_public, deleted_at) VALUES ($1, $2, 'Uji', $3, $4, $5)`, [
    tenant,
    unique('ds').toLowerCase(),
    agency,
    isPublic,
    deleted ? new Date().toISOString() : null,
  ])
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('data hub indicators', () => {
  it('counts public datasets not deleted, city-wide and per owning OPD, as a snapshot', async () => {
    const tenant = unique('t')
    const dinkes = randomUUID()
    const dlh = randomUUID()
    await dataset(tenant, dinkes, true)
    await dataset(tenant, dinkes, true)
    await dataset(tenant, dinkes, false)
    await dataset(tenant, dlh, false)
    await dataset(tenant, dlh, true, true)
    await dataset(tenant, null, true)
    const values = await compute(scope(tenant))
    expect(values).toHaveLength(3)
    expect(values).toEqual(
      expect.arrayContaining([
        { value: 3, records: 5 },
        { breakdown: { by: 'agency', key: dinkes }, value: 2, records: 3 },
        { breakdown: { by: 'agency', key: dlh }, value: 0, records: 1 },
      ]),
    )
    expect(server.kendali.ctx.indicators.get('datasets_published')?.isSnapshot).toBe(true)
  })

  it('has no count for a city that has no dataset yet', async () => {
    expect(await compute(scope(unique('t')))).toEqual([])
  })
})
