import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { incidentFromAlarm, listenForAlarms } from './alarm-intake.ts'
import { incidentsServices } from './index.ts'

const alarm = (data: Record<string, unknown>): KendaliEvent => ({
  seq: 1,
  tenant: '33.71',
  topic: 'sensors',
  type: 'alarm.raised',
  entity: 'b7c6f4a0-0000-4000-8000-000000000001',
  actor: null,
  at: new Date().toISOString(),
  data: {
    name: 'AWLR Uji',
    metric: 'water_level',
    value: 312,
    severity: 'awas',
    action: 'incident',
    location: { type: 'Point', coordinates: [110.2063, -7.4608] },
    ...data,
  },
})

describe('which sensor alarms become incidents', () => {
  it('turns an Awas flood alarm whose rule asks for an incident into a P1 flood from the sensor', () => {
    expect(incidentFromAlarm(alarm({}))).toMatchObject({ type: 'flood', priority: 'P1', source: 'sensor', alarmId: 'b7c6f4a0-0000-4000-8000-000000000001' })
  })

  it('leaves alarms of rules that only alarm, and other events, alone', () => {
    expect(incidentFromAlarm(alarm({ action: 'alarm' }))).toBeNull()
    expect(incidentFromAlarm({ ...alarm({}), type: 'alarm.cleared' })).toBeNull()
  })
})

describe('sensor alarms to incidents, end to end', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestKendali({ listen: false })
  })
  afterAll(() => server.close())

  it('makes one incident per alarm, linked to it, however many times the alarm is heard of', async () => {
    const { ctx, app } = server.kendali
    const s = incidentsServices(ctx)
    const stop = listenForAlarms(
      ctx.bus,
      s.incidents,
      () => ctx.db,
      (err) => {
        throw err
      },
    )
    const admin = await loginCookie(server.kendali, 'admin')
    const inject = (opts: InjectOptions) => app.inject({ ...opts, headers: { ...opts.headers, cookie: admin } })
    const device = json<{ id: string; token: string }>(
      await inject({
        method: 'POST',
        url: '/api/t/33.71/devices',
        payload: {
          name: 'AWLR Uji Insiden',
          kind: 'flood_level',
          metrics: [{ name: 'water_level', unit: 'cm' }],
          location: { type: 'Point', coordinates: [110.2331, -7.4983] },
        },
      }),
    )
    await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      payload: { name: 'Awas uji insiden', deviceId: device.id, metric: 'water_level', comparison: '>', threshold: 300, severity: 'awas', action: 'incident' },
    })
    const raised: KendaliEvent[] = []
    const created = new Promise<KendaliEvent>((resolve) => {
      const off = ctx.bus.subscribe((e) => {
        if (e.type === 'alarm.raised' && e.data.deviceId === device.id) raised.push(e)
        if (e.type === 'incident.created' && e.actor === 'system:sensors') {
          off()
          resolve(e)
        }
      })
    })
    await app.inject({
      method: 'POST',
      url: `/api/t/33.71/devices/${device.id}/readings`,
      headers: { authorization: `Bearer ${device.token}` },
      payload: { values: { water_level: 320 } },
    })
    const event = await created
    const incident = await s.incidents.detail(ctx.db, '33.71', event.entity ?? '')
    expect(incident).toMatchObject({ type: 'flood', priority: 'P1', source: 'sensor', alarmId: raised[0].entity })
    expect(incident.kelurahan).not.toBeNull()
    // Another instance hears the same alarm (NATS): still one incident.
    const input = incidentFromAlarm(raised[0])
    const alarmId = input?.alarmId
    if (!input || !alarmId) throw new Error('the raised alarm asks for no incident')
    const again = await Promise.all([1, 2].map(() => s.incidents.createFromAlarm(ctx.db, '33.71', { ...input, alarmId })))
    expect(again.map((i) => i.id)).toEqual([incident.id, incident.id])
    await stop()
  })
})
