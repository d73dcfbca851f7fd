/** The API's error shape: `{error:{code,message,details}}`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message)
  }
}

interface ErrorBody {
  error?: { code?: string; message?: string; details?: Record<string, unknown> }
}

/**
 * Announces that the server no longer knows this browser's session (it expired, or was ended elsewhere): any
 * 401 except a refused login. The auth context listens and sends the person back to the login page.
 */
export const sessionEnded = new EventTarget()

/**
 * A POST to a tenant's API carries an Idempotency-Key and is sent once more, with the same key, when the connection
 * dropped before an answer came: the server answers the retry with the first answer instead of doing it twice.
 */
async function send(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal }): Promise<Response> {
  const method = init.method ?? 'GET'
  const headers: Record<string, string> = init.body === undefined ? {} : { 'content-type': 'application/json' }
  const retried = method === 'POST' && path.startsWith('/api/t/')
  if (retried) headers['idempotency-key'] = crypto.randomUUID()
  const request = () =>
    fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
    })
  try {
    return await request()
  } catch (err) {
    if (!retried || init.signal?.aborted) throw err
    return request()
  }
}

export async function api<T>(path: string, init: { method?: string; body?: unknown; signal?: AbortSignal } = {}): Promise<T> {
  const res = await send(path, init)
  if (res.status === 204) return undefined as T
  const text = await res.text()
  const parsed: unknown = text ? JSON.parse(text) : undefined
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/auth/login') sessionEnded.dispatchEvent(new Event('ended'))
    const error = (parsed as ErrorBody | undefined)?.error
    throw new ApiError(res.status, error?.code ?? 'unknown', error?.message ?? res.statusText, error?.details)
  }
  return parsed as T
}

export type Role = 'admin' | 'operator' | 'dispatcher' | 'agency_officer' | 'field_crew' | 'patrol_officer' | 'collector' | 'executive'

/** The roles in the order they are named to people. */
export const ROLE_ORDER: Role[] = ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'patrol_officer', 'collector', 'executive']

export interface Me {
  id: string
  username: string
  name: string
  tenant: string
  isPlatformAdmin: boolean
  grants: { tenant: string; roles: Role[] }[]
}

export interface Tenant {
  code: string
  name: string
  kind: 'provinsi' | 'kota' | 'kabupaten'
  parent: string | null
  timezone: string
  bbox: [number, number, number, number] | null
}

export interface PlatformConfig {
  defaultTenant: string
  mapStyleUrl: string | null
  /** Styles over the basemap the server holds, or null without one. */
  basemap: { dark: string; light: string } | null
  languages: string[]
}

export interface Page<T> {
  items: T[]
  total: number
  next: string | null
}

export interface KendaliEvent {
  seq: number
  tenant: string
  topic: string
  type: string
  entity: string | null
  actor: string | null
  at: string
  data: Record<string, unknown>
  /** Passed on live, never stored in the log (positions); `seq` is 0. */
  volatile?: true
}
