import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeCamera } from '../../../test/support/fake-camera.ts'
import { startRedirectTrap } from '../../../test/support/redirect-trap.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { OutboundPolicy } from '../../core/outbound/policy.ts'
import { DEMO_CAMERAS, demoPicture, demoSnapshot, seedCameraDemo } from './demo.ts'
import { CameraService } from './service.ts'

const JPEG = readFileSync(new URL('../../../test/fixtures/cctv/snapshot.jpg', import.meta.url))

let server: TestServer
let camera: Awaited<ReturnType<typeof startFakeCamera>>
let admin: string
let operator: string
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
/** The health check as the job runs it, with a short timeout. */
const checker = (outbound = server.kendali.ctx.outbound) =>
  new CameraService(server.kendali.ctx.events, server.kendali.ctx.secrets, { outbound, ownPort: server.kendali.ctx.config.port, timeoutMs: 1000 })
const at = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] })

async function register(body: Record<string, unknown>): Promise<{ id: string }> {
  const res = await inject({ method: 'POST', url: '/api/t/33.71/cameras', headers: { cookie: admin }, payload: body })
  expect(res.statusCode).toBe(201)
  return json<{ id: string }>(res)
}

beforeAll(async () => {
  // The fake camera runs on loopback; a city lists its cameras' network the same way.
  server = await startTestKendali({ listen: true, env: { OUTBOUND_ALLOW: '127.0.0.1' } })
  camera = await startFakeCamera()
  admin = await loginCookie(server.kendali, 'admin')
  operator = await loginCookie(server.kendali, 'operator')
})
afterAll(async () => {
  await camera.close()
  await server.close()
})

