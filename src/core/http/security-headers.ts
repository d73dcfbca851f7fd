import helmet from '@fastify/helmet'
import type { KendaliApp } from '../module.ts'

export interface SecurityHeaderOptions {
  publicUrl: string | null
  /** An external MapLibre style: its origin serves the style, sprites, glyphs and usually the tiles. */
  mapStyleUrl: string | null
  /** Origins that may frame the KPI wall; every other page may be framed by nobody. */
  wallFrameAncestors: string[]
}

/** The web app's KPI wall (a situation-room screen), the one page another site may show in a frame. */
const WALL_PAGE = /^\/t\/[^/]+\/kpi\/wall(?:[/?#]|$)/

/**
 * The Content-Security-Policy every answer carries. What the web app needs beyond 'self': MapLibre builds its
 * workers from blob: URLs and reads images from data:/blob:, hls.js plays camera streams from blob: media
 * sources, the Web Push service worker is a same-origin script; no inline script anywhere.
 */
export function contentSecurityPolicy(opts: { mapStyleUrl: string | null; frameAncestors: string[]; upgradeInsecure: boolean }): string {
  const map = opts.mapStyleUrl ? [new URL(opts.mapStyleUrl).origin] : []
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'base-uri': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'", "'unsafe-inline'"],
    'img-src': ["'self'", 'data:', 'blob:', ...map],
    'font-src': ["'self'", 'data:', ...map],
    'connect-src': ["'self'", ...map],
    'media-src': ["'self'", 'blob:'],
    'worker-src': ["'self'", 'blob:'],
    'child-src': ["'self'", 'blob:'],
    'frame-src': ["'self'"],
    'object-src': ["'none'"],
    'form-action': ["'self'"],
    'frame-ancestors': opts.frameAncestors.length > 0 ? opts.frameAncestors : ["'none'"],
  }
  const policy = Object.entries(directives).map(([name, values]) => `${name} ${values.join(' ')}`)
  if (opts.upgradeInsecure) policy.push('upgrade-insecure-requests')
  return policy.join('; ')
}

/**
 * Security headers on every answer, API and web app alike: the CSP above, nosniff, a referrer policy that never
 * sends paths to other sites, no framing (but the wall's named origins), and HSTS once PUBLIC_URL is https.
 */
export async function registerSecurityHeaders(app: KendaliApp, opts: SecurityHeaderOptions): Promise<void> {
  const https = opts.publicUrl?.startsWith('https://') ?? false
  const csp = contentSecurityPolicy({ mapStyleUrl: opts.mapStyleUrl, frameAncestors: [], upgradeInsecure: https })
  const wallCsp = contentSecurityPolicy({ mapStyleUrl: opts.mapStyleUrl, frameAncestors: opts.wallFrameAncestors, upgradeInsecure: https })
  const wallMayBeFramed = opts.wallFrameAncestors.length > 0
  await app.register(helmet, {
    // Set below, per page; helmet's own would add upgrade-insecure-requests on a plain-http install too.
    contentSecurityPolicy: false,
    strictTransportSecurity: https ? { maxAge: 31_536_000, includeSubDomains: false } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
    // Public data (camera snapshots, the open-data portal's files) may be embedded by the city's own sites.
    crossOriginResourcePolicy: false,
    crossOriginEmbedderPolicy: false,
  })
  app.addHook('onRequest', async (request, reply) => {
    // Helmet writes its headers on the raw response; the CSP goes there too, so both are set in one place.
    const framed = wallMayBeFramed && WALL_PAGE.test(request.url)
    reply.raw.setHeader('content-security-policy', framed ? wallCsp : csp)
    if (framed) reply.raw.removeHeader('x-frame-options')
  })
}
