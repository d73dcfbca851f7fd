import type { InjectOptions } from 'fastify'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LiveProbe } from '../../../test/support/live.ts'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { connectMqtt } from './index.ts'
import { SensorService } from './service.ts'

type Device = { id: string; token: string; status: string; latest: Record<string, { value: number; at: string }> }
type Alarm = { id: string; status: string; severity: string; kind: string; value: number }

let server: TestServer
let admin: string
let operator: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const minutesAgo = (m: number) => new Date(Date.now() - m * 60_000).toISOString()

async function newGauge(name = 'AWLR Uji'): Promise<Device> {
  const res = await inject({
    method: 'POST',
    url: '/api/t/33.71/devices',
    headers: { cookie: admin },
    payload: {
      name,
      kind: 'flood_level',
      metrics: [{ name: 'water_level', unit: 'cm' }],
      location: { type: 'Point', coordinates: [110.21, -7.47] },
      intervalSeconds: 60,
    },
  })
  expect(res.statusCode).toBe(201)
  return json<Device>(res)
}

const send = (device: Device, payload: unknown, token = device.token, tenant = '33.71') =>
  inject({ method: 'POST', url: `/api/t/${tenant}/devices/${device.id}/readings`, headers: { authorization: `Bearer ${token}` }, payload: payload as object })

beforeAll(async () => {
  server = await startTestKendali({ listen: true })
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
})
afterAll(() => server.close())

describe('devices', () => {
  it('registers a device with a token shown once, for admins only', async () => {
    const device = await newGauge()
    expect(device.token).toMatch(/^kdd_/)
    const shown = await inject({ method: 'GET', url: `/api/t/33.71/devices/${device.id}`, headers: { cookie: operator } })
    expect(shown.statusCode).toBe(200)
    expect(shown.body).not.toContain(device.token)
    const refused = await inject({
      method: 'POST',
      url: '/api/t/33.71/devices',
      headers: { cookie: operator },
      payload: { name: 'X', kind: 'rain_gauge', metrics: [{ name: 'rainfall', unit: 'mm' }], location: { type: 'Point', coordinates: [110.21, -7.47] } },
    })
    expect(refused.statusCode).toBe(403)
  })

  it('stops the old token at once when the token is rotated', async () => {
    const device = await newGauge()
    const rotated = json<Device>(await inject({ method: 'POST', url: `/api/t/33.71/devices/${device.id}/token`, headers: { cookie: admin } }))
    expect((await send(device, { values: { water_level: 100 } })).statusCode).toBe(401)
    expect((await send(device, { values: { water_level: 100 } }, rotated.token)).statusCode).toBe(200)
  })
})

