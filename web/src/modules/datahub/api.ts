import { ApiError } from '../../app/api.ts'

export interface Column {
  name: string
  type: 'integer' | 'number' | 'boolean' | 'date' | 'text'
}

export interface Resource {
  id: string
  name: string
  kind: 'file' | 'link' | 'connector'
  url: string | null
  format: string
  columns: Column[]
  version: number | null
  rowCount: number
  hasPoints: boolean
  updatedAt: string
}

export interface Dataset {
  id: string
  name: string
  title: string
  description: string
  organization: { id: string; code: string; name: string } | null
  tags: string[]
  license: string
  frequency: string | null
  temporalCoverage: string | null
  spatialCoverage: string | null
  contact: string | null
  producer: string | null
  steward: string | null
  public: boolean
  resources: Resource[]
  updatedAt: string
}

export interface Version {
  version: number
  filename: string | null
  format: string
  size: number
  rowCount: number
  createdBy: string | null
  createdAt: string
  current: boolean
}

export interface Preview {
  format: string
  columns: Column[]
  rows: Record<string, unknown>[]
  total: number
  points: number
  dialect?: { delimiter: string; decimalComma: boolean }
}

export type ConnectorFormat = 'json' | 'csv' | 'geojson'

export interface Connector {
  id: string
  name: string
  dataset: string
  resourceId: string
  url: string
  format: ConnectorFormat
  rowsPath: string | null
  /** Names only: the values (tokens) stay on the server. */
  headerNames: string[]
  mapping: Record<string, string> | null
  schedule: string
  lastRunAt: string | null
}

export interface Run {
  id: string
  status: 'running' | 'ok' | 'failed'
  rows: number
  bytes: number
  version: number | null
  error: string | null
  startedAt: string
  finishedAt: string | null
  durationMs: number | null
}

/** Sends a file as multipart/form-data (the JSON helper cannot). */
export async function sendFile<T>(path: string, file: File): Promise<T> {
  const form = new FormData()
  form.append('file', file)
  const res = await fetch(path, { method: 'POST', body: form, credentials: 'same-origin' })
  const body = (await res.json()) as T & { error?: { code: string; message: string } }
  if (!res.ok) throw new ApiError(res.status, body.error?.code ?? 'unknown', body.error?.message ?? res.statusText)
  return body
}

export interface Agency {
  id: string
  code: string
  name: string
}

export const datasetBase = (tenant: string, name: string) => `/api/t/${encodeURIComponent(tenant)}/datasets/${encodeURIComponent(name)}`

export type AssetKind = 'wifi' | 'facility' | 'evacuation'
export const ASSET_KINDS: AssetKind[] = ['wifi', 'facility', 'evacuation']
export const ASSET_COLORS: Record<AssetKind, string> = { wifi: '#6366f1', facility: '#0ea5e9', evacuation: '#f97316' }

export interface AssetFeature {
  type: 'Feature'
  id: string
  geometry: { type: 'Point'; coordinates: [number, number] }
  properties: {
    kind: AssetKind
    name: string
    category: string | null
    provider: string | null
    status: 'unknown' | 'up' | 'down'
    address: string | null
    updatedAt: string
    /** Staff only. */
    probeUrl?: string | null
    checkedAt?: string | null
  }
}

export interface ConnectorAlarm {
  id: string
  connectorId: string
  connector: string
  dataset: string
  status: 'active' | 'acknowledged' | 'cleared'
  error: string
  failures: number
  raisedAt: string
  failedAt: string
  acknowledgedBy: string | null
}
