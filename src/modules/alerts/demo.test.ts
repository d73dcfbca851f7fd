import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { seedAlertsDemo } from './demo.ts'
import { alertsServices } from './index.ts'

let server: TestServer

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

const demoRows = () =>
  server.kendali.ctx.db.query<{ source_key: string; status: string; approver: string; author: string }>(
    `SELECT source_key, status, author, approver FROM alerts WHERE tenant = '33.71' AND source_key LIKE 'demo:%' ORDER BY source_key`,
  )

describe('alerts demo', () => {
  it('gives Kota Magelang an active flood watch on the Progo bank and an expired warning, approved by a second person', async () => {
    expect(await demoRows()).toEqual([
      { source_key: 'demo:angin-kencang', status: 'expired', author: 'operator', approver: 'admin' },
      { source_key: 'demo:banjir-kali-progo', status: 'published', author: 'operator', approver: 'admin' },
    ])
    const active = json<{ items: { headline: string; regions: { name: string }[] }[] }>(
      await server.kendali.app.inject({ method: 'GET', url: '/api/t/33.71/alerts/active' }),
    ).items
    const progo = active.find((a) => a.headline === 'Waspada banjir Kali Progo')
    expect(progo?.regions.map((r) => r.name)).toEqual(expect.arrayContaining(['Kemirirejo', 'Cacaban', 'Jurangombo Selatan']))
    expect(active.some((a) => a.headline === 'Angin kencang di Magelang Selatan')).toBe(false)
  })

  it('seeds nothing twice', async () => {
    const ctx = server.kendali.ctx
    const services = alertsServices(ctx)
    await seedAlertsDemo(ctx.db, (instant) => alertsServices(ctx, { clock: () => instant }).alerts, services.templates)
    expect(await demoRows()).toHaveLength(2)
    const templates = await ctx.db.query(`SELECT 1 FROM alert_templates WHERE tenant = '33.71' AND lower(name) = 'banjir'`)
    expect(templates).toHaveLength(1)
  })
})
