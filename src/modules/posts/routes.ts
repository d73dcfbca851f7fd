import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { DomainError, Invalid } from '../../core/errors.ts'
import { readableRoles } from '../../core/http/access.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { opdScope } from '../../core/http/permissions.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import { multipartFailure } from '../../core/http/uploads.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { type AcceptedAttachment, AttachmentTooLarge, acceptAttachment, MAX_ATTACHMENT_BYTES } from './attachments.ts'
import type { PostsServices } from './index.ts'
import { POST_ACTIONS } from './permissions.ts'
import type { Audience } from './posts.ts'
import { Attachment, AttachmentParams, CreatePost, Post, PostParams, PostQuery, PublicPost, PublicPostQuery, TenantParams, UpdatePost } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const tags = ['posts']

/** The OPDs the caller may write for in the request's tenant. */
const scopeOf = (request: FastifyRequest) => opdScope(principalOf(request), tenantOf(request), POST_ACTIONS['posts.post.write'])

/** Anyone with a role in the tenant (or its province) reads every post; everyone else only public published ones. */
function audienceOf(request: FastifyRequest): Audience {
  return request.principal && readableRoles(request.principal, tenantOf(request)).size > 0 ? 'staff' : 'public'
}

/** Reads the one file of a multipart request and checks it. */
async function attachmentOf(request: FastifyRequest): Promise<AcceptedAttachment> {
  if (!request.isMultipart()) throw new Invalid('Send the file as multipart/form-data in a field named file', { field: 'file' })
  let upload: { name: string; bytes: Buffer }
  try {
    const file = await request.file({ limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5 } })
    if (!file) throw new Invalid('Send the file in a field named file', { field: 'file' })
    upload = { name: file.filename, bytes: await file.toBuffer() }
  } catch (err) {
    if (err instanceof DomainError) throw err
    const code = (err as { code?: string }).code
    if (code === 'FST_REQ_FILE_TOO_LARGE') throw new AttachmentTooLarge('An attachment', MAX_ATTACHMENT_BYTES)
    if (code === 'FST_FILES_LIMIT') throw new Invalid('Send one file at a time', { field: 'file' })
    throw multipartFailure(err)
  }
  return acceptAttachment(upload.name, upload.bytes)
}

