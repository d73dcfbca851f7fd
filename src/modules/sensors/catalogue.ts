// Device kinds: the built-in five are every tenant's defaults; a tenant may change them or add kinds of its
// own (noise meters, smart bins, soil probes) with their metrics, valid ranges, default rules, icon and colour.

export const KIND_ICONS = ['water', 'rain', 'air', 'traffic', 'weather', 'noise', 'bin', 'parking', 'soil', 'sensor'] as const
export type KindIcon = (typeof KIND_ICONS)[number]

export const SEVERITIES = ['info', 'waspada', 'siaga', 'awas'] as const
export const COMPARISONS = ['>', '>=', '<', '<='] as const
export const RULE_ACTIONS = ['alarm', 'incident', 'alert_draft'] as const

export interface KindMetric {
  name: string
  label: { id: string; en: string }
  /** SenML unit where one exists (RFC 8428 §12.1): cm, mm, ug/m3, Cel, %RH, dB. */
  unit: string
  /** Readings outside [min, max] are physically impossible for this sensor: refused and counted, never stored. */
  min: number | null
  max: number | null
}

/** A rule every device of the kind gets: created as a kind-wide rule when the kind is saved or copied. */
export interface KindRule {
  name: string
  metric: string
  comparison: (typeof COMPARISONS)[number]
  threshold: number
  durationSeconds: number
  hysteresis: number
  severity: (typeof SEVERITIES)[number]
  action: (typeof RULE_ACTIONS)[number]
}

export interface DeviceKind {
  code: string
  label: { id: string; en: string }
  metrics: KindMetric[]
  defaultRules: KindRule[]
  icon: KindIcon
  /** #rrggbb, the kind's colour on the map and in the legend. */
  color: string
  isActive: boolean
}

const metric = (name: string, id: string, en: string, unit: string, min: number | null, max: number | null): KindMetric => ({
  name,
  label: { id, en },
  unit,
  min,
  max,
})

/** The seeded defaults of every tenant. Ranges are what the sensors can physically read, not alarm levels. */
export const DEFAULT_DEVICE_KINDS: DeviceKind[] = [
  {
    code: 'flood_level',
    label: { id: 'Tinggi muka air', en: 'Water level' },
    metrics: [metric('water_level', 'Tinggi muka air', 'Water level', 'cm', -1000, 10_000)],
    defaultRules: [],
    icon: 'water',
    color: '#3b82f6',
    isActive: true,
  },
  {
    code: 'rain_gauge',
    label: { id: 'Penakar hujan', en: 'Rain gauge' },
    metrics: [metric('rainfall', 'Curah hujan', 'Rainfall', 'mm', 0, 1000)],
    defaultRules: [],
    icon: 'rain',
    color: '#06b6d4',
    isActive: true,
  },
  {
    code: 'air_quality',
    label: { id: 'Kualitas udara', en: 'Air quality' },
    metrics: [metric('pm25', 'PM2,5', 'PM2.5', 'ug/m3', 0, 1000), metric('pm10', 'PM10', 'PM10', 'ug/m3', 0, 2000)],
    // 55.4 µg/m³ is where PM2.5 becomes "unhealthy" (US EPA AQI breakpoints, used by ISPU as well).
    defaultRules: [
      {
        name: 'PM2,5 tidak sehat',
        metric: 'pm25',
        comparison: '>',
        threshold: 55.4,
        durationSeconds: 1800,
        hysteresis: 5,
        severity: 'info',
        action: 'alarm',
      },
    ],
    icon: 'air',
    color: '#a855f7',
    isActive: true,
  },
  {
    code: 'traffic_counter',
    label: { id: 'Penghitung lalu lintas', en: 'Traffic counter' },
    metrics: [metric('vehicles', 'Kendaraan', 'Vehicles', 'count', 0, 100_000)],
    defaultRules: [],
    icon: 'traffic',
    color: '#f59e0b',
    isActive: true,
  },
  {
    code: 'weather_station',
    label: { id: 'Stasiun cuaca', en: 'Weather station' },
    metrics: [
      metric('air_temperature', 'Suhu udara', 'Air temperature', 'Cel', -40, 70),
      metric('humidity', 'Kelembapan', 'Humidity', '%RH', 0, 100),
      metric('wind_speed', 'Kecepatan angin', 'Wind speed', 'm/s', 0, 120),
      metric('rainfall', 'Curah hujan', 'Rainfall', 'mm', 0, 1000),
    ],
    defaultRules: [],
    icon: 'weather',
    color: '#14b8a6',
    isActive: true,
  },
]

/** The built-in kinds, changed or extended by the tenant's own. */
export function mergeKinds(own: DeviceKind[]): DeviceKind[] {
  const byCode = new Map(own.map((k) => [k.code, k]))
  const merged = DEFAULT_DEVICE_KINDS.map((k) => byCode.get(k.code) ?? k)
  for (const k of own) if (!DEFAULT_DEVICE_KINDS.some((d) => d.code === k.code)) merged.push(k)
  return merged
}
