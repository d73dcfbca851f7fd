import { existsSync } from 'node:fs'
import { join, sep } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { KendaliApp } from '../module.ts'

/** Vite names every file under assets/ after its content, so a URL there never changes meaning. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** index.html (the SPA fallback too), the push service worker, the favicon: asked again every time, ETag answers 304. */
const REVALIDATE = 'no-cache'

/** The Cache-Control of a file of the web build, from its path on disk (its .br/.gz sibling included). */
export const cacheControlOf = (webDist: string, path: string): string => (path.startsWith(join(webDist, 'assets') + sep) ? IMMUTABLE : REVALIDATE)

/**
 * Serves the built web app, when there is one: the brotli or gzip file the build wrote next to each file
 * (by Accept-Encoding), hashed assets cached for good, everything else revalidated. Says whether it did.
 */
export async function registerWebApp(app: KendaliApp, webDist: string): Promise<boolean> {
  if (!existsSync(join(webDist, 'index.html'))) return false
  await app.register(fastifyStatic, {
    root: webDist,
    wildcard: false,
    preCompressed: true,
    // The compressed siblings are found through their file; they are no URLs of their own.
    globIgnore: ['**/*.br', '**/*.gz'],
    cacheControl: false,
    setHeaders: (reply, path) => reply.header('cache-control', cacheControlOf(webDist, path)),
  })
  return true
}
