import { api, type Page } from '../../app/api.ts'

export type Point = { type: 'Point'; coordinates: [number, number] }
export type Priority = 'P1' | 'P2' | 'P3' | 'P4'

export interface Incident {
  id: string
  number: string
  source: string
  type: string
  priority: Priority
  status: 'new' | 'dispatched' | 'on_scene' | 'closed' | 'cancelled'
  location: Point
  address: string | null
  kelurahan: { code: string; name: string } | null
  kecamatan: { code: string; name: string } | null
  caller: { name: string | null; phone: string | null } | null
  description: string | null
  /** The record of another module the incident was raised from: a Rojak finding. */
  origin: { module: 'patrols'; kind: 'finding'; id: string; number: string } | null
  outcome: string | null
  createdAt: string
  dispatchedAt: string | null
  onSceneAt: string | null
  hospitalAt: string | null
  closedAt: string | null
  timers: { callToDispatch: number | null; dispatchToOnScene: number | null; total: number | null; dueAt: string | null; overdue: boolean }
}

export interface TimelineEntry {
  id: number
  at: string
  kind: string
  actor: string | null
  text: string | null
  data: Record<string, unknown>
}

export interface Dispatch {
  id: string
  unitId: string
  callsign: string
  kind: string
  unitStatus: string
  assignedAt: string
  etaSeconds: number | null
  releasedAt: string | null
}

export type IncidentDetail = Incident & { timeline: TimelineEntry[]; dispatches: Dispatch[] }

export interface IncidentType {
  code: string
  label: { id: string; en: string }
  defaultPriority: Priority
  unitKinds: string[]
  isActive: boolean
}

export interface Unit {
  id: string
  callsign: string
  kind: string
  status: string
  incidentId: string | null
  destinationId: string | null
  homeFacilityId: string | null
  location: Point | null
  positionAt: string | null
}

export interface Recommendation {
  unitId: string
  callsign: string
  kind: string
  distanceM: number
  etaSeconds: number
  etaSource: string
}

export interface Facility {
  id: string
  code: string
  name: string
  kind: string
  location: Point
  hasEmergency: boolean
  erBedsAvailable: number | null
}

export const PRIORITY_COLORS: Record<string, string> = { P1: '#e5484d', P2: '#ff8c1a', P3: '#f5c542', P4: '#4aa3ff' }
export const UNIT_STATUS_COLORS: Record<string, string> = {
  available: '#2fbf71',
  dispatched: '#ff8c1a',
  en_route: '#f5c542',
  on_scene: '#e5484d',
  transporting: '#b455ff',
  at_hospital: '#8b5cf6',
  returning: '#4aa3ff',
  out_of_service: '#6b7280',
}
export const UNIT_KIND_COLORS: Record<string, string> = {
  ambulance: '#ffffff',
  fire_engine: '#e5484d',
  rescue: '#ff8c1a',
  satpol_pp: '#2563eb',
  police: '#0b1220',
}
export const PRIORITY_RANK: Record<string, number> = { P1: 1, P2: 2, P3: 3, P4: 4 }

/** The crew's next moves from each unit status (the server checks them again). */
export const UNIT_NEXT: Record<string, string[]> = {
  available: ['out_of_service'],
  dispatched: ['en_route', 'on_scene'],
  en_route: ['on_scene'],
  on_scene: ['transporting', 'returning'],
  transporting: ['at_hospital'],
  at_hospital: ['returning'],
  returning: ['available'],
  out_of_service: ['available'],
}

const base = (tenant: string) => `/api/t/${tenant}`
export const fetchOpenIncidents = (tenant: string) => api<Page<Incident>>(`${base(tenant)}/incidents?status=open&limit=500`)
export const fetchIncident = (tenant: string, id: string) => api<IncidentDetail>(`${base(tenant)}/incidents/${id}`)
export const fetchUnits = (tenant: string) => api<Page<Unit>>(`${base(tenant)}/units?limit=1000`)
export const fetchMyUnits = (tenant: string) => api<Page<Unit>>(`${base(tenant)}/units/mine`)
export const fetchTypes = (tenant: string) => api<Page<IncidentType>>(`${base(tenant)}/incident-types`)
export const fetchFacilities = (tenant: string, kind?: string) => api<Page<Facility>>(`${base(tenant)}/facilities?limit=1000${kind ? `&kind=${kind}` : ''}`)
export const fetchRecommendations = (tenant: string, id: string) => api<Page<Recommendation>>(`${base(tenant)}/incidents/${id}/recommendations?limit=6`)
export const fetchDuplicates = (tenant: string, type: string, [lon, lat]: [number, number]) =>
  api<Page<Incident & { distanceM: number }>>(`${base(tenant)}/incidents/duplicates?type=${type}&lon=${lon}&lat=${lat}`)
export const createIncident = (tenant: string, body: Record<string, unknown>) => api<Incident>(`${base(tenant)}/incidents`, { method: 'POST', body })
export const attachCall = (tenant: string, id: string, body: Record<string, unknown>) => api(`${base(tenant)}/incidents/${id}/calls`, { method: 'POST', body })
export const dispatchUnit = (tenant: string, id: string, unitId: string) =>
  api<Dispatch>(`${base(tenant)}/incidents/${id}/dispatch`, { method: 'POST', body: { unitId } })
export const updateIncident = (tenant: string, id: string, body: Record<string, unknown>) =>
  api<Incident>(`${base(tenant)}/incidents/${id}`, { method: 'PATCH', body })
export const addNote = (tenant: string, id: string, text: string) => api(`${base(tenant)}/incidents/${id}/notes`, { method: 'POST', body: { text } })
export const setUnitStatus = (tenant: string, id: string, body: Record<string, unknown>) =>
  api<Unit>(`${base(tenant)}/units/${id}/status`, { method: 'POST', body })
export const sendPosition = (tenant: string, id: string, coordinates: [number, number]) =>
  api<Unit>(`${base(tenant)}/units/${id}/position`, { method: 'POST', body: { location: { type: 'Point', coordinates } } })

/** "4:05" from seconds; "1:02:03" past the hour. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds))
  const hh = Math.floor(s / 3600)
  const mm = Math.floor((s % 3600) / 60)
  const ss = String(s % 60).padStart(2, '0')
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`
}
