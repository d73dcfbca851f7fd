import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { ProvinceService } from './picture.ts'
import { PictureQuery, ProvincePicture, PutSharing, Sharing, TenantParams, Warnings } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody }
const tags = ['province']

export function provinceRoutes(app: KendaliApp, ctx: CoreContext, province: ProvinceService): void {
  app.get(
    '/api/t/:tenant/province/cities',
    {
      config: { action: 'province.picture.read' },
      schema: {
        tags,
        summary:
          "A province's kota and kabupaten: open incidents by priority, active warnings, offline devices and cameras, overdue complaints and the six dimension scores, ranked; and who has not joined",
        params: TenantParams,
        querystring: PictureQuery,
        response: { 200: ProvincePicture, ...errors },
      },
    },
    async (request) => province.cities(ctx.db, tenantOf(request).code, request.query.period),
  )

  app.get(
    '/api/t/:tenant/province/warnings',
    {
      config: { action: 'province.picture.read' },
      schema: {
        tags,
        summary: "Every active public warning of a province's cities as GeoJSON, from each city's CAP feed",
        params: TenantParams,
        response: { 200: Warnings, ...errors },
      },
    },
    async (request) => province.warnings(ctx.db, tenantOf(request).code),
  )

  app.get(
    '/api/t/:tenant/province/sharing',
    {
      config: { action: 'province.sharing.read' },
      schema: {
        tags,
        summary: 'What a kota or kabupaten shares with its province, module by module',
        params: TenantParams,
        response: { 200: Sharing, ...errors },
      },
    },
    async (request) => province.sharing(ctx.db, tenantOf(request).code),
  )

  app.put(
    '/api/t/:tenant/province/sharing',
    {
      config: { action: 'province.sharing.write' },
      schema: {
        tags,
        summary: 'Shares a module (true) with the province or stops sharing it (false); modules not named stay as they are',
        params: TenantParams,
        body: PutSharing,
        response: { 200: Sharing, ...errors },
      },
    },
    async (request) => province.putSharing(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body),
  )
}
