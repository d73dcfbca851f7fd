import { Type } from 'typebox'
import { rolesIn } from '../../core/http/access.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { cursorKey, Page, PageQuery } from '../../core/http/paging.ts'
import { tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { ensureVapidKeys } from './delivery.ts'
import type { AlertsServices } from './index.ts'
import { ConfirmSubscription, Delivery, IdParams, PushKey, Subscribe, Subscribed, Subscription, TenantParams, Unsubscribe } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 502: ErrorBody }

/** Subscriptions by kelurahan (citizens: e-mail, Web Push; admins: gateway webhooks) and delivery records. */
export function subscriptionRoutes(app: KendaliApp, ctx: CoreContext, s: AlertsServices): void {
  const tags = ['alerts']

  app.post(
    '/api/t/:tenant/subscriptions',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Subscribes to the alerts of a kelurahan', params: TenantParams, body: Subscribe, response: { 201: Subscribed, ...errors } },
    },
    async (request, reply) => {
      const tenant = tenantOf(request)
      const principal = request.principal
      const caller = principal ? { actor: principal.actor, isAdmin: principal.isPlatformAdmin || rolesIn(principal, tenant).direct.has('admin') } : null
      const result = await s.delivery.subscribe(ctx.db, tenant.code, caller, request.body)
      reply.status(201)
      return result
    },
  )

  app.post(
    '/api/t/:tenant/subscriptions/confirm',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Confirms a subscription: e-mail with the token of the link (valid 48 hours), WhatsApp and SMS with the code sent (valid 1 hour)',
        params: TenantParams,
        body: ConfirmSubscription,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await s.delivery.confirm(ctx.db, tenantOf(request).code, request.body)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/t/:tenant/subscriptions/unsubscribe',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Ends a subscription with its unsubscribe token',
        params: TenantParams,
        body: Unsubscribe,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await s.delivery.unsubscribe(ctx.db, tenantOf(request).code, request.body.token)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/subscriptions/push-key',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'The VAPID public key browsers subscribe to Web Push with', params: TenantParams, response: { 200: PushKey, ...errors } },
    },
    async () => ({ publicKey: (await ensureVapidKeys(ctx.db, ctx.secrets)).publicKey }),
  )

  app.get(
    '/api/t/:tenant/subscriptions',
    {
      config: { action: 'alerts.subscription.read' },
      schema: {
        tags,
        summary: 'Every subscription of the tenant',
        params: TenantParams,
        querystring: PageQuery,
        response: { 200: Page(Subscription), ...errors },
      },
    },
    async (request) => s.delivery.list(ctx.db, tenantOf(request).code, request.query.limit ?? 50, cursorKey(request.query.cursor)),
  )

  app.delete(
    '/api/t/:tenant/subscriptions/:id',
    {
      config: { action: 'alerts.subscription.write' },
      schema: { tags, summary: 'Removes a subscription', params: IdParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await s.delivery.remove(ctx.db, tenantOf(request).code, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/alerts/:id/deliveries',
    {
      config: { action: 'alerts.alert.read' },
      schema: { tags, summary: 'Every delivery of an alert message with its status', params: IdParams, response: { 200: Page(Delivery), ...errors } },
    },
    async (request) => {
      const items = await s.delivery.deliveries(ctx.db, tenantOf(request).code, request.params.id)
      return { items, total: items.length, next: null }
    },
  )
}