describe('cameras', () => {
  it('serves the snapshot through the server, never the source URL or its password', async () => {
    const secretUrl = `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`
    const { id } = await register({ name: 'Simpang Canguk', location: { type: 'Point', coordinates: [110.2195, -7.4637] }, snapshotUrl: secretUrl })
    const shown = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}`, headers: { cookie: operator } })
    expect(json(shown)).toMatchObject({ name: 'Simpang Canguk', views: { snapshot: true, mjpeg: false, hls: false } })
    expect(shown.body).not.toContain('rahasia')
    const list = await inject({ method: 'GET', url: '/api/t/33.71/cameras?limit=1000', headers: { cookie: operator } })
    expect(list.body).not.toContain('rahasia')
    const snap = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })
    expect(snap.statusCode).toBe(200)
    expect(snap.headers['content-type']).toBe('image/jpeg')
    expect(snap.rawPayload.equals(JPEG)).toBe(true)
  })

  it('stores source URLs sealed, so the database does not hold the password, and still opens a URL stored in plaintext before', async () => {
    const secretUrl = `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`
    const { id } = await register({
      name: 'Tidar',
      location: { type: 'Point', coordinates: [110.22, -7.48] },
      snapshotUrl: secretUrl,
      rtspUrl: 'rtsp://admin:rahasia@127.0.0.1:8554/1',
    })
    const [raw] = await server.kendali.ctx.db.query<Record<string, string>>('SELECT snapshot_url, rtsp_url FROM cameras WHERE tenant = $1 AND id = $2', [
      '33.71',
      id,
    ])
    expect(JSON.stringify(raw)).not.toContain('rahasia')
    await server.kendali.ctx.db.query('UPDATE cameras SET snapshot_url = $3 WHERE tenant = $1 AND id = $2', ['33.71', id, secretUrl])
    const snap = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })
    expect(snap.statusCode).toBe(200)
  })

  it('asks the camera once for many viewers within a few seconds', async () => {
    const { id } = await register({
      name: 'Alun-alun Utara',
      location: { type: 'Point', coordinates: [110.2176, -7.4765] },
      snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`,
    })
    const before = camera.snapshotRequests()
    for (let i = 0; i < 5; i++)
      expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })).statusCode).toBe(200)
    expect(camera.snapshotRequests() - before).toBe(1)
  })

  it('hides internal cameras from anonymous callers and shows public ones on the portal', async () => {
    const internal = await register({
      name: 'Gudang Internal',
      location: { type: 'Point', coordinates: [110.22, -7.47] },
      mjpegUrl: `${camera.url}/video.mjpg`,
    })
    const open = await register({
      name: 'Publik Alun-alun',
      isPublic: true,
      location: { type: 'Point', coordinates: [110.2177, -7.4771] },
      mjpegUrl: `${camera.url}/video.mjpg`,
    })
    const anonymous = json<{ items: { id: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/cameras?limit=1000' }))
    expect(anonymous.items.map((c) => c.id)).toContain(open.id)
    expect(anonymous.items.map((c) => c.id)).not.toContain(internal.id)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${internal.id}` })).statusCode).toBe(404)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${internal.id}/snapshot` })).statusCode).toBe(404)
    const malang = await loginCookie(server.kendali, 'malang_operator')
    expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${internal.id}`, headers: { cookie: malang } })).statusCode).toBe(404)
  })

  it('passes the live MJPEG stream through', async () => {
    const { id } = await register({
      name: 'Pasar Rejowinangun',
      location: { type: 'Point', coordinates: [110.2203, -7.4862] },
      mjpegUrl: `${camera.url}/video.mjpg`,
    })
    const abort = new AbortController()
    const res = await fetch(`${server.url}/api/t/33.71/cameras/${id}/mjpeg`, { headers: { cookie: operator }, signal: abort.signal })
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toContain('multipart/x-mixed-replace')
    const reader = res.body?.getReader()
    let received = Buffer.alloc(0)
    while (received.indexOf(Buffer.from([0xff, 0xd9])) === -1) {
      const chunk = await reader?.read()
      if (!chunk || chunk.done) break
      received = Buffer.concat([received, Buffer.from(chunk.value)])
    }
    expect(received.includes(JPEG)).toBe(true)
    abort.abort()
  })

  it('plays HLS through the server: the playlist points back at the server and segments pass through', async () => {
    const { id } = await register({
      name: 'Simpang Armada',
      location: { type: 'Point', coordinates: [110.2185, -7.4702] },
      hlsUrl: `${camera.url}/live/index.m3u8`,
    })
    const playlist = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/`, headers: { cookie: operator } })
    expect(playlist.statusCode).toBe(200)
    expect(playlist.headers['content-type']).toContain('mpegurl')
    expect(playlist.body).toContain('#EXTM3U')
    expect(playlist.body).not.toContain('127.0.0.1')
    const segments = playlist.body.split('\n').filter((line) => line.endsWith('.ts'))
    expect(segments).toEqual(['seg0.ts', 'seg1.ts'])
    const segment = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/${segments[0]}`, headers: { cookie: operator } })
    expect(segment.statusCode).toBe(200)
    expect(segment.rawPayload.equals(readFileSync(new URL('../../../test/fixtures/cctv/hls/seg0.ts', import.meta.url)))).toBe(true)
    // Nothing outside the stream's folder is reachable through the proxy.
    for (const path of ['..%2Fsnapshot.jpg', '../snapshot.jpg', 'missing.ts'])
      expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/${path}`, headers: { cookie: operator } })).statusCode).toBe(404)
    // An internal camera's stream is not for anonymous callers.
    expect((await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/hls/` })).statusCode).toBe(404)
  })

  it('lists the cameras nearest a point first, with their distance', async () => {
    const near = json<{ items: { name: string; distanceM: number }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/cameras?near=110.2203,-7.4860&limit=2', headers: { cookie: operator } }),
    )
    expect(near.items[0].name).toBe('Pasar Rejowinangun')
    expect(near.items[0].distanceM).toBeLessThan(50)
    expect(near.items[1].distanceM).toBeGreaterThan(near.items[0].distanceM)
  })

  it('gives the cameras nearest an incident to people who read incidents, nearest first', async () => {
    const spot = [110.2162, -7.4791]
    await register({ name: 'Dekat Kejadian', location: { type: 'Point', coordinates: [spot[0] + 0.0003, spot[1]] }, snapshotUrl: `${camera.url}/snapshot.jpg` })
    const created = await inject({
      method: 'POST',
      url: '/api/t/33.71/incidents',
      headers: { cookie: operator },
      payload: { type: 'fire', source: 'call_112', location: { type: 'Point', coordinates: spot } },
    })
    expect(created.statusCode).toBe(201)
    const incident = json<{ id: string }>(created)
    const res = await inject({ method: 'GET', url: `/api/t/33.71/incidents/${incident.id}/cameras?limit=2`, headers: { cookie: operator } })
    expect(res.statusCode).toBe(200)
    const near = json<{ items: { name: string; distanceM: number }[] }>(res)
    expect(near.items).toHaveLength(2)
    expect(near.items[0]).toMatchObject({ name: 'Dekat Kejadian' })
    expect(near.items[0].distanceM).toBeLessThan(40)
    expect(near.items[1].distanceM).toBeGreaterThanOrEqual(near.items[0].distanceM)
    // Not for anonymous callers, nor another city's people, nor an unknown incident.
    expect((await inject({ method: 'GET', url: `/api/t/33.71/incidents/${incident.id}/cameras` })).statusCode).toBe(401)
    const malang = await loginCookie(server.kendali, 'malang_operator')
    expect((await inject({ method: 'GET', url: `/api/t/33.71/incidents/${incident.id}/cameras`, headers: { cookie: malang } })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/incidents/${crypto.randomUUID()}/cameras`, headers: { cookie: operator } })).statusCode).toBe(404)
  })

  it('answers 502 when a camera does not answer, and the health check marks it offline with an event', async () => {
    const { id } = await register({
      name: 'Kamera Mati',
      location: { type: 'Point', coordinates: [110.21, -7.48] },
      snapshotUrl: 'http://127.0.0.1:9/snapshot.jpg',
    })
    const snap = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })
    expect(snap.statusCode).toBe(502)
    expect(json(snap)).toMatchObject({ error: { code: 'upstream_unavailable' } })
    const events: string[] = []
    const stop = server.kendali.ctx.bus.subscribe((e) => {
      if (e.entity === id || e.data.cameraId === id) events.push(e.type)
    })
    await checker().checkAll(server.kendali.ctx.db)
    stop()
    expect(json(await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}`, headers: { cookie: operator } }))).toMatchObject({ status: 'offline' })
    expect(events).toEqual(['camera.offline', 'alarm.raised'])
  })

  it('refuses a camera without any picture source, and registration by non-admins', async () => {
    const none = await inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: admin },
      payload: { name: 'Kosong', location: { type: 'Point', coordinates: [110.21, -7.48] } },
    })
    expect(none.statusCode).toBe(400)
    const byOperator = await inject({
      method: 'POST',
      url: '/api/t/33.71/cameras',
      headers: { cookie: operator },
      payload: { name: 'X', location: { type: 'Point', coordinates: [110.21, -7.48] }, snapshotUrl: 'http://127.0.0.1:9/x.jpg' },
    })
    expect(byOperator.statusCode).toBe(403)
  })

  it('lets admins edit a camera, see its sources with the password masked, keep that password, and archive it', async () => {
    const secret = `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`
    const { id } = await register({ name: 'Jl. Pemuda', location: { type: 'Point', coordinates: [110.2172, -7.4748] }, snapshotUrl: secret })
    const url = `/api/t/33.71/cameras/${id}`
    const sources = await inject({ method: 'GET', url: `${url}/sources`, headers: { cookie: admin } })
    expect(sources.statusCode).toBe(200)
    expect(sources.body).not.toContain('rahasia')
    const masked = json<{ snapshotUrl: string }>(sources).snapshotUrl
    expect(masked).toBe(`${camera.url.replace('http://', 'http://admin:***@')}/snapshot.jpg`)

    // Sending the masked URL back (with another setting changed) keeps the stored password: the snapshot still logs in.
    const edited = await inject({
      method: 'PATCH',
      url,
      headers: { cookie: admin },
      payload: { name: 'Jl. Pemuda Utara', isPublic: true, snapshotUrl: masked },
    })
    expect(edited.statusCode).toBe(200)
    expect(json(edited)).toMatchObject({ name: 'Jl. Pemuda Utara', isPublic: true })
    const snap = await inject({ method: 'GET', url: `${url}/snapshot` })
    // The fake camera answers its snapshot only to admin:rahasia.
    expect(snap.statusCode).toBe(200)

    // The mask cannot carry a password over to another user; a camera keeps at least one picture source.
    const otherUser = await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { snapshotUrl: masked.replace('admin:', 'tamu:') } })
    expect(otherUser.statusCode).toBe(400)
    const noSource = await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { snapshotUrl: null } })
    expect(noSource.statusCode).toBe(400)
    expect(json(await inject({ method: 'GET', url: `${url}/sources`, headers: { cookie: admin } }))).toMatchObject({ snapshotUrl: masked })

    // Only admins of the city manage cameras.
    const malang = await loginCookie(server.kendali, 'malang_admin')
    for (const cookie of [operator, malang]) {
      expect((await inject({ method: 'PATCH', url, headers: { cookie }, payload: { name: 'Diubah' } })).statusCode).toBe(403)
      expect((await inject({ method: 'DELETE', url, headers: { cookie } })).statusCode).toBe(403)
      expect((await inject({ method: 'GET', url: `${url}/sources`, headers: { cookie } })).statusCode).toBe(403)
    }
    expect(json(await inject({ method: 'GET', url, headers: { cookie: operator } }))).toMatchObject({ name: 'Jl. Pemuda Utara' })

    expect((await inject({ method: 'DELETE', url, headers: { cookie: admin } })).statusCode).toBe(204)
    expect((await inject({ method: 'GET', url, headers: { cookie: operator } })).statusCode).toBe(404)
    expect((await inject({ method: 'DELETE', url, headers: { cookie: admin } })).statusCode).toBe(404)
    const list = json<{ items: { id: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/cameras?limit=1000', headers: { cookie: operator } }))
    expect(list.items.map((c) => c.id)).not.toContain(id)
  })

  it('seeds the Magelang demo cameras once, their snapshots drawn by the server itself', async () => {
    const names = async () =>
      json<{ items: { name: string }[] }>(await inject({ method: 'GET', url: '/api/t/33.71/cameras?limit=1000', headers: { cookie: operator } }))
        .items.map((c) => c.name)
        .filter((n) => DEMO_CAMERAS.some((d) => d.name === n))
    expect((await names()).sort()).toEqual(DEMO_CAMERAS.map((d) => d.name).sort())
    await seedCameraDemo(server.kendali.ctx.db, checker(), 3000)
    expect(await names()).toHaveLength(DEMO_CAMERAS.length)
    const admin33 = json<{ items: { id: string; name: string }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/cameras?limit=1000', headers: { cookie: admin } }),
    )
    const alunAlun = admin33.items.find((c) => c.name === DEMO_CAMERAS[0].name)
    const sources = json<{ snapshotUrl: string }>(
      await inject({ method: 'GET', url: `/api/t/33.71/cameras/${alunAlun?.id}/sources`, headers: { cookie: admin } }),
    )
    expect(sources.snapshotUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/demo\/cameras\/1\.jpg$/)

    const picture = await inject({ method: 'GET', url: '/api/demo/cameras/1.jpg' })
    expect(picture.statusCode).toBe(200)
    expect(picture.headers['content-type']).toBe('image/jpeg')
    expect(await sharp(picture.rawPayload).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 360 })
    expect((await inject({ method: 'GET', url: `/api/demo/cameras/${DEMO_CAMERAS.length + 1}.jpg` })).statusCode).toBe(404)
    expect((await inject({ method: 'GET', url: '/api/demo/cameras/satu.jpg' })).statusCode).toBe(400)

    // Their pictures are drawn by this server, not fetched: a guard that allows nothing still shows them.
    const strict = checker(new OutboundPolicy([]))
    const drawn = await strict.snapshot(server.kendali.ctx.db, '33.71', alunAlun?.id ?? '', 'all')
    expect(drawn.contentType).toBe('image/jpeg')
    expect(await sharp(drawn.body).metadata()).toMatchObject({ format: 'jpeg', width: 640, height: 360 })
  })

  it('draws the camera name and the time in WIB on the demo picture', async () => {
    const svg = demoPicture('CCTV Alun-alun <Magelang>', new Date('2026-11-23T01:00:00Z'))
    expect(svg).toContain('CCTV Alun-alun &#60;Magelang&#62;')
    expect(svg).toContain('08.00.00 WIB')
    expect(await demoSnapshot(0)).toBeNull()
  })
})

describe('what cameras may answer', () => {
  it('passes on pictures and streams with nosniff and a sandboxing CSP, and their own type only when it is one', async () => {
    const { id } = await register({
      name: unique('Kamera Lengkap'),
      location: at(110.2191, -7.4712),
      snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`,
      mjpegUrl: `${camera.url}/video.mjpg`,
      hlsUrl: `${camera.url}/live/index.m3u8`,
    })
    const base = `/api/t/33.71/cameras/${id}`
    for (const path of ['snapshot', 'hls/', 'hls/seg0.ts']) {
      const res = await inject({ method: 'GET', url: `${base}/${path}`, headers: { cookie: operator } })
      expect(res.statusCode, path).toBe(200)
      expect(res.headers['x-content-type-options'], path).toBe('nosniff')
      expect(res.headers['content-security-policy'], path).toBe("sandbox; default-src 'none'")
    }
    const abort = new AbortController()
    const mjpeg = await fetch(`${server.url}${base}/mjpeg`, { headers: { cookie: operator }, signal: abort.signal })
    expect(mjpeg.headers.get('content-type')).toBe('multipart/x-mixed-replace; boundary=kendaliframe')
    expect(mjpeg.headers.get('x-content-type-options')).toBe('nosniff')
    expect(mjpeg.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'")
    abort.abort()
  })

  it('refuses an SVG snapshot, an HTML stream, an HTML segment and a page posing as a playlist with a 502', async () => {
    const { id } = await register({
      name: unique('Kamera Nakal'),
      location: at(110.2192, -7.4713),
      snapshotUrl: `${camera.url}/snapshot.svg`,
      mjpegUrl: `${camera.url}/video.html`,
      hlsUrl: `${camera.url}/live/page.m3u8`,
    })
    const base = `/api/t/33.71/cameras/${id}`
    for (const path of ['snapshot', 'mjpeg', 'hls/', 'hls/page.ts']) {
      const res = await inject({ method: 'GET', url: `${base}/${path}`, headers: { cookie: operator } })
      expect(res.statusCode, path).toBe(502)
      expect(res.headers['content-type'], path).toContain('application/json')
      expect(json(res), path).toMatchObject({ error: { code: 'upstream_unavailable' } })
      expect(res.body, path).not.toContain('<script>')
    }
    expect(json(await inject({ method: 'GET', url: `${base}/snapshot`, headers: { cookie: operator } }))).toMatchObject({
      error: { message: expect.stringContaining('image/svg+xml') },
    })
  })
})

