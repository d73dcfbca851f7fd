import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Invalid } from '../../core/errors.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { tenantOf } from '../../core/http/request.ts'
import { multipartFailure } from '../../core/http/uploads.ts'
import { type EncodedPhoto, MAX_PHOTO_BYTES, PhotoTooLarge, reencodePhoto } from '../../core/media/photos.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { callerOf } from './caller.ts'
import type { PatrolsServices } from './index.ts'
import {
  AddFindingType,
  ChangeFindingType,
  CheckIn,
  Checkin,
  Finding,
  FindingQuery,
  FindingType,
  FollowUpSettings,
  FollowUps,
  IdParams,
  LivePatrol,
  Patrol,
  PatrolDetail,
  PatrolQuery,
  PhotoInfo,
  PhotoParams,
  PhotoQuery,
  PlanPatrol,
  RecordFinding,
  Respond,
  TenantParams,
  TypeParams,
  TypeQuery,
} from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

/** Reads the one photo of a multipart request and re-encodes it (EXIF and GPS dropped). */
async function photoOf(request: FastifyRequest): Promise<EncodedPhoto> {
  if (!request.isMultipart()) throw new Invalid('Send the photo as multipart/form-data in a field named photo', { field: 'photo' })
  let bytes: Buffer
  try {
    const file = await request.file({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5 } })
    if (!file) throw new Invalid('Send the photo in a field named photo', { field: 'photo' })
    bytes = await file.toBuffer()
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new PhotoTooLarge()
    throw multipartFailure(err)
  }
  return reencodePhoto(bytes)
}

