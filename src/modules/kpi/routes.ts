import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { Invalid } from '../../core/errors.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import {
  CodeParams,
  CopyCatalogue,
  CreateIndicator,
  History,
  HistoryQuery,
  ImportResult,
  Indicator,
  NewValue,
  PeriodQuery,
  Recompute,
  RecomputeRequest,
  Rollup,
  RollupQuery,
  RunParams,
  Series,
  SeriesQuery,
  Summary,
  TenantParams,
  UpdateIndicator,
  Value,
} from './schema.ts'
import type { KpiService } from './service.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

// Leaders and the command center read the dashboard; OPD officers enter their values; admins keep the
// catalogue and run recomputes. A province grant reads its cities (inherited grants only read).
const READERS = ['admin', 'executive', 'operator', 'agency_officer'] as const
const ENTERERS = ['admin', 'agency_officer'] as const
const ADMINS = ['admin'] as const
const MAX_CSV_BYTES = 2 * 1024 * 1024

export function kpiRoutes(app: KendaliApp, ctx: CoreContext, kpi: KpiService): void {
  const tags = ['kpi']

  app.get(
    '/api/t/:tenant/kpi/indicators',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags,
        summary: "The tenant's KPI catalogue with targets and availability",
        params: TenantParams,
        response: { 200: Page(Indicator), ...errors },
      },
    },
    async (request) => {
      const items = await kpi.list(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/kpi/indicators',
    {
      config: { access: { roles: ADMINS } },
      schema: { tags, summary: 'Adds an indicator to the catalogue', params: TenantParams, body: CreateIndicator, response: { 201: Indicator, ...errors } },
    },
    async (request, reply) => {
      const body = request.body
      const created = await kpi.create(ctx.db, tenantOf(request).code, principalOf(request).actor, { ...body, breakdowns: body.breakdowns ?? [] })
      return reply.status(201).send(created)
    },
  )

  app.get(
    '/api/t/:tenant/kpi/indicators/:code',
    {
      config: { access: { roles: READERS } },
      schema: { tags, summary: 'One indicator with its targets and formula', params: CodeParams, response: { 200: Indicator, ...errors } },
    },
    async (request) => kpi.get(ctx.db, tenantOf(request).code, request.params.code),
  )

  app.patch(
    '/api/t/:tenant/kpi/indicators/:code',
    {
      config: { access: { roles: ADMINS } },
      schema: {
        tags,
        summary: 'Changes an indicator: names, owner OPD, targets per year',
        params: CodeParams,
        body: UpdateIndicator,
        response: { 200: Indicator, ...errors },
      },
    },
    async (request) => kpi.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.code, request.body),
  )

  app.post(
    '/api/t/:tenant/kpi/indicators/:code/values',
    {
      config: { access: { roles: ENTERERS } },
      schema: {
        tags,
        summary: 'Enters (or corrects) the value of an entered indicator for a period; every change is kept as a version',
        params: CodeParams,
        body: NewValue,
        response: { 201: Value, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await kpi.enter(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.code, request.body)),
  )

  app.get(
    '/api/t/:tenant/kpi/indicators/:code/values',
    {
      config: { access: { roles: READERS } },
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
      return kpi.series(ctx.db, tenantOf(request).code, request.params.code, q.from, q.to, q.by)
    },
  )

  app.get(
    '/api/t/:tenant/kpi/indicators/:code/history',
    {
      config: { access: { roles: READERS } },
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
    scope.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: MAX_CSV_BYTES }, (_request, body, done) => done(null, body))
    api.post(
      '/api/t/:tenant/kpi/values/import',
      {
        config: { access: { roles: ENTERERS } },
        schema: {
          tags,
          summary:
            'Imports entered values from text/csv: `indicator,period,value[,breakdown_by,breakdown_key,note,evidence_url]`; good rows stored, bad rows listed',
          consumes: ['text/csv'],
          params: TenantParams,
          body: Type.String({ minLength: 1 }),
          response: { 200: ImportResult, ...errors },
        },
      },
      async (request) => kpi.importCsv(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body),
    )
  })

  app.get(
    '/api/t/:tenant/kpi/summary',
    {
      config: { access: { roles: READERS } },
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

  app.post(
    '/api/t/:tenant/kpi/recompute',
    {
      config: { access: { roles: ADMINS } },
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
      config: { access: { roles: ADMINS } },
      schema: { tags, summary: 'Progress of a recompute', params: RunParams, response: { 200: Recompute, ...errors } },
    },
    async (request) => kpi.recompute(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.get(
    '/api/t/:tenant/kpi/rollup',
    {
      config: { access: { roles: READERS } },
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

  app.post(
    '/api/t/:tenant/kpi/catalogue/copy',
    {
      config: { access: 'platform_admin' },
      schema: {
        tags,
        summary: 'Onboarding: copies the KPI catalogue and targets of a template tenant (never its values)',
        params: TenantParams,
        body: CopyCatalogue,
        response: { 200: Type.Object({ copied: Type.Integer() }), ...errors },
      },
    },
    async (request) => ({ copied: await kpi.copyCatalogue(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.from) }),
  )
}
