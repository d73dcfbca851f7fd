import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { EventConsumer } from '../../core/events/consumer.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { alarmIntake, incidentFromAlarm } from './alarm-intake.ts'
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

  /** A water-level gauge whose Awas rule (> 300 cm) asks for an incident. */
  async function floodGaugeAskingForIncidents(name: string, coordinates: [number, number]) {
    const admin = await loginCookie(server.kendali, 'admin')
    const inject = (opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: admin } })
    const device = json<{ id: string; token: string }>(
      await inject({
        method: 'POST',
        url: '/api/t/33.71/devices',
        payload: { name, kind: 'flood_level', metrics: [{ name: 'water_level', unit: 'cm' }], location: { type: 'Point', coordinates } },
      }),
    )
    await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      payload: { name: `Awas ${name}`, deviceId: device.id, metric: 'water_level', comparison: '>', threshold: 300, severity: 'awas', action: 'incident' },
    })
    return device
  }

  it('makes one incident per alarm, linked to it, however many times the alarm is heard of', async () => {
    const { ctx, app } = server.kendali
    const s = incidentsServices(ctx)
    const consumer = new EventConsumer(alarmIntake(s.incidents), {
      db: () => ctx.db,
      bus: ctx.bus,
      holdsLease: async () => true,
      onError: (err) => {
        throw err
      },
    })
    await consumer.start()
    const device = await floodGaugeAskingForIncidents('AWLR Uji Insiden', [110.2331, -7.4983])
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
    const incident = await s.incidents.detail(ctx.db, '33.71', event.entity ?? '', true)
    expect(incident).toMatchObject({ type: 'flood', priority: 'P1', source: 'sensor', alarmId: raised[0].entity })
    expect(incident.kelurahan).not.toBeNull()
    // Another instance hears the same alarm (NATS): still one incident.
    const input = incidentFromAlarm(raised[0])
    const alarmId = input?.alarmId
    if (!input || !alarmId) throw new Error('the raised alarm asks for no incident')
    const again = await Promise.all([1, 2].map(() => s.incidents.createFromAlarm(ctx.db, '33.71', { ...input, alarmId })))
    expect(again.map((i) => i.id)).toEqual([incident.id, incident.id])
    await consumer.stop()
  })

  it('turns an alarm raised while no instance listened into an incident when the intake comes back', async () => {
    const { ctx, app } = server.kendali
    const s = incidentsServices(ctx)
    const admin = await loginCookie(server.kendali, 'admin')
    const inject = (opts: InjectOptions) => app.inject({ ...opts, headers: { ...opts.headers, cookie: admin } })
    const device = await floodGaugeAskingForIncidents('AWLR Uji Mati Lampu', [110.2231, -7.4783])
    const options = { db: () => ctx.db, bus: ctx.bus, holdsLease: async () => true, onError: (err: unknown) => expect.unreachable(String(err)) }
    // The intake has read up to now, then stops (the instance restarts).
    const before = new EventConsumer(alarmIntake(s.incidents), options)
    await before.start()
    await before.poke()
    await before.stop()
    await app.inject({
      method: 'POST',
      url: `/api/t/33.71/devices/${device.id}/readings`,
      headers: { authorization: `Bearer ${device.token}` },
      payload: { values: { water_level: 335 } },
    })
    const alarms = json<{ items: { id: string; deviceId: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/alarms?status=active&limit=200' }))
    const alarmId = alarms.items.find((a) => a.deviceId === device.id)?.id as string
    expect(alarmId).toBeDefined()
    const after = new EventConsumer(alarmIntake(s.incidents), options)
    await after.start()
    await after.poke()
    await after.stop()
    const incidents = json<{ items: { alarmId: string | null }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/incidents?limit=200' }))
    expect(incidents.items.filter((i) => i.alarmId === alarmId)).toHaveLength(1)
  })
})