export function postRoutes(app: KendaliApp, ctx: CoreContext, s: PostsServices): void {
  // The public portal

  app.get(
    '/api/t/:tenant/posts/public',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Published public posts, newest first or (order=upcoming) by start time, for the public portal',
        params: TenantParams,
        querystring: PublicPostQuery,
        response: { 200: Page(PublicPost), ...errors },
      },
    },
    async (request) => s.posts.listPublic(ctx.db, tenantOf(request), request.query),
  )

  app.get(
    '/api/t/:tenant/posts/public/live',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Server-Sent Events: `changed` whenever public posts may have changed (ask the list again)', params: TenantParams },
    },
    async (request, reply) => {
      if (!s.streams.hasRoom()) throw new DomainError('unavailable', 'Too many open portal streams; refresh later')
      reply.hijack()
      s.streams.attach(reply.raw, tenantOf(request).code)
    },
  )

  app.get(
    '/api/t/:tenant/posts/public/:id',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'A published public post', params: PostParams, response: { 200: PublicPost, ...errors } },
    },
    async (request) => s.posts.getPublic(ctx.db, tenantOf(request), request.params.id),
  )

  app.get(
    '/api/t/:tenant/posts/:id/attachments/:attachmentId',
    {
      // Attachments of public published posts are for everyone; the rest need a role in the tenant.
      config: { access: 'public' },
      schema: { tags, summary: 'Downloads an attachment (PDFs always as a download)', params: AttachmentParams },
    },
    async (request, reply) => {
      const { id, attachmentId } = request.params
      const file = await s.posts.attachment(ctx.db, tenantOf(request).code, id, attachmentId, audienceOf(request))
      const disposition = file.mime === 'application/pdf' ? 'attachment' : 'inline'
      reply
        .header('content-disposition', `${disposition}; filename*=UTF-8''${encodeURIComponent(file.name)}`)
        .header('cache-control', 'private, max-age=300')
        .header('x-content-type-options', 'nosniff')
        .type(file.mime)
      return file.bytes
    },
  )

  // Staff

  app.get(
    '/api/t/:tenant/posts',
    {
      config: { action: 'posts.post.read' },
      schema: {
        tags,
        summary: 'Posts of the tenant by kind, OPD, status, visibility and time (drafts and published unless status is given)',
        params: TenantParams,
        querystring: PostQuery,
        response: { 200: Page(Post), ...errors },
      },
    },
    async (request) => s.posts.list(ctx.db, tenantOf(request), request.query),
  )

  app.get(
    '/api/t/:tenant/posts/:id',
    {
      config: { action: 'posts.post.read' },
      schema: { tags, summary: 'A post, whatever its status and visibility', params: PostParams, response: { 200: Post, ...errors } },
    },
    async (request) => s.posts.get(ctx.db, tenantOf(request), request.params.id),
  )

  app.post(
    '/api/t/:tenant/posts',
    {
      config: { action: 'posts.post.write' },
      schema: {
        tags,
        summary: 'Writes a post for an OPD: a draft, or published at once with status=published',
        params: TenantParams,
        body: CreatePost,
        response: { 201: Post, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.posts.create(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), request.body)),
  )

  app.patch(
    '/api/t/:tenant/posts/:id',
    {
      config: { action: 'posts.post.write' },
      schema: { tags, summary: 'Changes a draft or published post', params: PostParams, body: UpdatePost, response: { 200: Post, ...errors } },
    },
    async (request) => s.posts.update(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), request.params.id, request.body),
  )

  app.post(
    '/api/t/:tenant/posts/:id/publish',
    {
      config: { action: 'posts.post.write' },
      schema: { tags, summary: 'Publishes a draft (public posts reach the portal at once)', params: PostParams, response: { 200: Post, ...errors } },
    },
    async (request) => s.posts.publish(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), request.params.id),
  )

  app.post(
    '/api/t/:tenant/posts/:id/archive',
    {
      config: { action: 'posts.post.write' },
      schema: { tags, summary: 'Archives a post: off every list and the portal, kept for the record', params: PostParams, response: { 200: Post, ...errors } },
    },
    async (request) => s.posts.archive(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), request.params.id),
  )

  app.post(
    '/api/t/:tenant/posts/:id/restore',
    {
      config: { action: 'posts.post.write' },
      schema: {
        tags,
        summary: 'Un-archives a post: back as it was (published if it had been, else a draft)',
        params: PostParams,
        response: { 200: Post, ...errors },
      },
    },
    async (request) => s.posts.restore(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), request.params.id),
  )

  app.delete(
    '/api/t/:tenant/posts/:id/attachments/:attachmentId',
    {
      config: { action: 'posts.post.write' },
      schema: { tags, summary: 'Removes an attachment', params: AttachmentParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      const { id, attachmentId } = request.params
      await s.posts.removeAttachment(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), id, attachmentId)
      reply.status(204)
    },
  )

  // Uploads: multipart, in their own scope so no other route parses multipart.
  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    await scope.register(multipart, { limits: { fileSize: MAX_ATTACHMENT_BYTES, files: 1, fields: 5, parts: 6 } })
    api.post(
      '/api/t/:tenant/posts/:id/attachments',
      {
        config: { action: 'posts.post.write' },
        schema: {
          tags,
          summary: 'Attaches a file in the field `file`: a PDF (up to 10 MB) or a JPEG, PNG or WebP picture (up to 8 MB, re-encoded)',
          consumes: ['multipart/form-data'],
          params: PostParams,
          response: { 201: Attachment, ...errors, 413: ErrorBody },
        },
      },
      async (request, reply) => {
        const file = await attachmentOf(request)
        reply.status(201)
        return s.posts.addAttachment(ctx.db, tenantOf(request), principalOf(request).actor, scopeOf(request), request.params.id, file)
      },
    )
  })
}
