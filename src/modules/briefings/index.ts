import { fileURLToPath } from 'node:url'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { BRIEFING_TOPICS } from './events.ts'
import { BRIEFING_ACTIONS } from './permissions.ts'
import { briefingSources } from './ports.ts'
import { briefingRoutes } from './routes.ts'
import { BriefingService, JOB_SEND } from './service.ts'

// Due reports are looked for this often: one is sent at most this late after its time.
const DUE_SECONDS = 60

/** This module's service, built once per context. */
export const briefingService = perContext((ctx: CoreContext) => new BriefingService(ctx.events, ctx.jobs, ctx.tenancy, briefingSources(ctx), ctx.mailer))

/** Scheduled reports (laporan terjadwal): KPI, complaint SLA and incident summaries mailed as PDF and XLSX. */
export function briefingsModule(): KendaliModule {
  return {
    name: 'briefings',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: BRIEFING_ACTIONS,
    topics: BRIEFING_TOPICS,
    routes: (app, ctx) => briefingRoutes(app, ctx, briefingService(ctx)),
    jobs: (ctx) => ({
      'briefings.due': { everySeconds: DUE_SECONDS, run: async () => void (await briefingService(ctx).runDue(ctx.db)) },
      [JOB_SEND]: (job) => briefingService(ctx).deliver(ctx.db, job),
    }),
  }
}
