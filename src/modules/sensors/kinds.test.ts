import type { InjectOptions } from 'fastify'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { connectMqtt } from './index.ts'
import { SensorService } from './service.ts'

type Kind = { code: string; label: { id: string; en: string }; metrics: { name: string; unit: string }[]; icon: string; color: string }

let server: TestServer
let admin: string
let operator: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const KINDS = '/api/t/33.71/device-kinds'

// A city's own kind: a noise meter reporting the A-weighted sound level in dB (SenML unit "dB").
const noise = {
  label: { id: 'Kebisingan', en: 'Noise' },
  metrics: [{ name: 'sound_level', label: { id: 'Tingkat bunyi', en: 'Sound level' }, unit: 'dB', min: 20, max: 140 }],
  defaultRules: [
    { name: 'Bising', metric: 'sound_level', comparison: '>', threshold: 70, durationSeconds: 0, hysteresis: 3, severity: 'waspada', action: 'alarm' },
  ],
  icon: 'noise',
  color: '#E11D48',
}

beforeAll(async () => {
  server = await startTestKendali({ listen: true })
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
})
afterAll(() => server.close())

describe('device kinds a city defines', () => {
  it('lists the five built-in kinds with units and ranges, for every role', async () => {
    const res = await inject({ method: 'GET', url: KINDS, headers: { cookie: operator } })
    expect(res.statusCode).toBe(200)
    const kinds = json<{ items: Kind[] }>(res).items
    expect(kinds.map((k) => k.code)).toEqual(expect.arrayContaining(['flood_level', 'rain_gauge', 'air_quality', 'traffic_counter', 'weather_station']))
    expect(kinds.find((k) => k.code === 'flood_level')).toMatchObject({ label: { id: 'Tinggi muka air' }, metrics: [{ name: 'water_level', unit: 'cm' }] })
  })

  it('refuses a kind that is not whole or not coherent, and anyone but an admin', async () => {
    const put = (body: unknown, cookie = admin, code = 'kebisingan') =>
      inject({ method: 'PUT', url: `${KINDS}/${code}`, headers: { cookie }, payload: body as object })
    expect((await put(noise, operator)).statusCode).toBe(403)
    const bad = [
      { ...noise, metrics: [{ ...noise.metrics[0], min: 150 }] },
      { ...noise, defaultRules: [{ ...noise.defaultRules[0], metric: 'pm25' }] },
      { ...noise, icon: 'speaker' },
      { ...noise, color: 'red' },
      { ...noise, metrics: [noise.metrics[0], noise.metrics[0]] },
    ]
    for (const body of bad) {
      const res = await put(body)
      expect(res.statusCode, res.body).toBe(400)
    }
    expect((await put(noise, admin, 'Kebisingan!')).statusCode).toBe(400)
    const kinds = json<{ items: Kind[] }>(await inject({ method: 'GET', url: KINDS, headers: { cookie: admin } })).items
    expect(kinds.map((k) => k.code)).not.toContain('kebisingan')
  })

  it('a noise meter of a kind the city made reports over MQTT, out-of-range readings are refused and counted, a default rule alarms', async () => {
    const created = await inject({ method: 'PUT', url: `${KINDS}/kebisingan`, headers: { cookie: admin }, payload: noise })
    expect(created.statusCode, created.body).toBe(200)
    expect(json<Kind>(created)).toMatchObject({ code: 'kebisingan', icon: 'noise', color: '#e11d48' })
    // Another city does not see it.
    const malang = await loginCookie(server.kendali, 'malang_admin')
    const theirs = json<{ items: Kind[] }>(await inject({ method: 'GET', url: '/api/t/35.73/device-kinds', headers: { cookie: malang } })).items
    expect(theirs.map((k) => k.code)).not.toContain('kebisingan')

    const rules = json<{ items: { id: string; name: string; deviceKind: string | null }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/rules', headers: { cookie: admin } }),
    ).items.filter((r) => r.deviceKind === 'kebisingan')
    expect(rules.map((r) => r.name)).toEqual(['Bising'])
    // Saving the kind again does not duplicate its rule.
    await inject({ method: 'PUT', url: `${KINDS}/kebisingan`, headers: { cookie: admin }, payload: noise })

    const registered = await inject({
      method: 'POST',
      url: '/api/t/33.71/devices',
      headers: { cookie: admin },
      payload: { name: 'Sonometer Alun-alun', kind: 'kebisingan', location: { type: 'Point', coordinates: [110.2176, -7.4773] } },
    })
    expect(registered.statusCode, registered.body).toBe(201)
    const device = json<{ id: string; token: string; metrics: { name: string; unit: string }[] }>(registered)
    expect(device.metrics).toEqual([{ name: 'sound_level', unit: 'dB' }])
    const wrongUnit = await inject({
      method: 'POST',
      url: '/api/t/33.71/devices',
      headers: { cookie: admin },
      payload: {
        name: 'Sonometer',
        kind: 'kebisingan',
        metrics: [{ name: 'sound_level', unit: 'Pa' }],
        location: { type: 'Point', coordinates: [110.2, -7.4] },
      },
    })
    expect(wrongUnit.statusCode).toBe(400)

    const { ctx } = server.kendali
    const sensors = new SensorService(ctx.events)
    const connection = connectMqtt(ctx, sensors)
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${ctx.mqtt.port}`, { username: device.id, password: device.token, reconnectPeriod: 0 })
    const raised = new Promise<KendaliEvent>((resolve) => {
      const stop = ctx.bus.subscribe((e) => {
        if (e.type === 'alarm.raised' && e.data.deviceId === device.id) {
          stop()
          resolve(e)
        }
      })
    })
    const topic = `kendali/33.71/devices/${device.id}/up`
    await client.publishAsync(topic, JSON.stringify({ values: { sound_level: 180 } }), { qos: 1 })
    await client.publishAsync(topic, JSON.stringify([{ bn: `${device.id}:`, n: 'sound_level', u: 'dB', v: 64.5, t: -60 }]), { qos: 1 })
    await client.publishAsync(topic, JSON.stringify({ values: { sound_level: 82.5 } }), { qos: 1 })
    expect((await raised).data).toMatchObject({ severity: 'waspada', metric: 'sound_level', value: 82.5, threshold: 70 })
    await client.endAsync()
    connection.stop()
    await connection.drain()

    const shown = json<{ latest: Record<string, { value: number }> }>(
      await inject({ method: 'GET', url: `/api/t/33.71/devices/${device.id}`, headers: { cookie: operator } }),
    )
    expect(shown.latest.sound_level.value).toBe(82.5)
    const stored = await ctx.db.query<{ value: number }>(`SELECT value FROM readings WHERE tenant = '33.71' AND device_id = $1 ORDER BY at`, [device.id])
    expect(stored.map((r) => r.value)).toEqual([64.5, 82.5])
    expect(await sensors.rejections(ctx.db, '33.71', device.id)).toEqual({ range: 1 })
  })

  it('copies the city-made kinds with their rules to a city being onboarded, once; a retired kind takes no new devices', async () => {
    const ctx = server.kendali.ctx
    const sensors = ctx.modules.find((m) => m.name === 'sensors')
    const copy = () => ctx.db.transaction((tx) => sensors?.copyConfig?.(ctx, tx, '33.71', '35.73') ?? Promise.resolve(-1))
    expect(await copy()).toBeGreaterThanOrEqual(1)
    expect(await copy()).toBe(0)
    const malang = await loginCookie(server.kendali, 'malang_admin')
    const theirs = json<{ items: Kind[] }>(await inject({ method: 'GET', url: '/api/t/35.73/device-kinds', headers: { cookie: malang } })).items
    expect(theirs.find((k) => k.code === 'kebisingan')).toMatchObject({ label: noise.label, metrics: [{ unit: 'dB' }] })
    const rules = json<{ items: { name: string; deviceKind: string | null }[] }>(
      await inject({ method: 'GET', url: '/api/t/35.73/rules', headers: { cookie: malang } }),
    ).items
    expect(rules.filter((r) => r.deviceKind === 'kebisingan').map((r) => r.name)).toEqual(['Bising'])

    await inject({ method: 'PUT', url: '/api/t/35.73/device-kinds/kebisingan', headers: { cookie: malang }, payload: { ...noise, isActive: false } })
    const refused = await inject({
      method: 'POST',
      url: '/api/t/35.73/devices',
      headers: { cookie: malang },
      payload: { name: 'Sonometer Malang', kind: 'kebisingan', location: { type: 'Point', coordinates: [112.63, -7.98] } },
    })
    expect(refused.statusCode).toBe(400)
    expect(json<{ error: string }>(refused).error).toBeDefined()
  })
})
