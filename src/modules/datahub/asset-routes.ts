import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { AssetService } from './assets.ts'
import { AssetDetail, AssetKind, AssetParams, AssetStatusChange, Assets, CreateAsset, TenantParams, UpdateAsset } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

export function assetRoutes(app: KendaliApp, ctx: CoreContext, assets: AssetService): void {
  const tags = ['datahub']

  app.get(
    '/api/t/:tenant/assets',
    {
      // Public assets are public by definition: the portal map shows them to everyone.
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Public assets (free wifi, facilities, evacuation points) as a GeoJSON FeatureCollection',
        params: TenantParams,
        querystring: Type.Object({ kind: Type.Optional(AssetKind) }),
        response: { 200: Assets, ...errors },
      },
    },
    async (request, reply) =>
      reply.header('content-type', 'application/geo+json').send(await assets.collection(ctx.db, tenantOf(request).code, request.query.kind ?? null)),
  )

  app.post(
    '/api/t/:tenant/assets',
    {
      config: { action: 'datahub.asset.write' },
      schema: {
        tags,
        summary: 'Adds a public asset at a point; a probe URL at a private address is refused unless OUTBOUND_ALLOW lists it',
        params: TenantParams,
        body: CreateAsset,
        response: { 201: AssetDetail, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await assets.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.get(
    '/api/t/:tenant/assets/:id',
    {
      config: { action: 'datahub.asset.read' },
      schema: { tags, summary: 'One asset with its probe URL and last check (for staff)', params: AssetParams, response: { 200: AssetDetail, ...errors } },
    },
    async (request) => assets.get(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.patch(
    '/api/t/:tenant/assets/:id',
    {
      config: { action: 'datahub.asset.write' },
      schema: { tags, summary: 'Changes an asset', params: AssetParams, body: UpdateAsset, response: { 200: AssetDetail, ...errors } },
    },
    async (request) => assets.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/assets/:id',
    {
      config: { action: 'datahub.asset.write' },
      schema: { tags, summary: 'Archives an asset: it leaves the map and the portal', params: AssetParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await assets.archive(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/t/:tenant/assets/:id/status',
    {
      config: { action: 'datahub.asset.status' },
      schema: {
        tags,
        summary: 'An OPD system (with an API token) or staff reports an asset up or down; a change is an event',
        params: AssetParams,
        body: AssetStatusChange,
        response: { 200: AssetDetail, ...errors },
      },
    },
    async (request) => assets.setStatus(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body.status),
  )
}
