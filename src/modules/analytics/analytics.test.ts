import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { InjectOptions } from 'fastify'
import mqtt from 'mqtt'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { signWebhook } from '../../core/outbound/webhook.ts'
import { analyticsServices } from './index.ts'
import { FrigateListeners } from './listener.ts'

const JPEG = readFileSync(new URL('../../../test/fixtures/cctv/snapshot.jpg', import.meta.url))
const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/analytics/${name}`, import.meta.url))
// A real broker: Mosquitto on this machine, or CI's (MQTT_URL).
const BROKER = process.env.MQTT_URL || 'mqtt://127.0.0.1:1883'

type Detection = {
  id: string
  eventId: string
  status: string
  severity: string
  hasSnapshot: boolean
  incidentId: string | null
  incidentNumber: string | null
  zoneLabel: string | null
  score: number
  zones: string[]
}

let server: TestServer
let frigate: Server
let frigateUrl: string
const snapshotRequests: string[] = []
let admin: string
let operator: string
let cameraA: string
let cameraB: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const seen: KendaliEvent[] = []

async function camera(name: string, coordinates: [number, number]): Promise<string> {
  const res = await inject({
    method: 'POST',
    url: '/api/t/33.71/cameras',
    headers: { cookie: admin },
    payload: { name, location: { type: 'Point', coordinates }, snapshotUrl: `${frigateUrl}/api/front_door/latest.jpg` },
  })
  expect(res.statusCode, res.body).toBe(201)
  return json<{ id: string }>(res).id
}

async function rule(body: Record<string, unknown>): Promise<void> {
  const res = await inject({ method: 'POST', url: '/api/t/33.71/analytics/rules', headers: { cookie: admin }, payload: body })
  expect(res.statusCode, res.body).toBe(201)
}

async function detectionsOf(sourceId: string): Promise<Detection[]> {
  const res = await inject({ method: 'GET', url: '/api/t/33.71/detections?status=all&limit=200', headers: { cookie: operator } })
  expect(res.statusCode).toBe(200)
  const all = json<{ items: (Detection & { sourceId: string })[] }>(res).items
  return all.filter((d) => d.sourceId === sourceId)
}

beforeAll(async () => {
  // A stand-in for Frigate's HTTP API on loopback (listed in OUTBOUND_ALLOW, as a city lists its NVR's network).
  frigate = createServer((req, res) => {
    snapshotRequests.push(req.url ?? '')
    if (req.url?.includes('html')) return void res.writeHead(200, { 'content-type': 'text/html' }).end('<script>alert(1)</script>')
    res.writeHead(200, { 'content-type': 'image/jpeg' }).end(JPEG)
  })
  await new Promise<void>((resolve) => frigate.listen(0, '127.0.0.1', resolve))
  frigateUrl = `http://127.0.0.1:${(frigate.address() as AddressInfo).port}`
  server = await startTestKendali({ listen: false, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
  cameraA = await camera(unique('Jembatan Progo'), [110.2176, -7.4773])
  cameraB = await camera(unique('Gerbang Tol'), [110.2195, -7.4637])
  server.kendali.ctx.bus.subscribe((e) => {
    if (e.topic === 'analytics') seen.push(e)
  })
})
afterAll(async () => {
  await server.close()
  await new Promise((resolve) => frigate.close(resolve))
})

