import multipart from '@fastify/multipart'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { Invalid, NotFound } from '../../core/errors.ts'
import { headSeq } from '../../core/events/log.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { isSecureRequest, WALL_COOKIE } from '../../core/http/identity.ts'
import { Page } from '../../core/http/paging.ts'
import { opdScope } from '../../core/http/permissions.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import { multipartFailure } from '../../core/http/uploads.ts'
import { acceptCsv, ImportStateSchema } from '../../core/import-routes.ts'
import { type EncodedPhoto, MAX_PHOTO_BYTES, PhotoTooLarge, reencodePhoto } from '../../core/media/photos.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { copyConfig } from './config-copy.ts'
import type { OverviewService } from './overview.ts'
import { KPI_ACTIONS } from './permissions.ts'
import { buildReport } from './report-builder.ts'
import {
  CodeParams,
  ConfigCopied,
  CopyConfig,
  CreatedWallToken,
  CreateIndicator,
  CreateWallToken,
  History,
  HistoryQuery,
  ImportResult,
  Indicator,
  NewValue,
  Overview,
  OverviewQuery,
  PeriodQuery,
  Recompute,
  RecomputeRequest,
  ReportQuery,
  ReportSettings,
  ReportSettingsView,
  Rollup,
  RollupQuery,
  RunParams,
  Series,
  SeriesQuery,
  Summary,
  TenantParams,
  UpdateIndicator,
  Value,
  WallSchedule,
  WallSession,
  WallSettings,
  WallToken,
  WallTokenParams,
} from './schema.ts'
import { type Indicator as CatalogueIndicator, type KpiCaller, type KpiService, mayEnter, valuesImportResult } from './service.ts'
import * as store from './store.ts'
import type { WallTokens } from './wall.ts'

/** Reads the one picture of a multipart request and re-encodes it as the report's logo. */
async function logoOf(request: FastifyRequest): Promise<EncodedPhoto> {
  if (!request.isMultipart()) throw new Invalid('Send the logo as multipart/form-data in a field named logo', { field: 'logo' })
  let bytes: Buffer
  try {
    const file = await request.file()
    if (!file) throw new Invalid('Send the logo in a field named logo', { field: 'logo' })
    bytes = await file.toBuffer()
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw new PhotoTooLarge()
    throw multipartFailure(err)
  }
  return reencodePhoto(bytes)
}

/** The settings as the API shows them; a city without any gets empty ones. */
const settingsView = (row: store.ReportSettingsRow | null) =>
  row ?? { heading: [], address: null, signerName: null, signerTitle: null, signerNip: null, hasLogo: false, updatedBy: null, updatedAt: null }

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

/** Who enters values: an OPD officer acts for the OPDs they work for, an admin for every one, a reader for none. */
function callerOf(request: FastifyRequest): KpiCaller {
  const principal = principalOf(request)
  return { actor: principal.actor, agencies: opdScope(principal, tenantOf(request), KPI_ACTIONS['kpi.value.enter']) }
}

/** An indicator as its caller sees it: whether they may enter its values travels with it. */
const forCaller = (request: FastifyRequest, indicator: CatalogueIndicator) => ({ ...indicator, mayEnter: mayEnter(callerOf(request), indicator) })

