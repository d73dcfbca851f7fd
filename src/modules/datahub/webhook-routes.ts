import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { TenantParams } from './schema.ts'
import type { WebhookService } from './webhooks.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }
const Webhook = Type.Object({ id: Type.String(), name: Type.String(), url: Type.String(), topics: Type.Array(Type.String()), createdAt: Type.String() })
const Delivery = Type.Object({
  id: Type.String(),
  eventSeq: Type.Integer(),
  eventType: Type.String(),
  status: Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')]),
  attempts: Type.Integer(),
  responseStatus: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  lastAttemptAt: Type.Union([Type.String(), Type.Null()]),
})

export function webhookRoutes(app: KendaliApp, ctx: CoreContext, webhooks: WebhookService): void {
  const tags = ['datahub']

  app.get(
    '/api/t/:tenant/webhooks',
    {
      config: { action: 'datahub.webhook.read' },
      schema: {
        tags,
        summary: 'Outbound webhooks (never their secrets)',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(Webhook) }), ...errors },
      },
    },
    async (request) => ({ items: await webhooks.list(ctx.db, tenantOf(request).code) }),
  )

  app.get(
    '/api/t/:tenant/webhook-topics',
    {
      config: { action: 'datahub.webhook.read' },
      schema: {
        tags,
        summary: 'The event topics a webhook can follow',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...errors },
      },
    },
    async () => ({ items: ctx.topics.all().sort() }),
  )

  app.post(
    '/api/t/:tenant/webhooks',
    {
      config: { action: 'datahub.webhook.write' },
      schema: {
        tags,
        summary: 'Adds a webhook on event topics; the signing secret is shown once. Deliveries carry X-Kendali-Signature: sha256=HMAC(secret, body)',
        params: TenantParams,
        body: Type.Object(
          {
            name: Type.String({ minLength: 2, maxLength: 120 }),
            url: Type.String({ pattern: '^https?://', maxLength: 2000 }),
            topics: Type.Array(Type.String({ maxLength: 60 }), { minItems: 1, maxItems: 30 }),
          },
          { additionalProperties: false },
        ),
        response: { 201: Type.Object({ ...Webhook.properties, secret: Type.String() }), ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await webhooks.create(ctx.db, tenantOf(request).code, request.body)),
  )

  app.get(
    '/api/t/:tenant/webhooks/:id/deliveries',
    {
      config: { action: 'datahub.webhook.read' },
      schema: {
        tags,
        summary: 'The delivery log of a webhook; ?status=dead is the dead-letter view',
        params: Type.Object({ tenant: Type.String(), id: Type.String({ format: 'uuid' }) }),
        querystring: Type.Object({
          status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('dead')])),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
        }),
        response: { 200: Type.Object({ items: Type.Array(Delivery) }), ...errors },
      },
    },
    async (request) => ({
      items: await webhooks.deliveries(ctx.db, tenantOf(request).code, request.params.id, request.query.status ?? null, request.query.limit ?? 100),
    }),
  )
}
