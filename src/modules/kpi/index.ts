import { fileURLToPath } from 'node:url'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { seedKpiDemo } from './demo.ts'
import { KPI_TOPICS } from './events.ts'
import { OverviewService } from './overview.ts'
import { KPI_ACTIONS } from './permissions.ts'
import { overviewSources } from './ports.ts'
import type { Language } from './report.ts'
import { buildReport } from './report-builder.ts'
import { kpiRoutes } from './routes.ts'
import { JOB_RECOMPUTE, KpiService } from './service.ts'
import { tenancyPort, tenantExists } from './tenancy.ts'
import { WALL_TOKEN_PREFIX, WallTokens } from './wall.ts'

// Computed indicators of the current (and previous) month are refreshed this often: a figure on the wall is at
// most this old (it says when it was computed).
const COMPUTE_SECONDS = 300
// Snapshot indicators (cameras online) are sampled this often through their period and averaged. A sample is one
// query per city and indicator; every 2 minutes a starting server (whose cameras are not checked yet, so its first
// run takes no sample) shows a figure minutes after the first health checks instead of ten.
const SAMPLE_SECONDS = 120

/** The services of this module. */
export function kpiService(ctx: CoreContext): KpiService {
  return new KpiService(ctx.events, ctx.jobs, ctx.indicators, tenancyPort(ctx))
}

const overviews = perContext((ctx) => new OverviewService(kpiService(ctx), overviewSources(ctx), (tenant) => ctx.tenancy.timeZone(tenant)))

/**
 * The leader's KPI report of a tenant for a month (`YYYY-MM`), quarter (`YYYY-Qn`) or year (`YYYY`) as a PDF, in
 * Bahasa Indonesia or English: what scheduled reports attach.
 */
export function buildKpiReportPdf(ctx: CoreContext, tenant: string, period: string, lang: Language): Promise<Buffer> {
  return buildReport(ctx.db, ctx.tenancy, overviews(ctx), tenant, period, lang)
}

/** Six-dimension smart-city KPIs: catalogue, entered and computed series, scores, province roll-up. */
export function kpiModule(): KendaliModule {
  let service: KpiService | null = null
  const of = (ctx: CoreContext) => {
    service ??= kpiService(ctx)
    return service
  }
  let walls: WallTokens | null = null
  const wallsOf = (ctx: CoreContext) => {
    walls ??= new WallTokens(ctx.events)
    return walls
  }
  return {
    name: 'kpi',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: KPI_ACTIONS,
    topics: KPI_TOPICS,
    routes: (app, ctx) => kpiRoutes(app, ctx, of(ctx), overviews(ctx), wallsOf(ctx), tenantExists(ctx)),
    // Situation-room screens read with their wall token (read-only, as an executive of their tenant).
    tokens: (ctx) => ({ prefix: WALL_TOKEN_PREFIX, principal: (token) => wallsOf(ctx).principal(ctx.db, token) }),
    jobs: (ctx) => {
      // The job that writes large imports finds the importer by module and kind.
      ctx.imports.register(of(ctx).valuesImporter)
      return {
        'kpi.compute': { everySeconds: COMPUTE_SECONDS, run: () => of(ctx).computeCurrent(ctx.db) },
        'kpi.sample': { everySeconds: SAMPLE_SECONDS, run: async () => void (await of(ctx).sampleSnapshots(ctx.db)) },
        [JOB_RECOMPUTE]: (job) => of(ctx).runRecompute(ctx.db, job.tenant, String(job.payload.id)),
      }
    },
    copyConfig: (ctx, db, from, to) => of(ctx).copyCatalogue(db, from, to),
    seedDemo: async (ctx) => {
      await seedKpiDemo(ctx, of(ctx))
      return []
    },
  }
}
