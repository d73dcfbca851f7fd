import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { Type } from 'typebox'
import { BulkBody, BulkResult } from '../../core/http/bulk.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import { acceptCsv, ImportStateSchema } from '../../core/import-routes.ts'
import { SYNC_IMPORT_ROWS } from '../../core/import-runs.ts'
import { MAX_IMPORT_ROWS } from '../../core/imports.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { asnImportResult, type ImportKind } from './asn.ts'
import { callerOf } from './caller.ts'
import type { PatrolsServices } from './index.ts'
import {
  AsnSettings,
  Discipline,
  ImportResult,
  Ladder,
  MonthQuery,
  NipParams,
  PersonMonth,
  StaffIdParams,
  StaffItem,
  TenantParams,
  YearQuery,
} from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const IMPORT_LIMIT = `; at most ${MAX_IMPORT_ROWS.toLocaleString('en')} rows (413 above, nothing stored). Over ${SYNC_IMPORT_ROWS.toLocaleString('en')} rows the answer is 202 with an import whose progress \`GET /api/t/{tenant}/imports/{id}\` shows`

/** ASN imports (small files written in the request, large ones by a job), the discipline view per OPD, a person's month and the ladder. */
export function asnRoutes(app: KendaliApp, ctx: CoreContext, s: PatrolsServices): void {
  const tags = ['asn']

  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    acceptCsv(scope, ['text/csv', 'application/csv'])
    const imports: [string, ImportKind, string][] = [
      ['staff', 'staff', 'Imports the staff list (CSV `nip,nama,opd,jabatan`; opd is the OPD code or name)'],
      ['attendance', 'attendance', 'Imports e-presensi attendance (CSV `nip,tanggal,jam_masuk,jam_pulang,keterangan`), one row per NIP and day'],
      ['activities', 'activities', 'Imports e-Kinerja daily activities (CSV `nip,tanggal,mulai,selesai,aktivitas,output`)'],
    ]
    for (const [path, kind, summary] of imports) {
      api.post(
        `/api/t/:tenant/asn/${path}/import`,
        {
          config: { action: 'patrols.asn.import' },
          schema: {
            tags,
            summary: summary + IMPORT_LIMIT,
            consumes: ['text/csv'],
            params: TenantParams,
            body: Type.String({ minLength: 1 }),
            response: { 200: ImportResult, 202: ImportStateSchema, 413: ErrorBody, ...errors },
          },
        },
        async (request, reply) => {
          const state = await s.asn.importCsv(ctx.imports, ctx.db, tenantOf(request).code, principalOf(request).actor, kind, request.body)
          return state.id ? reply.code(202).send(state) : asnImportResult(state)
        },
      )
    }
  })

  app.post(
    '/api/t/:tenant/asn/staff/bulk',
    {
      config: { action: 'patrols.asn.import' },
      schema: {
        tags,
        summary: 'Creates or updates staff by NIP (what the staff CSV does, as JSON), each item answered on its own',
        params: TenantParams,
        body: BulkBody(StaffItem, 'Staff'),
        response: { 200: BulkResult(), ...errors },
      },
    },
    async (request) => s.asn.bulkSaveStaff(ctx.db, tenantOf(request).code, request.body.items),
  )

  app.get(
    '/api/t/:tenant/asn/discipline',
    {
      config: { action: 'patrols.asn.read' },
      schema: {
        tags,
        summary: 'Attendance, activity and Rojak findings per OPD for a month',
        params: TenantParams,
        querystring: MonthQuery,
        response: { 200: Discipline, ...errors },
      },
    },
    async (request) => s.asn.discipline(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), request.query.month),
  )

  app.get(
    '/api/t/:tenant/asn/staff/:nip',
    {
      config: { action: 'patrols.asn.read' },
      schema: {
        tags,
        summary: 'One person’s month: each day with its TL/PSW/TK codes, and the activities',
        params: NipParams,
        querystring: MonthQuery,
        response: { 200: PersonMonth, ...errors },
      },
    },
    async (request) => s.asn.person(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), { nip: request.params.nip }, request.query.month),
  )

  app.get(
    '/api/t/:tenant/asn/people/:id',
    {
      config: { action: 'patrols.asn.read' },
      schema: {
        tags,
        summary: 'One person’s month by their opaque id (from the ladder): for those who see the NIP masked, which stays masked',
        params: StaffIdParams,
        querystring: MonthQuery,
        response: { 200: PersonMonth, ...errors },
      },
    },
    async (request) => s.asn.person(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), { id: request.params.id }, request.query.month),
  )

  app.get(
    '/api/t/:tenant/asn/ladder',
    {
      config: { action: 'patrols.asn.read' },
      schema: {
        tags,
        summary: 'Who reached which discipline step for unexcused absence in a year',
        params: TenantParams,
        querystring: YearQuery,
        response: { 200: Ladder, ...errors },
      },
    },
    async (request) => s.asn.ladder(ctx.db, tenantOf(request).code, await callerOf(request, s, ctx), request.query.year),
  )

  app.get(
    '/api/t/:tenant/asn/settings',
    {
      config: { action: 'patrols.asn.read' },
      schema: {
        tags,
        summary: 'Working hours per weekday, overrides (Ramadan), holidays and the discipline ladder',
        params: TenantParams,
        response: { 200: AsnSettings, ...errors },
      },
    },
    async (request) => s.asn.settings(ctx.db, tenantOf(request).code),
  )

  app.put(
    '/api/t/:tenant/asn/settings',
    {
      config: { action: 'patrols.asn.settings.write' },
      schema: {
        tags,
        summary: 'Changes working hours, holidays and the ladder',
        params: TenantParams,
        body: AsnSettings,
        response: { 200: AsnSettings, ...errors },
      },
    },
    async (request) => s.asn.putSettings(ctx.db, tenantOf(request).code, request.body),
  )
}
