import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { AppService } from './apps.ts'
import type { Owners } from './owners.ts'
import { accessOf } from './routes.ts'
import { App, AppParams, CreateApp, TenantParams, UpdateApp } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

export function appRoutes(app: KendaliApp, ctx: CoreContext, apps: AppService, owners: Owners): void {
  const tags = ['datahub']

  app.get(
    '/api/t/:tenant/apps',
    {
      // The city's app store is public; archived apps are for staff of the tenant only.
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The city’s applications with their health and uptime over 30 days',
        params: TenantParams,
        querystring: Type.Object({ archived: Type.Optional(Type.Boolean({ description: 'Archived apps instead (staff only)' })) }),
        response: { 200: Type.Object({ items: Type.Array(App) }), ...errors },
      },
    },
    async (request) => {
      const archived = request.query.archived === true && accessOf(request) === 'all'
      return { items: await apps.list(ctx.db, tenantOf(request).code, archived) }
    },
  )

  app.post(
    '/api/t/:tenant/apps',
    {
      config: { action: 'datahub.app.write' },
      schema: {
        tags,
        summary: 'Lists an app; a URL at a private, loopback or link-local address is refused unless OUTBOUND_ALLOW lists it',
        params: TenantParams,
        body: CreateApp,
        response: { 201: App, ...errors },
      },
    },
    async (request, reply) => {
      await owners.organization(request, 'datahub.app.write', request.body.organization ?? null)
      return reply.status(201).send(await apps.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body))
    },
  )

  app.patch(
    '/api/t/:tenant/apps/:id',
    {
      config: { action: 'datahub.app.write' },
      schema: { tags, summary: 'Changes an app; a new URL waits for the next probe', params: AppParams, body: UpdateApp, response: { 200: App, ...errors } },
    },
    async (request) => {
      await owners.app(request, 'datahub.app.write', request.params.id)
      await owners.organization(request, 'datahub.app.write', request.body.organization)
      return apps.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body)
    },
  )

  app.post(
    '/api/t/:tenant/apps/:id/archive',
    {
      config: { action: 'datahub.app.archive' },
      schema: { tags, summary: 'Takes an app out of the directory; its record stays', params: AppParams, response: { 200: App, ...errors } },
    },
    async (request) => apps.archive(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id),
  )

  app.post(
    '/api/t/:tenant/apps/:id/probe',
    {
      config: { action: 'datahub.app.write' },
      schema: { tags, summary: 'Checks the app now instead of at the next scheduled probe', params: AppParams, response: { 200: App, ...errors } },
    },
    async (request) => {
      await owners.app(request, 'datahub.app.write', request.params.id)
      return apps.probe(ctx.db, tenantOf(request).code, request.params.id)
    },
  )
}
