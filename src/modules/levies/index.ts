import { fileURLToPath } from 'node:url'
import { type KendaliModule, perContext } from '../../core/module.ts'
import { seedLeviesDemo } from './demo.ts'
import { LEVY_TOPICS } from './events.ts'
import { levyIndicators } from './indicators.ts'
import { JOB_GENERATE, JOB_MONTHLY, LevyService } from './levies.ts'
import { LEVY_ACTIONS } from './permissions.ts'
import { tenancyLookups } from './ports.ts'
import { midtransProvider, type PaymentProvider } from './providers.ts'
import { levyRoutes } from './routes.ts'

/**
 * The Midtrans server key of the demo city, used only in demo mode (DEMO=1) when MIDTRANS_SERVER_KEY is unset,
 * so the demo's QRIS payments can be notified. It is public: outside demo mode it would let anyone forge a payment.
 */
export const DEMO_MIDTRANS_SERVER_KEY = 'SB-Mid-server-KENDALI-DEMO-ONLY'

export interface LeviesServices {
  levies: LevyService
  /** The Midtrans adapter with the configured key (or the demo key in demo mode); null when off. */
  midtrans(): PaymentProvider | null
}

/** The services of this module, built once per context and shared with the modules that use them. */
export const leviesServices = perContext((ctx): LeviesServices => {
  const key = ctx.config.midtransServerKey ?? (ctx.config.demo ? DEMO_MIDTRANS_SERVER_KEY : null)
  const provider = key ? midtransProvider(key) : null
  return {
    levies: new LevyService(ctx.events, ctx.jobs, tenancyLookups(ctx)),
    midtrans: () => provider,
  }
})

/** e-Retribusi: market levies billed per period and paid by card, QRIS, transfer or cash, revenue live. */
export function leviesModule(): KendaliModule {
  const of = leviesServices
  return {
    name: 'levies',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: LEVY_ACTIONS,
    topics: LEVY_TOPICS,
    routes: (app, ctx) => levyRoutes(app, ctx, of(ctx)),
    jobs: (ctx) => ({
      [JOB_GENERATE]: (job) => of(ctx).levies.onGenerate(ctx.db, job),
      [JOB_MONTHLY]: { everySeconds: 6 * 3600, run: () => of(ctx).levies.onMonthly(ctx.db) },
    }),
    indicators: (ctx) => levyIndicators(ctx),
    seedDemo: (ctx) => seedLeviesDemo(ctx.db, of(ctx).levies, tenancyLookups(ctx), ctx.config.demoPassword),
  }
}