describe('readings over HTTP', () => {
  it('stores good readings, keeps the latest per metric, and names and counts the bad ones', async () => {
    const device = await newGauge()
    const res = await send(device, [
      { ts: minutesAgo(3), values: { water_level: 120 } },
      { ts: minutesAgo(2), values: { water_level: 125, humidity: 90 } },
      { ts: new Date(Date.now() + 3600_000).toISOString(), values: { water_level: 999 } },
    ])
    expect(res.statusCode).toBe(200)
    expect(json(res)).toMatchObject({
      accepted: 2,
      rejected: [
        { index: 1, field: 'values.humidity' },
        { index: 2, field: 'ts' },
      ],
    })
    const shown = json<Device>(await inject({ method: 'GET', url: `/api/t/33.71/devices/${device.id}`, headers: { cookie: operator } }))
    expect(shown.latest.water_level.value).toBe(125)
    expect(shown.status).toBe('online')
    const counts = await new SensorService(server.kendali.ctx.events).rejections(server.kendali.ctx.db, '33.71', device.id)
    expect(counts).toEqual({ values: 1, ts: 1 })
  })

  it("refuses a wrong token, another city's path and a missing token, storing nothing", async () => {
    const device = await newGauge()
    expect((await send(device, { values: { water_level: 50 } }, 'kdd_salah')).statusCode).toBe(401)
    expect((await send(device, { values: { water_level: 50 } }, device.token, '35.73')).statusCode).toBe(401)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/devices/${device.id}/readings`, payload: { values: { water_level: 50 } } })).statusCode).toBe(401)
    const shown = json<Device>(await inject({ method: 'GET', url: `/api/t/33.71/devices/${device.id}`, headers: { cookie: operator } }))
    expect(shown.latest).toEqual({})
  })

  it('reads SenML packs (RFC 8428) too', async () => {
    const device = await newGauge()
    const bt = Date.now() / 1000 - 120
    const res = await send(device, [
      { bn: `urn:dev:kendali:${device.id}:`, bt, bu: 'cm', n: 'water_level', v: 140 },
      { n: 'water_level', t: 60, v: 142 },
    ])
    expect(json(res)).toMatchObject({ accepted: 2, rejected: [] })
  })

  it('keeps a reading sent again (a redelivery) once, as first stored, and stores the new ones beside it', async () => {
    const device = await newGauge()
    const first = minutesAgo(5)
    expect(json(await send(device, { ts: first, values: { water_level: 150 } }))).toMatchObject({ accepted: 1 })
    const again = await send(device, [
      { ts: first, values: { water_level: 999 } },
      { ts: minutesAgo(4), values: { water_level: 151 } },
    ])
    expect(again.statusCode).toBe(200)
    const history = json<{ points: { t: string; value: number }[] }>(
      await inject({
        method: 'GET',
        url: `/api/t/33.71/devices/${device.id}/readings?metric=water_level&from=${minutesAgo(60)}&to=${minutesAgo(0)}`,
        headers: { cookie: operator },
      }),
    )
    expect(history.points.map((p) => p.value)).toEqual([150, 151])
  })

  it('answers history raw for short ranges and in buckets for long ones', async () => {
    const device = await newGauge()
    await send(
      device,
      [10, 8, 6, 4, 2].map((m, i) => ({ ts: minutesAgo(m), values: { water_level: 100 + i } })),
    )
    const raw = json<{ resolution: string; points: { value: number }[] }>(
      await inject({
        method: 'GET',
        url: `/api/t/33.71/devices/${device.id}/readings?metric=water_level&from=${minutesAgo(60)}&to=${minutesAgo(0)}`,
        headers: { cookie: operator },
      }),
    )
    expect(raw.resolution).toBe('raw')
    expect(raw.points.map((p) => p.value)).toEqual([100, 101, 102, 103, 104])
    const daily = json<{ resolution: string; buckets: { count: number; min: number; max: number }[] }>(
      await inject({
        method: 'GET',
        url: `/api/t/33.71/devices/${device.id}/readings?metric=water_level&from=${minutesAgo(3 * 1440)}&to=${minutesAgo(0)}`,
        headers: { cookie: operator },
      }),
    )
    expect(daily.resolution).toBe('5m')
    expect(daily.buckets.reduce((n, b) => n + b.count, 0)).toBe(5)
    expect(Math.min(...daily.buckets.map((b) => b.min))).toBe(100)
    const wrongMetric = await inject({
      method: 'GET',
      url: `/api/t/33.71/devices/${device.id}/readings?metric=pm25&from=${minutesAgo(60)}&to=${minutesAgo(0)}`,
      headers: { cookie: operator },
    })
    expect(wrongMetric.statusCode).toBe(400)
  })
})

describe('rules and alarms', () => {
  it('raises one alarm after the duration, shows it live, lets an operator acknowledge it, and clears it past the hysteresis', async () => {
    const device = await newGauge('AWLR Uji Siaga')
    const rule = await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      headers: { cookie: admin },
      payload: {
        name: 'Siaga uji',
        deviceId: device.id,
        metric: 'water_level',
        comparison: '>=',
        threshold: 250,
        durationSeconds: 300,
        hysteresis: 10,
        severity: 'siaga',
      },
    })
    expect(rule.statusCode).toBe(201)
    const ruleId = json<{ id: string }>(rule).id
    const probe = await LiveProbe.open(server.url, '33.71', operator)
    await probe.send({ subscribe: ['sensors'] })
    await send(device, [
      { ts: minutesAgo(20), values: { water_level: 255 } },
      { ts: minutesAgo(18), values: { water_level: 260 } },
    ])
    await send(device, [
      { ts: minutesAgo(14), values: { water_level: 270 } },
      { ts: minutesAgo(12), values: { water_level: 280 } },
    ])
    // The demo's flood rules watch every flood gauge too; this test follows its own rule.
    const mine = () => probe.events.filter((e: KendaliEvent) => e.data.ruleId === ruleId)
    await expect.poll(() => mine().length).toBe(1)
    const raised = mine().find((e) => e.type === 'alarm.raised')
    expect(raised?.data).toMatchObject({ severity: 'siaga', value: 270, deviceId: device.id })
    const open = json<{ items: Alarm[] }>(await inject({ method: 'GET', url: '/api/t/33.71/alarms?status=open', headers: { cookie: operator } }))
    expect(open.items.filter((a) => a.id === raised?.entity)).toHaveLength(1)
    const acked = await inject({ method: 'POST', url: `/api/t/33.71/alarms/${raised?.entity}/ack`, headers: { cookie: operator } })
    expect(json(acked)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator' })
    expect((await inject({ method: 'POST', url: `/api/t/33.71/alarms/${raised?.entity}/ack`, headers: { cookie: operator } })).statusCode).toBe(409)
    await send(device, [
      { ts: minutesAgo(8), values: { water_level: 245 } },
      { ts: minutesAgo(6), values: { water_level: 238 } },
    ])
    await expect.poll(() => mine().length).toBe(3)
    expect(mine().map((e) => e.type)).toEqual(['alarm.raised', 'alarm.acknowledged', 'alarm.cleared'])
    await probe.close()
  })

  it('raises an offline alarm for a silent device and clears it when the device speaks again', async () => {
    const device = await newGauge('AWLR Uji Diam')
    const sensors = new SensorService(server.kendali.ctx.events)
    await send(device, { ts: minutesAgo(1), values: { water_level: 90 } })
    await sensors.markSilentDevices(server.kendali.ctx.db, new Date(Date.now() + 10 * 60_000))
    const offline = json<Device>(await inject({ method: 'GET', url: `/api/t/33.71/devices/${device.id}`, headers: { cookie: operator } }))
    expect(offline.status).toBe('offline')
    const alarms = json<{ items: (Alarm & { deviceId: string })[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/alarms?limit=1000', headers: { cookie: operator } }),
    )
    expect(alarms.items.filter((a) => a.deviceId === device.id).map((a) => a.kind)).toEqual(['offline'])
    await send(device, { values: { water_level: 91 } })
    const after = json<{ items: (Alarm & { deviceId: string })[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/alarms?status=cleared&limit=1000', headers: { cookie: operator } }),
    )
    expect(after.items.filter((a) => a.deviceId === device.id).map((a) => a.kind)).toEqual(['offline'])
  })
})

describe('readings over MQTT', () => {
  it('stores what a device publishes with its id and token, and refuses wrong credentials', async () => {
    const device = await newGauge('AWLR Uji MQTT')
    const rule = await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      headers: { cookie: admin },
      payload: { name: 'Awas uji', deviceId: device.id, metric: 'water_level', comparison: '>', threshold: 300, severity: 'awas' },
    })
    const ruleId = json<{ id: string }>(rule).id
    const { ctx } = server.kendali
    const connection = connectMqtt(ctx, new SensorService(ctx.events))
    const url = `mqtt://127.0.0.1:${ctx.mqtt.port}`
    await expect(mqtt.connectAsync(url, { username: device.id, password: 'salah', reconnectPeriod: 0 })).rejects.toThrow(/[Nn]ot authorized/)
    const client = await mqtt.connectAsync(url, { username: device.id, password: device.token, reconnectPeriod: 0 })
    const raised = new Promise<KendaliEvent>((resolve) => {
      const stop = ctx.bus.subscribe((e) => {
        if (e.type === 'alarm.raised' && e.data.ruleId === ruleId) {
          stop()
          resolve(e)
        }
      })
    })
    await client.publishAsync(`kendali/33.71/devices/${device.id}/up`, JSON.stringify({ values: { water_level: 312 } }), { qos: 1 })
    expect((await raised).data).toMatchObject({ severity: 'awas', value: 312 })
    const shown = json<Device>(await inject({ method: 'GET', url: `/api/t/33.71/devices/${device.id}`, headers: { cookie: operator } }))
    expect(shown.latest.water_level.value).toBe(312)
    await client.endAsync()
    connection.stop()
  })
})

