import type { KendaliModule } from '../core/module.ts'
import { alertsModule } from './alerts/index.ts'
import { analyticsModule } from './analytics/index.ts'
import { briefingsModule } from './briefings/index.ts'
import { cctvModule } from './cctv/index.ts'
import { datahubModule } from './datahub/index.ts'
import { incidentsModule } from './incidents/index.ts'
import { kpiModule } from './kpi/index.ts'
import { leviesModule } from './levies/index.ts'
import { patrolsModule } from './patrols/index.ts'
import { placesModule } from './places/index.ts'
import { postsModule } from './posts/index.ts'
import { provinceModule } from './province/index.ts'
import { reportsModule } from './reports/index.ts'
import { sensorsModule } from './sensors/index.ts'
import { tenancyModule } from './tenancy/index.ts'

/** Every module of the platform, in start-up order (migrations, routes, demo seed). Add a module here. */
export function allModules(): KendaliModule[] {
  return [
    tenancyModule(),
    incidentsModule(),
    sensorsModule(),
    cctvModule(),
    analyticsModule(),
    reportsModule(),
    postsModule(),
    patrolsModule(),
    alertsModule(),
    leviesModule(),
    datahubModule(),
    kpiModule(),
    placesModule(),
    provinceModule(),
    briefingsModule(),
  ]
}
