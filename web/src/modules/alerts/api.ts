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
  effective: string | null
  onset: string | null
  expires: string
  regions: { code: string; name: string; level: string }[]
  area: DrawnArea | null
  references: string[]
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

/** A drawn area as the API takes it: a polygon, or a circle as a Point Feature with its radius in metres. */
export type DrawnArea =
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'MultiPolygon'; coordinates: [number, number][][][] }
  | { type: 'Feature'; geometry: { type: 'Point'; coordinates: [number, number] }; properties: { radius: number } }

export type DraftInput = {
  event: string
  category: string[]
  urgency: string
  severity: string
  certainty: string
  headline?: string
  description?: string
  instruction?: string
  contact?: string
  effective?: string
  onset?: string
  expires: string
  regions: string[]
  area?: DrawnArea
  english?: English
}

/** A tenant's ready-made warning an operator starts a draft from. */
export interface AlertTemplate extends Pick<Alert, 'event' | 'category' | 'urgency' | 'severity' | 'certainty' | 'headline' | 'description' | 'instruction'> {
  id: string
  name: string
  english: English | null
}

export type TemplateInput = Omit<AlertTemplate, 'id' | 'headline' | 'description' | 'instruction' | 'english'> & {
  headline?: string
  description?: string
  instruction?: string
  english?: English
}

export type UpdateInput = Partial<Omit<DraftInput, 'category' | 'event'>>

export const SEVERITY_COLORS: Record<string, string> = { Extreme: '#b42318', Severe: '#e5484d', Moderate: '#f5a524', Minor: '#3b82f6', Unknown: '#6b7280' }

export const fetchAlerts = (tenant: string) => api<Page<Alert>>(`/api/t/${tenant}/alerts?limit=100`)
export const fetchActive = (tenant: string) => api<Page<PublicAlert>>(`/api/t/${tenant}/alerts/active`)
export const fetchAreas = (tenant: string) => api<GeoJSON.FeatureCollection>(`/api/t/${tenant}/alerts/active/areas`)
export const createDraft = (tenant: string, body: DraftInput) => api<Alert>(`/api/t/${tenant}/alerts`, { method: 'POST', body })
export const approveAlert = (tenant: string, id: string) => api<Alert>(`/api/t/${tenant}/alerts/${id}/approve`, { method: 'POST' })
export const cancelAlert = (tenant: string, id: string, note?: string) =>
  api<Alert>(`/api/t/${tenant}/alerts/${id}/cancel`, { method: 'POST', body: note ? { note } : {} })
export const updateAlert = (tenant: string, id: string, body: UpdateInput) => api<Alert>(`/api/t/${tenant}/alerts/${id}/update`, { method: 'POST', body })
export const fetchTemplates = (tenant: string) => api<Page<AlertTemplate>>(`/api/t/${tenant}/alerts/templates?limit=200`)
export const saveTemplate = (tenant: string, body: TemplateInput, id?: string) =>
  api<AlertTemplate>(`/api/t/${tenant}/alerts/templates${id ? `/${id}` : ''}`, { method: id ? 'PUT' : 'POST', body })
export const deleteTemplate = (tenant: string, id: string) => api<void>(`/api/t/${tenant}/alerts/templates/${id}`, { method: 'DELETE' })
export const capXmlUrl = (tenant: string, identifier: string) => `/cap/${tenant}/alerts/${identifier}.xml`

export type RegionFeature = GeoJSON.Feature<GeoJSON.Geometry, Region>

/** The tenant's kecamatan and kelurahan/desa with their boundaries. */
export async function fetchRegions(tenant: string): Promise<RegionFeature[]> {
  return (await api<{ features: RegionFeature[] }>(`/api/t/${tenant}/regions`)).features
}

/** The tenant's kelurahan/desa, by name, for pickers. */
export async function fetchKelurahan(tenant: string): Promise<Region[]> {
  const fc = await api<{ features: { properties: Region }[] }>(`/api/t/${tenant}/regions`)
  return fc.features
    .map((f) => f.properties)
    .filter((r) => r.level === 'kelurahan' || r.level === 'desa')
    .sort((a, b) => a.name.localeCompare(b.name))
}

export const subscribeEmail = (tenant: string, kelurahan: string, email: string) =>
  api<{ isConfirmed: boolean }>(`/api/t/${tenant}/subscriptions`, { method: 'POST', body: { kelurahan, channel: 'email', email } })

/** Ends a subscription with the token of its unsubscribe link. */
export const unsubscribe = (tenant: string, token: string) => api<void>(`/api/t/${tenant}/subscriptions/unsubscribe`, { method: 'POST', body: { token } })

/** Opens the confirmation link an e-mail subscriber received. */
export const confirmSubscription = (tenant: string, token: string) => api<void>(`/api/t/${tenant}/subscriptions/confirm`, { method: 'POST', body: { token } })

// The push worker lives at the web root (web/public) so that its scope covers the public portal.
const PUSH_WORKER = '/alerts-sw.js'

/** Whether this browser can receive Web Push at all (service workers, push, notifications). */
export const canPush = () => 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window

function keyBytes(base64url: string): Uint8Array<ArrayBuffer> {
  const raw = atob(
    base64url
      .replace(/-/g, '+')
      .replace(/_/g, '/')
      .padEnd(Math.ceil(base64url.length / 4) * 4, '='),
  )
  return Uint8Array.from(raw, (c) => c.charCodeAt(0))
}

/** Asks for notification permission, subscribes this browser with the server's VAPID key and registers it for a kelurahan. */
export async function subscribePush(tenant: string, kelurahan: string, language: string) {
  if ((await Notification.requestPermission()) !== 'granted') throw new Error('notifications-denied')
  await navigator.serviceWorker.register(PUSH_WORKER, { scope: '/p/' })
  const registration = await navigator.serviceWorker.ready
  const { publicKey } = await api<{ publicKey: string }>(`/api/t/${tenant}/subscriptions/push-key`)
  const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(publicKey) })
  const push = subscription.toJSON() as { endpoint: string; keys: { p256dh: string; auth: string } }
  return api<{ unsubscribeToken: string }>(`/api/t/${tenant}/subscriptions`, {
    method: 'POST',
    body: { kelurahan, channel: 'push', push: { endpoint: push.endpoint, keys: push.keys }, language: language === 'en' ? 'en' : 'id' },
  })
}
