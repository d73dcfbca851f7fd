import { api, type Page, type Role, type Tenant } from '../../app/api.ts'

export const ROLES: Role[] = ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'patrol_officer', 'collector', 'executive']

export interface User {
  id: string
  username: string
  name: string
  tenant: string
  roles: Role[]
  agencies: string[]
  disabled: boolean
  createdAt: string
}

export interface UserInput {
  username?: string
  name?: string
  password?: string
  roles?: Role[]
  agencies?: string[]
  disabled?: boolean
}

export interface Agency {
  id: string
  code: string
  name: string
  shortName: string | null
  createdAt: string
  updatedAt: string
}

export interface AgencyInput {
  code?: string
  name?: string
  shortName?: string | null
}

export interface ApiToken {
  id: string
  name: string
  roles: Role[]
  prefix: string
  createdBy: string | null
  createdAt: string
  expiresAt: string | null
  lastUsedAt: string | null
  /** The OPDs it acts for; null: every OPD its issuer acts for. */
  agencies: string[] | null
  revoked: boolean
}

export interface RegionFeature {
  id: string
  properties: { code: string; name: string; level: string; parent: string | null }
}

export interface ImportResult {
  accepted: number
  rejected: { index: number; code: string; name: string; field: string; message: string }[]
}

export interface TenantInput {
  code: string
  name: string
  kind: Tenant['kind']
  parent?: string
  timeZone: string
}

const base = (tenant: string) => `/api/t/${tenant}`
const query = (params: Record<string, string | undefined>) => {
  const q = new URLSearchParams(Object.entries(params).filter((e): e is [string, string] => Boolean(e[1])))
  return q.size > 0 ? `?${q}` : ''
}

export const fetchUsers = (tenant: string, search: string, cursor?: string) =>
  api<Page<User>>(`${base(tenant)}/users${query({ q: search.trim(), cursor, limit: '25' })}`)
export const createUser = (tenant: string, input: UserInput) => api<User>(`${base(tenant)}/users`, { method: 'POST', body: input })
export const updateUser = (tenant: string, id: string, input: UserInput) => api<User>(`${base(tenant)}/users/${id}`, { method: 'PATCH', body: input })

/** Every live agency of a tenant (a city has tens of OPD, not thousands). */
export const fetchAgencies = (tenant: string) => api<Page<Agency>>(`${base(tenant)}/agencies?limit=1000`)
export const createAgency = (tenant: string, input: AgencyInput) => api<Agency>(`${base(tenant)}/agencies`, { method: 'POST', body: input })
export const updateAgency = (tenant: string, id: string, input: AgencyInput) => api<Agency>(`${base(tenant)}/agencies/${id}`, { method: 'PATCH', body: input })
export const archiveAgency = (tenant: string, id: string) => api<void>(`${base(tenant)}/agencies/${id}`, { method: 'DELETE' })

export const fetchTokens = (tenant: string) => api<Page<ApiToken>>(`${base(tenant)}/tokens`)
export const createToken = (tenant: string, input: { name: string; roles: Role[]; agencies?: string[]; expiresAt?: string }) =>
  api<ApiToken & { token: string }>(`${base(tenant)}/tokens`, { method: 'POST', body: input })
export const revokeToken = (tenant: string, id: string) => api<void>(`${base(tenant)}/tokens/${id}`, { method: 'DELETE' })

export const fetchRegions = (tenant: string) => api<{ features: RegionFeature[] }>(`${base(tenant)}/regions`)
export const importRegions = (tenant: string, collection: unknown) => api<ImportResult>(`${base(tenant)}/regions/import`, { method: 'POST', body: collection })

export const fetchTenants = () => api<Page<Tenant>>('/api/tenants')
export const createTenant = (input: TenantInput) => api<Tenant>('/api/tenants', { method: 'POST', body: input })
export const copyConfig = (tenant: string, from: string) =>
  api<{ from: string; copied: Record<string, number> }>(`${base(tenant)}/config/copy`, { method: 'POST', body: { from } })
