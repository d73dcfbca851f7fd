import { ApiError, api, type Page } from '../../app/api.ts'

export type ReportStatus = 'submitted' | 'verified' | 'assigned' | 'in_progress' | 'resolved' | 'closed' | 'rejected' | 'reopened' | 'merged'
export type Point = { type: 'Point'; coordinates: [number, number] }
type Label = { id: string; en: string }
type RegionRef = { code: string; name: string } | null

export interface Category {
  code: string
  label: Label
  description: string | null
  group: string | null
  agencyId: string | null
  agency: { id: string; code: string; name: string } | null
  isPublic: boolean
  isActive: boolean
  totalSlaHours: number
  notice: string | null
}

export interface Agency {
  id: string
  code: string
  name: string
}

export interface Sla {
  statusDueAt: string | null
  dueAt: string | null
  overdue: boolean
  escalationLevel: number
}

export interface Report {
  id: string
  number: string
  category: string
  status: ReportStatus
  source: string
  location: Point
  address: string | null
  kelurahan: RegionRef
  kecamatan: RegionRef
  description: string
  agencyId: string | null
  isPublic: boolean
  /** What came with it: Open311 attributes, or `patrolFindingId` and `patrolFindingNumber` of a Rojak finding. */
  attributes: Record<string, unknown>
  reporter: { name: string | null; phone: string | null; email: string | null } | null
  mergedInto: string | null
  incidentId: string | null
  supporters: number
  statusNote: string | null
  statusSince: string
  resolvedAt: string | null
  createdAt: string
  sla: Sla
}

export interface TimelineEntry {
  id: number
  at: string
  kind: string
  actor: string | null
  isPublic: boolean
  text: string | null
  data: Record<string, unknown>
}

export interface Photo {
  id: string
  kind: 'report' | 'proof'
  url: string
}

export interface ReportDetail extends Report {
  timeline: TimelineEntry[]
  photos: Photo[]
  deliveries: { id: string; channel: string; status: string; attempts: number; lastError: string | null }[]
}

export interface PublicReport {
  id: string
  number: string
  category: string
  categoryLabel: Label
  status: ReportStatus
  statusLabel: Label
  statusNote: string | null
  location: Point | null
  kelurahan: RegionRef
  description: string | null
  agency: string | null
  supporters: number
  createdAt: string
  dueAt: string | null
  mayReopenUntil: string | null
}

export interface Tracking extends PublicReport {
  history: { at: string; status: ReportStatus | null; kind: string; text: string | null }[]
  photos: Photo[]
}

export type Submitted = { id: string; number: string; code: string; status: ReportStatus; trackUrl: string }

export type ReportFeatures = GeoJSON.FeatureCollection<
  GeoJSON.Point,
  { id: string; number: string; category: string; status: ReportStatus; createdAt: string; supporters: number; overdue: boolean }
>

/** Status colours on the map and in lists: waiting (amber), with an OPD (blue), done (green), out (grey). */
export const STATUS_COLORS: Record<ReportStatus, string> = {
  submitted: '#f5a524',
  reopened: '#f5a524',
  verified: '#e8c547',
  assigned: '#4f8ff7',
  in_progress: '#2d6cdf',
  resolved: '#2fbf71',
  closed: '#6b7280',
  rejected: '#6b7280',
  merged: '#6b7280',
}

const base = (tenant: string) => `/api/t/${encodeURIComponent(tenant)}`

export const label = (l: Label, language: string) => (language === 'en' ? l.en : l.id)

export const fetchCategories = (tenant: string) => api<Page<Category>>(`${base(tenant)}/report-categories`)
export const fetchAgencies = (tenant: string) => api<Page<Agency>>(`${base(tenant)}/agencies?limit=1000`)
export const fetchReports = (tenant: string, query: Record<string, string>) =>
  api<Page<Report>>(`${base(tenant)}/reports?${new URLSearchParams({ limit: '200', ...query })}`)