export function patrolRoutes(app: KendaliApp, ctx: CoreContext, s: PatrolsServices): void {
  const tags = ['patrols']

  app.get(
    '/api/t/:tenant/finding-types',
    {
      config: { action: 'patrols.finding_type.read' },
      schema: {
        tags,
        summary: 'Finding types of the tenant in use (seeded with the Rojak defaults); `all` adds the retired ones',
        params: TenantParams,
        querystring: TypeQuery,
        response: { 200: Page(FindingType), ...errors },
      },
    },
    async (request) => {
      const items = await s.findings.types(ctx.db, tenantOf(request).code, request.query.all === true)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/finding-types',
    {
      config: { action: 'patrols.finding_type.write' },
      schema: {
        tags,
        summary: 'Adds a finding type: ASN (to the OPD head), city (to a report category or an incident type) or other',
        params: TenantParams,
        body: AddFindingType,
        response: { 201: FindingType, ...errors },
      },
    },
    async (request, reply) => {
      const row = await s.findings.addType(ctx.db, tenantOf(request).code, request.body)
      reply.status(201)
      return row
    },
  )

  app.patch(
    '/api/t/:tenant/finding-types/:code',
    {
      config: { action: 'patrols.finding_type.write' },
      schema: {
        tags,
        summary: 'Renames, re-routes, retires (`retired: true`) or brings back a finding type; recorded findings keep theirs',
        params: TypeParams,
        body: ChangeFindingType,
        response: { 200: FindingType, ...errors },
      },
    },
    async (request) => s.findings.changeType(ctx.db, tenantOf(request).code, request.params.code, request.body),
  )

  app.get(
    '/api/t/:tenant/patrol-settings',
    {
      config: { action: 'patrols.settings.read' },
      schema: {
        tags,
        summary: 'Follow-up settings: working days to answer and escalation steps',
        params: TenantParams,
        response: { 200: FollowUpSettings, ...errors },
      },
    },
    async (request) => s.findings.followUpSettings(ctx.db, tenantOf(request).code),
  )

  app.put(
    '/api/t/:tenant/patrol-settings',
    {
      config: { action: 'patrols.settings.write' },
      schema: {
        tags,
        summary: 'Sets the follow-up settings (findings recorded or reopened from now on)',
        params: TenantParams,
        body: FollowUpSettings,
        response: { 200: FollowUpSettings, ...errors },
      },
    },
    async (request) => s.findings.putFollowUpSettings(ctx.db, tenantOf(request).code, request.body),
  )

  // Patrols

  app.post(
    '/api/t/:tenant/patrols',
    {
      config: { action: 'patrols.patrol.plan' },
      schema: {
        tags,
        summary: 'Plans a patrol: time window, team, area and checkpoints',
        params: TenantParams,
        body: PlanPatrol,
        response: { 201: Patrol, ...errors },
      },
    },
    async (request, reply) => {
      const row = await s.patrols.plan(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), request.body)
      reply.status(201)
      return row
    },
  )

  app.get(
    '/api/t/:tenant/patrols',
    {
      config: { action: 'patrols.patrol.read' },
      schema: { tags, summary: 'Patrols, latest first', params: TenantParams, querystring: PatrolQuery, response: { 200: Page(Patrol), ...errors } },
    },
    async (request) => s.patrols.list(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), request.query),
  )

  app.get(
    '/api/t/:tenant/patrols/officers',
    {
      config: { action: 'patrols.patrol.plan' },
      schema: {
        tags,
        summary: 'Usernames of the tenant’s patrol officers (who may be put in a team)',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(Type.String()) }), ...errors },
      },
    },
    async (request) => ({ items: [...(await s.ports.usersWithRole(ctx.db, tenantOf(request).code, 'patrol_officer'))].sort() }),
  )

  app.get(
    '/api/t/:tenant/patrols/live',
    {
      config: { action: 'patrols.patrol.read' },
      schema: {
        tags,
        summary: 'The last check-in of every active patrol (then follow `patrol.checked_in` events)',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(LivePatrol) }), ...errors },
      },
    },
    async (request) => ({ items: await s.patrols.live(ctx.db, tenantOf(request).code) }),
  )

  app.get(
    '/api/t/:tenant/patrols/:id',
    {
      config: { action: 'patrols.patrol.read' },
      schema: { tags, summary: 'A patrol with its track (check-ins in order) and findings', params: IdParams, response: { 200: PatrolDetail, ...errors } },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const caller = await callerOf(request, s, ctx)
      const patrol = await s.patrols.get(ctx.db, tenant, request.params.id)
      return {
        ...patrol,
        checkins: await s.patrols.checkins(ctx.db, tenant, patrol.id),
        findings: await s.findings.ofPatrol(ctx.db, tenant, caller, patrol.id),
      }
    },
  )

  for (const step of ['start', 'finish'] as const) {
    app.post(
      `/api/t/:tenant/patrols/:id/${step}`,
      {
        config: { action: 'patrols.patrol.field' },
        schema: {
          tags,
          summary: step === 'start' ? 'The team starts the patrol' : 'The team finishes the patrol',
          params: IdParams,
          response: { 200: Patrol, ...errors },
        },
      },
      async (request) => {
        const caller = await callerOf(request, s, ctx)
        const tenant = tenantOf(request).code
        return step === 'start' ? s.patrols.start(ctx.db, tenant, caller, request.params.id) : s.patrols.finish(ctx.db, tenant, caller, request.params.id)
      },
    )
  }

  app.post(
    '/api/t/:tenant/patrols/:id/checkins',
    {
      config: { action: 'patrols.patrol.field' },
      schema: {
        tags,
        summary: 'Checks in at a place: within a checkpoint or not, and the kelurahan; the same clientId again answers the first (200)',
        params: IdParams,
        body: CheckIn,
        response: { 200: Checkin, 201: Checkin, ...errors },
      },
    },
    async (request, reply) => {
      const { isNew, checkin } = await s.patrols.checkIn(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), request.params.id, request.body)
      reply.status(isNew ? 201 : 200)
      return checkin
    },
  )

  // Findings

  app.post(
    '/api/t/:tenant/findings',
    {
      config: { action: 'patrols.finding.record' },
      schema: {
        tags,
        summary: 'Records a finding of a patrol; the same clientId again answers the first record (200)',
        params: TenantParams,
        body: RecordFinding,
        response: { 200: Finding, 201: Finding, ...errors },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request).code
      const caller = await callerOf(request, s, ctx)
      const { isNew, finding } = await s.findings.record(ctx.db, tenant, caller, request.body)
      reply.status(isNew ? 201 : 200)
      return s.findings.view(tenant, caller, finding)
    },
  )

  app.get(
    '/api/t/:tenant/findings',
    {
      config: { action: 'patrols.finding.read' },
      schema: {
        tags,
        summary: 'Findings, latest first (OPD heads see their OPD’s)',
        params: TenantParams,
        querystring: FindingQuery,
        response: { 200: Page(Finding), ...errors },
      },
    },
    async (request) => s.findings.list(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), request.query),
  )

  app.get(
    '/api/t/:tenant/findings/follow-ups',
    {
      config: { action: 'patrols.followup.read' },
      schema: { tags, summary: 'ASN follow-ups per OPD: open, overdue, answered, closed', params: TenantParams, response: { 200: FollowUps, ...errors } },
    },
    async (request) => s.findings.followUps(ctx.db, tenantOf(request).code),
  )

  app.get(
    '/api/t/:tenant/findings/:id',
    {
      config: { action: 'patrols.finding.read' },
      schema: { tags, summary: 'A finding', params: IdParams, response: { 200: Finding, ...errors } },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const caller = await callerOf(request, s, ctx)
      return s.findings.view(tenant, caller, await s.findings.visible(ctx.db, tenant, caller, request.params.id))
    },
  )

  app.post(
    '/api/t/:tenant/findings/:id/respond',
    {
      config: { action: 'patrols.finding.respond' },
      schema: {
        tags,
        summary: 'The OPD head answers an ASN finding with the action taken',
        params: IdParams,
        body: Respond,
        response: { 200: Finding, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const caller = await callerOf(request, s, ctx)
      return s.findings.view(tenant, caller, await s.findings.respond(ctx.db, tenant, caller, request.params.id, request.body))
    },
  )

  for (const step of ['close', 'reopen'] as const) {
    app.post(
      `/api/t/:tenant/findings/:id/${step}`,
      {
        // The inspectorate is whoever works for its OPD; the service checks the link.
        config: { action: 'patrols.finding.close' },
        schema: {
          tags,
          summary: step === 'close' ? 'The inspectorate accepts the answer and closes the finding' : 'The inspectorate sends the finding back to the OPD head',
          params: IdParams,
          response: { 200: Finding, ...errors },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).code
        const caller = await callerOf(request, s, ctx)
        const row =
          step === 'close'
            ? await s.findings.close(ctx.db, tenant, caller, request.params.id)
            : await s.findings.reopen(ctx.db, tenant, caller, request.params.id)
        return s.findings.view(tenant, caller, row)
      },
    )
  }

  app.get(
    '/api/t/:tenant/findings/:id/photos/:photoId',
    {
      config: { action: 'patrols.finding.read' },
      schema: { tags, summary: 'A photo of a finding (JPEG, re-encoded)', params: PhotoParams },
    },
    async (request, reply) => {
      const tenant = tenantOf(request).code
      const photo = await s.findings.photo(ctx.db, tenant, await callerOf(request, s, ctx), request.params.id, request.params.photoId)
      reply.header('cache-control', 'private, max-age=3600').type(photo.mime)
      return photo.bytes
    },
  )

  // Photos: multipart, in their own scope so no other route parses multipart.
  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    await scope.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5, parts: 6 } })
    api.post(
      '/api/t/:tenant/findings/:id/photos',
      {
        config: { action: 'patrols.finding.record' },
        schema: {
          tags,
          summary: 'Adds a photo (JPEG, PNG or WebP, up to 8 MB, at most 3); `clientId` makes a resend answer the first (200)',
          consumes: ['multipart/form-data'],
          params: IdParams,
          querystring: PhotoQuery,
          response: { 200: PhotoInfo, 201: PhotoInfo, ...errors, 413: ErrorBody },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request).code
        const caller = await callerOf(request, s, ctx)
        await s.findings.visible(ctx.db, tenant, caller, request.params.id)
        const photo = await photoOf(request)
        const { isNew, photo: info } = await s.findings.addPhoto(ctx.db, tenant, caller, request.params.id, photo, request.query.clientId ?? null)
        reply.status(isNew ? 201 : 200)
        return info
      },
    )
  })
}
