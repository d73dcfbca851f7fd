import { fileURLToPath } from 'node:url'
import { EventConsumer } from '../../core/events/consumer.ts'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { alarmIntake } from './alarm-intake.ts'
import { copyIncidentTypes } from './config-copy.ts'
import { seedIncidentDemo } from './demo.ts'
import { DispatchService } from './dispatch.ts'
import { INCIDENT_TOPICS } from './events.ts'
import { FacilityService } from './facilities.ts'
import { type Clock, IncidentService } from './incidents.ts'
import { incidentIndicators } from './indicators.ts'
import { INCIDENT_ACTIONS } from './permissions.ts'
import { incidentRoutes } from './routes.ts'
import { DispatchSimulator } from './simulator.ts'
import * as store from './store.ts'
import { tenancyLookups } from './tenancy.ts'
import { OsrmTravel, straightLine } from './travel.ts'
import { UnitService } from './units.ts'

// Unit tracks (positions) are kept this long; the incidents and their timelines are kept.
const TRACK_RETENTION_DAYS = 180

export interface IncidentsServices {
  incidents: IncidentService
  dispatch: DispatchService
  units: UnitService
  facilities: FacilityService
}

const shared = perContext((ctx) => build(ctx, () => new Date()))

/**
 * The services of this module, built once per context; other modules (reports, sensors, kpi) use them, never the
 * tables. A test that sets the clock gets services of its own.
 */
export function incidentsServices(ctx: CoreContext, clock?: Clock): IncidentsServices {
  return clock ? build(ctx, clock) : shared(ctx)
}

function build(ctx: CoreContext, clock: Clock): IncidentsServices {
  const tenancy = tenancyLookups(ctx)
  const travel = ctx.config.routingUrl
    ? new OsrmTravel(ctx.config.routingUrl, (err) => ctx.log.warn({ err }, 'routing service failed; using estimates'))
    : straightLine
  const incidents = new IncidentService(ctx.events, tenancy, clock)
  return {
    incidents,
    dispatch: new DispatchService(ctx.events, incidents, travel, clock),
    units: new UnitService(ctx.events, tenancy, clock),
    facilities: new FacilityService(ctx.events, tenancy),
  }
}

/** Incidents and emergency dispatch: one incident record whatever its source, units, facilities, timers. */
export function incidentsModule(): KendaliModule {
  let simulator: DispatchSimulator | null = null
  let alarmConsumer: EventConsumer | null = null
  const of = (ctx: CoreContext) => incidentsServices(ctx)
  return {
    name: 'incidents',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: INCIDENT_ACTIONS,
    topics: INCIDENT_TOPICS,
    routes: (app, ctx) => incidentRoutes(app, ctx, of(ctx)),
    jobs: (ctx) => ({
      'incidents.retention': { everySeconds: 3600, run: () => of(ctx).incidents.eraseExpiredCallers(ctx.db, ctx.config.contactRetentionDays) },
      'incidents.prune_tracks': { everySeconds: 86_400, run: async () => void (await store.pruneTracks(ctx.db, TRACK_RETENTION_DAYS)) },
    }),
    copyConfig: (_ctx, db, from, to) => copyIncidentTypes(db, from, to),
    indicators: (ctx) => incidentIndicators(ctx),
    seedDemo: async (ctx) => {
      await seedIncidentDemo(ctx.db, of(ctx), tenancyLookups(ctx))
      return []
    },
    start: async (ctx) => {
      alarmConsumer = new EventConsumer(alarmIntake(of(ctx).incidents), {
        db: () => ctx.db,
        bus: ctx.bus,
        holdsLease: ctx.holdsLease,
        onError: (err, event) => ctx.log.warn({ err, seq: event?.seq, tenant: event?.tenant }, 'sensor alarm not turned into an incident'),
      })
      await alarmConsumer.start()
      if (ctx.config.simulator && ctx.config.demo) {
        simulator = new DispatchSimulator(ctx.db, of(ctx), (err) => ctx.log.warn({ err }, 'dispatch simulator tick failed'), {
          mayRun: () => ctx.holdsLease('incidents.simulator'),
        })
        if (!(await simulator.start())) simulator = null
      }
    },
    stop: async () => {
      await alarmConsumer?.stop()
      alarmConsumer = null
      await simulator?.stop()
      simulator = null
    },
  }
}
