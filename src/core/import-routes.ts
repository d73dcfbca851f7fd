import type { FastifyInstance } from 'fastify'
import { Type } from 'typebox'
import { rolesIn } from './http/access.ts'
import { ErrorBody } from './http/errors.ts'
import { principalOf, tenantOf } from './http/request.ts'
import type { CoreContext, KendaliApp } from './module.ts'

const RowErrorSchema = Type.Object({
  row: Type.Integer({ description: 'Line in the file (the header is line 1)' }),
  field: Type.String(),
  message: Type.String(),
})

/** An import as the 202 of a large upload and `GET /api/t/{tenant}/imports/{id}` show it. */
export const ImportStateSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  module: Type.String(),
  kind: Type.String(),
  actor: Type.String(),
  state: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done'), Type.Literal('failed')]),
  total: Type.Integer({ description: 'Data rows in the file' }),
  done: Type.Integer({ description: 'Data rows written or refused so far' }),
  counts: Type.Record(Type.String(), Type.Integer()),
  errorCount: Type.Integer(),
  errors: Type.Array(RowErrorSchema, { description: 'The first 1,000 refused rows' }),
  failure: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
})

// Room for MAX_IMPORT_ROWS rows with notes; the row limit is checked while reading.
const MAX_CSV_BYTES = 16 * 1024 * 1024

/** Lets the routes of `scope` take a CSV body as text (the import is read twice: counted, then written). */
export function acceptCsv(scope: FastifyInstance, types: string[] = ['text/csv']): void {
  scope.addContentTypeParser(types, { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_request, body, done) => done(null, body))
}

const Params = Type.Object({
  tenant: Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$' }),
  id: Type.String({ maxLength: 64 }),
})

/** The state of a large import: for the person who sent it and the tenant's admins. */
export function importRoutes(app: KendaliApp, ctx: CoreContext): void {
  app.get(
    '/api/t/:tenant/imports/:id',
    {
      config: { access: { roles: 'any' } },
      schema: {
        tags: ['imports'],
        summary: 'Progress and outcome of an import answered 202 (the importer and admins of the tenant)',
        params: Params,
        response: { 200: ImportStateSchema, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      const tenant = tenantOf(request)
      const isAdmin = principal.isPlatformAdmin || rolesIn(principal, tenant).direct.has('admin')
      return ctx.imports.find(ctx.db, tenant.code, request.params.id, (actor) => isAdmin || actor === principal.actor)
    },
  )
}