describe('cameras and the outbound guard', () => {
  it('refuses a camera at the metadata address or another private one, on registration and on edit', async () => {
    for (const source of [
      { snapshotUrl: 'http://169.254.169.254/latest/meta-data/' },
      { hlsUrl: 'http://[64:ff9b::a9fe:a9fe]/live.m3u8' },
      { mjpegUrl: 'http://10.1.2.3/video' },
    ]) {
      const res = await inject({
        method: 'POST',
        url: '/api/t/33.71/cameras',
        headers: { cookie: admin },
        payload: { name: unique('Metadata'), location: at(110.21, -7.48), ...source },
      })
      expect(res.statusCode, JSON.stringify(source)).toBe(400)
      expect(json<{ error: { details: { field: string } } }>(res).error.details.field).toBe(Object.keys(source)[0])
    }
    const { id } = await register({ name: unique('Kamera Pindah'), location: at(110.21, -7.48), snapshotUrl: `${camera.url}/snapshot.jpg` })
    const moved = await inject({
      method: 'PATCH',
      url: `/api/t/33.71/cameras/${id}`,
      headers: { cookie: admin },
      payload: { snapshotUrl: 'http://169.254.169.254/x.jpg' },
    })
    expect(moved.statusCode).toBe(400)
  })

  it("follows no redirect of a camera into the server's own network: snapshot, streams and health check alike", async () => {
    const trap = await startRedirectTrap()
    try {
      const { id } = await register({
        name: unique('Kamera Pengalih'),
        location: at(110.2193, -7.4714),
        snapshotUrl: `${trap.url}/snapshot.jpg`,
        mjpegUrl: `${trap.url}/video.mjpg`,
        hlsUrl: `${trap.url}/live/index.m3u8`,
      })
      const base = `/api/t/33.71/cameras/${id}`
      for (const path of ['snapshot', 'mjpeg', 'hls/', 'hls/seg0.ts']) {
        const res = await inject({ method: 'GET', url: `${base}/${path}`, headers: { cookie: operator } })
        expect(res.statusCode, path).toBe(502)
        expect(res.body, path).not.toContain('internal answer')
      }
      await checker().checkAll(server.kendali.ctx.db)
      expect(json(await inject({ method: 'GET', url: base, headers: { cookie: operator } }))).toMatchObject({ status: 'offline' })
      expect(trap.trapped()).toBe(0)
    } finally {
      await trap.close()
    }
  })

  it('keeps a masked password only for the same scheme, host and port: another address must be given the password again', async () => {
    const { id } = await register({
      name: unique('Kamera Bersandi'),
      location: at(110.2194, -7.4715),
      snapshotUrl: `${camera.url.replace('http://', 'http://admin:rahasia@')}/snapshot.jpg`,
    })
    const url = `/api/t/33.71/cameras/${id}`
    const masked = json<{ snapshotUrl: string }>(await inject({ method: 'GET', url: `${url}/sources`, headers: { cookie: admin } })).snapshotUrl
    const port = Number(new URL(camera.url).port)
    for (const elsewhere of [masked.replace(`:${port}/`, `:${port + 1}/`), masked.replace('127.0.0.1', 'localhost'), masked.replace('http://', 'https://')]) {
      const res = await inject({ method: 'PATCH', url, headers: { cookie: admin }, payload: { snapshotUrl: elsewhere } })
      expect(res.statusCode, elsewhere).toBe(400)
      expect(json<{ error: { details: { field: string } } }>(res).error.details.field).toBe('snapshotUrl')
    }
    expect(json(await inject({ method: 'GET', url: `${url}/sources`, headers: { cookie: admin } }))).toMatchObject({ snapshotUrl: masked })
    const samePlace = await inject({
      method: 'PATCH',
      url,
      headers: { cookie: admin },
      payload: { snapshotUrl: masked.replace('/snapshot.jpg', '/snapshot.jpg?ch=1') },
    })
    expect(samePlace.statusCode).toBe(200)
  })
})

