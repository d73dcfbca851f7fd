import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'

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
 * A camera on loopback, as an IP camera answers: `/snapshot.jpg` (behind basic auth `admin:rahasia`), an
 * MJPEG stream at `/video.mjpg` that sends a frame every 100 ms, an HLS stream at `/live/index.m3u8` (a media
 * server such as MediaMTX in front of an RTSP camera), a counter of snapshot requests, and hostile answers
 * (`/snapshot.svg`, `/video.html`, `/live/page.ts`, `/live/page.m3u8`: script typed as a picture, page or stream).
 */
export async function startFakeCamera(): Promise<{ url: string; snapshotRequests: () => number; close: () => Promise<void> }> {
  let snapshots = 0
  const server: Server = createServer((req, res) => {
    if (req.url === '/snapshot.jpg') {
      if (req.headers.authorization !== `Basic ${Buffer.from('admin:rahasia').toString('base64')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="camera"' }).end()
        return
      }
      snapshots++
      res.writeHead(200, { 'content-type': 'image/jpeg', 'content-length': JPEG.length }).end(JPEG)
      return
    }
    if (req.url === '/video.mjpg') {
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
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
