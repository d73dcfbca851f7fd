import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Invalid } from '../../core/errors.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { MEDIA_HEADERS } from '../cctv/media.ts'
import type { FrigateListeners } from './listener.ts'
import {
  AnalyticsRule,
  CameraMappings,
  CreatedSource,
  CreateSource,
  Detection,
  DetectionQuery,
  IdParams,
  RuleBody,
  Source,
  TenantParams,
  UpdateSource,
  WebhookEvent,
} from './schema.ts'
import type { AnalyticsService } from './service.ts'
import type { StoredDetection } from './store.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const tags = ['analytics']

/** Where the webhook's raw body is kept for its signature. */
const RAW = Symbol('raw body')
type WithRaw = FastifyRequest & { [RAW]?: string }

const shown = ({ incidentType: _, ...d }: StoredDetection): Detection => d

export function analyticsRoutes(app: KendaliApp, ctx: CoreContext, service: AnalyticsService, listeners: FrigateListeners): void {
  app.get(
    '/api/t/:tenant/analytics/sources',
    {
      config: { action: 'analytics.source.read' },
      schema: {
        tags,
        summary: 'Video-analytics sources (Frigate, webhooks); passwords masked, secrets never shown',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(Source) }), ...errors },
      },
    },
    async (request) => ({ items: await service.sources(ctx.db, tenantOf(request).code) }),
  )

  app.post(
    '/api/t/:tenant/analytics/sources',
    {
      config: { action: 'analytics.source.write' },
      schema: {
        tags,
        summary: 'Connects a Frigate (its MQTT broker and HTTP API) or a webhook source; a webhook source’s secret is answered once',
        params: TenantParams,
        body: CreateSource,
        response: { 201: CreatedSource, ...errors },
      },
    },
    async (request, reply) => {
      const { source, secret } = await service.createSource(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)
      // Subscribing waits for the broker, which may be slow or away: the save does not.
      void listeners.sync()
      return reply.status(201).send({ ...service.view(source), secret })
    },
  )

  app.patch(
    '/api/t/:tenant/analytics/sources/:id',
    {
      config: { action: 'analytics.source.write' },
      schema: {
        tags,
        summary: 'Changes a source; a password shown masked (***) keeps the stored one',
        params: IdParams,
        body: UpdateSource,
        response: { 200: Source, ...errors },
      },
    },
    async (request) => {
      const source = await service.updateSource(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body)
      // Subscribing waits for the broker, which may be slow or away: the save does not.
      void listeners.sync()
      return service.view(source)
    },
  )

  app.get(
    '/api/t/:tenant/analytics/sources/:id/cameras',
    {
      config: { action: 'analytics.source.read' },
      schema: {
        tags,
        summary: 'Which Kendali camera each of the source’s cameras and zones is',
        params: IdParams,
        response: { 200: CameraMappings, ...errors },
      },
    },
    async (request) => ({ items: await service.mappings(ctx.db, tenantOf(request).code, request.params.id) }),
  )

  app.put(
    '/api/t/:tenant/analytics/sources/:id/cameras',
    {
      config: { action: 'analytics.source.write' },
      schema: {
        tags,
        summary: 'Replaces the source’s camera and zone mapping (a zone mapping wins over its camera’s)',
        params: IdParams,
        body: CameraMappings,
        response: { 200: CameraMappings, ...errors },
      },
    },
    async (request) => ({
      items: await service.setMappings(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body.items),
    }),
  )

  app.get(
    '/api/t/:tenant/analytics/rules',
    {
      config: { action: 'analytics.rule.read' },
      schema: {
        tags,
        summary: 'Detection rules: label, zone, camera, score and hours that raise an alarm or an incident',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(AnalyticsRule) }), ...errors },
      },
    },
    async (request) => ({ items: await service.rules(ctx.db, tenantOf(request).code) }),
  )

  app.post(
    '/api/t/:tenant/analytics/rules',
    {
      config: { action: 'analytics.rule.write' },
      schema: {
        tags,
        summary: 'Adds a detection rule (hours in the tenant’s zone; 22:00–05:00 runs past midnight)',
        params: TenantParams,
        body: RuleBody,
        response: { 201: AnalyticsRule, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await service.createRule(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.put(
    '/api/t/:tenant/analytics/rules/:id',
    {
      config: { action: 'analytics.rule.write' },
      schema: { tags, summary: 'Replaces a detection rule', params: IdParams, body: RuleBody, response: { 200: AnalyticsRule, ...errors } },
    },
    async (request) => service.updateRule(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/analytics/rules/:id',
    {
      config: { action: 'analytics.rule.write' },
      schema: { tags, summary: 'Deletes a detection rule; alarms it raised stay', params: IdParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await service.deleteRule(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/detections',
    {
      config: { action: 'analytics.detection.read' },
      schema: {
        tags,
        summary: 'Detection alarms, newest first (default: open ones)',
        params: TenantParams,
        querystring: DetectionQuery,
        response: { 200: Type.Object({ items: Type.Array(Detection) }), ...errors },
      },
    },
    async (request) => ({
      items: (await service.detections(ctx.db, tenantOf(request).code, request.query.status ?? 'open', request.query.limit ?? 50)).map(shown),
    }),
  )

  app.get(
    '/api/t/:tenant/detections/:id',
    {
      config: { action: 'analytics.detection.read' },
      schema: { tags, summary: 'A detection alarm', params: IdParams, response: { 200: Detection, ...errors } },
    },
    async (request) => shown(await service.detection(ctx.db, tenantOf(request).code, request.params.id)),
  )

  app.get(
    '/api/t/:tenant/detections/:id/snapshot',
    {
      config: { action: 'analytics.detection.read' },
      schema: {
        tags,
        summary: 'The picture the source took of the detection (JPEG, PNG or WebP, checked when fetched)',
        params: IdParams,
        response: { 200: Type.Unknown({ description: 'image/jpeg, image/png or image/webp' }), ...errors },
      },
    },
    async (request, reply) => {
      const picture = await service.snapshot(ctx.db, tenantOf(request).code, request.params.id)
      return reply.headers(MEDIA_HEADERS).header('content-type', picture.contentType).header('cache-control', 'private, max-age=3600').send(picture.body)
    },
  )

  app.post(
    '/api/t/:tenant/detections/:id/ack',
    {
      config: { action: 'analytics.detection.ack' },
      schema: { tags, summary: 'Acknowledges an active detection alarm', params: IdParams, response: { 200: Detection, ...errors } },
    },
    async (request) => shown(await service.acknowledge(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)),
  )

  // The vendors' webhook: no login, the signature over the raw body is the credential.
  app.register(async (scope: FastifyInstance) => {
    scope.removeContentTypeParser(['application/json'])
    scope.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: 64 * 1024 }, (request, body, done) => {
      const text = String(body)
      ;(request as WithRaw)[RAW] = text
      try {
        done(null, JSON.parse(text))
      } catch {
        done(new Invalid('The body is not JSON', { location: 'body' }), undefined)
      }
    })
    const typed = scope as unknown as KendaliApp
    typed.post(
      '/api/t/:tenant/analytics/sources/:id/events',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary:
            'A detection from an analytics box or NVR (README "Video analytics"); refused (401) unless x-kendali-signature is sha256=HMAC-SHA256 of "{x-kendali-timestamp}.{raw body}" with the source’s secret, within five minutes',
          params: IdParams,
          body: WebhookEvent,
          response: { 200: Type.Object({ outcome: Type.String() }), ...errors },
        },
      },
      async (request) => {
        const header = (name: string) => {
          const v = request.headers[name]
          return typeof v === 'string' ? v : undefined
        }
        const outcome = await service.receiveWebhook(
          ctx.db,
          tenantOf(request).code,
          request.params.id,
          { raw: (request as WithRaw)[RAW] ?? '', timestamp: header('x-kendali-timestamp'), signature: header('x-kendali-signature') },
          request.body,
        )
        return { outcome }
      },
    )
  })
}
