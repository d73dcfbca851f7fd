import { fileURLToPath } from 'node:url'
import { EventConsumer } from '../../core/events/consumer.ts'
import type { TenantInfo } from '../../core/http/identity.ts'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { alarmDraftIntake, draftForAlarm, JOB_ALARM_DRAFT } from './alarm-drafts.ts'
import { AlertService, type Clock, JOB_EXPIRE, JOB_FANOUT } from './alerts.ts'
import { BmkgIntake } from './bmkg.ts'
import { DeliveryService, ensureVapidKeys, JOB_DELIVER } from './delivery.ts'
import { seedAlertsDemo } from './demo.ts'
import { ALERT_TOPICS } from './events.ts'
import { alertIndicators } from './indicators.ts'
import { ALERT_ACTIONS } from './permissions.ts'
import { alarmPort, incidentPort, tenancyLookups } from './ports.ts'
import { alertRoutes } from './routes.ts'
import * as store from './store.ts'
import { subscriptionRoutes } from './subscription-routes.ts'
import { templateRoutes } from './template-routes.ts'
import { TemplateService } from './templates.ts'

const JOB_BMKG = 'alerts.bmkg'
// Published alerts past their expiry are marked (and announced) this often; lists filter by time anyway.
const EXPIRE_EVERY_SECONDS = 60

export interface AlertsServices {
  alerts: AlertService
  delivery: DeliveryService
  bmkg: BmkgIntake
  templates: TemplateService
  tenancy: { tenant(code: string): Promise<TenantInfo | null> }
}

/** The CAP sender's domain: the host of PUBLIC_URL, or a local name. */
function senderDomain(ctx: CoreContext): string {
  return ctx.config.publicUrl ? new URL(ctx.config.publicUrl).hostname : 'kendali.local'
}

/** The services of this module; other modules (the public portal, kpi) use them, never the tables. */
export function alertsServices(ctx: CoreContext, opts: { clock?: Clock } = {}): AlertsServices {
  const lookups = tenancyLookups(ctx)
  const alerts = new AlertService(ctx.events, ctx.jobs, lookups, incidentPort(ctx), alarmPort(ctx), senderDomain(ctx), opts.clock)
  const baseUrl = (ctx.config.publicUrl ?? `http://localhost:${ctx.config.port}`).replace(/\/$/, '')
  const delivery = new DeliveryService(
    ctx.events,
    ctx.jobs,
    lookups,
    alerts,
    { mailer: ctx.mailer, outbound: ctx.outbound, vapidSubject: `mailto:noreply@${senderDomain(ctx)}`, messaging: ctx.messaging },
    ctx.secrets,
    baseUrl,
  )
  const bmkg = new BmkgIntake({ ...ctx.config.bmkg }, ctx.events, lookups, incidentPort(ctx), alerts, ctx.outbound)
  return { alerts, delivery, bmkg, templates: new TemplateService(ctx.events), tenancy: { tenant: (code) => ctx.tenancy.tenant(code) } }
}

/** Public warnings in CAP 1.2 with two-person approval, BMKG intake, delivery to subscribers by kelurahan. */
export function alertsModule(): KendaliModule {
  let services: AlertsServices | null = null
  let alarmDrafts: EventConsumer | null = null
  const of = (ctx: CoreContext) => {
    services ??= alertsServices(ctx)
    return services
  }
  return {
    name: 'alerts',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    sealed: store.SEALED_COLUMNS,
    actions: ALERT_ACTIONS,
    topics: ALERT_TOPICS,
    routes: (app, ctx) => {
      alertRoutes(app, ctx, of(ctx))
      subscriptionRoutes(app, ctx, of(ctx))
      templateRoutes(app, ctx, of(ctx))
    },
    jobs: (ctx) => ({
      // Off unless a BMKG feed is configured; a feed that fails is logged and the poll retried with backoff.
      ...(of(ctx).bmkg.isConfigured
        ? {
            [JOB_BMKG]: {
              everySeconds: ctx.config.bmkg.pollSeconds,
              run: async () => {
                const outcome = await of(ctx).bmkg.poll(ctx.db)
                for (const f of outcome.failed) ctx.log.warn({ url: f.url, error: f.error }, 'BMKG feed not read')
                if (outcome.failed.length > 0) throw new Error(`BMKG feeds not read: ${outcome.failed.map((f) => f.url).join(', ')}`)
              },
            },
          }
        : {}),
      [JOB_EXPIRE]: { everySeconds: EXPIRE_EVERY_SECONDS, run: async () => void (await of(ctx).alerts.expireDue(ctx.db)) },
      [JOB_FANOUT]: (job) => of(ctx).delivery.fanOut(ctx.db, job),
      [JOB_DELIVER]: (job) => of(ctx).delivery.deliver(ctx.db, job),
      [JOB_ALARM_DRAFT]: (job) => draftForAlarm(ctx.db, of(ctx).alerts, job),
    }),
    inbound: (ctx) => (db, tenant, message) => of(ctx).delivery.inbound(db, tenant, message),
    copyConfig: (_ctx, db, from, to) => store.copyTemplates(db, from, to),
    indicators: (ctx) => alertIndicators(ctx),
    seedDemo: async (ctx) => {
      await seedAlertsDemo(ctx.db, (instant) => alertsServices(ctx, { clock: () => instant }).alerts, of(ctx).templates)
      return []
    },
    install: async (ctx) => {
      await ensureVapidKeys(ctx.db, ctx.secrets)
      return []
    },
    start: async (ctx) => {
      alarmDrafts = new EventConsumer(alarmDraftIntake(ctx.jobs), {
        db: () => ctx.db,
        bus: ctx.bus,
        holdsLease: ctx.holdsLease,
        onError: (err, event) => ctx.log.warn({ err, seq: event?.seq, tenant: event?.tenant }, 'sensor alarm not queued for a warning draft'),
      })
      await alarmDrafts.start()
    },
    stop: async () => {
      await alarmDrafts?.stop()
      alarmDrafts = null
    },
  }
}
