import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeCamera } from '../../../test/support/fake-camera.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import type { CameraAlarm } from './schema.ts'
import { CameraService } from './service.ts'

let server: TestServer
let camera: Awaited<ReturnType<typeof startFakeCamera>>
let admin: string
let operator: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const at = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] })
/** The health check as the job runs it, with a short timeout. */
const check = () =>
  new CameraService(server.kendali.ctx.events, server.kendali.ctx.secrets, {
    outbound: server.kendali.ctx.outbound,
    ownPort: server.kendali.ctx.config.port,
    timeoutMs: 1000,
  }).checkAll(server.kendali.ctx.db)

beforeAll(async () => {
  server = await startTestKendali({ env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  camera = await startFakeCamera()
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
})
afterAll(async () => {
  await camera.close()
  await server.close()
})

async function register(body: Record<string, unknown>): Promise<string> {
  const res = await inject({ method: 'POST', url: '/api/t/33.71/cameras', headers: { cookie: admin }, payload: body })
  expect(res.statusCode).toBe(201)
  return json<{ id: string }>(res).id
}

describe('camera outages as alarms', () => {
  it('raises one alarm while a camera stays down, lets the room acknowledge it, and clears it when the camera answers again', async () => {
    const id = await register({ name: unique('Kamera Putus'), location: at(110.2181, -7.4731), snapshotUrl: 'http://127.0.0.1:9/snapshot.jpg' })
    const events: KendaliEvent[] = []
    const stop = server.kendali.ctx.bus.subscribe((e) => {
      if (e.topic === 'cctv' && (e.entity === id || e.data.cameraId === id)) events.push(e)
    })
    try {
      await check()
      await check()
      expect(events.map((e) => e.type)).toEqual(['camera.offline', 'alarm.raised'])
      const raised = events[1]
      expect(raised.data).toMatchObject({ cameraId: id, kind: 'offline', severity: 'waspada', status: 'active', location: at(110.2181, -7.4731) })

      const open = json<{ items: CameraAlarm[] }>(await inject({ method: 'GET', url: '/api/t/33.71/camera-alarms', headers: { cookie: operator } }))
      expect(open.items.filter((a) => a.cameraId === id)).toHaveLength(1)
      const ack = await inject({ method: 'POST', url: `/api/t/33.71/camera-alarms/${raised.entity}/ack`, headers: { cookie: operator } })
      expect(ack.statusCode).toBe(200)
      expect(json(ack)).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator' })
      expect((await inject({ method: 'POST', url: `/api/t/33.71/camera-alarms/${raised.entity}/ack`, headers: { cookie: operator } })).statusCode).toBe(409)

      // The camera is mended (its address fixed): the next check clears the alarm.
      const fixed = await inject({
        method: 'PATCH',
        url: `/api/t/33.71/cameras/${id}`,
        headers: { cookie: admin },
        payload: { snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg` },
      })
      expect(fixed.statusCode).toBe(200)
      await check()
      expect(events.map((e) => e.type)).toEqual(['camera.offline', 'alarm.raised', 'alarm.acknowledged', 'camera.updated', 'camera.online', 'alarm.cleared'])

      const history = json<{ items: CameraAlarm[]; total: number }>(
        await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/alarms`, headers: { cookie: operator } }),
      )
      expect(history.total).toBe(1)
      expect(history.items[0]).toMatchObject({ id: raised.entity, status: 'cleared', acknowledgedBy: 'operator', clearedAt: expect.any(String) })
      const stillOpen = json<{ items: CameraAlarm[] }>(await inject({ method: 'GET', url: '/api/t/33.71/camera-alarms', headers: { cookie: operator } }))
      expect(stillOpen.items.map((a) => a.id)).not.toContain(raised.entity)
    } finally {
      stop()
    }
  })

  it('clears the alarms of an archived camera', async () => {
    const id = await register({ name: unique('Kamera Dibongkar'), location: at(110.2182, -7.4732), snapshotUrl: 'http://127.0.0.1:9/snapshot.jpg' })
    await check()
    expect((await inject({ method: 'DELETE', url: `/api/t/33.71/cameras/${id}`, headers: { cookie: admin } })).statusCode).toBe(204)
    const open = json<{ items: CameraAlarm[] }>(await inject({ method: 'GET', url: '/api/t/33.71/camera-alarms?limit=200', headers: { cookie: operator } }))
    expect(open.items.filter((a) => a.cameraId === id)).toHaveLength(0)
  })

  it('shows each camera’s uptime over the last 30 days, counted from its outages', async () => {
    const id = await register({
      name: unique('Kamera Uptime'),
      location: at(110.2183, -7.4733),
      snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`,
    })
    const uptime = async () =>
      json<{ uptime30d: number | null }>(await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}`, headers: { cookie: operator } })).uptime30d
    expect(await uptime()).toBeNull()
    await check()
    expect(await uptime()).toBe(1)
    // A camera installed 40 days ago that was down for three days of the last thirty (and a day before them).
    const db = server.kendali.ctx.db
    await db.query(`UPDATE cameras SET created_at = now() - interval '40 days' WHERE tenant = '33.71' AND id = $1`, [id])
    await db.query(
      `INSERT INTO camera_alarms (tenant, camera_id, kind, severity, status, raised_at, cleared_at) VALUES
       ('33.71', $1, 'offline', 'waspada', 'cleared', now() - interval '31 days', now() - interval '29 days'),
       ('33.71', $1, 'offline', 'waspada', 'cleared', now() - interval '10 days', now() - interval '8 days')`,
      [id],
    )
    expect(await uptime()).toBeCloseTo(0.9, 3)
  })

  it('keeps camera alarms to the city’s own people, and acknowledging to the command room', async () => {
    const malang = await loginCookie(server.kendali, 'malang_operator')
    expect((await inject({ method: 'GET', url: '/api/t/33.71/camera-alarms', headers: { cookie: malang } })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/camera-alarms' })).statusCode).toBe(401)
    const executive = await loginCookie(server.kendali, 'executive')
    const anyAlarm = crypto.randomUUID()
    expect((await inject({ method: 'POST', url: `/api/t/33.71/camera-alarms/${anyAlarm}/ack`, headers: { cookie: executive } })).statusCode).toBe(403)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/camera-alarms/${anyAlarm}/ack`, headers: { cookie: operator } })).statusCode).toBe(404)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/camera-alarms?status=lain', headers: { cookie: operator } })).statusCode).toBe(400)
  })
})
