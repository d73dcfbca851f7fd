import type { FastifyRequest } from 'fastify'
import { Forbidden } from '../errors.ts'

// A Host header names the default port only from non-browser clients; an Origin never does.
const withoutDefaultPort = (host: string) => host.replace(/:(80|443)$/, '')

function hostOf(origin: string): string | null {
  try {
    return new URL(origin).host
  } catch {
    return null
  }
}

/**
 * Refuses a cookie-authenticated write or live-channel upgrade that a page of another site started (CSRF).
 * Browsers send Origin on every POST/PUT/PATCH/DELETE fetch and on every WebSocket upgrade; it must name the
 * host the request was sent to, or PUBLIC_URL's host (behind a proxy). `Origin: null` (sandboxed frames, some
 * redirects) is refused. Without Origin, Sec-Fetch-Site decides when present; a request with neither comes from
 * a program, not a page another site controls, and passes.
 */
export function assertSameOrigin(request: FastifyRequest, publicUrl: string | null): void {
  const origin = request.headers.origin
  if (origin === undefined) {
    const site = request.headers['sec-fetch-site']
    if (site === undefined || site === 'same-origin' || site === 'none') return
    throw new Forbidden('A request from another site may not use this session', { reason: 'cross_site' })
  }
  const host = hostOf(origin)
  const own = [withoutDefaultPort(request.host), ...(publicUrl ? [hostOf(publicUrl)] : [])]
  if (host === null || !own.includes(host)) throw new Forbidden(`A request from ${origin} may not use this session`, { reason: 'cross_site' })
}