describe('cameras behind Digest authentication, as Hikvision and Dahua have them', () => {
  const login = () => camera.url.replace('http://', 'http://admin:rahasia@')

  it('shows the snapshot of an MD5 and of a SHA-256 camera, and passes its MJPEG on', async () => {
    for (const algorithm of ['md5', 'sha256']) {
      const { id } = await register({
        name: unique(`Kamera Digest ${algorithm}`),
        location: at(110.2196, -7.4716),
        snapshotUrl: `${login()}/digest/${algorithm}/snapshot.jpg`,
        mjpegUrl: `${login()}/digest/${algorithm}/video.mjpg`,
      })
      const snap = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })
      expect(snap.statusCode, algorithm).toBe(200)
      expect(snap.rawPayload.equals(JPEG)).toBe(true)
      const abort = new AbortController()
      const mjpeg = await fetch(`${server.url}/api/t/33.71/cameras/${id}/mjpeg`, { headers: { cookie: operator }, signal: abort.signal })
      expect(mjpeg.status, algorithm).toBe(200)
      expect(mjpeg.headers.get('content-type')).toContain('multipart/x-mixed-replace')
      abort.abort()
    }
  })

  it('answers later requests with the nonce it has, and takes a fresh one when the camera calls it stale', async () => {
    const outbound = new OutboundPolicy(['127.0.0.1'])
    const before = camera.digestChallenges()
    // The fake camera lets a nonce serve three requests: four pictures cost two challenges, not four.
    for (let i = 0; i < 4; i++) {
      const res = await outbound.fetch(`${login()}/digest/sha256/snapshot.jpg`, { timeoutMs: 2000, maxBytes: 1_000_000 })
      expect(res.body.equals(JPEG)).toBe(true)
    }
    expect(camera.digestChallenges() - before).toBe(2)
  })

  it('reports a wrong password as a camera that does not answer', async () => {
    const { id } = await register({
      name: unique('Kamera Digest Salah'),
      location: at(110.2197, -7.4717),
      snapshotUrl: `${camera.url.replace('http://', 'http://admin:keliru@')}/digest/md5/snapshot.jpg`,
    })
    const snap = await inject({ method: 'GET', url: `/api/t/33.71/cameras/${id}/snapshot`, headers: { cookie: operator } })
    expect(snap.statusCode).toBe(502)
  })
})
