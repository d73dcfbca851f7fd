import type { Readable } from 'node:stream'
import { UpstreamUnavailable } from '../../core/errors.ts'

// A camera is a device on somebody's network and its answers are passed on under Kendali's own origin: its
// Content-Type is never taken as it comes (an SVG or HTML "snapshot" would run script there). Only picture and
// stream types are passed on, rebuilt from their parts, with nosniff and a sandboxing CSP.

export type MediaKind = 'snapshot' | 'mjpeg' | 'segment'

const ALLOWED: Record<MediaKind, readonly string[]> = {
  snapshot: ['image/jpeg', 'image/png', 'image/webp'],
  mjpeg: ['multipart/x-mixed-replace'],
  segment: ['video/mp2t', 'video/mp4'],
}
// RFC 2046 boundary characters, without the space it allows inside quotes.
const BOUNDARY = /^[A-Za-z0-9'()+_,\-./:=?]{1,70}$/

/** Headers on every picture or stream passed on from a camera. */
export const MEDIA_HEADERS = {
  'x-content-type-options': 'nosniff',
  'content-security-policy': "sandbox; default-src 'none'",
} as const

export interface CameraMedia {
  contentType: string
  body: Readable
}

export class CameraMediaRefused extends UpstreamUnavailable {
  constructor(contentType: string) {
    super(`The camera answered ${contentType.split(';')[0].trim() || 'without a type'}, which is not a picture or stream type Kendali passes on`)
  }
}

/** The Content-Type to send for what a camera answered as `contentType`; refuses anything but the allowed types. */
export function mediaType(contentType: string, kind: MediaKind): string {
  const [essence, ...params] = contentType.split(';').map((p) => p.trim())
  const type = essence.toLowerCase()
  if (!ALLOWED[kind].includes(type)) throw new CameraMediaRefused(contentType)
  if (type !== 'multipart/x-mixed-replace') return type
  const boundary = params.map((p) => /^boundary="?([^"]*)"?$/i.exec(p)?.[1]).find((b) => b !== undefined)
  if (!boundary || !BOUNDARY.test(boundary)) throw new CameraMediaRefused(contentType)
  return `${type}; boundary=${boundary}`
}
