import { api, type Page } from '../../app/api.ts'

export interface Camera {
  id: string
  name: string
  location: { type: 'Point'; coordinates: [number, number] }
  isPublic: boolean
  views: { snapshot: boolean; mjpeg: boolean; hls: boolean }
  status: 'unknown' | 'online' | 'offline'
  distanceM?: number
}

const base = (tenant: string) => `/api/t/${encodeURIComponent(tenant)}`
export const fetchCameras = (tenant: string) => api<Page<Camera>>(`${base(tenant)}/cameras?limit=1000`)
export const fetchIncidentCameras = (tenant: string, incident: string, limit: number) =>
  api<Page<Camera>>(`${base(tenant)}/incidents/${encodeURIComponent(incident)}/cameras?limit=${limit}`)
