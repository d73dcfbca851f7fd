import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { EventConsumer } from '../../core/events/consumer.ts'
import { alarmDraftIntake, JOB_ALARM_DRAFT } from './alarm-drafts.ts'

let server: TestServer
let admin: string
let consumer: EventConsumer
const inject = (opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { cookie: admin, ...opts.headers } })
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString()

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  admin = await loginCookie(server.kendali, 'admin')
  // Background work is off in tests: listen as the module's start() does.
  const { ctx } = server.kendali
  consumer = new EventConsumer(alarmDraftIntake(ctx.jobs), {
    db: () => ctx.db,
    bus: ctx.bus,
    holdsLease: async () => true,
    onError: (err) => {
      throw err
    },
  })
  await consumer.start()
})
afterAll(async () => {
  await consumer.stop()
  await server.close()
})

describe('a sensor rule that asks for a warning', () => {
  it('drafts one warning for the operator when its alarm is raised, however often the alarm is heard', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/devices',
      payload: {
        name: unique('AWLR Progo'),
        kind: 'flood_level',
        metrics: [{ name: 'water_level', unit: 'cm' }],
        location: { type: 'Point', coordinates: [110.2121, -7.4702] },
        intervalSeconds: 60,
      },
    })
    expect(created.statusCode).toBe(201)
    const device = json<{ id: string; token: string }>(created)
    const rule = await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      payload: {
        name: 'Siaga minta peringatan',
        deviceId: device.id,
        metric: 'water_level',
        comparison: '>=',
        threshold: 250,
        severity: 'siaga',
        action: 'alert_draft',
      },
    })
    expect(rule.statusCode, rule.body).toBe(201)
    const sent = await inject({
      method: 'POST',
      url: `/api/t/33.71/devices/${device.id}/readings`,
      headers: { cookie: '', authorization: `Bearer ${device.token}` },
      payload: [{ ts: minutesAgo(1), values: { water_level: 262 } }],
    })
    expect(sent.statusCode, sent.body).toBeLessThan(300)

    const drafts = async () => {
      await server.kendali.ctx.jobs.runDue(100)
      const res = await inject({ method: 'GET', url: '/api/t/33.71/alerts?status=draft&limit=100' })
      return json<{ items: { alarmId: string | null; headline: string; severity: string; author: string }[] }>(res).items.filter((a) =>
        a.headline.includes('AWLR Progo'),
      )
    }
    await expect.poll(async () => (await drafts()).length).toBe(1)
    const [draft] = await drafts()
    expect(draft).toMatchObject({ severity: 'Severe', author: 'system:sensors' })
    expect(draft.alarmId).not.toBeNull()

    // The same alarm heard again later (another instance, a replay) makes no second draft.
    await server.kendali.ctx.jobs.enqueue(server.kendali.ctx.db, '33.71', JOB_ALARM_DRAFT, { alarmId: draft.alarmId })
    expect(await drafts()).toHaveLength(1)
  })
})
