import { fileURLToPath } from 'node:url'
import { type KendaliModule, perContext } from '../../core/module.ts'
import { AccountService } from './accounts.ts'
import { AgencyService } from './agencies.ts'
import { seedTenancyDemo } from './demo.ts'
import { TENANCY_TOPICS } from './events.ts'
import { ensurePlatformAdmin } from './install.ts'
import { TENANCY_ACTIONS } from './permissions.ts'
import { tenancyPortOf } from './port.ts'
import { RegionService } from './regions.ts'
import { tenancyRoutes } from './routes.ts'
import { TenantService } from './tenants.ts'

export interface TenancyServices {
  tenants: TenantService
  regions: RegionService
  agencies: AgencyService
  accounts: AccountService
}

/** This module's services, built once per context; other modules read tenancy through `ctx.tenancy`. */
export const tenancyServices = perContext(
  (ctx): TenancyServices => ({
    tenants: new TenantService(() => ctx.db, ctx.events),
    regions: new RegionService(ctx.events),
    agencies: new AgencyService(ctx.events),
    accounts: new AccountService(ctx.events, { days: ctx.config.sessionDays, idleMinutes: ctx.config.sessionIdleMinutes }),
  }),
)

/** Tenants, regions, agencies (OPD), people, roles, sessions and API tokens. */
export function tenancyModule(): KendaliModule {
  const of = tenancyServices
  return {
    name: 'tenancy',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: TENANCY_ACTIONS,
    topics: TENANCY_TOPICS,
    routes: (app, ctx) => tenancyRoutes(app, ctx, of(ctx)),
    jobs: (ctx) => ({
      'tenancy.prune': { everySeconds: 3600, run: () => of(ctx).accounts.prune(ctx.db) },
    }),
    install: (ctx) => ensurePlatformAdmin(ctx.db, of(ctx), ctx.config.adminPassword),
    seedDemo: (ctx) => seedTenancyDemo(ctx.db, of(ctx), ctx.config.demoPassword),
    tenancy: (ctx) => tenancyPortOf(of(ctx)),
    identity: (ctx) => ({
      principalFromSession: (token) => of(ctx).accounts.principalFromSession(ctx.db, token),
      principalFromApiToken: (token) => of(ctx).accounts.principalFromApiToken(ctx.db, token),
      tenant: (code) => of(ctx).tenants.info(code),
    }),
  }
}
