import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { NotFound } from '../../core/errors.ts'
import { authorize } from '../../core/http/access.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { type IncidentsServices, incidentsServices } from '../incidents/index.ts'
import { demoSnapshot } from './demo.ts'
import { MEDIA_HEADERS } from './media.ts'
import {
  AlarmParams,
  AlarmQuery,
  Camera,
  CameraAlarm,
  CameraParams,
  CameraQuery,
  CameraSources,
  CameraStreams,
  CreateCamera,
  StreamQuery,
  TenantParams,
  UpdateCamera,
} from './schema.ts'
import type { CameraAccess, CameraService } from './service.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 502: ErrorBody, 503: ErrorBody }

/** Anonymous callers see public cameras; anyone with a role in the tenant (or its province) sees all. */
function accessOf(request: FastifyRequest): CameraAccess {
  if (!request.principal) return 'public-only'
  try {
    // A wall screen shows the city's cameras, not only the public ones.
    authorize(request.principal, { roles: 'any', wall: true }, tenantOf(request), false)
    return 'all'
  } catch {
    return 'public-only'
  }
}

function parseNear(near: string | undefined): [number, number] | null {
  if (!near) return null
  const [lon, lat] = near.split(',').map(Number)
  return [lon, lat]
}

export function cameraRoutes(app: KendaliApp, ctx: CoreContext, cameras: CameraService): void {
  let incidents: IncidentsServices | null = null
  const incidentsOf = (c: CoreContext) => {
    incidents ??= incidentsServices(c)
    return incidents
  }

  app.post(
    '/api/t/:tenant/cameras',
    {
      config: { action: 'cctv.camera.write' },
      schema: {
        tags: ['cctv'],
        summary: 'Registers a camera; its source URLs stay on the server',
        params: TenantParams,
        body: CreateCamera,
        response: { 201: Camera, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await cameras.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.get(
    '/api/t/:tenant/cameras',
    {
      // Public cameras are for everyone (the public portal); the rest need a role in the tenant.
      config: { access: 'public' },
      schema: {
        tags: ['cctv'],
        summary: 'Cameras by name, or nearest first with ?near=lon,lat; anonymous callers get public cameras only',
        params: TenantParams,
        querystring: CameraQuery,
        response: { 200: Page(Camera), ...errors },
      },
    },
    async (request) =>
      cameras.list(ctx.db, tenantOf(request).code, accessOf(request), {
        near: parseNear(request.query.near),
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  )

  app.get(
    '/api/t/:tenant/incidents/:id/cameras',
    {
      config: { action: 'cctv.incident.read' },
      schema: {
        tags: ['cctv'],
        summary: 'The cameras nearest an incident, nearest first with their distance (the camera wall follows an incident with it)',
        params: CameraParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 16, default: 4 })) }),
        response: { 200: Page(Camera), ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const incident = await incidentsOf(ctx).incidents.get(ctx.db, tenant, request.params.id)
      return cameras.list(ctx.db, tenant, 'all', { near: incident.location.coordinates as [number, number], limit: request.query.limit ?? 4 })
    },
  )

  app.get(
    '/api/t/:tenant/cameras/:id',
    { config: { access: 'public' }, schema: { tags: ['cctv'], summary: 'One camera', params: CameraParams, response: { 200: Camera, ...errors } } },
    async (request) => cameras.get(ctx.db, tenantOf(request).code, request.params.id, accessOf(request)),
  )

  app.patch(
    '/api/t/:tenant/cameras/:id',
    {
      config: { action: 'cctv.camera.write' },
      schema: {
        tags: ['cctv'],
        summary: 'Changes a camera; a source URL of null removes it, a password sent as *** keeps the stored one',
        params: CameraParams,
        body: UpdateCamera,
        response: { 200: Camera, ...errors },
      },
    },
    async (request) => cameras.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/cameras/:id',
    {
      config: { action: 'cctv.camera.write' },
      schema: {
        tags: ['cctv'],
        summary: 'Archives a camera: off the map, the wall and the checks',
        params: CameraParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await cameras.archive(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/camera-alarms',
    {
      config: { action: 'cctv.alarm.read' },
      schema: {
        tags: ['cctv'],
        summary: 'Alarms of cameras that stopped answering, newest first (default: open ones); the next good check clears one',
        params: TenantParams,
        querystring: AlarmQuery,
        response: { 200: Page(CameraAlarm), ...errors },
      },
    },
    async (request) =>
      cameras.alarms.list(ctx.db, tenantOf(request).code, {
        status: request.query.status ?? 'open',
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      }),
  )

  app.get(
    '/api/t/:tenant/cameras/:id/alarms',
    {
      config: { action: 'cctv.alarm.read' },
      schema: {
        tags: ['cctv'],
        summary: "A camera's alarms, newest first (default: all of them, its outage history)",
        params: CameraParams,
        querystring: AlarmQuery,
        response: { 200: Page(CameraAlarm), ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      await cameras.get(ctx.db, tenant, request.params.id, 'all')
      return cameras.alarms.list(ctx.db, tenant, {
        status: request.query.status ?? 'all',
        cameraId: request.params.id,
        limit: request.query.limit ?? 50,
        cursor: request.query.cursor,
      })
    },
  )

  app.post(
    '/api/t/:tenant/camera-alarms/:id/ack',
    {
      config: { action: 'cctv.alarm.ack' },
      schema: {
        tags: ['cctv'],
        summary: 'Acknowledges an active camera alarm (who and when are kept); 409 when it is not active',
        params: AlarmParams,
        response: { 200: CameraAlarm, ...errors },
      },
    },
    async (request) => cameras.alarms.acknowledge(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id),
  )

  app.get(
    '/api/t/:tenant/cameras/:id/sources',
    {
      config: { action: 'cctv.camera.sources' },
      schema: {
        tags: ['cctv'],
        summary: "The camera's source URLs for editing, passwords masked as ***",
        params: CameraParams,
        response: { 200: CameraSources, ...errors },
      },
    },
    async (request) => cameras.maskedSources(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.get(
    '/api/t/:tenant/cameras/:id/snapshot',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cctv'],
        summary:
          "The camera's current picture, fetched by the server (cached 5 s); 502 when the camera does not answer or answers anything but JPEG, PNG or WebP",
        params: CameraParams,
        response: { 200: Type.Unknown({ description: 'image/jpeg, image/png or image/webp' }), ...errors },
      },
    },
    async (request, reply) => {
      const snapshot = await cameras.snapshot(ctx.db, tenantOf(request).code, request.params.id, accessOf(request))
      return reply.headers(MEDIA_HEADERS).header('content-type', snapshot.contentType).header('cache-control', 'private, max-age=5').send(snapshot.body)
    },
  )

  // One picture per demo camera and second, however many ask: drawing costs more than sending.
  const drawn = new Map<number, { second: number; jpeg: Buffer }>()
  app.get(
    '/api/demo/cameras/:file',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cctv'],
        summary: 'A demo camera’s snapshot: a test pattern with its name and the time in WIB (the demo works without internet)',
        params: Type.Object({ file: Type.String({ pattern: '^[0-9]{1,2}\\.jpg$' }) }),
        response: { 200: Type.Unknown({ description: 'image/jpeg' }), ...errors },
      },
    },
    async (request, reply) => {
      const n = Number.parseInt(request.params.file, 10)
      const second = Math.floor(Date.now() / 1000)
      let picture = drawn.get(n)
      if (picture?.second !== second) {
        const jpeg = await demoSnapshot(n)
        if (!jpeg) throw new NotFound(`There is no demo camera ${n}`)
        picture = { second, jpeg }
        drawn.set(n, picture)
      }
      return reply.header('content-type', 'image/jpeg').header('cache-control', 'no-store').send(picture.jpeg)
    },
  )

  // Streams never end by themselves: a stopping server ends them instead of waiting for every viewer to leave.
  const liveStreams = new Set<AbortController>()
  app.addHook('preClose', async () => {
    for (const abort of liveStreams) abort.abort()
  })
  app.addHook('onClose', async () => cameras.close())

  app.get(
    '/api/t/:tenant/camera-streams',
    {
      config: { action: 'cctv.stream.read' },
      schema: {
        tags: ['cctv'],
        summary: 'The RTSP cameras being remuxed to HLS now (one ffmpeg each, however many watch): health, bitrate, viewers',
        params: TenantParams,
        response: { 200: CameraStreams, ...errors },
      },
    },
    async (request) => cameras.streamStatus(ctx.db, tenantOf(request).code),
  )

  app.get(
    '/api/t/:tenant/cameras/:id/hls/*',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cctv'],
        summary:
          'The live HLS stream through the server: `hls/` is the playlist, the rest are its files (play with hls.js). An RTSP camera is remuxed ' +
          'for signed-in viewers (401 otherwise), one remux however many watch; 503 `remux_limit` when CAMERA_MAX_REMUXES run already',
        params: Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }), '*': Type.String({ maxLength: 300 }) }),
        querystring: StreamQuery,
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (request, reply) => {
      const abort = new AbortController()
      reply.raw.on('close', () => abort.abort())
      // The viewer id is Kendali's, not the camera's: it is not passed on.
      const query = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '')
      query.delete('viewer')
      const path = request.params['*'] + (query.size > 0 ? `?${query}` : '')
      const viewer = { id: request.query.viewer ?? `${request.ip} ${request.principal?.actor ?? ''}`, signedIn: Boolean(request.principal) }
      const file = await cameras.hls(ctx.db, tenantOf(request).code, request.params.id, accessOf(request), path, viewer, abort.signal)
      reply.headers(MEDIA_HEADERS).header('content-type', file.contentType)
      // Playlists of a live stream change every segment; segments never change.
      if (file.kind === 'playlist') return reply.header('cache-control', 'no-cache').send(file.text)
      return reply.header('cache-control', 'private, max-age=60').send(file.body)
    },
  )

  app.get(
    '/api/t/:tenant/cameras/:id/mjpeg',
    {
      config: { access: 'public' },
      schema: {
        tags: ['cctv'],
        summary: 'The live MJPEG stream, passed through the server',
        params: CameraParams,
        response: { 200: Type.Unknown(), ...errors },
      },
    },
    async (request, reply) => {
      const abort = new AbortController()
      // The response closes when the viewer leaves (or the server stops): stop pulling from the camera then.
      liveStreams.add(abort)
      reply.raw.on('close', () => {
        liveStreams.delete(abort)
        abort.abort()
      })
      const upstream = await cameras.mjpeg(ctx.db, tenantOf(request).code, request.params.id, accessOf(request), abort.signal)
      return reply
        .headers(MEDIA_HEADERS)
        .header('content-type', upstream.contentType)
        .header('cache-control', 'no-store')
        .send(upstream.body.on('error', () => abort.abort()))
    },
  )
}
