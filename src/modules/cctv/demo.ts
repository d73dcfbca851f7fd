import sharp from 'sharp'
import type { Database } from '../../core/db/database.ts'
import type { CameraService } from './service.ts'

const TENANT = '33.71'
const WIDTH = 640
const HEIGHT = 360

// Real places of Kota Magelang; the pictures are test patterns this server draws, so the demo needs no internet.
export const DEMO_CAMERAS = [
  { name: 'CCTV Alun-alun Magelang', coordinates: [110.2178, -7.4767], isPublic: true },
  { name: 'CCTV Pasar Rejowinangun', coordinates: [110.2216, -7.4853], isPublic: true },
  { name: 'CCTV Simpang Armada', coordinates: [110.2193, -7.4693], isPublic: false },
  { name: 'CCTV Terminal Tidar', coordinates: [110.2227, -7.4941], isPublic: true },
  { name: 'CCTV Jl. Pemuda', coordinates: [110.2183, -7.4738], isPublic: false },
  { name: 'CCTV Gerbang Tidar', coordinates: [110.215, -7.488], isPublic: true },
] as const

const BARS = ['#c0c0c0', '#c0c000', '#00c0c0', '#00c000', '#c000c0', '#c00000', '#0000c0']
const escapeXml = (s: string) => s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A colour-bar test pattern with the camera's name and the time in WIB. */
export function demoPicture(name: string, now: Date): string {
  const time = new Intl.DateTimeFormat('id-ID', { timeZone: 'Asia/Jakarta', dateStyle: 'medium', timeStyle: 'medium' }).format(now)
  const bar = WIDTH / BARS.length
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
  ${BARS.map((c, i) => `<rect x="${i * bar}" y="0" width="${bar + 1}" height="${HEIGHT}" fill="${c}"/>`).join('')}
  <rect x="0" y="${HEIGHT - 90}" width="${WIDTH}" height="90" fill="#000" fill-opacity="0.75"/>
  <text x="20" y="${HEIGHT - 52}" font-family="sans-serif" font-size="26" font-weight="bold" fill="#fff">${escapeXml(name)}</text>
  <text x="20" y="${HEIGHT - 18}" font-family="monospace" font-size="22" fill="#fff">${escapeXml(time)} WIB · DEMO</text>
</svg>`
}

/** Demo camera n's picture as JPEG (null for an unknown camera). */
export async function demoSnapshot(n: number, now: Date = new Date()): Promise<Buffer | null> {
  const camera = DEMO_CAMERAS[n - 1]
  if (!camera) return null
  return sharp(Buffer.from(demoPicture(camera.name, now)))
    .jpeg({ quality: 70 })
    .toBuffer()
}

/**
 * The demo camera a snapshot URL stands for, when it is this server's own `/api/demo/cameras/N.jpg` on loopback
 * (as seeded below): its picture is drawn here, not fetched, so the outbound guard needs no hole for the server itself.
 */
export function demoCameraNumber(source: string, port: number): number | null {
  const url = new URL(source)
  const match = /^\/api\/demo\/cameras\/([0-9]{1,2})\.jpg$/.exec(url.pathname)
  if (url.protocol !== 'http:' || url.hostname !== '127.0.0.1' || url.port !== String(port) || !match || url.username || url.search) return null
  const n = Number(match[1])
  return n >= 1 && n <= DEMO_CAMERAS.length ? n : null
}

/** Registers the demo cameras once (by name), their snapshots drawn by this very server. */
export async function seedCameraDemo(db: Database, cameras: CameraService, port: number): Promise<void> {
  const existing = new Set((await cameras.list(db, TENANT, 'all', { near: null, limit: 1000 })).items.map((c) => c.name))
  for (const [index, camera] of DEMO_CAMERAS.entries()) {
    if (existing.has(camera.name)) continue
    await cameras.create(db, TENANT, 'system:demo', {
      name: camera.name,
      location: { type: 'Point', coordinates: [...camera.coordinates] },
      isPublic: camera.isPublic,
      snapshotUrl: `http://127.0.0.1:${port}/api/demo/cameras/${index + 1}.jpg`,
    })
  }
}
