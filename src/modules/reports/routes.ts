import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { type Static, type TSchema, Type } from 'typebox'
import { Invalid } from '../../core/errors.ts'
import { FeatureCollection } from '../../core/geo/geojson.ts'
import { agenciesIn, readableRoles, rolesIn } from '../../core/http/access.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import { multipartFailure } from '../../core/http/uploads.ts'
import { type EncodedPhoto, MAX_PHOTO_BYTES, PhotoTooLarge, reencodePhoto } from '../../core/media/photos.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { ReportsServices } from './index.ts'
import type { ReportCaller } from './reports.ts'
import {
  Assign,
  Category,
  CategoryParams,
  IdParams,
  Merge,
  NearbyQuery,
  Note,
  OptionalNote,
  PhotoInfo,
  PhotoParams,
  PublicReport,
  PutCategory,
  PutSettings,
  RaiseIncident,
  Reason,
  Report,
  ReportDetail,
  ReportQuery,
  Resolve,
  SettingsOut,
  SubmitReport,
  Submitted,
  Support,
  TenantParams,
  TimelineEntry,
  Tracking,
  TrackParams,
} from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const publicErrors = { ...errors, 413: ErrorBody, 429: ErrorBody }

const ReportFeatures = FeatureCollection(
  Type.Object({
    id: Type.String(),
    number: Type.String(),
    category: Type.String(),
    status: Type.String(),
    createdAt: Type.String(),
    supporters: Type.Integer(),
    overdue: Type.Boolean(),
    escalationLevel: Type.Integer(),
  }),
)

/** The caller as the workflow sees it: command center, OPD officer of some agencies, or reader. */
function callerOf(request: FastifyRequest): ReportCaller {
  const principal = principalOf(request)
  const tenant = tenantOf(request)
  if (principal.isPlatformAdmin) return { actor: principal.actor, isOperator: true, seesAll: true, agencyIds: 'all' }
  const { direct } = rolesIn(principal, tenant)
  const readable = readableRoles(principal, tenant)
  const isAdmin = direct.has('admin')
  const agencyIds = isAdmin ? 'all' : direct.has('agency_officer') ? agenciesIn(principal, tenant) : []
  return {
    actor: principal.actor,
    isOperator: isAdmin || direct.has('operator'),
    seesAll: ['admin', 'operator', 'executive'].some((r) => readable.has(r as 'admin')),
    agencyIds,
  }
}

/** Reads the one photo of a multipart request and re-encodes it. */
async function photoOf(request: FastifyRequest): Promise<EncodedPhoto> {
  if (!request.isMultipart()) throw new Invalid('Send the photo as multipart/form-data in a field named photo', { field: 'photo' })
  let bytes: Buffer
  try {
    const file = await request.file({ limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5 } })
    if (!file) throw new Invalid('Send the photo in a field named photo', { field: 'photo' })
    bytes = await file.toBuffer()
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new PhotoTooLarge()
    if ((err as { code?: string }).code === 'FST_FILES_LIMIT') throw new Invalid('Send one photo at a time', { field: 'photo' })
    throw multipartFailure(err)
  }
  return reencodePhoto(bytes)
}

