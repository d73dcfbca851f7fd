import { fileURLToPath } from 'node:url'
import { EventConsumer } from '../../core/events/consumer.ts'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { chatUpdates } from './chat-updates.ts'
import { copyReportCategories } from './config-copy.ts'
import { seedReportsDemo } from './demo.ts'
import { REPORT_TOPICS } from './events.ts'
import { reportIndicators } from './indicators.ts'
import { deliverNotification } from './notify.ts'
import { open311Routes } from './open311.ts'
import { REPORT_ACTIONS } from './permissions.ts'
import { incidentRaiser, type TenancyLookups, tenancyLookups } from './ports.ts'
import { JOB_AUTO_CLOSE, JOB_NOTIFY, JOB_RETENTION, JOB_SLA, ReportService } from './reports.ts'
import { reportRoutes } from './routes.ts'
import { SEALED_COLUMNS } from './store.ts'

export type { ReportCaller } from './reports.ts'

export interface ReportsServices {
  reports: ReportService
  tenancy: TenancyLookups
}

/** The services of this module; other modules (kpi, the public portal) use them, never the tables. */
/** The services of this module, built once per context and shared with the modules that use them. */
export const reportsServices = perContext((ctx): ReportsServices => {
  const tenancy = tenancyLookups(ctx)
  const notifier = { canEmail: ctx.mailer !== null, publicUrl: ctx.config.publicUrl, outbound: ctx.outbound, messaging: ctx.messaging }
  return { reports: new ReportService(ctx.events, ctx.jobs, tenancy, incidentRaiser(ctx), ctx.secrets, notifier), tenancy }
})

/** Reads the module's status changes and queues the chat updates of reporters who asked for them. */
export function reportChatUpdates(ctx: CoreContext, s: ReportsServices) {
  return chatUpdates({
    messaging: ctx.messaging,
    tenancy: s.tenancy,
    reopenDays: async (db, tenant) => (await s.reports.settings(db, tenant)).reopenDays,
    baseUrl: (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/$/, ''),
  })
}

/** Citizen reports (aduan) routed to OPDs with SLAs and escalation, public tracking, Open311 GeoReport v2. */
export function reportsModule(): KendaliModule {
  const of = reportsServices
  let updates: EventConsumer | null = null
  return {
    name: 'reports',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    sealed: SEALED_COLUMNS,
    actions: REPORT_ACTIONS,
    topics: REPORT_TOPICS,
    routes: (app, ctx) => {
      reportRoutes(app, ctx, of(ctx))
      open311Routes(app, ctx, of(ctx))
    },
    jobs: (ctx) => ({
      [JOB_SLA]: (job) => of(ctx).reports.onSlaDue(ctx.db, job),
      [JOB_AUTO_CLOSE]: (job) => of(ctx).reports.onAutoClose(ctx.db, job),
      [JOB_NOTIFY]: (job) => deliverNotification(ctx.db, ctx.events, ctx.secrets, job, { mailer: ctx.mailer, outbound: ctx.outbound }),
      [JOB_RETENTION]: { everySeconds: 3600, run: () => of(ctx).reports.eraseExpiredContacts(ctx.db, ctx.config.contactRetentionDays) },
    }),
    copyConfig: (_ctx, db, from, to) => copyReportCategories(db, from, to),
    start: async (ctx) => {
      updates = new EventConsumer(reportChatUpdates(ctx, of(ctx)), {
        db: () => ctx.db,
        bus: ctx.bus,
        holdsLease: ctx.holdsLease,
        onError: (err, event) => ctx.log.warn({ err, seq: event?.seq, tenant: event?.tenant }, 'report update not queued for the reporter'),
      })
      await updates.start()
    },
    stop: async () => {
      await updates?.stop()
      updates = null
    },
    indicators: (ctx) => reportIndicators(ctx),
    seedDemo: async (ctx) => {
      await seedReportsDemo(ctx.db, of(ctx))
      return []
    },
  }
}
