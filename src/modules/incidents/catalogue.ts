// The built-in vocabulary of incidents and dispatch: codes are stable English snake_case; the labels
// people read come from the i18n files (and `label` in lists).

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const
export type Priority = (typeof PRIORITIES)[number]

export const SOURCES = ['call_112', 'call_119', 'report', 'sensor', 'cctv', 'bmkg', 'patrol', 'operator'] as const
export type Source = (typeof SOURCES)[number]

export const INCIDENT_STATUSES = ['new', 'dispatched', 'on_scene', 'closed', 'cancelled'] as const
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number]
export const OPEN_STATUSES: readonly IncidentStatus[] = ['new', 'dispatched', 'on_scene']

export const UNIT_KINDS = ['ambulance', 'fire_engine', 'rescue', 'satpol_pp', 'police'] as const
export type UnitKind = (typeof UNIT_KINDS)[number]

export const UNIT_STATUSES = ['available', 'dispatched', 'en_route', 'on_scene', 'transporting', 'at_hospital', 'returning', 'out_of_service'] as const
export type UnitStatus = (typeof UNIT_STATUSES)[number]

export const FACILITY_KINDS = ['hospital', 'puskesmas', 'fire_station', 'bpbd_post', 'satpol_pp_post', 'police_station', 'evacuation_point'] as const
export type FacilityKind = (typeof FACILITY_KINDS)[number]

export const OUTCOMES = ['resolved', 'treated_on_scene', 'transported', 'refused', 'false_alarm', 'deceased', 'handed_over', 'other'] as const
export type Outcome = (typeof OUTCOMES)[number]

export interface IncidentType {
  code: string
  label: { id: string; en: string }
  defaultPriority: Priority
  /** The kinds of unit this type needs, most important first; empty = any kind. */
  unitKinds: UnitKind[]
  isActive: boolean
}

const type = (code: string, id: string, en: string, defaultPriority: Priority, unitKinds: UnitKind[]): IncidentType => ({
  code,
  label: { id, en },
  defaultPriority,
  unitKinds,
  isActive: true,
})

/** Sensible defaults for every tenant; a tenant may change or add types of its own. */
export const DEFAULT_INCIDENT_TYPES: IncidentType[] = [
  type('medical', 'Medis / kegawatdaruratan', 'Medical emergency', 'P1', ['ambulance']),
  type('fire', 'Kebakaran', 'Fire', 'P1', ['fire_engine', 'ambulance']),
  type('flood', 'Banjir', 'Flood', 'P2', ['rescue', 'ambulance']),
  type('landslide', 'Tanah longsor', 'Landslide', 'P1', ['rescue', 'ambulance']),
  type('fallen_tree', 'Pohon tumbang', 'Fallen tree', 'P3', ['rescue', 'fire_engine']),
  type('traffic_accident', 'Kecelakaan lalu lintas', 'Traffic accident', 'P1', ['ambulance', 'police']),
  type('crime', 'Kriminalitas', 'Crime', 'P2', ['police', 'satpol_pp']),
  type('public_order', 'Gangguan ketertiban', 'Public order disturbance', 'P3', ['satpol_pp']),
  type('other_disaster', 'Bencana lain', 'Other disaster', 'P2', ['rescue']),
  type('other', 'Lainnya', 'Other', 'P4', []),
]

export interface Targets {
  priority: Priority
  /** Call to the first dispatch. */
  dispatchSeconds: number
  /** Call to the first unit on scene (the response time). */
  onSceneSeconds: number
}

/** Default targets, in the spirit of PSC 119 practice: a P1 call dispatched within 2 minutes, reached within 10. */
export const DEFAULT_TARGETS: Targets[] = [
  { priority: 'P1', dispatchSeconds: 120, onSceneSeconds: 600 },
  { priority: 'P2', dispatchSeconds: 300, onSceneSeconds: 1200 },
  { priority: 'P3', dispatchSeconds: 900, onSceneSeconds: 3600 },
  { priority: 'P4', dispatchSeconds: 3600, onSceneSeconds: 14_400 },
]
