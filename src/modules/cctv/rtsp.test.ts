import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeRtsp } from '../../../test/support/fake-rtsp.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { CameraStreams } from './schema.ts'

// RTSP cameras played through Kendali: a local RTSP server (ffmpeg's test pattern, H.264 160x120 at 5 fps)
// stands for the camera; Kendali's remux is Debian's ffmpeg. Nothing here waits on the clock: each step polls
// for the state it needs.

let server: TestServer
let admin: string
let operator: string
const cameras: Awaited<ReturnType<typeof startFakeRtsp>>[] = []
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const LONG = { timeout: 60_000, interval: 200 }

async function rtspCamera(codec: 'h264' | 'h265' = 'h264') {
  const camera = await startFakeRtsp({ codec })
  cameras.push(camera)
  return camera
}

async function register(rtspUrl: string, extra: Record<string, unknown> = {}): Promise<string> {
  const res = await inject({
    method: 'POST',
    url: '/api/t/33.71/cameras',
    headers: { cookie: admin },
    payload: { name: unique('Kamera RTSP'), location: { type: 'Point', coordinates: [110.22, -7.47] }, rtspUrl, ...extra },
  })
  expect(res.statusCode, res.body).toBe(201)
  return json<{ id: string }>(res).id
}

const withLogin = (url: string) => url.replace('rtsp://', 'rtsp://admin:rahasia@')
const playlist = (id: string, viewer: string, cookie = operator) =>
  inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/?viewer=${viewer}`, headers: { cookie } })
const streams = async () => {
  const res = await inject({ method: 'GET', url: '/api/t/33.71/camera-streams', headers: { cookie: admin } })
  expect(res.statusCode).toBe(200)
  return json<CameraStreams>(res)
}
const streamOf = async (id: string) => (await streams()).items.find((s) => s.cameraId === id)

beforeAll(async () => {
  server = await startTestKendali({ env: { OUTBOUND_ALLOW: '127.0.0.1', CAMERA_MAX_REMUXES: '2', CAMERA_REMUX_IDLE_SECONDS: '1' } })
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
})
afterAll(async () => {
  await server.close()
  for (const camera of cameras) await camera.close()
})

describe('RTSP cameras remuxed to HLS', () => {
  it('costs one remux and one RTSP session for twenty viewers, serves its segments and a snapshot from it, and stops after the last viewer', async () => {
    const camera = await rtspCamera()
    const id = await register(withLogin(camera.url))
    const shown = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}`, headers: { cookie: operator } })
    expect(json(shown)).toMatchObject({ views: { snapshot: true, mjpeg: false, hls: false, rtsp: true } })

    const viewers = Array.from({ length: 20 }, (_, i) => `viewer-${String(i).padStart(4, '0')}`)
    const answers = await Promise.all(viewers.map((viewer) => playlist(id, viewer)))
    for (const answer of answers) {
      expect(answer.statusCode, answer.body).toBe(200)
      expect(answer.headers['content-type']).toBe('application/vnd.apple.mpegurl')
      expect(answer.body).toContain('#EXTINF')
      expect(answer.body).not.toContain('rahasia')
    }
    const segment = answers[0].body.split('\n').find((line) => /^seg\d+\.ts$/.test(line))
    const file = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/${segment}`, headers: { cookie: operator } })
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('video/mp2t')
    expect(file.headers['x-content-type-options']).toBe('nosniff')
    // MPEG-TS packets start with the sync byte 0x47.
    expect(file.rawPayload[0]).toBe(0x47)

    const status = await streams()
    expect(status.running).toBe(1)
    expect(status.items).toHaveLength(1)
    expect(status.items[0]).toMatchObject({ cameraId: id, viewers: 20, codec: 'h264', transcoding: false, error: null })
    expect(['live', 'stalled']).toContain(status.items[0].health)
    expect(camera.plays()).toBe(1)
    await expect.poll(async () => (await streamOf(id))?.bitrateKbps ?? 0, LONG).toBeGreaterThan(0)

    // No snapshot URL: a frame of the running stream.
    const snap = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })
    expect(snap.statusCode, snap.body).toBe(200)
    expect(snap.headers['content-type']).toBe('image/jpeg')
    expect([...snap.rawPayload.subarray(0, 2)]).toEqual([0xff, 0xd8])
    expect(camera.plays()).toBe(1)

    // Nobody asks any more: the remux stops, the camera's session ends.
    await expect.poll(async () => (await streams()).items.length, LONG).toBe(0)
    await expect.poll(() => camera.clients(), LONG).toBe(0)
  })

  it('is for signed-in viewers of the tenant, and its status for admins', async () => {
    const camera = await rtspCamera()
    const id = await register(withLogin(camera.url), { isPublic: true })
    const anonymous = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/` })
    expect(anonymous.statusCode).toBe(401)
    expect(json(anonymous)).toMatchObject({ error: { code: 'live_needs_login' } })
    const malang = await loginCookie(server.kendali, 'malang_admin')
    expect((await playlist(id, 'tetangga-0001', malang)).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/camera-streams', headers: { cookie: operator } })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/camera-streams', headers: { cookie: malang } })).statusCode).toBe(403)
    expect(camera.plays()).toBe(0)
    for (const bad of ['../index.m3u8', 'seg1.mp4', 'index.m3u8.tmp']) {
      const res = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/${bad}`, headers: { cookie: operator } })
      expect(res.statusCode).toBe(404)
    }
    expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/?viewer=x`, headers: { cookie: operator } })).statusCode).toBe(400)
  })

  it('refuses a camera at an address the outbound guard does not allow, when saved', async () => {
    for (const rtspUrl of ['rtsp://admin:rahasia@10.0.0.9/1', 'rtsp://localhost:554/1', 'http://127.0.0.1/1']) {
      const res = await inject({
        method: 'POST',
        url: '/api/t/33.71/cameras',
        headers: { cookie: admin },
        payload: { name: unique('Kamera Terlarang'), location: { type: 'Point', coordinates: [110.22, -7.47] }, rtspUrl },
      })
      expect(res.statusCode).toBe(400)
    }
  })

  it('refuses one remux more than CAMERA_MAX_REMUXES with a 503 that says so', async () => {
    const camera = await rtspCamera()
    const ids = [await register(camera.url), await register(camera.url), await register(camera.url)]
    for (const id of ids.slice(0, 2)) {
      const res = await playlist(id, 'batas-0001')
      expect(res.statusCode, res.body).toBe(200)
    }
    const refused = await playlist(ids[2], 'batas-0001')
    expect(refused.statusCode).toBe(503)
    expect(json(refused)).toMatchObject({ error: { code: 'remux_limit', details: { max: 2 } } })
    await expect.poll(async () => (await streams()).items.length, LONG).toBe(0)
  })

  it('re-encodes an H.265 camera only where an admin allowed it', async () => {
    const camera = await rtspCamera('h265')
    const refused = await register(camera.url)
    await expect
      .poll(async () => {
        const res = await playlist(refused, 'hevc-00001')
        return `${res.statusCode} ${json<{ error?: { code: string } }>(res).error?.code ?? ''}`
      }, LONG)
      .toBe('502 codec_unsupported')
    // Not an outage: the camera answers, in a codec browsers do not play.
    const alarms = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${refused}/alarms`, headers: { cookie: operator } })
    expect(json<{ items: unknown[] }>(alarms).items).toEqual([])

    const allowed = await register(camera.url, { transcode: true })
    const res = await playlist(allowed, 'hevc-00002')
    expect(res.statusCode, res.body).toBe(200)
    expect(res.body).toContain('#EXTINF')
    expect(await streamOf(allowed)).toMatchObject({ codec: 'hevc', transcoding: true })
    const segment = res.body.split('\n').find((line) => /^seg\d+\.ts$/.test(line))
    const file = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${allowed}/hls/${segment}`, headers: { cookie: operator } })
    expect(file.rawPayload[0]).toBe(0x47)
    const sources = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${allowed}/sources`, headers: { cookie: admin } })
    expect(json(sources)).toMatchObject({ transcode: true })
    await expect.poll(async () => (await streams()).running, LONG).toBe(0)
  })

  it('knows a camera that dies mid-stream: the remux ends, its health says so, an outage alarm is raised', async () => {
    const camera = await rtspCamera()
    const id = await register(withLogin(camera.url))
    expect((await playlist(id, 'mati-00001')).statusCode).toBe(200)
    await camera.kill()
    // The viewer keeps asking, as a player does.
    await expect
      .poll(async () => {
        await playlist(id, 'mati-00001')
        return (await streamOf(id))?.health
      }, LONG)
      .toBe('failed')
    const failed = await streamOf(id)
    expect(failed?.error).toBeTruthy()
    expect(failed?.error).not.toContain('rahasia')
    expect((await streams()).running).toBe(0)
    // The outage is written as the stream ends, beside the answer to the viewer.
    const alarms = async () => {
      const res = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/alarms`, headers: { cookie: operator } })
      return json<{ items: { kind: string; status: string }[] }>(res).items.map((a) => `${a.kind} ${a.status}`)
    }
    await expect.poll(alarms, LONG).toEqual(['offline active'])
    const shown = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}`, headers: { cookie: operator } })
    expect(json(shown)).toMatchObject({ status: 'offline' })
    // A dead camera is not dialled again at every request: the failure is answered as it is.
    const again = await playlist(id, 'mati-00001')
    expect(again.statusCode).toBe(502)
    expect(again.body).not.toContain('rahasia')
  })
})
