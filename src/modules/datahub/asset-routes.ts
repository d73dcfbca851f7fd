import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { AssetService } from './assets.ts'
import { WRITERS } from './routes.ts'
import { AssetFeature, AssetKind, Assets, CreateAsset, TenantParams } from './schema.ts'

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
      config: { access: { roles: WRITERS } },
      schema: { tags, summary: 'Adds a public asset at a point', params: TenantParams, body: CreateAsset, response: { 201: AssetFeature, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await assets.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )
}
