import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { NotFound } from '../errors.ts'
import type { CoreContext, KendaliApp } from '../module.ts'
import { basemapArchive, basemapArchives, findTile, summarize } from './archive.ts'
import { glyphRange } from './glyphs.ts'
import { BASEMAP_THEMES, type BasemapTheme, basemapStyle } from './style.ts'

// Tiles and glyphs change only when an archive is replaced (and then their ETag changes): a day in the cache.
const IMMUTABLE_FOR_A_DAY = 'public, max-age=86400'
// Styles name the address they were asked at and the current archives: revalidate each time.
const REVALIDATE = 'no-cache'

/** Answers 304 when the client holds this version; otherwise sets the validators for the body that follows. */
function isFresh(request: FastifyRequest, reply: FastifyReply, etag: string, cacheControl: string): boolean {
  reply.header('etag', etag).header('cache-control', cacheControl)
  const held = request.headers['if-none-match'] ?? ''
  return held.split(',').some((t) => t.trim() === etag || t.trim() === '*')
}

/** Sends a body with its validators, or 304 when the client holds this version already. */
function sendValidated(request: FastifyRequest, reply: FastifyReply, body: string | Buffer, type: string, cacheControl: string, etag = contentTag(body)) {
  if (isFresh(request, reply, etag, cacheControl)) return reply.status(304).send()
  return reply.type(type).send(body)
}

/** A strong validator from the content (or what determines it). */
function contentTag(...parts: (string | Buffer)[]): string {
  const hash = createHash('sha1')
  for (const part of parts) hash.update(part)
  return `"${hash.digest('base64url').slice(0, 20)}"`
}

/** One `bytes=` range of a file of `size` bytes, 'unsatisfiable', or null for the whole file (none or several asked). */
export function parseRange(header: string | undefined, size: number): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  if (!m) return null
  const [, from, to] = m as unknown as [string, string, string]
  if (from === '' && to === '') return null
  if (from === '') {
    const suffix = Number(to)
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(from)
  if (start >= size) return 'unsatisfiable'
  return { start, end: to === '' ? size - 1 : Math.min(Number(to), size - 1) }
}

/** The public web origin styles point their tiles and glyphs at. */
function origin(ctx: CoreContext, request: FastifyRequest): string {
  return ctx.config.publicUrl?.replace(/\/$/, '') ?? `${request.protocol}://${request.host}`
}

/**
 * The basemap: PMTiles archives of the basemap folder served as one vector tile set, styles of our own over it,
 * the label glyphs, and each archive itself with byte ranges (for PMTiles readers and for copying to another
 * server). All public: it is a map of streets, like any printed one.
 */
export function basemapRoutes(app: KendaliApp, ctx: CoreContext): void {
  const dir = ctx.config.basemapDir

  app.get(
    '/api/basemap/tiles/:z/:x/:y.mvt',
    {
      config: { access: 'public' },
      schema: {
        tags: ['basemap'],
        summary: 'A vector tile (Mapbox Vector Tile) of the basemap; 204 where the basemap has none',
        params: Type.Object({
          z: Type.Integer({ minimum: 0, maximum: 22 }),
          // At most 2^22 tiles a side at the deepest zoom.
          x: Type.Integer({ minimum: 0, maximum: 2 ** 22 - 1 }),
          y: Type.Integer({ minimum: 0, maximum: 2 ** 22 - 1 }),
        }),
      },
    },
    async (request, reply) => {
      const { z, x, y } = request.params
      const archives = await basemapArchives(dir)
      if (archives.length === 0) throw new NotFound('No basemap is installed (npm run basemap)')
      if (x >= 2 ** z || y >= 2 ** z) throw new NotFound(`Tile ${z}/${x}/${y} does not exist`)
      const tile = await findTile(archives, z, x, y)
      if (!tile) return reply.status(204).header('cache-control', IMMUTABLE_FOR_A_DAY).send()
      const etag = contentTag(tile.archive.etag, `${z}/${x}/${y}`)
      return sendValidated(request, reply, Buffer.from(tile.data), 'application/vnd.mapbox-vector-tile', IMMUTABLE_FOR_A_DAY, etag)
    },
  )

  app.get(
    '/api/basemap/styles/:theme.json',
    {
      config: { access: 'public' },
      schema: {
        tags: ['basemap'],
        summary: 'A MapLibre style over the installed basemap: dark (console, wall) or light (portal, phone)',
        params: Type.Object({ theme: Type.Union(BASEMAP_THEMES.map((t) => Type.Literal(t))) }),
      },
    },
    async (request, reply) => {
      const summary = summarize(await basemapArchives(dir))
      if (!summary) throw new NotFound('No basemap is installed (npm run basemap)')
      const body = JSON.stringify(basemapStyle(request.params.theme as BasemapTheme, summary, origin(ctx, request)))
      return sendValidated(request, reply, body, 'application/json; charset=utf-8', REVALIDATE)
    },
  )

  app.get(
    '/api/basemap/fonts/:fontstack/:range.pbf',
    {
      config: { access: 'public' },
      schema: {
        tags: ['basemap'],
        summary: 'Label glyphs (signed distance fields, MapLibre PBF) of 256 code points; empty for ranges not shipped',
        params: Type.Object({ fontstack: Type.String({ maxLength: 200 }), range: Type.String({ pattern: '^[0-9]{1,5}-[0-9]{1,5}$' }) }),
      },
    },
    async (request, reply) => {
      const [start, end] = request.params.range.split('-').map(Number) as [number, number]
      if (start % 256 !== 0 || end !== start + 255) throw new NotFound(`${request.params.range} is not a glyph range`)
      const body = await glyphRange(start)
      return sendValidated(request, reply, body, 'application/x-protobuf', IMMUTABLE_FOR_A_DAY)
    },
  )

  app.get(
    '/api/basemap/archives/:name',
    {
      config: { access: 'public' },
      schema: {
        tags: ['basemap'],
        summary: 'A basemap PMTiles archive, with byte ranges (206) as PMTiles readers ask',
        params: Type.Object({ name: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,100}\\.pmtiles$' }) }),
      },
    },
    async (request, reply) => {
      const archive = await basemapArchive(dir, request.params.name)
      if (!archive) throw new NotFound(`No basemap archive ${request.params.name}`)
      reply.header('accept-ranges', 'bytes').type('application/vnd.pmtiles')
      if (isFresh(request, reply, archive.etag, IMMUTABLE_FOR_A_DAY)) return reply.status(304).send()
      const range = parseRange(request.headers.range, archive.size)
      if (range === 'unsatisfiable') {
        return reply
          .status(416)
          .header('content-range', `bytes */${archive.size}`)
          .type('application/json; charset=utf-8')
          .send({ error: { code: 'invalid', message: `The range is outside the archive's ${archive.size} bytes`, details: { size: archive.size } } })
      }
      if (!range) return reply.header('content-length', archive.size).send(createReadStream(archive.path))
      return reply
        .status(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${archive.size}`)
        .header('content-length', range.end - range.start + 1)
        .send(createReadStream(archive.path, { start: range.start, end: range.end }))
    },
  )
}

/** What /api/config tells the web app: the styles of the installed basemap, or null when there is none. */
export async function basemapStyles(ctx: CoreContext): Promise<Record<BasemapTheme, string> | null> {
  const archives = await basemapArchives(ctx.config.basemapDir)
  return archives.length === 0 ? null : { dark: '/api/basemap/styles/dark.json', light: '/api/basemap/styles/light.json' }
}
