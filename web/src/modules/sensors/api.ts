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
