import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { DomainError, Invalid } from '../../core/errors.ts'
import { authorize } from '../../core/http/access.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import { multipartFailure } from '../../core/http/uploads.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { DatasetAccess, DatasetService, Upload } from './datasets.ts'
import type { Owners } from './owners.ts'
import {
  CreateDataset,
  Dataset,
  DatasetParams,
  DatasetQuery,
  Preview,
  PushResult,
  PushRows,
  Resource,
  ResourceParams,
  Rows,
  RowsQuery,
  TenantParams,
  UpdateDataset,
  Version,
  VersionParams,
} from './schema.ts'
import { formatOf, parseTable } from './tabular.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 413: ErrorBody }
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024
const MAX_PUSH_CSV_BYTES = 10 * 1024 * 1024

class UploadTooLarge extends DomainError {
  constructor() {
    super('payload_too_large', `Files may be at most ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`, { field: 'file' })
  }
}

/** Anonymous callers and callers without a role in the tenant see public datasets only. */
export function accessOf(request: FastifyRequest): DatasetAccess {
  if (!request.principal) return 'public-only'
  try {
    authorize(request.principal, { roles: 'any' }, tenantOf(request), false)
    return 'all'
  } catch {
    return 'public-only'
  }
}

/** Reads the one file of a multipart request (field `file`) and parses it. */
async function uploadOf(request: FastifyRequest): Promise<Upload & { fields: Record<string, string> }> {
  if (!request.isMultipart()) throw new Invalid('Send the file as multipart/form-data in a field named file', { field: 'file' })
  const fields: Record<string, string> = {}
  let file: { filename: string; bytes: Buffer } | null = null
  try {
    for await (const part of request.parts()) {
      if (part.type === 'file') {
        if (part.fieldname !== 'file' || file) throw new Invalid('Send one file in a field named file', { field: 'file' })
        file = { filename: part.filename || 'upload', bytes: await part.toBuffer() }
      } else {
        fields[part.fieldname] = String(part.value)
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new UploadTooLarge()
    throw multipartFailure(err)
  }
  if (!file) throw new Invalid('Send the file in a field named file', { field: 'file' })
  const table = await parseTable(formatOf(file.filename, file.bytes), file.bytes)
  if (table.columns.length === 0) throw new Invalid('The file has no columns', { field: 'file' })
  return { ...file, table, fields }
}

function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}

export function datasetRoutes(app: KendaliApp, ctx: CoreContext, datasets: DatasetService, owners: Owners): void {
  const tags = ['datahub']

  app.get(
    '/api/t/:tenant/datasets',
    {
      // Public datasets are open data; internal ones need a role in the tenant.
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Datasets by title; anonymous callers get public datasets only',
        params: TenantParams,
        querystring: DatasetQuery,
        response: { 200: Type.Object({ items: Type.Array(Dataset), total: Type.Integer() }), ...errors },
      },
    },
    async (request) => datasets.list(ctx.db, tenantOf(request).code, accessOf(request), request.query),
  )

  app.post(
    '/api/t/:tenant/datasets',
    {
      config: { action: 'datahub.dataset.write' },
      schema: { tags, summary: 'Creates a dataset of an OPD', params: TenantParams, body: CreateDataset, response: { 201: Dataset, ...errors } },
    },
    async (request, reply) => {
      await owners.organization(request, 'datahub.dataset.write', request.body.organization ?? null)
      return reply.status(201).send(await datasets.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body))
    },
  )

  app.get(
    '/api/t/:tenant/datasets/:name',
    { config: { access: 'public' }, schema: { tags, summary: 'One dataset with its resources', params: DatasetParams, response: { 200: Dataset, ...errors } } },
    async (request) => datasets.get(ctx.db, tenantOf(request).code, request.params.name, accessOf(request)),
  )

  app.patch(
    '/api/t/:tenant/datasets/:name',
    {
      config: { action: 'datahub.dataset.write' },
      schema: {
        tags,
        summary: 'Changes a dataset’s metadata, e.g. publishes it',
        params: DatasetParams,
        body: UpdateDataset,
        response: { 200: Dataset, ...errors },
      },
    },
    async (request) => {
      await owners.dataset(request, 'datahub.dataset.write', request.params.name)
      await owners.organization(request, 'datahub.dataset.write', request.body.organization)
      return datasets.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.name, request.body)
    },
  )

  app.delete(
    '/api/t/:tenant/datasets/:name',
    {
      config: { action: 'datahub.dataset.delete' },
      schema: { tags, summary: 'Deletes a dataset with all its versions', params: DatasetParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await datasets.remove(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.name)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/datasets/:name/resources/:id/versions',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Every version of a resource, newest first',
        params: ResourceParams,
        response: { 200: Type.Object({ items: Type.Array(Version) }), ...errors },
      },
    },
    async (request) => ({
      items: await datasets.versions(ctx.db, tenantOf(request).code, request.params.name, request.params.id, accessOf(request)),
    }),
  )

  const download = async (request: FastifyRequest<{ Params: { tenant: string; name: string; id: string; version?: number } }>) =>
    datasets.download(ctx.db, tenantOf(request).code, request.params.name, request.params.id, request.params.version ?? null, accessOf(request))

  app.get(
    '/api/t/:tenant/datasets/:name/resources/:id/download',
    { config: { access: 'public' }, schema: { tags, summary: 'The current version as a file', params: ResourceParams } },
    async (request, reply) => {
      const file = await download(request)
      return reply.header('content-type', file.mediaType).header('content-disposition', contentDisposition(file.filename)).send(file.body)
    },
  )

  app.get(
    '/api/t/:tenant/datasets/:name/resources/:id/versions/:version/download',
    { config: { access: 'public' }, schema: { tags, summary: 'One version as it was uploaded', params: VersionParams } },
    async (request, reply) => {
      const file = await download(request)
      return reply.header('content-type', file.mediaType).header('content-disposition', contentDisposition(file.filename)).send(file.body)
    },
  )

  app.get(
    '/api/t/:tenant/datasets/:name/resources/:id/rows',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Rows of a resource, paged, filtered by column values',
        params: ResourceParams,
        querystring: RowsQuery,
        response: { 200: Rows, ...errors },
      },
    },
    async (request) => {
      const { items, total } = await datasets.rows(ctx.db, tenantOf(request).code, request.params.name, request.params.id, accessOf(request), request.query)
      return { items, total }
    },
  )

  app.get(
    '/api/t/:tenant/dataset-points',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Rows with a place of the datasets (or one, ?dataset=name) as GeoJSON points, for the map',
        params: TenantParams,
        querystring: Type.Object({ dataset: Type.Optional(Type.String({ maxLength: 100 })) }),
        response: { 200: Type.Unknown({ description: 'GeoJSON FeatureCollection' }), ...errors },
      },
    },
    async (request, reply) =>
      reply
        .header('content-type', 'application/geo+json')
        .send(await datasets.layer(ctx.db, tenantOf(request).code, request.query.dataset ?? null, accessOf(request))),
  )

  // Uploads: multipart, in their own scope so no other route parses multipart.
  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    await scope.register(multipart, { limits: { fileSize: MAX_UPLOAD_BYTES, files: 1, fields: 5, parts: 6 } })

    api.post(
      '/api/t/:tenant/datasets/:name/resources/preview',
      {
        config: { action: 'datahub.dataset.rows.write' },
        schema: {
          tags,
          summary: 'Reads an upload and shows the detected columns, types and first rows; stores nothing',
          consumes: ['multipart/form-data'],
          params: DatasetParams,
          response: { 200: Preview, ...errors },
        },
      },
      async (request) => {
        await datasets.row(ctx.db, tenantOf(request).code, request.params.name, 'all')
        await owners.dataset(request, 'datahub.dataset.rows.write', request.params.name)
        return datasets.preview(await uploadOf(request))
      },
    )

    api.post(
      '/api/t/:tenant/datasets/:name/resources',
      {
        config: { action: 'datahub.dataset.rows.write' },
        schema: {
          tags,
          summary: 'Adds a resource: a file (multipart field `file`: CSV, XLSX, GeoJSON, JSON) or a link (`{url}`)',
          consumes: ['multipart/form-data', 'application/json'],
          params: DatasetParams,
          response: { 201: Resource, ...errors },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request).code
        const actor = principalOf(request).actor
        await owners.dataset(request, 'datahub.dataset.rows.write', request.params.name)
        if (request.isMultipart()) {
          const upload = await uploadOf(request)
          return reply.status(201).send(await datasets.addFile(ctx.db, tenant, actor, request.params.name, upload, upload.fields.name))
        }
        const body = request.body as { url?: unknown; name?: unknown; format?: unknown } | undefined
        if (!body || typeof body.url !== 'string' || !/^https?:\/\//.test(body.url) || body.url.length > 2000)
          throw new Invalid('Send a file (multipart field file) or a JSON body {url}', { field: 'url' })
        const link = {
          url: body.url,
          name: typeof body.name === 'string' ? body.name.slice(0, 200) : undefined,
          format: typeof body.format === 'string' ? body.format : undefined,
        }
        return reply.status(201).send(await datasets.addLink(ctx.db, tenant, actor, request.params.name, link))
      },
    )

    api.post(
      '/api/t/:tenant/datasets/:name/resources/:id/versions',
      {
        config: { action: 'datahub.dataset.rows.write' },
        schema: {
          tags,
          summary: 'Uploads a new version of a resource; the old versions stay downloadable',
          consumes: ['multipart/form-data'],
          params: ResourceParams,
          response: { 201: Resource, ...errors },
        },
      },
      async (request, reply) => {
        await owners.dataset(request, 'datahub.dataset.rows.write', request.params.name)
        const upload = await uploadOf(request)
        return reply
          .status(201)
          .send(await datasets.addVersion(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.name, request.params.id, upload))
      },
    )
  })

  // Push: OPD systems send rows with an API token, as JSON or CSV.
  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_PUSH_CSV_BYTES }, (_request, body, done) => done(null, body))

    api.post(
      '/api/t/:tenant/datasets/:name/rows',
      {
        config: { action: 'datahub.dataset.rows.write' },
        schema: {
          tags,
          summary:
            'An OPD system pushes rows (`{batchId, rows}`, or text/csv with ?batchId=); rows are checked against the columns, bad ones rejected with reasons; a batch id is stored once',
          consumes: ['application/json', 'text/csv'],
          params: DatasetParams,
          querystring: Type.Object({ batchId: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
          body: Type.Union([PushRows, Type.String()]),
          response: { 200: PushResult, ...errors },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).code
        const actor = principalOf(request).actor
        await owners.dataset(request, 'datahub.dataset.rows.write', request.params.name)
        const body = request.body
        if (typeof body === 'string') {
          if (!request.query.batchId) throw new Invalid('Send the batch id as ?batchId= with a CSV body', { field: 'batchId' })
          return datasets.pushCsv(ctx.db, tenant, actor, request.params.name, request.query.batchId, body)
        }
        return datasets.push(ctx.db, tenant, actor, request.params.name, body)
      },
    )
  })
}
