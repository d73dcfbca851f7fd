import { api, type Page } from '../../app/api.ts'

export interface Camera {
  id: string
  name: string
  location: { type: 'Point'; coordinates: [number, number] }
  isPublic: boolean
  views: { snapshot: boolean; mjpeg: boolean; hls: boolean; rtsp: boolean }
  status: 'unknown' | 'online' | 'offline'
  lastSeenAt: string | null
  responseMs: number | null
  /** Share of the last 30 days it answered its checks; null until first checked. */
  uptime30d: number | null
  distanceM?: number
}

export interface CameraAlarm {
  id: string
  cameraId: string
  cameraName: string
  kind: 'offline'
  status: 'active' | 'acknowledged' | 'cleared'
  raisedAt: string
  acknowledgedAt: string | null
  acknowledgedBy: string | null
  clearedAt: string | null
}

export interface CameraSources {
  snapshotUrl: string | null
  mjpegUrl: string | null
  hlsUrl: string | null
  rtspUrl: string | null
  transcode: boolean
}

type SourceField = 'snapshotUrl' | 'mjpegUrl' | 'hlsUrl' | 'rtspUrl'
export type CameraInput = { name: string; isPublic: boolean; transcode: boolean; location: Camera['location'] } & { [K in SourceField]?: string | null }

/** An RTSP camera's remux on the server, for its admins. */
export interface CameraStream {
  cameraId: string
  cameraName: string
  health: 'starting' | 'live' | 'stalled' | 'failed'
  viewers: number
  bitrateKbps: number | null
  codec: string | null
  transcoding: boolean
  startedAt: string
  lastFrameAt: string | null
  error: string | null
}

const base = (tenant: string) => `/api/t/${encodeURIComponent(tenant)}`
export const fetchCameras = (tenant: string) => api<Page<Camera>>(`${base(tenant)}/cameras?limit=1000`)
export const fetchIncidentCameras = (tenant: string, incident: string, limit: number) =>
  api<Page<Camera>>(`${base(tenant)}/incidents/${encodeURIComponent(incident)}/cameras?limit=${limit}`)
export const fetchSources = (tenant: string, id: string) => api<CameraSources>(`${base(tenant)}/cameras/${encodeURIComponent(id)}/sources`)
export const registerCamera = (tenant: string, input: CameraInput) => api<Camera>(`${base(tenant)}/cameras`, { method: 'POST', body: input })
export const updateCamera = (tenant: string, id: string, input: CameraInput) =>
  api<Camera>(`${base(tenant)}/cameras/${encodeURIComponent(id)}`, { method: 'PATCH', body: input })
export const archiveCamera = (tenant: string, id: string) => api<void>(`${base(tenant)}/cameras/${encodeURIComponent(id)}`, { method: 'DELETE' })
export const fetchCameraAlarms = (tenant: string) => api<Page<CameraAlarm>>(`${base(tenant)}/camera-alarms?limit=200`)
export const fetchCameraHistory = (tenant: string, id: string) => api<Page<CameraAlarm>>(`${base(tenant)}/cameras/${encodeURIComponent(id)}/alarms?limit=20`)
export const acknowledgeCameraAlarm = (tenant: string, id: string) =>
  api<CameraAlarm>(`${base(tenant)}/camera-alarms/${encodeURIComponent(id)}/ack`, { method: 'POST' })
export const fetchStreams = (tenant: string) => api<{ max: number; running: number; items: CameraStream[] }>(`${base(tenant)}/camera-streams`)