export const fetchReport = (tenant: string, id: string) => api<ReportDetail>(`${base(tenant)}/reports/${id}`)
export const fetchReportFeatures = (tenant: string) => api<ReportFeatures>(`${base(tenant)}/reports/geojson`)
export const fetchPublicFeatures = (tenant: string) => api<ReportFeatures>(`${base(tenant)}/reports/public`)
export const fetchNearby = (tenant: string, category: string, [lon, lat]: [number, number]) =>
  api<Page<PublicReport & { distanceM: number }>>(`${base(tenant)}/reports/nearby?${new URLSearchParams({ category, lon: String(lon), lat: String(lat) })}`)
export const fetchTracking = (tenant: string, code: string) => api<Tracking>(`${base(tenant)}/reports/track/${encodeURIComponent(code)}`)

export type Reporter = { name?: string; phone?: string; email?: string }

export type UpdateChannel = 'whatsapp' | 'telegram' | 'sms'
export const fetchUpdateChannels = (tenant: string) => api<{ channels: UpdateChannel[] }>(`${base(tenant)}/reports/update-channels`)

export const submitReport = (
  tenant: string,
  body: {
    category: string
    description: string
    location: Point
    address?: string
    reporter?: Reporter
    updates?: { channel: UpdateChannel; to: string }
    language?: 'id' | 'en'
    consent: boolean
  },
) => api<Submitted>(`${base(tenant)}/reports`, { method: 'POST', body })
export const supportReport = (tenant: string, id: string, body: { reporter?: Reporter; consent: boolean }) =>
  api<{ id: string; number: string; supporters: number }>(`${base(tenant)}/reports/${id}/support`, { method: 'POST', body })
export const reopenReport = (tenant: string, code: string, reason: string) =>
  api<PublicReport>(`${base(tenant)}/reports/track/${encodeURIComponent(code)}/reopen`, { method: 'POST', body: { reason } })

/** A workflow step: verify, reject, assign, start, hand-back, resolve, close, merge. */
export const act = (tenant: string, id: string, step: string, body: Record<string, unknown> = {}) =>
  api<Report>(`${base(tenant)}/reports/${id}/${step}`, { method: 'POST', body })
export const raiseIncident = (tenant: string, id: string, type: string) =>
  api<{ incident: { id: string; number: string } }>(`${base(tenant)}/reports/${id}/incident`, { method: 'POST', body: { type } })
export const addNote = (tenant: string, id: string, text: string, isPublic: boolean) =>
  api<TimelineEntry>(`${base(tenant)}/reports/${id}/notes`, { method: 'POST', body: { text, isPublic } })

async function upload(path: string, file: File): Promise<Photo> {
  const form = new FormData()
  form.append('photo', file)
  const res = await fetch(path, { method: 'POST', body: form, credentials: 'same-origin' })
  const body = (await res.json()) as Photo & { error?: { code: string; message: string } }
  if (!res.ok) throw new ApiError(res.status, body.error?.code ?? 'unknown', body.error?.message ?? res.statusText)
  return body
}

export const uploadCitizenPhoto = (tenant: string, code: string, file: File) => upload(`${base(tenant)}/reports/track/${encodeURIComponent(code)}/photos`, file)
export const uploadProofPhoto = (tenant: string, id: string, file: File) => upload(`${base(tenant)}/reports/${id}/photos?kind=proof`, file)

/** Hours and minutes left until `due` (negative when past), for SLA countdowns. */
export function countdown(due: string, now: number): string {
  const minutes = Math.round((Date.parse(due) - now) / 60_000)
  const sign = minutes < 0 ? '−' : ''
  const m = Math.abs(minutes)
  return `${sign}${Math.floor(m / 60)}j ${String(m % 60).padStart(2, '0')}m`
}

/** The SLA colour of a report: red past due, amber within 4 hours of it, green otherwise. */
export function slaClass(r: Report, now: number): string {
  if (r.sla.overdue || (r.sla.statusDueAt && Date.parse(r.sla.statusDueAt) < now)) return 'sla-overdue'
  if (r.sla.statusDueAt && Date.parse(r.sla.statusDueAt) - now < 4 * 3_600_000) return 'sla-soon'
  return 'sla-ok'
}
