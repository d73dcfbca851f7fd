import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page, PageQuery } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { AlertsServices } from './index.ts'
import { AlertTemplate, SaveTemplate, TemplateParams, TenantParams } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const tags = ['alerts']
// Operators start drafts from templates; the tenant's admin keeps them.

/** The tenant's alert templates. */
export function templateRoutes(app: KendaliApp, ctx: CoreContext, s: AlertsServices): void {
  app.get(
    '/api/t/:tenant/alerts/templates',
    {
      config: { action: 'alerts.template.read' },
      schema: { tags, summary: 'Alert templates by name', params: TenantParams, querystring: PageQuery, response: { 200: Page(AlertTemplate), ...errors } },
    },
    async (request) => s.templates.list(ctx.db, tenantOf(request).code, request.query),
  )

  app.post(
    '/api/t/:tenant/alerts/templates',
    {
      config: { action: 'alerts.template.write' },
      schema: {
        tags,
        summary: 'Adds an alert template (names are unique)',
        params: TenantParams,
        body: SaveTemplate,
        response: { 201: AlertTemplate, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await s.templates.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.put(
    '/api/t/:tenant/alerts/templates/:id',
    {
      config: { action: 'alerts.template.write' },
      schema: { tags, summary: 'Replaces an alert template', params: TemplateParams, body: SaveTemplate, response: { 200: AlertTemplate, ...errors } },
    },
    async (request) => s.templates.replace(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/alerts/templates/:id',
    {
      config: { action: 'alerts.template.write' },
      schema: { tags, summary: 'Removes an alert template', params: TemplateParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await s.templates.remove(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      reply.status(204)
    },
  )
}
