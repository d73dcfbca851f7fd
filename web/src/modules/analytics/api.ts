import { api } from '../../app/api.ts'

export type Severity = 'info' | 'waspada' | 'siaga' | 'awas'

export interface Source {
  id: string
  kind: 'frigate' | 'webhook'
  name: string
  brokerUrl: string | null
  topicPrefix: string
  apiUrl: string | null
  isActive: boolean
  webhookPath: string | null
  createdAt: string
}

export interface CameraMapping {
  camera: string
  zone: string | null
  cameraId: string
  zoneLabel: string | null
}

export interface Rule {
  id: string
  name: string
  label: string
  zone: string | null
  cameraId: string | null
  minScore: number
  from: string | null
  to: string | null
  action: 'alarm' | 'incident'
  severity: Severity
  incidentType: string | null
  isActive: boolean
}

export type RuleInput = Omit<Rule, 'id'>

export interface Detection {
  id: string
  ruleName: string
  action: 'alarm' | 'incident'
  severity: Severity
  cameraId: string
  cameraName: string
  label: string
  zones: string[]
  zoneLabel: string | null
  score: number
  startedAt: string
  status: 'active' | 'acknowledged' | 'cleared'
  acknowledgedBy: string | null
  hasSnapshot: boolean
  incidentId: string | null
  incidentNumber: string | null
}

const base = (tenant: string) => `/api/t/${encodeURIComponent(tenant)}`
export const fetchSources = (tenant: string) => api<{ items: Source[] }>(`${base(tenant)}/analytics/sources`)
export const createSource = (tenant: string, body: Partial<Source> & { kind: Source['kind']; name: string }) =>
  api<Source & { secret: string | null }>(`${base(tenant)}/analytics/sources`, { method: 'POST', body })
export const updateSource = (tenant: string, id: string, body: Partial<Source>) =>
  api<Source>(`${base(tenant)}/analytics/sources/${id}`, { method: 'PATCH', body })
export const fetchMappings = (tenant: string, id: string) => api<{ items: CameraMapping[] }>(`${base(tenant)}/analytics/sources/${id}/cameras`)
export const saveMappings = (tenant: string, id: string, items: CameraMapping[]) =>
  api<{ items: CameraMapping[] }>(`${base(tenant)}/analytics/sources/${id}/cameras`, { method: 'PUT', body: { items } })
export const fetchRules = (tenant: string) => api<{ items: Rule[] }>(`${base(tenant)}/analytics/rules`)
export const createRule = (tenant: string, body: RuleInput) => api<Rule>(`${base(tenant)}/analytics/rules`, { method: 'POST', body })
export const deleteRule = (tenant: string, id: string) => api<null>(`${base(tenant)}/analytics/rules/${id}`, { method: 'DELETE' })
export const fetchDetections = (tenant: string) => api<{ items: Detection[] }>(`${base(tenant)}/detections?limit=20`)
export const acknowledgeDetection = (tenant: string, id: string) => api<Detection>(`${base(tenant)}/detections/${id}/ack`, { method: 'POST' })
export const snapshotUrl = (tenant: string, id: string) => `${base(tenant)}/detections/${id}/snapshot`
