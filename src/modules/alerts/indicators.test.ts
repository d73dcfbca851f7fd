import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { IndicatorScope } from '../../core/indicators.ts'

let server: TestServer
// November 2026 in Asia/Jakarta (UTC+7).
const NOVEMBER = { key: '2026-11', frequency: 'monthly' as const, start: new Date('2026-10-31T17:00:00Z'), end: new Date('2026-11-30T17:00:00Z') }
const scope = (tenant: string): IndicatorScope => ({ tenant, period: NOVEMBER, entered: async () => [] })
const compute = (s: IndicatorScope) => {
  const indicator = server.kendali.ctx.indicators.get('alerts_issued')
  if (!indicator) throw new Error('alerts_issued is not registered')
  return indicator.compute(s)
}

async function message(tenant: string, msgType: string, status: string, sentAt: string | null, createdAt = '2026-10-01T00:00:00Z') {
  const id = randomUUID()
  await server.kendali.ctx.db.query(
    `INSERT INTO alerts (tenant, id, identifier, thread, msg_type, status, info, area_desc, expires, author, sent_at, created_at)
     VALUES ($1, $2, $3, $2, $4, $5, '{"event":"Banjir"}'::jsonb, 'Kemirirejo', '2026-12-31T00:00:00Z', 'operator', $6, $7)`,
    [tenant, id, unique('id'), msgType, status, sentAt, createdAt],
  )
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('alerts indicators', () => {
  it('counts the new warnings published in the month, not updates, cancels, drafts or other months', async () => {
    const tenant = unique('t')
    // Counted: published Alerts sent inside November (local time), whatever they became afterwards.
    await message(tenant, 'Alert', 'published', '2026-10-31T17:00:00Z') // 1 Nov 00:00 WIB
    await message(tenant, 'Alert', 'superseded', '2026-11-10T03:00:00Z')
    await message(tenant, 'Alert', 'expired', '2026-11-30T16:59:59Z') // 30 Nov 23:59:59 WIB
    // Not counted.
    await message(tenant, 'Update', 'published', '2026-11-11T03:00:00Z')
    await message(tenant, 'Cancel', 'published', '2026-11-12T03:00:00Z')
    await message(tenant, 'Alert', 'draft', null)
    await message(tenant, 'Alert', 'discarded', null)
    await message(tenant, 'Alert', 'expired', '2026-10-31T16:59:59Z') // 31 Oct 23:59:59 WIB
    await message(tenant, 'Alert', 'published', '2026-11-30T17:00:00Z') // 1 Dec 00:00 WIB
    await message(unique('t'), 'Alert', 'published', '2026-11-10T03:00:00Z') // another city
    expect(await compute(scope(tenant))).toEqual([{ value: 3, records: 3 }])
  })

  it('gives zero for a month without warnings of a city that uses alerts, nothing for a city that never did', async () => {
    const quiet = unique('t')
    await message(quiet, 'Alert', 'expired', '2026-09-01T03:00:00Z')
    expect(await compute(scope(quiet))).toEqual([{ value: 0, records: 0 }])
    expect(await compute(scope(unique('t')))).toEqual([])
  })

  it('is registered with the metadata the kpi catalogue expects', () => {
    expect(server.kendali.ctx.indicators.get('alerts_issued')).toMatchObject({ frequency: 'monthly', unit: 'count', dimension: 'society', direction: 'higher' })
    expect(server.kendali.ctx.indicators.moduleOf('alerts_issued')).toBe('alerts')
  })
})
