import type { Database } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import type { UnitKind } from './catalogue.ts'
import type { IncidentsServices } from './index.ts'
import type { CreateFacility } from './schema.ts'
import * as store from './store.ts'
import type { TenancyLookups } from './tenancy.ts'

export const DEMO_TENANT = '33.71'
const ACTOR = 'system:demo'

const at = (lat: number, lon: number): GeoPoint => ({ type: 'Point', coordinates: [lon, lat] })

type DemoFacility = CreateFacility & { agencyCode?: string }

// Real facilities of Kota Magelang at approximate positions (a few tens of metres off at most);
// emergency bed counts are illustrative.
export const DEMO_FACILITIES: DemoFacility[] = [
  {
    code: 'rsud-tidar',
    name: 'RSUD Tidar Kota Magelang',
    kind: 'hospital',
    address: 'Jl. Tidar No. 30A, Kemirirejo',
    phone: '(0293) 362260',
    location: at(-7.4856, 110.2143),
    hasEmergency: true,
    erBeds: 20,
    erBedsAvailable: 6,
    agencyCode: 'dinkes',
  },
  {
    code: 'rst-soedjono',
    name: 'RST Tk. II dr. Soedjono',
    kind: 'hospital',
    address: 'Jl. Urip Sumoharjo No. 48, Wates',
    location: at(-7.4707, 110.2221),
    hasEmergency: true,
    erBeds: 16,
    erBedsAvailable: 4,
  },
  {
    code: 'rsu-lestari-raharja',
    name: 'RSU Lestari Raharja',
    kind: 'hospital',
    address: 'Jl. Sunan Bonang No. 1, Potrobangsan',
    location: at(-7.461, 110.2185),
    hasEmergency: true,
    erBeds: 10,
    erBedsAvailable: 3,
  },
  {
    code: 'rs-harapan',
    name: 'RS Harapan Magelang',
    kind: 'hospital',
    address: 'Jl. Panembahan Senopati No. 11, Jurangombo Utara',
    location: at(-7.4893, 110.2095),
    hasEmergency: true,
    erBeds: 12,
    erBedsAvailable: 5,
  },
  {
    code: 'rsj-soerojo',
    name: 'RSJ Prof. dr. Soerojo',
    kind: 'hospital',
    address: 'Jl. Ahmad Yani No. 169, Kramat Selatan',
    location: at(-7.452, 110.222),
    hasEmergency: true,
    erBeds: 8,
    erBedsAvailable: 2,
  },
  {
    code: 'rs-budi-rahayu',
    name: 'RS Budi Rahayu',
    kind: 'hospital',
    address: 'Jl. Pahlawan No. 54',
    location: at(-7.468, 110.2165),
    hasEmergency: true,
    erBeds: 8,
    erBedsAvailable: 3,
  },
  { code: 'pkm-magelang-utara', name: 'Puskesmas Magelang Utara', kind: 'puskesmas', location: at(-7.445, 110.223), agencyCode: 'dinkes' },
  { code: 'pkm-magelang-tengah', name: 'Puskesmas Magelang Tengah', kind: 'puskesmas', location: at(-7.4785, 110.2125), agencyCode: 'dinkes' },
  { code: 'pkm-kerkopan', name: 'Puskesmas Kerkopan', kind: 'puskesmas', location: at(-7.472, 110.226), agencyCode: 'dinkes' },
  { code: 'pkm-magelang-selatan', name: 'Puskesmas Magelang Selatan', kind: 'puskesmas', location: at(-7.4965, 110.229), agencyCode: 'dinkes' },
  { code: 'pkm-jurangombo', name: 'Puskesmas Jurangombo', kind: 'puskesmas', location: at(-7.493, 110.212), agencyCode: 'dinkes' },
  { code: 'damkar-markas', name: 'Markas Damkar Kota Magelang', kind: 'fire_station', location: at(-7.487, 110.2235), agencyCode: 'damkar', phone: '113' },
  { code: 'damkar-pos-utara', name: 'Pos Damkar Magelang Utara', kind: 'fire_station', location: at(-7.456, 110.227), agencyCode: 'damkar' },
  { code: 'bpbd-pusdalops', name: 'Pusdalops BPBD Kota Magelang', kind: 'bpbd_post', location: at(-7.476, 110.215), agencyCode: 'bpbd' },
  { code: 'satpol-pp-markas', name: 'Markas Satpol PP Kota Magelang', kind: 'satpol_pp_post', location: at(-7.477, 110.2195), agencyCode: 'satpol_pp' },
  { code: 'polres-magelang-kota', name: 'Polres Magelang Kota', kind: 'police_station', location: at(-7.479, 110.2175) },
  { code: 'evak-alun-alun', name: 'Alun-alun Kota Magelang', kind: 'evacuation_point', location: at(-7.4773, 110.2176) },
  { code: 'evak-stadion-soebroto', name: 'Stadion Moch. Soebroto', kind: 'evacuation_point', location: at(-7.4985, 110.231) },
  { code: 'evak-gor-samapta', name: 'GOR Samapta', kind: 'evacuation_point', location: at(-7.476, 110.2135) },
]

