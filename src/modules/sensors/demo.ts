import { createHash } from 'node:crypto'
import type { Database } from '../../core/db/database.ts'
import type { DemoLogin } from '../../core/module.ts'
import type { CreateDevice, CreateRule } from './schema.ts'
import type { SensorService } from './service.ts'
import * as store from './store.ts'

const TENANT = '33.71'

/** Demo devices get tokens derived from the demo password, so the simulator (and a curious visitor) can use them. */
export const demoDeviceToken = (demoPassword: string, deviceId: string) =>
  `kdd_demo_${createHash('sha256').update(`${demoPassword}:${deviceId}`).digest('hex').slice(0, 24)}`

// Gauges on the rivers that bound Kota Magelang (Progo to the west, Elo to the east), rain, air and traffic.
export const DEMO_DEVICES: (CreateDevice & { id: string })[] = [
  {
    id: 'awlr-progo-1',
    name: 'AWLR Sungai Progo (Kebonpolo)',
    kind: 'flood_level',
    metrics: [{ name: 'water_level', unit: 'cm' }],
    location: { type: 'Point', coordinates: [110.2063, -7.4608] },
    intervalSeconds: 60,
  },
  {
    id: 'awlr-elo-1',
    name: 'AWLR Sungai Elo (Jurangombo)',
    kind: 'flood_level',
    metrics: [{ name: 'water_level', unit: 'cm' }],
    location: { type: 'Point', coordinates: [110.2331, -7.4983] },
    intervalSeconds: 60,
  },
  {
    id: 'arr-alun-alun',
    name: 'Penakar Hujan Alun-alun',
    kind: 'rain_gauge',
    metrics: [{ name: 'rainfall', unit: 'mm' }],
    location: { type: 'Point', coordinates: [110.2176, -7.4773] },
    intervalSeconds: 300,
  },
  {
    id: 'aqms-alun-alun',
    name: 'Kualitas Udara Alun-alun',
    kind: 'air_quality',
    metrics: [
      { name: 'pm25', unit: 'ug/m3' },
      { name: 'pm10', unit: 'ug/m3' },
    ],
    location: { type: 'Point', coordinates: [110.2181, -7.4779] },
    intervalSeconds: 300,
  },
  {
    id: 'traffic-ayani',
    name: 'Penghitung Lalu Lintas Jl. A. Yani',
    kind: 'traffic_counter',
    metrics: [{ name: 'vehicles', unit: 'count' }],
    location: { type: 'Point', coordinates: [110.2205, -7.4689] },
    intervalSeconds: 300,
  },
]

// River gauge levels: Waspada, Siaga, Awas, held 5 minutes, clearing 10 cm lower.
const DEMO_RULES: CreateRule[] = [
  {
    name: 'Banjir Waspada',
    deviceKind: 'flood_level',
    metric: 'water_level',
    comparison: '>=',
    threshold: 200,
    durationSeconds: 300,
    hysteresis: 10,
    severity: 'waspada',
  },
  {
    name: 'Banjir Siaga',
    deviceKind: 'flood_level',
    metric: 'water_level',
    comparison: '>=',
    threshold: 250,
    durationSeconds: 300,
    hysteresis: 10,
    severity: 'siaga',
    action: 'alert_draft',
  },
  {
    name: 'Banjir Awas',
    deviceKind: 'flood_level',
    metric: 'water_level',
    comparison: '>=',
    threshold: 300,
    durationSeconds: 120,
    hysteresis: 10,
    severity: 'awas',
    action: 'incident',
  },
  {
    name: 'PM2.5 tidak sehat',
    deviceKind: 'air_quality',
    metric: 'pm25',
    comparison: '>',
    threshold: 55.4,
    durationSeconds: 1800,
    hysteresis: 5,
    severity: 'info',
  },
]

export async function seedSensorDemo(db: Database, sensors: SensorService, demoPassword: string): Promise<DemoLogin[]> {
  if ((await store.countDevices(db, TENANT)) > 0) return []
  for (const { id, ...device } of DEMO_DEVICES) {
    await sensors.createDevice(db, TENANT, 'system:demo', device, { id, token: demoDeviceToken(demoPassword, id) })
  }
  for (const rule of DEMO_RULES) await sensors.createRule(db, TENANT, rule)
  return []
}