describe('device and rule management', () => {
  it('lets admins edit and archive a device; the archived device neither logs in nor keeps open alarms', async () => {
    const device = await newGauge('AWLR Uji Arsip')
    const url = `/api/t/33.71/devices/${device.id}`
    const edited = await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { name: 'AWLR Kali Manggis', intervalSeconds: 120 } })
    expect(json(edited)).toMatchObject({ name: 'AWLR Kali Manggis', intervalSeconds: 120, kind: 'flood_level' })
    expect((await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { kind: 'rain_gauge' } })).statusCode).toBe(400)
    const malang = await loginCookie(server.kendali, 'malang_admin')
    for (const cookie of [operator, malang]) {
      expect((await inject({ method: 'PATCH', url, headers: { cookie }, payload: { name: 'Diubah' } })).statusCode).toBe(403)
      expect((await inject({ method: 'DELETE', url, headers: { cookie } })).statusCode).toBe(403)
    }
    await new SensorService(server.kendali.ctx.events).markSilentDevices(server.kendali.ctx.db, new Date(Date.now() + 86_400_000))
    const openOf = async () =>
      json<{ items: (Alarm & { deviceId: string })[] }>(
        await inject({ method: 'GET', url: '/api/t/33.71/alarms?status=open&limit=1000', headers: { cookie: operator } }),
      ).items.filter((a) => a.deviceId === device.id)
    expect(await openOf()).toHaveLength(1)

    expect((await inject({ method: 'DELETE', url, headers: { cookie: admin } })).statusCode).toBe(204)
    expect(await openOf()).toHaveLength(0)
    expect((await inject({ method: 'GET', url, headers: { cookie: operator } })).statusCode).toBe(404)
    expect((await send(device, { ts: minutesAgo(1), values: { water_level: 90 } })).statusCode).toBe(401)
    expect((await inject({ method: 'DELETE', url, headers: { cookie: admin } })).statusCode).toBe(404)
  })

  it('lets admins change a rule and delete it, clearing its open alarm', async () => {
    const device = await newGauge('AWLR Uji Aturan')
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/rules',
      headers: { cookie: admin },
      payload: { name: 'Waspada uji', deviceId: device.id, metric: 'water_level', comparison: '>=', threshold: 500, severity: 'waspada' },
    })
    const rule = json<{ id: string }>(created)
    const url = `/api/t/33.71/rules/${rule.id}`
    const changed = await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { threshold: 200, severity: 'awas' } })
    expect(json(changed)).toMatchObject({ threshold: 200, severity: 'awas', metric: 'water_level', deviceId: device.id })
    expect((await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { severity: 'bahaya' } })).statusCode).toBe(400)
    expect((await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { metric: 'rain' } })).statusCode).toBe(400)
    const malang = await loginCookie(server.kendali, 'malang_admin')
    for (const cookie of [operator, malang]) {
      expect((await inject({ method: 'PATCH', url, headers: { cookie }, payload: { threshold: 1 } })).statusCode).toBe(403)
      expect((await inject({ method: 'DELETE', url, headers: { cookie } })).statusCode).toBe(403)
    }
    // The changed threshold is the one that counts now.
    await send(device, { ts: minutesAgo(1), values: { water_level: 210 } })
    const mine = async (status: string) =>
      json<{ items: (Alarm & { ruleId: string })[] }>(
        await inject({ method: 'GET', url: `/api/t/33.71/alarms?status=${status}&limit=1000`, headers: { cookie: operator } }),
      ).items.filter((a) => a.ruleId === rule.id)
    expect((await mine('open')).map((a) => [a.severity, a.status])).toEqual([['awas', 'active']])

    expect((await inject({ method: 'DELETE', url, headers: { cookie: admin } })).statusCode).toBe(204)
    expect(await mine('open')).toHaveLength(0)
    expect((await mine('cleared')).map((a) => a.status)).toEqual(['cleared'])
    const rules = json<{ items: { id: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/rules', headers: { cookie: operator } }))
    expect(rules.items.map((r) => r.id)).not.toContain(rule.id)
    expect((await inject({ method: 'DELETE', url, headers: { cookie: admin } })).statusCode).toBe(404)
  })
})
