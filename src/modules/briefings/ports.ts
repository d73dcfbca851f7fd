import type { Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'
import { everyItem } from '../../core/spreadsheet.ts'
import { incidentsServices } from '../incidents/index.ts'
import { buildKpiReportPdf, kpiService } from '../kpi/index.ts'
import type { KpiService } from '../kpi/service.ts'
import { reportsServices } from '../reports/index.ts'

// What a briefing reads of other modules, through their services (never their tables).

export type KpiSummary = Awaited<ReturnType<KpiService['summary']>>

export interface IncidentLine {
  number: string
  type: string
  priority: string
  status: string
  createdAt: string
  kecamatan: string | null
  kelurahan: string | null
}

export interface BriefingSources {
  city(db: Queryable, tenant: string): Promise<{ name: string; timezone: string }>
  kpiSummary(db: Queryable, tenant: string, month: string): Promise<KpiSummary>
  /** The kpi module's own PDF report of the month, letterhead and all. */
  kpiPdf(tenant: string, month: string, lang: 'id' | 'en'): Promise<Buffer>
  /** The open reports now, with their OPD and whether they are past their SLA. */
  openReports(db: Queryable, tenant: string): AsyncIterable<{ agencyId: string | null; overdue: boolean }>
  agencies(db: Queryable, tenant: string): Promise<{ id: string; name: string }[]>
  /** The tenant's incident types' names by code. */
  incidentTypes(db: Queryable, tenant: string): Promise<Map<string, { id: string; en: string }>>
  /** Incidents created in [from, to), oldest first. */
  incidents(db: Queryable, tenant: string, from: Date, to: Date): Promise<IncidentLine[]>
}

const PAGE = 500
// Reads every report of the city, as the command center does, to count them per OPD.
const COUNTING = { actor: 'system:briefings', isOperator: false, seesAll: true, agencyIds: 'all' } as const

export function briefingSources(ctx: CoreContext): BriefingSources {
  return {
    city: async (db, tenant) => {
      const t = await ctx.tenancy.tenantOn(db, tenant)
      return { name: t?.name ?? tenant, timezone: t?.timezone ?? 'Asia/Jakarta' }
    },
    kpiSummary: (db, tenant, month) => kpiService(ctx).summary(db, tenant, month),
    kpiPdf: (tenant, month, lang) => buildKpiReportPdf(ctx, tenant, month, lang),
    openReports: async function* (db, tenant) {
      const reports = reportsServices(ctx).reports
      for await (const r of everyItem((cursor) => reports.list(db, tenant, { status: 'open', limit: PAGE, cursor }, COUNTING))) {
        yield { agencyId: r.agencyId, overdue: r.sla.overdue }
      }
    },
    agencies: async (db, tenant) => (await ctx.tenancy.agencies(db, tenant)).map((a) => ({ id: a.id, name: a.shortName ?? a.name })),
    incidentTypes: async (db, tenant) => new Map((await incidentsServices(ctx).incidents.types(db, tenant)).map((t) => [t.code, t.label])),
    incidents: async (db, tenant, from, to) => {
      const incidents = incidentsServices(ctx).incidents
      const out: IncidentLine[] = []
      for await (const i of everyItem((cursor) => incidents.list(db, tenant, { since: from.toISOString(), limit: PAGE, cursor }, false))) {
        if (Date.parse(i.createdAt) >= to.getTime()) continue
        out.push({
          number: i.number,
          type: i.type,
          priority: i.priority,
          status: i.status,
          createdAt: i.createdAt,
          kecamatan: i.kecamatan?.name ?? null,
          kelurahan: i.kelurahan?.name ?? null,
        })
      }
      return out.reverse()
    },
  }
}
