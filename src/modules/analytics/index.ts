import { fileURLToPath } from 'node:url'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { ANALYTICS_TOPICS } from './events.ts'
import { FrigateListeners } from './listener.ts'
import { ANALYTICS_ACTIONS } from './permissions.ts'
import { analyticsPorts } from './ports.ts'
import { analyticsRoutes } from './routes.ts'
import { AnalyticsService } from './service.ts'
import { SEALED_COLUMNS } from './store.ts'

const SYNC_SECONDS = 60

export interface AnalyticsServices {
  service: AnalyticsService
  listeners: FrigateListeners
}

/** This module's service and its Frigate subscriptions, built once per context. */
export const analyticsServices = perContext((ctx): AnalyticsServices => {
  const warn = (context: Record<string, unknown>, message: string) => ctx.log.warn(context, message)
  const service = new AnalyticsService(ctx.events, ctx.secrets, ctx.outbound, analyticsPorts(ctx), warn)
  return { service, listeners: new FrigateListeners(() => ctx.db, ctx.secrets, ctx.outbound, service, { warn }) }
})

/** Video analytics: Frigate over MQTT and signed vendor webhooks, mapped to cameras; rules raise alarms and incidents. */
export function analyticsModule(): KendaliModule {
  let listeners: FrigateListeners | null = null
  let timer: NodeJS.Timeout | null = null
  const of = (ctx: CoreContext) => {
    const services = analyticsServices(ctx)
    listeners = services.listeners
    return services
  }
  return {
    name: 'analytics',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    sealed: SEALED_COLUMNS,
    actions: ANALYTICS_ACTIONS,
    topics: ANALYTICS_TOPICS,
    routes: (app, ctx) => analyticsRoutes(app, ctx, of(ctx).service, of(ctx).listeners),
    start: async (ctx) => {
      const { listeners: mine } = of(ctx)
      await mine.sync()
      // Every instance keeps its own subscriptions; sources another instance added or changed are heard within a minute.
      timer = setInterval(() => void mine.sync(), SYNC_SECONDS * 1000)
      timer.unref()
    },
    stop: async () => {
      if (timer) clearInterval(timer)
      timer = null
      await listeners?.stop()
    },
  }
}
