import { fileURLToPath } from 'node:url'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { appRoutes } from './app-routes.ts'
import { AppService, JOB_PROBE, PROBE_EVERY_SECONDS } from './apps.ts'
import { assetRoutes } from './asset-routes.ts'
import { AssetService } from './assets.ts'
import { CkanApi } from './ckan.ts'
import { ckanRoutes, dcatRoutes } from './ckan-routes.ts'
import { connectorRoutes } from './connector-routes.ts'
import { ConnectorService, JOB_PULL, JOB_SCHEDULE } from './connectors.ts'
import { DatasetService } from './datasets.ts'
import { seedDatahubDemo } from './demo.ts'
import { DATAHUB_TOPICS } from './events.ts'
import { datahubIndicators } from './indicators.ts'
import { Owners } from './owners.ts'
import { DATAHUB_ACTIONS } from './permissions.ts'
import { type Lookups, tenancyLookups } from './ports.ts'
import { datasetRoutes } from './routes.ts'
import { SEALED_COLUMNS } from './store.ts'
import { webhookRoutes } from './webhook-routes.ts'
import { JOB_DELIVER, WebhookService } from './webhooks.ts'

export interface DatahubServices {
  datasets: DatasetService
  connectors: ConnectorService
  webhooks: WebhookService
  apps: AppService
  assets: AssetService
  ckan: CkanApi
  lookups: Lookups
}

/** The services of this module; other modules (kpi, the portal) use them, never the tables. */
export function datahubServices(ctx: CoreContext): DatahubServices {
  const lookups = tenancyLookups(ctx)
  const datasets = new DatasetService(ctx.events, lookups)
  const policy = ctx.outbound
  const connectors = new ConnectorService(ctx.events, ctx.jobs, datasets, policy, lookups, ctx.secrets)
  return {
    datasets,
    connectors,
    webhooks: new WebhookService(ctx.jobs, policy, ctx.topics, ctx.secrets),
    apps: new AppService(ctx.events, policy, lookups),
    assets: new AssetService(ctx.events, policy),
    ckan: new CkanApi(lookups),
    lookups,
  }
}

/** Data hub: OPD datasets with versions, push and pull connectors, open data as CKAN. */
export function datahubModule(): KendaliModule {
  let services: DatahubServices | null = null
  let unsubscribe = () => {}
  const of = (ctx: CoreContext) => {
    services ??= datahubServices(ctx)
    return services
  }
  return {
    name: 'datahub',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    sealed: SEALED_COLUMNS,
    actions: DATAHUB_ACTIONS,
    topics: DATAHUB_TOPICS,
    indicators: (ctx) => datahubIndicators(ctx),
    routes: (app, ctx) => {
      const owners = new Owners(ctx, of(ctx).lookups)
      datasetRoutes(app, ctx, of(ctx).datasets, owners)
      connectorRoutes(app, ctx, of(ctx).connectors, owners)
      webhookRoutes(app, ctx, of(ctx).webhooks)
      appRoutes(app, ctx, of(ctx).apps, owners)
      assetRoutes(app, ctx, of(ctx).assets)
      ckanRoutes(app, ctx, of(ctx).ckan)
      dcatRoutes(app, ctx, of(ctx).lookups)
    },
    start: async (ctx) => {
      unsubscribe = ctx.bus.subscribe((event) => {
        of(ctx)
          .webhooks.onEvent(ctx.db, event)
          .catch((err: unknown) => ctx.log.error({ err, tenant: event.tenant }, 'webhook deliveries not queued'))
      })
    },
    stop: async () => unsubscribe(),
    seedDemo: async (ctx) => {
      await seedDatahubDemo(ctx.db, of(ctx))
      return []
    },
    jobs: (ctx) => ({
      [JOB_DELIVER]: (job) => of(ctx).webhooks.deliver(ctx.db, job),
      [JOB_PULL]: async (job) => void (await of(ctx).connectors.onPullJob(ctx.db, job)),
      [JOB_PROBE]: {
        everySeconds: PROBE_EVERY_SECONDS,
        run: async () => {
          await of(ctx).apps.probeAll(ctx.db)
          await of(ctx).assets.probeAll(ctx.db)
        },
      },
      [JOB_SCHEDULE]: { everySeconds: 60, run: async () => void (await of(ctx).connectors.schedule(ctx.db)) },
    }),
  }
}
