import { api, type Page } from '../../app/api.ts'

export type AlertStatus = 'draft' | 'published' | 'superseded' | 'cancelled' | 'expired' | 'discarded'

export interface English {
  event: string
  headline?: string
  description?: string
  instruction?: string
}

export interface Alert {
  id: string
  identifier: string
  thread: string
  msgType: 'Alert' | 'Update' | 'Cancel'
  status: AlertStatus
  sent: string | null
  event: string
  category: string[]
  urgency: string
  severity: string
  certainty: string
  headline: string | null
  description: string | null
  instruction: string | null
  expires: string
  regions: { code: string; name: string; level: string }[]
  areaDesc: string
  source: string
  author: string
  approver: string | null
  createdAt: string
}

export interface PublicAlert {
  id: string
  identifier: string
  sent: string | null
  event: string
  severity: string
  urgency: string
  headline: string | null
  description: string | null
  instruction: string | null
  contact: string | null
  expires: string
  english: English | null
  areaDesc: string
  capUrl: string
}

export interface Region {
  code: string
  name: string
  level: string
}

export type DraftInput = {
  event: string
  category: string[]
  urgency: string
  severity: string
  certainty: string
  headline?: string
  description?: string
  instruction?: string
  expires: string
  regions: string[]
}

export const SEVERITY_COLORS: Record<string, string> = { Extreme: '#b42318', Severe: '#e5484d', Moderate: '#f5a524', Minor: '#3b82f6', Unknown: '#6b7280' }

export const fetchAlerts = (tenant: string) => api<Page<Alert>>(`/api/t/${tenant}/alerts?limit=100`)
export const fetchActive = (tenant: string) => api<Page<PublicAlert>>(`/api/t/${tenant}/alerts/active`)
export const fetchAreas = (tenant: string) => api<GeoJSON.FeatureCollection>(`/api/t/${tenant}/alerts/active/areas`)
export const createDraft = (tenant: string, body: DraftInput) => api<Alert>(`/api/t/${tenant}/alerts`, { method: 'POST', body })
export const approveAlert = (tenant: string, id: string) => api<Alert>(`/api/t/${tenant}/alerts/${id}/approve`, { method: 'POST' })
export const cancelAlert = (tenant: string, id: string) => api<Alert>(`/api/t/${tenant}/alerts/${id}/cancel`, { method: 'POST', body: {} })

/** The tenant's kelurahan/desa, by name, for pickers. */
export async function fetchKelurahan(tenant: string): Promise<Region[]> {
  const fc = await api<{ features: { properties: Region }[] }>(`/api/t/${tenant}/regions`)
  return fc.features
    .map((f) => f.properties)
    .filter((r) => r.level === 'kelurahan' || r.level === 'desa')
    .sort((a, b) => a.name.localeCompare(b.name))
}

export const subscribeEmail = (tenant: string, kelurahan: string, email: string) =>
  api<{ unsubscribeToken: string }>(`/api/t/${tenant}/subscriptions`, { method: 'POST', body: { kelurahan, channel: 'email', email } })
