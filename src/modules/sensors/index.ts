import { fileURLToPath } from 'node:url'
import { type CoreContext, type KendaliModule, perContext } from '../../core/module.ts'
import { seedSensorDemo } from './demo.ts'
import { SENSOR_TOPICS } from './events.ts'
import { sensorIndicators } from './indicators.ts'
import { SENSOR_ACTIONS } from './permissions.ts'
import { sensorRoutes } from './routes.ts'
import { SensorService } from './service.ts'
import { SensorSimulator } from './simulator.ts'
import * as store from './store.ts'

// Month partitions are made this far ahead; readings older than the retention are dropped.
const PARTITION_MONTHS_AHEAD = 2
const RETENTION_DAYS = 400

/**
 * Lets devices log in to the MQTT hub with their id and token, and stores what they publish on `…/up` through
 * the group commit: the hub acknowledges a QoS 1 publish only once it is stored.
 */
export function connectMqtt(ctx: CoreContext, sensors: SensorService): { stop: () => void; drain: () => Promise<void> } {
  ctx.mqtt.setDeviceAuthenticator((username, password) => sensors.authenticate(ctx.db, username, password))
  const stop = ctx.mqtt.onDeviceMessage(async (message) => {
    if (message.channel !== 'up') return
    let body: unknown
    try {
      body = JSON.parse(message.payload.toString('utf8'))
    } catch {
      await sensors.submit(ctx.db, message.tenant, message.device, null, { unreadable: true })
      return
    }
    await sensors.submit(ctx.db, message.tenant, message.device, body)
  })
  return { stop, drain: () => sensors.drain() }
}

/** This module's service, built once per context; other modules (alerts) read alarms through it, never the tables. */
export const sensorsService = perContext(
  (ctx) =>
    new SensorService(ctx.events, (accepted, rejected) => {
      ctx.metrics.readings.inc({ result: 'accepted' }, accepted)
      ctx.metrics.readings.inc({ result: 'rejected' }, rejected)
    }),
)

/** Sensors: devices, MQTT/HTTP ingest (JSON and SenML), threshold rules and alarms. */
export function sensorsModule(): KendaliModule {
  let service: SensorService | null = null
  let stopListening: (() => void) | null = null
  let simulator: SensorSimulator | null = null
  const of = (ctx: CoreContext) => {
    service = sensorsService(ctx)
    return service
  }
  return {
    name: 'sensors',
    migrations: fileURLToPath(new URL('./migrations', import.meta.url)),
    actions: SENSOR_ACTIONS,
    topics: SENSOR_TOPICS,
    routes: (app, ctx) => sensorRoutes(app, ctx, of(ctx)),
    copyConfig: (ctx, db, from, to) => of(ctx).copyKinds(db, from, to),
    jobs: (ctx) => ({
      'sensors.offline': { everySeconds: 60, run: async () => void (await of(ctx).markSilentDevices(ctx.db)) },
      'sensors.partitions': {
        everySeconds: 86_400,
        run: async () => {
          await store.ensureReadingPartitions(ctx.db, new Date(), PARTITION_MONTHS_AHEAD)
          await store.dropOldPartitions(ctx.db, new Date(Date.now() - RETENTION_DAYS * 86_400_000))
        },
      },
    }),
    indicators: (ctx) => sensorIndicators(ctx),
    seedDemo: (ctx) => seedSensorDemo(ctx.db, of(ctx), ctx.config.demoPassword),
    start: async (ctx) => {
      stopListening = connectMqtt(ctx, of(ctx)).stop
      if (ctx.config.simulator && ctx.config.demo) {
        simulator = new SensorSimulator(ctx, of(ctx))
        if (!(await simulator.start())) simulator = null
      }
    },
    stop: async () => {
      await simulator?.stop()
      stopListening?.()
      await service?.drain()
    },
  }
}
