import type { Breakdown, Dimension, Direction, Frequency } from '../../core/indicators.ts'

/** One indicator of a tenant's catalogue as it is seeded; targets are per year. */
export interface IndicatorDefinition {
  code: string
  name: { id: string; en: string }
  dimension: Dimension
  unit: string
  direction: Direction
  frequency: Frequency
  source: 'computed' | 'entered'
  /** The module that computes it. */
  module?: string
  breakdowns: Breakdown[]
  formula?: { id: string; en: string }
  target?: number
}

const computed = (
  module: string,
  code: string,
  name: [string, string],
  dimension: Dimension,
  unit: string,
  direction: Direction,
  target?: number,
  breakdowns: Breakdown[] = [],
): IndicatorDefinition => ({
  code,
  name: { id: name[0], en: name[1] },
  dimension,
  unit,
  direction,
  frequency: 'monthly',
  source: 'computed',
  module,
  breakdowns,
  target,
})

const entered = (
  code: string,
  name: [string, string],
  dimension: Dimension,
  unit: string,
  direction: Direction,
  frequency: Frequency,
  target?: number,
  breakdowns: Breakdown[] = [],
): IndicatorDefinition => ({ code, name: { id: name[0], en: name[1] }, dimension, unit, direction, frequency, source: 'entered', breakdowns, target })

/**
 * The catalogue every city starts from. Computed indicators name the module that computes them (see the
 * `indicators` of each module); the ones of modules not installed show as not available until they are.
 */
export const DEFAULT_CATALOGUE: IndicatorDefinition[] = [
  computed('reports', 'report_sla_pct', ['Aduan selesai tepat SLA', 'Complaints resolved within SLA'], 'governance', '%', 'higher', 90, ['agency']),
  computed('reports', 'report_resolve_hours', ['Median waktu penyelesaian aduan', 'Median time to resolve complaints'], 'governance', 'h', 'lower', 72, [
    'agency',
  ]),
  computed('cctv', 'cctv_online_pct', ['CCTV daring', 'CCTV online'], 'governance', '%', 'higher', 95, ['agency']),
  computed('patrols', 'asn_on_time_pct', ['Kehadiran ASN tepat waktu', 'ASN on-time attendance'], 'governance', '%', 'higher', 95, ['agency']),
  computed('patrols', 'findings_closed_on_time_pct', ['Temuan Rojak selesai tepat waktu', 'Rojak findings closed on time'], 'governance', '%', 'higher', 90, [
    'agency',
  ]),
  computed('datahub', 'datasets_published', ['Dataset terbit', 'Datasets published'], 'governance', 'count', 'higher', 50, ['agency']),
  computed('levies', 'levy_realisation_pct', ['Realisasi retribusi terhadap target', 'Levy realisation vs target'], 'economy', '%', 'higher', 100),
  computed('levies', 'levy_realisation_rp', ['Realisasi retribusi', 'Levy realised'], 'economy', 'Rp', 'higher'),
  computed('levies', 'levy_cashless_pct', ['Pembayaran retribusi nontunai', 'Levy paid cashless'], 'economy', '%', 'higher', 60),
  computed('incidents', 'ambulance_response_p50', ['Waktu tanggap ambulans (median)', 'Ambulance response time (median)'], 'living', 'min', 'lower', 15, [
    'kecamatan',
  ]),
  computed('incidents', 'ambulance_response_p90', ['Waktu tanggap ambulans (p90)', 'Ambulance response time (p90)'], 'living', 'min', 'lower', 30, [
    'kecamatan',
  ]),
  computed('incidents', 'incidents_per_10k', ['Kejadian per 10.000 penduduk', 'Incidents per 10,000 inhabitants'], 'society', 'per 10k', 'lower', 5, [
    'kelurahan',
  ]),
  computed('alerts', 'alerts_issued', ['Peringatan dini diterbitkan', 'Public alerts issued'], 'society', 'count', 'higher'),
  computed('sensors', 'sensor_alarms', ['Alarm sensor', 'Sensor alarms raised'], 'environment', 'count', 'lower', 20),
  computed('sensors', 'devices_online_pct', ['Perangkat sensor daring', 'Sensor devices online'], 'environment', '%', 'higher', 95, ['agency']),
  entered('population', ['Jumlah penduduk', 'Population'], 'society', 'people', 'higher', 'yearly', undefined, ['kelurahan']),
  entered('spbe_index', ['Indeks SPBE', 'E-government (SPBE) index'], 'governance', 'index', 'higher', 'yearly', 4),
  entered('tourist_visits', ['Kunjungan wisatawan', 'Tourist visits'], 'branding', 'visits', 'higher', 'monthly', 60_000),
  entered('city_events', ['Event kota', 'City events held'], 'branding', 'count', 'higher', 'monthly', 6),
  entered('msme_online_pct', ['UMKM masuk pasar daring', 'MSMEs selling online'], 'economy', '%', 'higher', 'monthly', 40),
  entered('public_wifi_points', ['Titik Wi-Fi publik aktif', 'Active public Wi-Fi points'], 'living', 'count', 'higher', 'monthly', 150),
  entered('poverty_rate_pct', ['Angka kemiskinan', 'Poverty rate'], 'society', '%', 'lower', 'yearly', 7),
  entered('green_space_pct', ['Ruang terbuka hijau', 'Green open space'], 'environment', '%', 'higher', 'yearly', 30),
  entered('waste_managed_pct', ['Sampah terkelola', 'Waste managed'], 'environment', '%', 'higher', 'monthly', 80),
]
