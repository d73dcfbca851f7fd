import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { Briefing, BriefingInput, Briefings, Deliveries, IdParams, TenantParams } from './schema.ts'
import type { BriefingService } from './service.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }
const tags = ['briefings']

export function briefingRoutes(app: KendaliApp, ctx: CoreContext, briefings: BriefingService): void {
  app.get(
    '/api/t/:tenant/briefings',
    {
      config: { action: 'briefings.schedule.read' },
      schema: { tags, summary: 'The scheduled reports of the tenant', params: TenantParams, response: { 200: Briefings, ...errors } },
    },
    async (request) => ({ items: await briefings.list(ctx.db, tenantOf(request).code) }),
  )

  app.post(
    '/api/t/:tenant/briefings',
    {
      config: { action: 'briefings.schedule.write' },
      schema: {
        tags,
        summary: 'Schedules a report: what, to whom (e-mail, PDF and XLSX attached), daily, weekly or monthly at a time in the tenant’s zone',
        params: TenantParams,
        body: BriefingInput,
        response: { 201: Briefing, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await briefings.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.put(
    '/api/t/:tenant/briefings/:id',
    {
      config: { action: 'briefings.schedule.write' },
      schema: { tags, summary: 'Changes a scheduled report', params: IdParams, body: BriefingInput, response: { 200: Briefing, ...errors } },
    },
    async (request) => briefings.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/briefings/:id',
    {
      config: { action: 'briefings.schedule.write' },
      schema: { tags, summary: 'Removes a scheduled report and its delivery records', params: IdParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await briefings.remove(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      reply.status(204)
    },
  )

  app.get(
    '/api/t/:tenant/briefings/:id/deliveries',
    {
      config: { action: 'briefings.schedule.read' },
      schema: {
        tags,
        summary: 'The latest sendings of a scheduled report: sent, skipped (and why), failed',
        params: IdParams,
        response: { 200: Deliveries, ...errors },
      },
    },
    async (request) => ({ items: await briefings.deliveries(ctx.db, tenantOf(request).code, request.params.id) }),
  )

  app.post(
    '/api/t/:tenant/briefings/:id/test',
    {
      config: { action: 'briefings.schedule.write' },
      schema: {
        tags,
        summary: 'Sends this period’s report to its recipients now, marked as a test ("kirim uji sekarang"); answers each sending',
        params: IdParams,
        response: { 200: Deliveries, ...errors },
      },
    },
    async (request) => ({ items: await briefings.sendTest(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id) }),
  )
}
