import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'

const JPEG = readFileSync(new URL('../fixtures/cctv/snapshot.jpg', import.meta.url))
const HLS: Record<string, [string, Buffer]> = {
  '/live/index.m3u8': ['application/vnd.apple.mpegurl', readFileSync(new URL('../fixtures/cctv/hls/index.m3u8', import.meta.url))],
  '/live/seg0.ts': ['video/mp2t', readFileSync(new URL('../fixtures/cctv/hls/seg0.ts', import.meta.url))],
  '/live/seg1.ts': ['video/mp2t', readFileSync(new URL('../fixtures/cctv/hls/seg1.ts', import.meta.url))],
}
const BOUNDARY = 'kendaliframe'
// What a hostile or broken device answers instead of a picture: script that would run under Kendali's origin.
const HOSTILE: Record<string, [string, string]> = {
  '/snapshot.svg': ['image/svg+xml', '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'],
  '/video.html': ['text/html', '<script>alert(document.cookie)</script>'],
  '/live/page.ts': ['text/html', '<script>alert(document.cookie)</script>'],
  '/live/page.m3u8': ['application/vnd.apple.mpegurl', '<html><script>alert(document.cookie)</script></html>'],
}

/**
 * Digest authentication as a Hikvision camera does it (RFC 7616, qop=auth, user `admin:rahasia`): written apart
 * from Kendali's client so the two check each other. Answers 401 with a challenge unless the request carries a
 * valid answer to a nonce this camera gave; `stale=true` when a nonce is past its use.
 */
class DigestDoor {
  private readonly nonces = new Map<string, number>()
  challenges = 0
  constructor(
    private readonly algorithm: 'MD5' | 'SHA-256',
    private readonly maxUses = 50,
  ) {}

  admits(req: IncomingMessage, res: ServerResponse): boolean {
    const header = req.headers.authorization ?? ''
    const params = Object.fromEntries([...header.matchAll(/(\w+)=(?:"([^"]*)"|([^\s,]+))/g)].map((m) => [m[1], m[2] ?? m[3]]))
    const uses = this.nonces.get(params.nonce)
    const hash = (s: string) =>
      createHash(this.algorithm === 'MD5' ? 'md5' : 'sha256')
        .update(s)
        .digest('hex')
    if (header.startsWith('Digest ') && uses !== undefined && uses < this.maxUses && params.username === 'admin' && params.uri === req.url) {
      const ha1 = hash(`admin:kamera:rahasia`)
      const ha2 = hash(`${req.method}:${req.url}`)
      if (params.qop === 'auth' && params.response === hash(`${ha1}:${params.nonce}:${params.nc}:${params.cnonce}:auth:${ha2}`)) {
        this.nonces.set(params.nonce, uses + 1)
        return true
      }
    }
    const nonce = randomBytes(12).toString('base64')
    this.nonces.set(nonce, 0)
    this.challenges++
    const stale = uses !== undefined && uses >= this.maxUses ? ', stale=true' : ''
    res
      .writeHead(401, { 'www-authenticate': `Digest realm="kamera", qop="auth", nonce="${nonce}", opaque="c0ffee", algorithm=${this.algorithm}${stale}` })
      .end()
    return false
  }
}

/**
 * A camera on loopback, as an IP camera answers: `/snapshot.jpg` (behind basic auth `admin:rahasia`), the same
 * behind Digest at `/digest/md5/snapshot.jpg` and `/digest/sha256/snapshot.jpg` (a nonce serves 3 requests),
 * an MJPEG stream at `/video.mjpg` (and behind Digest at `/digest/md5/video.mjpg`) that sends a frame every
 * 100 ms, an HLS stream at `/live/index.m3u8` (a media server such as MediaMTX in front of an RTSP camera), a
 * counter of snapshot requests, and hostile answers (`/snapshot.svg`, `/video.html`, `/live/page.ts`,
 * `/live/page.m3u8`: script typed as a picture, page or stream).
 */
export async function startFakeCamera(): Promise<{
  url: string
  snapshotRequests: () => number
  digestChallenges: () => number
  close: () => Promise<void>
}> {
  let snapshots = 0
  const doors = { md5: new DigestDoor('MD5', 3), sha256: new DigestDoor('SHA-256', 3) }
  const server: Server = createServer((req, res) => {
    const digest = /^\/digest\/(md5|sha256)(\/.*)$/.exec(req.url ?? '')
    if (digest && !doors[digest[1] as keyof typeof doors].admits(req, res)) return
    const path = digest ? digest[2] : req.url
    if (digest && path === '/snapshot.jpg') {
      snapshots++
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length }).end(JPEG)
      return
    }
    if (path === '/snapshot.jpg') {
      if (req.headers.authorization !== `Basic ${Buffer.from('admin:rahasia').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="camera"' }).end()
        return
      }
      snapshots++
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length }).end(JPEG)
      return
    }
    if (path === '/video.mjpg') {
      res.writeHead(200, { 'content-type': `multipart/x-mixed-replace; boundary=${BOUNDARY}` })
      const frame = () =>
        res.write(
          Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Type: image/jpeg\r\nContent-Length: ${JPEG.length}\r\n\r\n`), JPEG, Buffer.from('\r\n')]),
        )
      frame()
      const timer = setInterval(frame, 100)
      req.on('close', () => clearInterval(timer))
      return
    }
    const hostile = HOSTILE[req.url ?? '']
    if (hostile) {
      res.writeHead(200, { 'content-type': hostile[0] }).end(hostile[1])
      return
    }
    const hls = HLS[req.url ?? '']
    if (hls) {
      res.writeHead(200, { 'content-type': hls[0], 'content-length': hls[1].length }).end(hls[1])
      return
    }
    res.writeHead(404).end()
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (!address || typeof address === 'string') throw new Error('fake camera has no port')
  return {
    url: `http://127.0.0.1:${address.port}`,
    snapshotRequests: () => snapshots,
    digestChallenges: () => doors.md5.challenges + doors.sha256.challenges,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
