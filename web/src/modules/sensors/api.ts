import { api, type Page } from '../../app/api.ts'

export interface Device {
  id: string
  name: string
  kind: string
  metrics: { name: string; unit: string }[]
  location: { type: 'Point'; coordinates: [number, number] }
  status: 'unknown' | 'online' | 'offline'
  lastSeenAt: string | null
  latest: Record<string, { value: number; at: string }>
  intervalSeconds: number
}

export interface Label {
  id: string
  en: string
}

export interface KindMetric {
  name: string
  label: Label
  unit: string
  min: number | null
  max: number | null
}

export interface KindRule {
  name: string
  metric: string
  comparison: string
  threshold: number
  durationSeconds: number
  hysteresis: number
  severity: string
  action: string
}

/** A device kind of the tenant's catalogue: the built-in five (as changed) and the city's own. */
export interface DeviceKind {
  code: string
  label: Label
  metrics: KindMetric[]
  defaultRules: KindRule[]
  icon: string
  color: string
  isActive: boolean
}

export type KindInput = Omit<DeviceKind, 'code'>

/** The label in the reader's language (Indonesian unless English is chosen). */
export const labelIn = (label: Label, language: string) => (language === 'en' ? label.en : label.id)

/** A metric's name as people read it: its kind's label when the kind knows the metric. */
export function metricLabel(kind: DeviceKind | undefined, metric: string, language: string): string {
  const known = kind?.metrics.find((m) => m.name === metric)
  return known ? labelIn(known.label, language) : metric
}

export interface Rule {
  id: string
  name: string
  deviceKind: string | null
  deviceId: string | null
  metric: string
  comparison: string
  threshold: number
  durationSeconds: number
  hysteresis: number
  severity: string
  action: string
  enabled: boolean
}

export interface RuleInput {
  name: string
  comparison: string
  threshold: number
  durationSeconds: number
  hysteresis: number
  severity: string
  action: string
  metric?: string
  deviceKind?: string
  deviceId?: string
}

interface DeviceInput {
  name: string
  location: Device['location']
  intervalSeconds: number
}

export interface Alarm {
  id: string
  kind: 'threshold' | 'offline'
  deviceId: string
  deviceName: string
  severity: 'info' | 'waspada' | 'siaga' | 'awas'
  status: 'active' | 'acknowledged' | 'cleared'
  metric: string | null
  value: number | null
  threshold: number | null
  raisedAt: string
  acknowledgedBy: string | null
}

export const SEVERITY_COLORS: Record<string, string> = { info: '#4aa3ff', waspada: '#f5c542', siaga: '#ff8c1a', awas: '#e5484d' }
const SEVERITY_RANK: Record<string, number> = { info: 1, waspada: 2, siaga: 3, awas: 4 }

export const fetchKinds = (tenant: string) => api<Page<DeviceKind>>(`/api/t/${tenant}/device-kinds`)
export const saveKind = (tenant: string, code: string, input: KindInput) =>
  api<DeviceKind>(`/api/t/${tenant}/device-kinds/${encodeURIComponent(code)}`, { method: 'PUT', body: input })
export const fetchDevices = (tenant: string) => api<Page<Device>>(`/api/t/${tenant}/devices?limit=1000`)
export const fetchOpenAlarms = (tenant: string) => api<Page<Alarm>>(`/api/t/${tenant}/alarms?status=open&limit=200`)
export const acknowledge = (tenant: string, id: string) => api<Alarm>(`/api/t/${tenant}/alarms/${id}/ack`, { method: 'POST' })

/** The most severe open alarm per device. */
export function worstAlarm(alarms: Alarm[]): Map<string, Alarm> {
  const worst = new Map<string, Alarm>()
  for (const alarm of alarms) {
    const current = worst.get(alarm.deviceId)
    if (!current || SEVERITY_RANK[alarm.severity] > SEVERITY_RANK[current.severity]) worst.set(alarm.deviceId, alarm)
  }
  return worst
}

const device = (tenant: string, id: string) => `/api/t/${tenant}/devices/${encodeURIComponent(id)}`
export const registerDevice = (tenant: string, input: DeviceInput & { kind: string; metrics?: { name: string; unit: string }[] }) =>
  api<Device & { token: string }>(`/api/t/${tenant}/devices`, { method: 'POST', body: input })
export const updateDevice = (tenant: string, id: string, input: DeviceInput) => api<Device>(device(tenant, id), { method: 'PATCH', body: input })
export const rotateToken = (tenant: string, id: string) => api<Device & { token: string }>(`${device(tenant, id)}/token`, { method: 'POST' })
export const archiveDevice = (tenant: string, id: string) => api<void>(device(tenant, id), { method: 'DELETE' })
export const fetchRules = (tenant: string) => api<Page<Rule>>(`/api/t/${tenant}/rules`)
/** Creates a rule (id null) or changes one; what a rule watches is set at creation only. */
export const saveRule = (tenant: string, id: string | null, input: RuleInput) =>
  id ? api<Rule>(`/api/t/${tenant}/rules/${id}`, { method: 'PATCH', body: input }) : api<Rule>(`/api/t/${tenant}/rules`, { method: 'POST', body: input })
export const deleteRule = (tenant: string, id: string) => api<void>(`/api/t/${tenant}/rules/${id}`, { method: 'DELETE' })