export function kpiRoutes(
  app: KendaliApp,
  ctx: CoreContext,
  kpi: KpiService,
  overview: OverviewService,
  walls: WallTokens,
  tenantExists: (code: string) => Promise<boolean>,
): void {
  const tags = ['kpi']

  app.get(
    '/api/t/:tenant/kpi/indicators',
    {
      config: { action: 'kpi.indicator.read' },
      schema: {
        tags,
        summary: "The tenant's KPI catalogue with targets and availability",
        params: TenantParams,
        response: { 200: Page(Indicator), ...errors },
      },
    },
    async (request) => {
      const items = (await kpi.list(ctx.db, tenantOf(request).code)).map((i) => forCaller(request, i))
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/kpi/indicators',
    {
      config: { action: 'kpi.indicator.write' },
      schema: { tags, summary: 'Adds an indicator to the catalogue', params: TenantParams, body: CreateIndicator, response: { 201: Indicator, ...errors } },
    },
    async (request, reply) => {
      const body = request.body
      const created = await kpi.create(ctx.db, tenantOf(request).code, principalOf(request).actor, { ...body, breakdowns: body.breakdowns ?? [] })
      return reply.status(201).send(forCaller(request, created))
    },
  )

  app.get(
    '/api/t/:tenant/kpi/indicators/:code',
    {
      config: { action: 'kpi.indicator.read' },
      schema: { tags, summary: 'One indicator with its targets and formula', params: CodeParams, response: { 200: Indicator, ...errors } },
    },
    async (request) => forCaller(request, await kpi.get(ctx.db, tenantOf(request).code, request.params.code)),
  )

  app.patch(
    '/api/t/:tenant/kpi/indicators/:code',
    {
      config: { action: 'kpi.indicator.write' },
      schema: {
        tags,
        summary: 'Changes an indicator: names, owner OPD, targets per year',
        params: CodeParams,
        body: UpdateIndicator,
        response: { 200: Indicator, ...errors },
      },
    },
    async (request) => forCaller(request, await kpi.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.code, request.body)),
  )

  app.post(
    '/api/t/:tenant/kpi/indicators/:code/values',
    {
      config: { action: 'kpi.value.enter' },
      schema: {
        tags,
        summary:
          'Enters (or corrects) the value of an entered indicator for a period; every change is kept as a version. An OPD officer enters the indicators of the OPDs they work for only (403 otherwise)',
        params: CodeParams,
        body: NewValue,
        response: { 201: Value, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await kpi.enter(ctx.db, tenantOf(request).code, callerOf(request), request.params.code, request.body)),
  )

  app.get(
    '/api/t/:tenant/kpi/indicators/:code/values',
    {
      config: { action: 'kpi.indicator.read' },
      schema: {
        tags,
        summary: 'The series of an indicator: every period from `from` to `to`, missing ones marked missing (never zero); `by` adds the breakdown',
        params: CodeParams,
        querystring: SeriesQuery,
        response: { 200: Series, ...errors },
      },
    },
    async (request) => {
      const q = request.query
      const series = await kpi.series(ctx.db, tenantOf(request).code, request.params.code, q.from, q.to, q.by)
      return { ...series, indicator: forCaller(request, series.indicator) }
    },
  )

  app.get(
    '/api/t/:tenant/kpi/indicators/:code/history',
    {
      config: { action: 'kpi.indicator.read' },
      schema: {
        tags,
        summary: 'Every version of an entered value: who changed what, when',
        params: CodeParams,
        querystring: HistoryQuery,
        response: { 200: History, ...errors },
      },
    },
    async (request) => {
      const q = request.query
      if (q.by && !q.key) throw new Invalid('A breakdown needs its key', { field: 'key' })
      const breakdown = q.by && q.key ? { by: q.by, key: q.key } : undefined
      return { items: await kpi.history(ctx.db, tenantOf(request).code, request.params.code, q.period, breakdown) }
    },
  )

  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    acceptCsv(scope)
    api.post(
      '/api/t/:tenant/kpi/values/import',
      {
        config: { action: 'kpi.value.enter' },
        schema: {
          tags,
          summary:
            'Imports entered values from text/csv: `indicator,period,value[,breakdown_by,breakdown_key,note,evidence_url]`, at most 100,000 rows (413 above); good rows stored, bad rows (and rows of indicators of OPDs the officer does not work for) listed. Over 2,000 rows the answer is 202 with an import whose progress `GET /api/t/{tenant}/imports/{id}` shows',
          consumes: ['text/csv'],
          params: TenantParams,
          body: Type.String({ minLength: 1 }),
          response: { 200: ImportResult, 202: ImportStateSchema, 413: ErrorBody, ...errors },
        },
      },
      async (request, reply) => {
        const state = await kpi.importCsv(ctx.imports, ctx.db, tenantOf(request).code, callerOf(request), request.body)
        return state.id ? reply.code(202).send(state) : valuesImportResult(state)
      },
    )
  })

  app.get(
    '/api/t/:tenant/kpi/summary',
    {
      config: { action: 'kpi.summary.read' },
      schema: {
        tags,
        summary: 'The six dimensions of a month: scores (with the formula), 12-month trend, each indicator against its target',
        params: TenantParams,
        querystring: PeriodQuery,
        response: { 200: Summary, ...errors },
      },
    },
    async (request) => kpi.summary(ctx.db, tenantOf(request).code, request.query.period),
  )

  app.get(
    '/api/t/:tenant/kpi/overview',
    {
      config: { action: 'kpi.overview.read' },
      schema: {
        tags,
        summary:
          "The executive dashboard of a month, quarter or year: six dimensions with 12 periods of trend and last year's, what needs attention, incidents, complaints SLA per OPD, levies against target, Rojak findings per OPD",
        params: TenantParams,
        querystring: OverviewQuery,
        response: { 200: Overview, ...errors },
      },
    },
    async (request) => overview.overview(ctx.db, tenantOf(request).code, request.query.period),
  )

  app.post(
    '/api/t/:tenant/kpi/recompute',
    {
      config: { action: 'kpi.recompute' },
      schema: {
        tags,
        summary: 'Recomputes the computed indicators of past months in a durable job; follow its progress at the answer',
        params: TenantParams,
        body: RecomputeRequest,
        response: { 202: Recompute, ...errors },
      },
    },
    async (request, reply) => {
      const run = await kpi.requestRecompute(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.from, request.body.to)
      return reply.status(202).send(run)
    },
  )

  app.get(
    '/api/t/:tenant/kpi/recompute/:id',
    {
      config: { action: 'kpi.recompute' },
      schema: { tags, summary: 'Progress of a recompute', params: RunParams, response: { 200: Recompute, ...errors } },
    },
    async (request) => kpi.recompute(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.get(
    '/api/t/:tenant/kpi/rollup',
    {
      config: { action: 'kpi.indicator.read' },
      schema: {
        tags,
        summary: 'A province: one indicator for each of its cities and regencies, ranked by achievement',
        params: TenantParams,
        querystring: RollupQuery,
        response: { 200: Rollup, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request)
      if (tenant.kind !== 'provinsi') throw new Invalid(`${tenant.code} is not a province: only a province has a roll-up`, { field: 'tenant' })
      return kpi.rollup(ctx.db, tenant.code, request.query.indicator, request.query.period)
    },
  )

  app.get(
    '/api/t/:tenant/kpi/report.pdf',
    {
      config: { action: 'kpi.indicator.read' },
      schema: {
        tags,
        summary:
          "The leader's report of a month, quarter or year as an A4 PDF: letterhead and logo, the six dimensions with charts, what needs attention, incidents, complaints, levies and findings tables, each indicator against its target, page numbers, signature block",
        produces: ['application/pdf'],
        params: TenantParams,
        querystring: ReportQuery,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (request, reply) => {
      const tenant = tenantOf(request)
      const lang = request.query.lang ?? (/^en\b/i.test(request.headers['accept-language'] ?? '') ? 'en' : 'id')
      const pdf = await buildReport(ctx.db, ctx.tenancy, overview, tenant.code, request.query.period, lang)
      return reply.type('application/pdf').header('content-disposition', `inline; filename="kpi-${tenant.code}-${request.query.period}.pdf"`).send(pdf)
    },
  )

  // The report's letterhead, logo and signature block, set by an admin.
  app.get(
    '/api/t/:tenant/kpi/report-settings',
    {
      config: { action: 'kpi.indicator.read' },
      schema: { tags, summary: "The report's letterhead and signature block", params: TenantParams, response: { 200: ReportSettingsView, ...errors } },
    },
    async (request) => settingsView(await store.reportSettings(ctx.db, tenantOf(request).code)),
  )

  app.put(
    '/api/t/:tenant/kpi/report-settings',
    {
      config: { action: 'kpi.indicator.write' },
      schema: {
        tags,
        summary: "Sets the report's letterhead lines, address and who signs it",
        params: TenantParams,
        body: ReportSettings,
        response: { 200: ReportSettingsView, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      await store.putReportSettings(ctx.db, tenant, principalOf(request).actor, request.body)
      return settingsView(await store.reportSettings(ctx.db, tenant))
    },
  )

  app.get(
    '/api/t/:tenant/kpi/report-settings/logo',
    {
      config: { action: 'kpi.indicator.read' },
      schema: {
        tags,
        summary: "The city's logo on the report (JPEG)",
        produces: ['image/jpeg'],
        params: TenantParams,
        response: { 200: Type.Unsafe<Buffer>({ type: 'string', format: 'binary' }), ...errors },
      },
    },
    async (request, reply) => {
      const logo = await store.reportLogo(ctx.db, tenantOf(request).code)
      if (!logo) throw new NotFound('No logo is set')
      return reply.type('image/jpeg').header('cache-control', 'private, no-cache').send(logo)
    },
  )

  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    await scope.register(multipart, { limits: { fileSize: MAX_PHOTO_BYTES, files: 1, fields: 2, parts: 3 } })
    api.put(
      '/api/t/:tenant/kpi/report-settings/logo',
      {
        config: { action: 'kpi.indicator.write' },
        schema: {
          tags,
          summary: "Sets the city's logo on the report: a JPEG, PNG or WebP picture (up to 8 MB) in a multipart field named logo, re-encoded",
          consumes: ['multipart/form-data'],
          params: TenantParams,
          response: { 200: ReportSettingsView, ...errors, 413: ErrorBody },
        },
      },
      async (request) => {
        const tenant = tenantOf(request).code
        const logo = await logoOf(request)
        await store.putReportLogo(ctx.db, tenant, principalOf(request).actor, logo.bytes)
        return settingsView(await store.reportSettings(ctx.db, tenant))
      },
    )
  })

  // The situation room's screens open the wall with a read-only token instead of a person's login.
  app.get(
    '/api/t/:tenant/wall-tokens',
    {
      config: { action: 'kpi.wall_token.read' },
      schema: { tags, summary: 'Wall tokens of the situation room (never the secret)', params: TenantParams, response: { 200: Page(WallToken), ...errors } },
    },
    async (request) => {
      const items = await walls.list(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/wall-tokens',
    {
      config: { action: 'kpi.wall_token.write' },
      schema: {
        tags,
        summary: 'Creates a read-only wall token for a situation-room screen; shown once, stored hashed, reads only the wall',
        params: TenantParams,
        body: CreateWallToken,
        response: { 201: CreatedWallToken, ...errors },
      },
    },
    async (request, reply) => {
      const created = await walls.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.name, request.body.days ?? 90)
      return reply.status(201).send(created)
    },
  )

  app.delete(
    '/api/t/:tenant/wall-tokens/:id',
    {
      config: { action: 'kpi.wall_token.write' },
      schema: { tags, summary: 'Revokes a wall token at once', params: WallTokenParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await walls.revoke(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/t/:tenant/kpi/wall/session',
    {
      // Public to the HTTP layer: the wall token in the body is checked here.
      config: { access: 'public' },
      schema: {
        tags,
        summary:
          'Opens a situation-room screen: checks its wall token and keeps it in an httpOnly cookie until it expires, so the screen reads the API and the live channel as an executive, read-only',
        params: TenantParams,
        body: WallSession,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      const expires = await walls.session(ctx.db, tenantOf(request).code, request.body.token)
      reply.setCookie(WALL_COOKIE, request.body.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: isSecureRequest(request, ctx.config.publicUrl),
        path: '/',
        expires,
      })
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/kpi/wall/settings',
    {
      config: { action: 'kpi.wall.settings.read' },
      schema: {
        tags,
        summary: "The wall's schedule: its panels in order, each with its seconds, and the latest event sequence",
        params: TenantParams,
        response: { 200: WallSchedule, ...errors },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      return { panels: await walls.settings(ctx.db, tenant), after: await headSeq(ctx.db, tenant) }
    },
  )

  app.put(
    '/api/t/:tenant/kpi/wall/settings',
    {
      config: { action: 'kpi.wall.settings.write' },
      schema: {
        tags,
        summary: "Sets the wall's schedule: the panels (kpi, map, cameras, reports, levies) in order, each shown 5 to 3600 s",
        params: TenantParams,
        body: WallSettings,
        response: { 200: WallSettings, ...errors },
      },
    },
    async (request) => ({ panels: await walls.saveSettings(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.panels) }),
  )

  app.post(
    '/api/t/:tenant/config/copy',
    {
      config: { access: 'platform_admin' },
      schema: {
        tags: ['tenants'],
        summary:
          'Onboarding: copies the shareable configuration of a template tenant (KPI catalogue, incident types, report categories…) — never its data or people',
        params: TenantParams,
        body: CopyConfig,
        response: { 200: ConfigCopied, ...errors },
      },
    },
    async (request) => copyConfig(ctx, tenantExists, principalOf(request).actor, request.body.from, tenantOf(request).code),
  )
}