export function reportRoutes(app: KendaliApp, ctx: CoreContext, s: ReportsServices): void {
  const tags = ['reports']

  // Catalogue, settings and officers

  app.get(
    '/api/t/:tenant/report-categories',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'Report categories with their OPD and SLAs', params: TenantParams, response: { 200: Page(Category), ...errors } },
    },
    async (request) => {
      const items = await s.reports.categories(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.put(
    '/api/t/:tenant/report-categories/:code',
    {
      config: { action: 'reports.category.write' },
      schema: { tags, summary: 'Adds or changes a report category', params: CategoryParams, body: PutCategory, response: { 200: Category, ...errors } },
    },
    async (request) => s.reports.putCategory(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.code, request.body),
  )

  app.get(
    '/api/t/:tenant/reports/settings',
    {
      config: { action: 'reports.settings.read' },
      schema: {
        tags,
        summary: 'Working hours, holidays, reopen window and notification webhook',
        params: TenantParams,
        response: { 200: SettingsOut, ...errors },
      },
    },
    async (request) => s.reports.publicSettings(await s.reports.settings(ctx.db, tenantOf(request).code)),
  )

  app.put(
    '/api/t/:tenant/reports/settings',
    {
      config: { action: 'reports.settings.write' },
      schema: {
        tags,
        summary: 'Changes report settings (the webhook secret is write-only)',
        params: TenantParams,
        body: PutSettings,
        response: { 200: SettingsOut, ...errors },
      },
    },
    async (request) => s.reports.publicSettings(await s.reports.putSettings(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  // Citizens (no account needed)

  app.post(
    '/api/t/:tenant/reports',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Submits a report; answers the tracking code (photos follow through …/track/{code}/photos)',
        params: TenantParams,
        body: SubmitReport,
        response: { 201: Submitted, ...publicErrors },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request).code
      const principal = request.principal
      const row = await s.reports.submit(ctx.db, tenant, request.body, {
        source: principal ? 'operator' : 'web',
        actor: principal?.actor ?? null,
        ip: request.ip,
      })
      reply.status(201)
      return { id: row.id, number: row.number, code: row.code, status: row.status, trackUrl: `/p/${tenant}/reports/track/${row.code}` }
    },
  )

  app.get(
    '/api/t/:tenant/reports/update-channels',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The chat channels a reporter may choose for status updates (updates.channel of a new report)',
        params: TenantParams,
        response: { 200: Type.Object({ channels: Type.Array(Type.String()) }), ...errors },
      },
    },
    async (request) => ({ channels: await ctx.messaging.enabledKinds(ctx.db, tenantOf(request).code) }),
  )

  app.get(
    '/api/t/:tenant/reports/nearby',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Before submitting: open reports of the category within 100 m and 7 days ("saya juga mengalami ini")',
        params: TenantParams,
        querystring: NearbyQuery,
        response: { 200: Page(Type.Intersect([PublicReport, Type.Object({ distanceM: Type.Integer() })])), ...errors },
      },
    },
    async (request) => s.reports.nearby(ctx.db, tenantOf(request).code, request.query.category, request.query.lon, request.query.lat),
  )

  app.get(
    '/api/t/:tenant/reports/public',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Public reports of the last 90 days as GeoJSON, for the public map',
        params: TenantParams,
        querystring: Type.Object({ bbox: Type.Optional(Type.String()), status: Type.Optional(Type.String()) }),
        response: { 200: ReportFeatures, ...errors },
      },
    },
    async (request) => s.reports.features(ctx.db, tenantOf(request).code, { publicOnly: true, ...request.query }),
  )

  app.get(
    '/api/t/:tenant/reports/track/:code',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'The public status history of a report, by tracking code', params: TrackParams, response: { 200: Tracking, ...errors } },
    },
    async (request) => s.reports.track(ctx.db, tenantOf(request).code, request.params.code),
  )

  app.post(
    '/api/t/:tenant/reports/track/:code/reopen',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'The reporter reopens a resolved report within the reopen window',
        params: TrackParams,
        body: Reason,
        response: { 200: PublicReport, ...errors },
      },
    },
    async (request) => s.reports.reopen(ctx.db, tenantOf(request).code, request.params.code, request.body.reason),
  )

  app.post(
    '/api/t/:tenant/reports/:id/support',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: '"Saya juga mengalami ini": adds a supporter to an open public report instead of a new report',
        params: IdParams,
        body: Support,
        response: { 200: Type.Object({ id: Type.String(), number: Type.String(), supporters: Type.Integer() }), ...publicErrors },
      },
    },
    async (request) => s.reports.support(ctx.db, tenantOf(request).code, request.params.id, request.body, request.ip),
  )

  // Photos: multipart, in their own scope so no other route parses multipart.
  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    await scope.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 5, parts: 6 } })

    api.post(
      '/api/t/:tenant/reports/track/:code/photos',
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'The reporter adds a photo (JPEG, PNG or WebP, up to 8 MB, at most 3) within an hour of submitting',
          consumes: ['multipart/form-data'],
          params: TrackParams,
          response: { 201: PhotoInfo, ...publicErrors },
        },
      },
      async (request, reply) => {
        const photo = await photoOf(request)
        reply.status(201)
        return s.reports.addCitizenPhoto(ctx.db, tenantOf(request).code, request.params.code, photo)
      },
    )

    api.post(
      '/api/t/:tenant/reports/:id/photos',
      {
        config: { action: 'reports.report.support' },
        schema: {
          tags,
          summary: 'Adds a photo to a report: `kind=proof` for the OPD’s proof of resolution',
          consumes: ['multipart/form-data'],
          params: IdParams,
          querystring: Type.Object({ kind: Type.Optional(Type.Union([Type.Literal('proof'), Type.Literal('report')], { default: 'proof' })) }),
          response: { 201: PhotoInfo, ...publicErrors },
        },
      },
      async (request, reply) => {
        const tenant = tenantOf(request).code
        const caller = callerOf(request)
        const row = await s.reports.get(ctx.db, tenant, request.params.id, caller)
        const photo = await photoOf(request)
        reply.status(201)
        return s.reports.addPhoto(ctx.db, tenant, row, request.query.kind ?? 'proof', photo, caller.actor)
      },
    )
  })

  app.get(
    '/api/t/:tenant/reports/:id/photos/:photoId',
    {
      config: { access: 'public' },
      schema: { tags, summary: 'A photo of a public report (staff see every report’s photos)', params: PhotoParams },
    },
    async (request, reply) => {
      const tenant = tenantOf(request)
      const mayReadAll = request.principal !== null && readableRoles(request.principal, tenant).size > 0
      const photo = await s.reports.photo(ctx.db, tenant.code, request.params.id, request.params.photoId, mayReadAll)
      reply.header('cache-control', 'private, max-age=3600').type(photo.mime)
      return photo.bytes
    },
  )

  app.get(
    '/api/t/:tenant/reports/track/:code/photos/:photoId',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A photo of a report, for its reporter (by tracking code)',
        params: Type.Intersect([TrackParams, Type.Object({ photoId: Type.String({ format: 'uuid' }) })]),
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request).code
      const row = await s.reports.byCode(ctx.db, tenant, request.params.code)
      const photo = await s.reports.photo(ctx.db, tenant, row.id, request.params.photoId, false)
      reply.header('cache-control', 'private, max-age=3600').type(photo.mime)
      return photo.bytes
    },
  )

  // Staff

  app.get(
    '/api/t/:tenant/reports',
    {
      config: { action: 'reports.report.list' },
      schema: {
        tags,
        summary: 'Reports, newest first, by status, category, OPD, overdue and bbox; agency officers see their OPDs’',
        params: TenantParams,
        querystring: ReportQuery,
        response: { 200: Page(Report), ...errors },
      },
    },
    async (request) => {
      const page = await s.reports.list(ctx.db, tenantOf(request).code, request.query, callerOf(request))
      // A wall screen counts reports; who reported and what they wrote stay off the screen.
      return principalOf(request).wall ? { ...page, items: page.items.map((r) => ({ ...r, reporter: null, description: '', attributes: {} })) } : page
    },
  )

  app.get(
    '/api/t/:tenant/reports/geojson',
    {
      config: { action: 'reports.report.read' },
      schema: {
        tags,
        summary: 'Reports as GeoJSON for the console map (open ones unless asked otherwise)',
        params: TenantParams,
        querystring: Type.Object({ bbox: Type.Optional(Type.String()), status: Type.Optional(Type.String()) }),
        response: { 200: ReportFeatures, ...errors },
      },
    },
    async (request) => s.reports.features(ctx.db, tenantOf(request).code, { publicOnly: false, ...request.query, caller: callerOf(request) }),
  )

  app.get(
    '/api/t/:tenant/reports/:id',
    {
      config: { action: 'reports.report.read' },
      schema: { tags, summary: 'A report with its timeline, photos and notifications', params: IdParams, response: { 200: ReportDetail, ...errors } },
    },
    async (request) => s.reports.detail(ctx.db, tenantOf(request).code, request.params.id, callerOf(request)),
  )

  /** A workflow step: POST /reports/{id}/{path} with a small body, answering the changed report. */
  const action = <B extends TSchema>(
    path: string,
    summary: string,
    step: 'reports.report.triage' | 'reports.report.work',
    body: B,
    run: (tenant: string, caller: ReportCaller, id: string, body: Static<B>) => Promise<Static<typeof Report>>,
  ) =>
    app.post(
      `/api/t/:tenant/reports/:id/${path}`,
      { config: { action: step }, schema: { tags, summary, params: IdParams, body, response: { 200: Report, ...errors } } },
      async (request) => run(tenantOf(request).code, callerOf(request), request.params.id, request.body as Static<B>),
    )

  action('verify', 'The command center verifies a submitted report', 'reports.report.triage', OptionalNote, (t, c, id, b) =>
    s.reports.verify(ctx.db, t, c, id, b.note),
  )
  action('reject', 'The command center rejects a report, with the reason the reporter sees', 'reports.report.triage', Reason, (t, c, id, b) =>
    s.reports.reject(ctx.db, t, c, id, b.reason),
  )
  action('assign', 'Disposition to an OPD (the category’s by default), or re-routing to another', 'reports.report.triage', Assign, (t, c, id, b) =>
    s.reports.assign(ctx.db, t, c, id, b),
  )
  action('start', 'The OPD starts work (dikerjakan)', 'reports.report.work', OptionalNote, (t, c, id, b) => s.reports.start(ctx.db, t, c, id, b.note))
  action('hand-back', 'The OPD hands the report back to the command center with a reason', 'reports.report.work', Reason, (t, c, id, b) =>
    s.reports.handBack(ctx.db, t, c, id, b.reason),
  )
  action('resolve', 'The OPD resolves the report with a note and a proof photo', 'reports.report.work', Resolve, (t, c, id, b) =>
    s.reports.resolve(ctx.db, t, c, id, b),
  )
  action('close', 'The command center closes a resolved report', 'reports.report.triage', OptionalNote, (t, c, id, b) =>
    s.reports.close(ctx.db, t, c, id, b.note),
  )
  action('merge', 'Merges a duplicate into another open report (its people become supporters there)', 'reports.report.triage', Merge, (t, c, id, b) =>
    s.reports.merge(ctx.db, t, c, id, b.into),
  )

  app.post(
    '/api/t/:tenant/reports/:id/incident',
    {
      config: { action: 'reports.report.incident' },
      schema: {
        tags,
        summary: 'Raises an incident from a report; the report and the incident point at each other',
        params: IdParams,
        body: RaiseIncident,
        response: { 201: Type.Object({ report: Report, incident: Type.Object({ id: Type.String(), number: Type.String() }) }), ...errors },
      },
    },
    async (request, reply) => {
      const result = await s.reports.raiseIncident(ctx.db, tenantOf(request).code, callerOf(request), request.params.id, request.body)
      reply.status(201)
      return result
    },
  )

  app.post(
    '/api/t/:tenant/reports/:id/notes',
    {
      config: { action: 'reports.note.write' },
      schema: { tags, summary: 'Adds a note (internal unless isPublic)', params: IdParams, body: Note, response: { 201: TimelineEntry, ...errors } },
    },
    async (request, reply) => {
      const entry = await s.reports.note(
        ctx.db,
        tenantOf(request).code,
        callerOf(request),
        request.params.id,
        request.body.text,
        request.body.isPublic ?? false,
      )
      reply.status(201)
      return entry
    },
  )
}
