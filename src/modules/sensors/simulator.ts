import mqtt from 'mqtt'
import type { CoreContext } from '../../core/module.ts'
import { DEMO_DEVICES, demoDeviceToken } from './demo.ts'
import type { SensorService } from './service.ts'
import * as store from './store.ts'

const TENANT = '33.71'
const EVERY_MS = 10_000
// A flood rises past Waspada, Siaga and Awas and recedes, once in this many minutes.
const FLOOD_CYCLE_MINUTES = 30

/** What a demo device would measure at this moment: daily rhythms, noise, and a flood now and then. */
export function simulatedValues(deviceId: string, now: Date): Record<string, number> {
  const hour = (now.getUTCHours() + 7 + now.getUTCMinutes() / 60) % 24
  const noise = (spread: number) => (Math.random() - 0.5) * spread
  const round = (v: number) => Math.round(v * 10) / 10
  switch (deviceId) {
    case 'awlr-progo-1':
    case 'awlr-elo-1': {
      const offset = deviceId === 'awlr-elo-1' ? 15 : 0
      const minute = (now.getTime() / 60_000 + offset) % FLOOD_CYCLE_MINUTES
      // Rise over 8 minutes to 330 cm, hold 6, fall over 8: long enough for each level's rule duration.
      const flood = minute < 8 ? minute / 8 : minute < 14 ? 1 : minute < 22 ? 1 - (minute - 14) / 8 : 0
      return { water_level: round(110 + 20 * Math.sin((hour / 24) * 2 * Math.PI) + flood * 220 + noise(4)) }
    }
    case 'arr-alun-alun':
      return { rainfall: round(Math.max(0, hour >= 13 && hour <= 18 ? 4 + noise(6) : noise(1))) }
    case 'aqms-alun-alun': {
      const rush = Math.exp(-((hour - 7.5) ** 2) / 2) + Math.exp(-((hour - 17) ** 2) / 2)
      return { pm25: round(18 + 40 * rush + noise(6)), pm10: round(35 + 60 * rush + noise(10)) }
    }
    case 'traffic-ayani':
      return { vehicles: Math.max(0, Math.round(60 + 420 * (Math.exp(-((hour - 7.5) ** 2) / 3) + Math.exp(-((hour - 17) ** 2) / 3)) + noise(40))) }
    default:
      return {}
  }
}

/**
 * Keeps the demo city alive: each demo device publishes over MQTT with its own credentials, as a real one
 * would; without an embedded broker the readings go straight to the service.
 */
export class SensorSimulator {
  private timer: NodeJS.Timeout | null = null
  private clients = new Map<string, mqtt.MqttClient>()

  constructor(
    private readonly ctx: CoreContext,
    private readonly sensors: SensorService,
  ) {}

  async start(): Promise<boolean> {
    if (!(await store.findDevice(this.ctx.db, TENANT, DEMO_DEVICES[0].id))) return false
    if (this.ctx.mqtt.kind === 'embedded' && this.ctx.mqtt.port) {
      for (const device of DEMO_DEVICES) {
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${this.ctx.mqtt.port}`, {
          username: device.id,
          password: demoDeviceToken(this.ctx.config.demoPassword, device.id),
          reconnectPeriod: 5000,
        })
        this.clients.set(device.id, client)
      }
    }
    this.timer = setInterval(() => void this.tick().catch((err: unknown) => this.ctx.log.warn({ err }, 'sensor simulator tick failed')), EVERY_MS)
    this.timer.unref()
    await this.tick()
    return true
  }

  private async tick(): Promise<void> {
    // Several instances on one database: one of them plays the devices.
    if (!(await this.ctx.holdsLease('sensors.simulator'))) return
    const now = new Date()
    for (const device of DEMO_DEVICES) {
      const payload = { ts: now.getTime(), values: simulatedValues(device.id, now) }
      const client = this.clients.get(device.id)
      if (client) await client.publishAsync(`kendali/${TENANT}/devices/${device.id}/up`, JSON.stringify(payload))
      else await this.sensors.ingest(this.ctx.db, TENANT, device.id, payload, now)
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await Promise.all([...this.clients.values()].map((c) => c.endAsync()))
    this.clients.clear()
  }
}