describe('Frigate over MQTT', () => {
  it('makes exactly one alarm per Frigate event and one incident where the rule says so, through duplicates and a restart', async () => {
    const prefix = `frigate_${process.pid}_${Date.now().toString(36)}`
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/analytics/sources',
      headers: { cookie: admin },
      payload: { kind: 'frigate', name: unique('Frigate Progo'), brokerUrl: BROKER, topicPrefix: prefix, apiUrl: frigateUrl },
    })
    expect(created.statusCode, created.body).toBe(201)
    const source = json<{ id: string; secret: string | null; brokerUrl: string }>(created)
    expect(source.secret).toBeNull()
    const mapped = await inject({
      method: 'PUT',
      url: `/api/t/33.71/analytics/sources/${source.id}/cameras`,
      headers: { cookie: admin },
      payload: {
        items: [
          { camera: 'front_door', zone: null, cameraId: cameraA, zoneLabel: null },
          { camera: 'front_door', zone: 'driveway', cameraId: cameraA, zoneLabel: 'Bantaran Kali Progo' },
          { camera: 'cam-testdrive', zone: null, cameraId: cameraB, zoneLabel: null },
        ],
      },
    })
    expect(mapped.statusCode, mapped.body).toBe(200)
    // The documented person was seen at 06:19 WIB (1607123955 s): the night rule must not take it, the dawn one must.
    await rule({ name: unique('Orang di bantaran malam'), label: 'person', zone: 'driveway', from: '22:00', to: '05:00', action: 'alarm', severity: 'awas' })
    await rule({
      name: unique('Orang di bantaran subuh'),
      label: 'person',
      zone: 'driveway',
      minScore: 0.9,
      from: '05:00',
      to: '07:00',
      action: 'incident',
      severity: 'siaga',
      incidentType: 'public_order',
    })
    await rule({ name: unique('Mobil di zona 1'), label: 'car', zone: 'zone1', action: 'alarm', severity: 'waspada', cameraId: cameraB })

    // The shared subscriptions are swapped for ones whose outcomes and warnings this test reads.
    const { ctx } = server.kendali
    const shared = analyticsServices(ctx)
    await shared.listeners.sync()
    expect(shared.listeners.isSubscribed('33.71', source.id)).toBe(true)
    await shared.listeners.stop()
    const outcomes: string[] = []
    const warnings: unknown[] = []
    const listeners = new FrigateListeners(() => ctx.db, ctx.secrets, ctx.outbound, shared.service, {
      warn: (context, message) => warnings.push({ ...context, message }),
      onOutcome: (outcome) => outcomes.push(outcome),
    })
    await listeners.sync()
    expect(listeners.isSubscribed('33.71', source.id)).toBe(true)
    const publisher = await mqtt.connectAsync(BROKER, { reconnectPeriod: 0 })
    const publish = async (...names: string[]) => {
      for (const name of names) await publisher.publishAsync(`${prefix}/events`, fixture(name), { qos: 1 })
    }
    await publish(
      'mqttwarn-false-positive.json',
      'mqttwarn-new.json',
      'frigate-docs-update.json',
      'frigate-docs-update.json',
      'mqttwarn-update.json',
      'mqttwarn-end.json',
      'mqttwarn-new.json',
    )
    await listeners.handled('33.71', source.id, 7)
    expect({ outcomes, warnings }).toEqual({ outcomes: ['ignored', 'raised', 'raised', 'updated', 'updated', 'cleared', 'updated'], warnings: [] })

    const check = async () => {
      const detections = await detectionsOf(source.id)
      expect(detections.map((d) => d.eventId).sort()).toEqual(['1607123955.475377-mxklsc', '1680791459.255384-abcdef'])
      const car = detections.find((d) => d.eventId === '1680791459.255384-abcdef')
      const person = detections.find((d) => d.eventId === '1607123955.475377-mxklsc')
      // The car's alarm ended with its event, and a replayed `new` did not open it again.
      expect(car).toMatchObject({ status: 'cleared', severity: 'waspada', hasSnapshot: true, incidentId: null })
      expect(person).toMatchObject({ status: 'active', severity: 'siaga', zoneLabel: 'Bantaran Kali Progo', hasSnapshot: false })
      expect(person?.incidentNumber).toMatch(/^33\.71-\d{4}-\d{5}$/)
      const raised = seen.filter((e) => e.type === 'alarm.raised' && detections.some((d) => d.id === e.entity))
      expect(raised.map((e) => e.entity).sort()).toEqual(detections.map((d) => d.id).sort())
      expect(seen.filter((e) => e.type === 'alarm.cleared' && e.entity === car?.id)).toHaveLength(1)
      return { car, person }
    }
    const { car, person } = await check()
    // The snapshot was fetched once, from Frigate's event API, and is served as the picture it is.
    expect(snapshotRequests.filter((u) => u === '/api/events/1680791459.255384-abcdef/snapshot.jpg')).toHaveLength(1)
    const picture = await inject({ method: 'GET', url: `/api/t/33.71/detections/${car?.id}/snapshot`, headers: { cookie: operator } })
    expect(picture.statusCode).toBe(200)
    expect(picture.headers['content-type']).toBe('image/jpeg')
    expect(picture.headers['x-content-type-options']).toBe('nosniff')
    expect(Buffer.compare(picture.rawPayload, JPEG)).toBe(0)
    const incident = json<{ source: string; type: string; priority: string; description: string }>(
      await inject({ method: 'GET', url: `/api/t/33.71/incidents/${person?.incidentId}`, headers: { cookie: operator } }),
    )
    expect(incident).toMatchObject({ source: 'cctv', type: 'public_order', priority: 'P2' })
    expect(incident.description).toContain('Orang di Bantaran Kali Progo')
    expect(incident.description).toContain(`/api/t/33.71/detections/${person?.id}/snapshot`)
    // The console's feed reads the alarm in words, in both languages.
    expect(seen.find((e) => e.type === 'alarm.raised' && e.entity === person?.id)?.data.name).toEqual({
      id: `Orang di Bantaran Kali Progo · ${json<{ name: string }>(await inject({ method: 'GET', url: `/api/t/33.71/cameras/${cameraA}`, headers: { cookie: operator } })).name}`,
      en: expect.stringMatching(/^Person in Bantaran Kali Progo · /),
    })

    // A restart: the subscription is made again and the broker (or Frigate) sends the same events once more.
    await listeners.stop()
    await listeners.sync()
    await publish('frigate-docs-update.json', 'mqttwarn-new.json', 'mqttwarn-end.json')
    await listeners.handled('33.71', source.id, 3)
    await check()
    await publisher.endAsync()
    await listeners.stop()

    // Another city sees none of it.
    const malang = await loginCookie(server.kendali, 'malang_admin')
    const theirs = await inject({ method: 'GET', url: `/api/t/35.73/detections/${person?.id}`, headers: { cookie: malang } })
    expect(theirs.statusCode).toBe(404)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/detections/${person?.id}`, headers: { cookie: malang } })).statusCode).toBe(403)
  })

  it('keeps the broker password sealed and masked, and refuses a source or rule that cannot work', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/analytics/sources',
      headers: { cookie: admin },
      payload: { kind: 'frigate', name: unique('Frigate mati'), brokerUrl: 'mqtt://kendali:rahasia@127.0.0.1:1' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const source = json<{ id: string; brokerUrl: string }>(created)
    expect(source.brokerUrl).toBe('mqtt://kendali:***@127.0.0.1:1')
    const [stored] = await server.kendali.ctx.db.query<{ broker_url: string }>('SELECT broker_url FROM analytics_sources WHERE id = $1', [source.id])
    expect(stored.broker_url).not.toContain('rahasia')
    const listed = await inject({ method: 'GET', url: '/api/t/33.71/analytics/sources', headers: { cookie: admin } })
    expect(listed.body).not.toContain('rahasia')
    expect(
      (await inject({ method: 'PATCH', url: `/api/t/33.71/analytics/sources/${source.id}`, headers: { cookie: admin }, payload: { isActive: false } }))
        .statusCode,
    ).toBe(200)

    const refused = [
      { kind: 'frigate', name: 'Tanpa broker' },
      { kind: 'frigate', name: 'Jaringan dalam', brokerUrl: 'mqtt://10.9.8.7:1883' },
      { kind: 'webhook', name: 'Webhook', brokerUrl: BROKER },
      { kind: 'frigate', name: 'Awalan', brokerUrl: BROKER, topicPrefix: 'a/b' },
    ]
    for (const payload of refused) {
      const res = await inject({ method: 'POST', url: '/api/t/33.71/analytics/sources', headers: { cookie: admin }, payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
    }
    expect((await inject({ method: 'POST', url: '/api/t/33.71/analytics/sources', headers: { cookie: operator }, payload: refused[0] })).statusCode).toBe(403)
    const badRules = [
      { name: 'Tanpa jenis', label: 'person', action: 'incident', severity: 'siaga' },
      { name: 'Jenis asing', label: 'person', action: 'incident', severity: 'siaga', incidentType: 'alien_visit' },
      { name: 'Setengah jam', label: 'person', action: 'alarm', severity: 'siaga', from: '22:00' },
      { name: 'Jam salah', label: 'person', action: 'alarm', severity: 'siaga', from: '25:00', to: '05:00' },
      { name: 'Kamera asing', label: 'person', action: 'alarm', severity: 'siaga', cameraId: '00000000-0000-4000-8000-000000000000' },
    ]
    for (const payload of badRules) {
      const res = await inject({ method: 'POST', url: '/api/t/33.71/analytics/rules', headers: { cookie: admin }, payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
    }
  })
})

describe('the signed webhook for other analytics vendors', () => {
  it('raises once per event id, refuses unsigned, wrongly signed and stale posts, and keeps only pictures', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/analytics/sources',
      headers: { cookie: admin },
      payload: { kind: 'webhook', name: unique('NVR Dahua') },
    })
    expect(created.statusCode, created.body).toBe(201)
    const source = json<{ id: string; secret: string; webhookPath: string }>(created)
    expect(source.secret).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(source.webhookPath).toBe(`/api/t/33.71/analytics/sources/${source.id}/events`)
    const mapped = await inject({
      method: 'PUT',
      url: `/api/t/33.71/analytics/sources/${source.id}/cameras`,
      headers: { cookie: admin },
      payload: { items: [{ camera: 'ch01', zone: 'bantaran', cameraId: cameraB, zoneLabel: 'Bantaran Sungai Elo' }] },
    })
    expect(mapped.statusCode, mapped.body).toBe(200)
    const label = `orang_${Date.now().toString(36)}`.slice(0, 30)
    await rule({ name: unique('Malam di bantaran'), label, zone: 'bantaran', from: '22:00', to: '05:00', action: 'alarm', severity: 'siaga' })

    const post = (body: Record<string, unknown>, sign: { secret?: string; timestamp?: number } = {}) => {
      const raw = JSON.stringify(body)
      const timestamp = String(sign.timestamp ?? Math.floor(Date.now() / 1000))
      return inject({
        method: 'POST',
        url: source.webhookPath,
        headers: {
          'content-type': 'application/json',
          'x-kendali-timestamp': timestamp,
          'x-kendali-signature': signWebhook(sign.secret ?? source.secret, timestamp, raw),
        },
        payload: raw,
      })
    }
    const event = {
      id: `dahua-${Date.now()}`,
      type: 'new',
      camera: 'ch01',
      label,
      score: 0.82,
      zones: ['bantaran'],
      startTime: '2026-12-07T23:10:00+07:00',
      snapshotUrl: `${frigateUrl}/snap/page.html`,
    }
    expect(
      (await inject({ method: 'POST', url: source.webhookPath, headers: { 'content-type': 'application/json' }, payload: JSON.stringify(event) })).statusCode,
    ).toBe(401)
    expect((await post(event, { secret: 'not-the-secret' })).statusCode).toBe(401)
    expect((await post(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 })).statusCode).toBe(401)
    expect(await detectionsOf(source.id)).toEqual([])

    expect(json(await post(event))).toEqual({ outcome: 'raised' })
    expect(json(await post(event))).toEqual({ outcome: 'updated' })
    expect(json(await post({ ...event, type: 'end', endTime: '2026-12-07T23:12:00+07:00' }))).toEqual({ outcome: 'cleared' })
    // In daylight the night rule does not hold; a camera nobody mapped raises nothing.
    expect(json(await post({ ...event, id: `${event.id}-siang`, startTime: '2026-12-08T10:00:00+07:00' }))).toEqual({ outcome: 'ignored' })
    expect(json(await post({ ...event, id: `${event.id}-ch09`, camera: 'ch09' }))).toEqual({ outcome: 'unmapped' })

    const detections = await detectionsOf(source.id)
    expect(detections).toHaveLength(1)
    // The vendor's "snapshot" was an HTML page: refused, the alarm stands without a picture.
    expect(detections[0]).toMatchObject({ status: 'cleared', severity: 'siaga', hasSnapshot: false, zoneLabel: 'Bantaran Sungai Elo', score: 0.82 })
    expect((await inject({ method: 'GET', url: `/api/t/33.71/detections/${detections[0].id}/snapshot`, headers: { cookie: operator } })).statusCode).toBe(404)

    // Junk is a 4xx, never a 500.
    const junk = await inject({ method: 'POST', url: source.webhookPath, headers: { 'content-type': 'application/json' }, payload: '{"id":' })
    expect(junk.statusCode).toBe(400)
    expect((await post({ ...event, score: 7 })).statusCode).toBe(400)
    expect(
      (
        await post(event, {}).then(() =>
          inject({
            method: 'POST',
            url: '/api/t/33.71/analytics/sources/00000000-0000-4000-8000-000000000000/events',
            headers: { 'content-type': 'application/json' },
            payload: JSON.stringify(event),
          }),
        )
      ).statusCode,
    ).toBe(404)
  })

  it('lets the command center acknowledge an active detection once', async () => {
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/analytics/sources',
      headers: { cookie: admin },
      payload: { kind: 'webhook', name: unique('NVR Hik') },
    })
    const source = json<{ id: string; secret: string; webhookPath: string }>(created)
    await inject({
      method: 'PUT',
      url: `/api/t/33.71/analytics/sources/${source.id}/cameras`,
      headers: { cookie: admin },
      payload: { items: [{ camera: 'ch02', zone: null, cameraId: cameraA, zoneLabel: null }] },
    })
    const label = `motor_${Date.now().toString(36)}`.slice(0, 30)
    await rule({ name: unique('Motor'), label, action: 'alarm', severity: 'waspada' })
    const raw = JSON.stringify({ id: 'hik-1', type: 'new', camera: 'ch02', label, score: 0.7, startTime: new Date().toISOString() })
    const timestamp = String(Math.floor(Date.now() / 1000))
    await inject({
      method: 'POST',
      url: source.webhookPath,
      headers: { 'content-type': 'application/json', 'x-kendali-timestamp': timestamp, 'x-kendali-signature': signWebhook(source.secret, timestamp, raw) },
      payload: raw,
    })
    const [detection] = await detectionsOf(source.id)
    const ack = (cookie: string) => inject({ method: 'POST', url: `/api/t/33.71/detections/${detection.id}/ack`, headers: { cookie } })
    // An executive reads alarms but does not work them.
    expect((await ack(await loginCookie(server.kendali, 'executive'))).statusCode).toBe(403)
    expect(json<{ status: string; acknowledgedBy: string }>(await ack(operator))).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'operator' })
    expect((await ack(admin)).statusCode).toBe(409)
    expect(seen.filter((e) => e.type === 'alarm.acknowledged' && e.entity === detection.id)).toHaveLength(1)
  })
})
