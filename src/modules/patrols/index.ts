import { fileURLToPath } from 'node:url'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { AsnService } from './asn.ts'
import { asnRoutes } from './asn-routes.ts'
import { copyPatrolConfig } from './config-copy.ts'
import { seedPatrolsDemo } from './demo.ts'
import { PATROL_TOPICS } from './events.ts'
import { FindingService, JOB_FOLLOW_UP, JOB_HANDOFF } from './findings.ts'
import { patrolIndicators } from './indicators.ts'
import { PatrolService } from './patrols.ts'
import { PATROL_ACTIONS } from './permissions.ts'
import { type PatrolPorts, patrolPorts } from './ports.ts'
import { patrolRoutes } from './routes.ts'

export interface PatrolsServices {
  patrols: PatrolService
  findings: FindingService
  asn: AsnService
  ports: PatrolPorts
}

/** The services of this module; other modules (kpi, the ASN dashboard) use them, never the tables. */
export function patrolsServices(ctx: CoreContext): PatrolsServices {
  const ports = patrolPorts(ctx)
  const patrols = new PatrolService(ctx.events, ports)
  return { patrols, findings: new FindingService(ctx.events, ctx.jobs, ports, patrols), asn: new AsnService(ports), ports }
}

/** Rojak working-hours patrols: plans, check-ins, findings handed to OPDs, reports and incidents. */
export function patrolsModule(): KendaliModule {
  let services: PatrolsServices | null = null
  const of = (ctx: CoreContext) => {
    services ??= patrolsServices(ctx)
    return services
  }
  return {
    name: 'patrols',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: PATROL_ACTIONS,
    topics: PATROL_TOPICS,
    routes: (app, ctx) => {
      patrolRoutes(app, ctx, of(ctx))
      asnRoutes(app, ctx, of(ctx))
    },
    indicators: (ctx) => patrolIndicators(ctx, () => of(ctx)),
    jobs: (ctx) => {
      // The job that writes large imports finds the importer by module and kind.
      for (const importer of Object.values(of(ctx).asn.importers)) ctx.imports.register(importer)
      return {
        [JOB_HANDOFF]: (job) => of(ctx).findings.onHandOff(ctx.db, job),
        [JOB_FOLLOW_UP]: (job) => of(ctx).findings.onFollowUpDue(ctx.db, job),
      }
    },
    copyConfig: (_ctx, db, from, to) => copyPatrolConfig(db, from, to),
    seedDemo: async (ctx) => {
      await seedPatrolsDemo(ctx.db, ctx.imports, of(ctx))
      return []
    },
  }
}
