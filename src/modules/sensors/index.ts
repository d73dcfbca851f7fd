import { fileURLToPath } from 'node:url'
import type { CoreContext, KendaliModule } from '../../core/module.ts'
import { seedSensorDemo } from './demo.ts'
import { SENSOR_TOPICS } from './events.ts'
import { sensorIndicators } from './indicators.ts'
import { MqttIntake } from './mqtt-intake.ts'
import { SENSOR_ACTIONS } from './permissions.ts'
import { sensorRoutes } from './routes.ts'
import { SensorService } from './service.ts'
import { SensorSimulator } from './simulator.ts'
import * as store from './store.ts'

// Month partitions are made this far ahead; readings older than the retention are dropped.
const PARTITION_MONTHS_AHEAD = 2
const RETENTION_DAYS = 400

/** Lets devices log in to the MQTT hub with their id and token, and stores what they publish on `…/up`. */
export function connectMqtt(ctx: CoreContext, sensors: SensorService): { intake: MqttIntake; stop: () => void } {
  ctx.mqtt.setDeviceAuthenticator((username, password) => sensors.authenticate(ctx.db, username, password))
  const intake = new MqttIntake(
    async (tenant, deviceId, bodies, unreadable) => {
      if (unreadable > 0) await sensors.countUnreadable(ctx.db, tenant, deviceId, unreadable)
      if (bodies.length > 0) await sensors.ingestBatch(ctx.db, tenant, deviceId, bodies)
    },
    (err) => ctx.log.warn({ err }, 'MQTT readings not stored'),
  )
  return { intake, stop: ctx.mqtt.onDeviceMessage((message) => intake.add(message)) }
}

/** Sensors: devices, MQTT/HTTP ingest (JSON and SenML), threshold rules and alarms. */
export function sensorsModule(): KendaliModule {
  let service: SensorService | null = null
  let intake: MqttIntake | null = null
  let stopListening: (() => void) | null = null
  let simulator: SensorSimulator | null = null
  const of = (ctx: CoreContext) => {
    service ??= new SensorService(ctx.events, (accepted, rejected) => {
      ctx.metrics.readings.inc({ result: 'accepted' }, accepted)
      ctx.metrics.readings.inc({ result: 'rejected' }, rejected)
    })
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
      const connection = connectMqtt(ctx, of(ctx))
      intake = connection.intake
      stopListening = connection.stop
      if (ctx.config.simulator && ctx.config.demo) {
        simulator = new SensorSimulator(ctx, of(ctx))
        if (!(await simulator.start())) simulator = null
      }
    },
    stop: async () => {
      await simulator?.stop()
      stopListening?.()
      await intake?.drain()
    },
  }
}
