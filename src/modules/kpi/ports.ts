import type { Queryable } from '../../core/db/database.ts'
import { everyPage } from '../../core/http/paging.ts'
import type { CoreContext } from '../../core/module.ts'
import { alertsServices } from '../alerts/index.ts'
import { incidentsServices } from '../incidents/index.ts'
import { leviesServices } from '../levies/index.ts'
import { patrolsServices } from '../patrols/index.ts'
import { reportsServices } from '../reports/index.ts'

/** One incident as the executive summary counts it. */
export interface IncidentFact {
  id: string
  number: string
  type: string
  priority: string
  status: string
  kecamatan: { code: string; name: string } | null
  createdAt: string
  onSceneAt: string | null
}

/**
 * What the executive dashboard and the report read of the other modules, through their services (never their
 * tables). Each answers for one tenant; lists are read to the end in pages.
 */
export interface OverviewSources {
  /** Incidents created in [from, to). */
  incidents(db: Queryable, tenant: string, from: Date, to: Date): Promise<IncidentFact[]>
  /** Open P1 incidents now: how many, the newest few. */
  openP1(db: Queryable, tenant: string): Promise<{ count: number; items: IncidentFact[] }>
  incidentTypes(db: Queryable, tenant: string): Promise<Map<string, { id: string; en: string }>>
  /** Open complaints past their SLA now, per OPD (null: not yet routed to one). */
  overdueComplaints(db: Queryable, tenant: string): Promise<Map<string | null, number>>
  /** Public warnings published and not expired. */
  activeWarnings(db: Queryable, tenant: string): Promise<{ id: string; headline: string; severity: string; expires: string }[]>
  /** Rojak findings handed to OPDs: open and overdue per OPD. */
  findings(db: Queryable, tenant: string): Promise<Map<string | null, { open: number; overdue: number }>>
  /** Each market's levy target for a year (null where none is set). */
  levyTargets(db: Queryable, tenant: string, year: number): Promise<{ market: string; amount: number | null }[]>
  agencies(db: Queryable, tenant: string): Promise<Map<string, string>>
}

const PAGE = 1000

/** An incident as the incidents service lists it, narrowed to what the summary counts. */
const toFact = (i: IncidentFact): IncidentFact => ({
  id: i.id,
  number: i.number,
  type: i.type,
  priority: i.priority,
  status: i.status,
  kecamatan: i.kecamatan ? { code: i.kecamatan.code, name: i.kecamatan.name } : null,
  createdAt: i.createdAt,
  onSceneAt: i.onSceneAt,
})

// The dashboard reads as an executive: every report and finding of the tenant, contacts masked.
const READER = { actor: 'system:kpi', isOperator: false, seesAll: true, agencyIds: [] as string[] }
const FINDINGS_READER = { actor: 'system:kpi', isAdmin: false, isPatrolOfficer: false, isInspectorate: false, seesAllFindings: true, officerOf: [] }

export function overviewSources(ctx: CoreContext): OverviewSources {
  return {
    incidents: async (db, tenant, from, to) => {
      const incidents = incidentsServices(ctx).incidents
      // Newest first from `since`: the pages end at the period's start; the ones after its end are left out.
      const rows = await everyPage((cursor) => incidents.list(db, tenant, { since: from.toISOString(), limit: PAGE, cursor }, false))
      return rows.filter((i) => Date.parse(i.createdAt) < to.getTime()).map(toFact)
    },
    openP1: async (db, tenant) => {
      const page = await incidentsServices(ctx).incidents.list(db, tenant, { status: 'open', priority: 'P1', limit: 5 }, false)
      return { count: page.total, items: page.items.map(toFact) }
    },
    incidentTypes: async (db, tenant) => new Map((await incidentsServices(ctx).incidents.types(db, tenant)).map((t) => [t.code, t.label])),
    overdueComplaints: async (db, tenant) => {
      const reports = reportsServices(ctx).reports
      const rows = await everyPage((cursor) => reports.list(db, tenant, { status: 'open', overdue: true, limit: PAGE, cursor }, READER))
      const out = new Map<string | null, number>()
      for (const r of rows) out.set(r.agencyId, (out.get(r.agencyId) ?? 0) + 1)
      return out
    },
    activeWarnings: async (db, tenant) =>
      (await alertsServices(ctx).alerts.active(db, tenant)).map((a) => ({
        id: a.id,
        headline: a.info.headline ?? a.info.event,
        severity: a.info.severity,
        expires: new Date(a.expires).toISOString(),
      })),
    findings: async (db, tenant) => {
      const findings = patrolsServices(ctx).findings
      const rows = await everyPage((cursor) => findings.list(db, tenant, FINDINGS_READER, { status: 'open', limit: 200, cursor }))
      const out = new Map<string | null, { open: number; overdue: number }>()
      for (const f of rows) {
        const own = out.get(f.agencyId) ?? { open: 0, overdue: 0 }
        own.open++
        if (f.overdue) own.overdue++
        out.set(f.agencyId, own)
      }
      return out
    },
    levyTargets: async (db, tenant, year) =>
      (await leviesServices(ctx).levies.targets(db, tenant, year)).map((t) => ({ market: t.marketName, amount: t.amount })),
    agencies: async (db, tenant) => new Map((await ctx.tenancy.agencies(db, tenant)).map((a) => [a.id, a.name])),
  }
}
