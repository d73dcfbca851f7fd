import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { NotFound } from '../../core/errors.ts'
import { FeatureCollection } from '../../core/geo/geojson.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { cursorKey, Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { atomFeed } from './cap.ts'
import type { AlertsServices } from './index.ts'
import { Alert, AlertQuery, CancelAlert, CapFileParams, CreateAlert, IdParams, PatchAlert, PublicAlert, TenantParams } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

const Prefill = Type.Union(
  [
    Type.Object({ incidentId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
    Type.Object({ alarmId: Type.String({ format: 'uuid' }) }, { additionalProperties: false }),
  ],
  { description: 'The incident or sensor alarm the draft is made from' },
)

const AlertAreas = FeatureCollection(
  Type.Object({
    id: Type.String(),
    identifier: Type.String(),
    event: Type.String(),
    headline: Type.Union([Type.String(), Type.Null()]),
    severity: Type.String(),
    urgency: Type.String(),
    expires: Type.String(),
  }),
)

const TenantFeedParams = Type.Object({ tenant: Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$' }) })

export function baseUrl(ctx: CoreContext, request: FastifyRequest): string {
  return (ctx.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '')
}

export function capUrl(base: string, tenant: string, identifier: string): string {
  return `${base}/cap/${tenant}/alerts/${identifier}.xml`
}

export function alertRoutes(app: KendaliApp, ctx: CoreContext, s: AlertsServices): void {
  const tags = ['alerts']
  const alerts = s.alerts

  app.post(
    '/api/t/:tenant/alerts',
    {
      config: { action: 'alerts.alert.write' },
      schema: {
        tags,
        summary: 'Drafts a public warning (CAP fields, regions and/or a drawn area)',
        params: TenantParams,
        body: CreateAlert,
        response: { 201: Alert, ...errors },
      },
    },
    async (request, reply) => {
      const code = tenantOf(request).code
      const row = await alerts.create(ctx.db, code, principalOf(request).actor, request.body)
      reply.status(201)
      return alerts.toAlert(code, row)
    },
  )

  app.post(
    '/api/t/:tenant/alerts/prefill',
    {
      config: { action: 'alerts.alert.write' },
      schema: {
        tags,
        summary: 'Drafts a warning prefilled from an incident or a sensor alarm',
        params: TenantParams,
        body: Prefill,
        response: { 201: Alert, ...errors },
      },
    },
    async (request, reply) => {
      const code = tenantOf(request).code
      const actor = principalOf(request).actor
      const body = request.body
      const row =
        'incidentId' in body
          ? await alerts.draftFromIncident(ctx.db, code, actor, body.incidentId)
          : await alerts.draftFromAlarm(ctx.db, code, actor, body.alarmId)
      reply.status(201)
      return alerts.toAlert(code, row)
    },
  )

  app.get(
    '/api/t/:tenant/alerts',
    {
      config: { action: 'alerts.alert.read' },
      schema: {
        tags,
        summary: 'Alerts, newest first, optionally by status',
        params: TenantParams,
        querystring: AlertQuery,
        response: { 200: Page(Alert), ...errors },
      },
    },
    async (request) => {
      const q = request.query
      return alerts.list(ctx.db, tenantOf(request).code, q.status, q.limit ?? 50, cursorKey(q.cursor))
    },
  )

  app.get(
    '/api/t/:tenant/alerts/active',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Active public warnings (published, not expired), for the portal',
        params: TenantParams,
        response: { 200: Page(PublicAlert), ...errors },
      },
    },
    async (request) => {
      const code = tenantOf(request).code
      const base = baseUrl(ctx, request)
      const items = (await alerts.active(ctx.db, code)).map((r) => alerts.toPublic(r, capUrl(base, code, r.identifier)))
      return { items, total: items.length, next: null }
    },
  )

  app.get(
    '/api/t/:tenant/alerts/active/areas',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'The areas of the active warnings as GeoJSON', params: TenantParams, response: { 200: AlertAreas, ...errors } },
    },
    async (request) => {
      const rows = await alerts.active(ctx.db, tenantOf(request).code)
      return {
        type: 'FeatureCollection' as const,
        features: rows.map((r) => ({
          type: 'Feature' as const,
          id: r.id,
          geometry: r.footprintGeo as { type: string; coordinates: unknown[] } | null,
          properties: {
            id: r.id,
            identifier: r.identifier,
            event: r.info.event,
            headline: r.info.headline,
            severity: r.info.severity,
            urgency: r.info.urgency,
            expires: r.expires.toISOString(),
          },
        })),
      }
    },
  )

  app.get(
    '/api/t/:tenant/alerts/:id',
    { config: { action: 'alerts.alert.read' }, schema: { tags, summary: 'One alert message', params: IdParams, response: { 200: Alert, ...errors } } },
    async (request) => {
      const code = tenantOf(request).code
      return alerts.toAlert(code, await alerts.get(ctx.db, code, request.params.id))
    },
  )

  app.patch(
    '/api/t/:tenant/alerts/:id',
    {
      config: { action: 'alerts.alert.write' },
      schema: { tags, summary: 'Changes a draft', params: IdParams, body: PatchAlert, response: { 200: Alert, ...errors } },
    },
    async (request) => {
      const code = tenantOf(request).code
      return alerts.toAlert(code, await alerts.patch(ctx.db, code, principalOf(request).actor, request.params.id, request.body))
    },
  )

  app.post(
    '/api/t/:tenant/alerts/:id/approve',
    {
      config: { action: 'alerts.alert.approve' },
      schema: { tags, summary: 'Publishes a draft; the approver must not be its author', params: IdParams, response: { 200: Alert, ...errors } },
    },
    async (request) => {
      const code = tenantOf(request).code
      return alerts.toAlert(code, await alerts.approve(ctx.db, code, principalOf(request).actor, request.params.id))
    },
  )

  app.post(
    '/api/t/:tenant/alerts/:id/update',
    {
      config: { action: 'alerts.alert.write' },
      schema: {
        tags,
        summary: 'Drafts a CAP Update of a published alert (referencing the earlier messages); approval publishes it',
        params: IdParams,
        body: PatchAlert,
        response: { 201: Alert, ...errors },
      },
    },
    async (request, reply) => {
      const code = tenantOf(request).code
      const row = await alerts.update(ctx.db, code, principalOf(request).actor, request.params.id, request.body)
      reply.status(201)
      return alerts.toAlert(code, row)
    },
  )

  app.post(
    '/api/t/:tenant/alerts/:id/cancel',
    {
      config: { action: 'alerts.alert.write' },
      schema: {
        tags,
        summary: 'Discards a draft, or drafts a CAP Cancel of a published alert (approval publishes it)',
        params: IdParams,
        body: CancelAlert,
        response: { 200: Alert, ...errors },
      },
    },
    async (request) => {
      const code = tenantOf(request).code
      return alerts.toAlert(code, await alerts.cancel(ctx.db, code, principalOf(request).actor, request.params.id, request.body.note))
    },
  )

  // CAP 1.2 and its Atom index, for every alerting system that reads them

  const feedTenant = async (code: string) => {
    const tenant = await s.tenancy.tenant(code)
    if (!tenant) throw new NotFound(`There is no tenant ${code}`)
    return tenant
  }

  app.get(
    '/cap/:tenant/alerts.atom',
    { config: { access: 'public' }, schema: { tags, summary: 'Atom index of the active CAP alerts', params: TenantFeedParams } },
    async (request, reply) => {
      const tenant = await feedTenant(request.params.tenant)
      const base = baseUrl(ctx, request)
      const rows = await alerts.active(ctx.db, tenant.code)
      const xml = atomFeed({
        id: `${base}/cap/${tenant.code}/alerts.atom`,
        title: `Peringatan dini ${tenant.name}`,
        selfUrl: `${base}/cap/${tenant.code}/alerts.atom`,
        updated: rows.reduce((latest, r) => (r.updatedAt > latest ? r.updatedAt : latest), new Date(0)),
        entries: rows.map((r) => ({
          identifier: r.identifier,
          title: r.info.headline ?? r.info.event,
          summary: r.info.description,
          updated: r.sentAt ?? r.updatedAt,
          url: capUrl(base, tenant.code, r.identifier),
        })),
      })
      return reply.type('application/atom+xml; charset=utf-8').send(xml)
    },
  )

  app.get(
    '/cap/:tenant/alerts/:file',
    { config: { access: 'public' }, schema: { tags, summary: 'One CAP 1.2 message, `{identifier}.xml`', params: CapFileParams } },
    async (request, reply) => {
      const tenant = await feedTenant(request.params.tenant)
      const xml = await alerts.capDocument(ctx.db, tenant.code, request.params.file.replace(/\.xml$/, ''))
      return reply.type('application/cap+xml; charset=utf-8').send(xml)
    },
  )
}