export interface DemoUnit {
  callsign: string
  kind: UnitKind
  home: string
  agencyCode?: string
  crew: { name: string; username?: string }[]
}

export const DEMO_UNITS: DemoUnit[] = [
  {
    callsign: 'AMB-119-01',
    kind: 'ambulance',
    home: 'rsud-tidar',
    agencyCode: 'dinkes',
    crew: [{ name: 'Kru Ambulans', username: 'field_crew' }, { name: 'Perawat Sari' }],
  },
  { callsign: 'AMB-119-02', kind: 'ambulance', home: 'pkm-magelang-utara', agencyCode: 'dinkes', crew: [{ name: 'Bagus' }, { name: 'Rina' }] },
  { callsign: 'AMB-119-03', kind: 'ambulance', home: 'pkm-magelang-selatan', agencyCode: 'dinkes', crew: [{ name: 'Dimas' }, { name: 'Wulan' }] },
  { callsign: 'AMB-119-04', kind: 'ambulance', home: 'pkm-jurangombo', agencyCode: 'dinkes', crew: [{ name: 'Eko' }] },
  { callsign: 'AMB-RST-01', kind: 'ambulance', home: 'rst-soedjono', crew: [{ name: 'Serka Hadi' }] },
  { callsign: 'AMB-HRP-01', kind: 'ambulance', home: 'rs-harapan', crew: [{ name: 'Yoga' }] },
  { callsign: 'DMK-01', kind: 'fire_engine', home: 'damkar-markas', agencyCode: 'damkar', crew: [{ name: 'Regu A' }] },
  { callsign: 'DMK-02', kind: 'fire_engine', home: 'damkar-markas', agencyCode: 'damkar', crew: [{ name: 'Regu B' }] },
  { callsign: 'DMK-03', kind: 'fire_engine', home: 'damkar-pos-utara', agencyCode: 'damkar', crew: [{ name: 'Regu C' }] },
  { callsign: 'BPBD-01', kind: 'rescue', home: 'bpbd-pusdalops', agencyCode: 'bpbd', crew: [{ name: 'TRC 1' }] },
  { callsign: 'BPBD-02', kind: 'rescue', home: 'bpbd-pusdalops', agencyCode: 'bpbd', crew: [{ name: 'TRC 2' }] },
  { callsign: 'SATPOL-01', kind: 'satpol_pp', home: 'satpol-pp-markas', agencyCode: 'satpol_pp', crew: [{ name: 'Regu Patroli 1' }] },
  { callsign: 'SATPOL-02', kind: 'satpol_pp', home: 'satpol-pp-markas', agencyCode: 'satpol_pp', crew: [{ name: 'Regu Patroli 2' }] },
  { callsign: 'POL-01', kind: 'police', home: 'polres-magelang-kota', crew: [{ name: 'Unit Turjawali' }] },
]

/** Adds whichever demo facility or unit is missing (by code and callsign), so it can run on every demo start. */
export async function seedIncidentDemo(db: Database, s: IncidentsServices, tenancy: TenancyLookups): Promise<void> {
  const agencies = await tenancy.agencyIdsByCode(db, DEMO_TENANT)
  const facilityIds = new Map<string, string>()
  for (const { agencyCode, ...facility } of DEMO_FACILITIES) {
    const existing = await store.findFacilityByCode(db, DEMO_TENANT, facility.code)
    const agencyId = agencyCode ? agencies.get(agencyCode) : undefined
    const saved = existing ?? (await s.facilities.create(db, DEMO_TENANT, ACTOR, { ...facility, ...(agencyId ? { agencyId } : {}) }))
    facilityIds.set(saved.code, saved.id)
  }
  for (const unit of DEMO_UNITS) {
    if (await store.findUnitByCallsign(db, DEMO_TENANT, unit.callsign)) continue
    const home = DEMO_FACILITIES.find((f) => f.code === unit.home)
    const agencyId = unit.agencyCode ? agencies.get(unit.agencyCode) : undefined
    await s.units.create(db, DEMO_TENANT, ACTOR, {
      callsign: unit.callsign,
      kind: unit.kind,
      homeFacilityId: facilityIds.get(unit.home),
      crew: unit.crew,
      ...(agencyId ? { agencyId } : {}),
      ...(home ? { location: home.location } : {}),
    })
  }
}
