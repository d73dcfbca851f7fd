import { type ReactNode, useEffect, useState } from 'react'
import { useNavigate, useParams } from 'react-router-dom'
import { ApiError, api, type PlatformConfig, type Role, type Tenant } from './api.ts'
import { useAuth } from './auth.tsx'
import { StaffHeader } from './StaffHeader.tsx'
import { rolesIn } from './StaffNav.tsx'
import { TenantLive } from './TenantLive.tsx'

/** Answers fresh data and keeps it; without a network, what it kept last time (a module's offline store). */
export type OfflineCache = <T>(key: string, load: () => Promise<T>) => Promise<{ value: T }>

export interface StaffContext {
  tenant: Tenant
  config: PlatformConfig
  roles: Set<Role>
}

/**
 * A staff page of a module: the tenant, the person's roles, the header with the staff menu, live events; login on 401.
 * With `offline` the tenant and platform config come from that cache when the network is gone (the field phone).
 */
export function StaffFrame({ title, offline, children }: { title: string; offline?: OfflineCache; children: (ctx: StaffContext) => ReactNode }) {
  const { tenant: code = '' } = useParams()
  const { me } = useAuth()
  const navigate = useNavigate()
  const [tenant, setTenant] = useState<Tenant | null>(null)
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  useEffect(() => {
    if (me === null) navigate('/login')
  }, [me, navigate])
  useEffect(() => {
    const load = <T,>(key: string, url: string): Promise<T> => (offline ? offline(key, () => api<T>(url)).then((r) => r.value) : api<T>(url))
    Promise.all([load<Tenant>(`tenant:${code}`, `/api/t/${code}`), load<PlatformConfig>('config', '/api/config')]).then(
      ([tn, cf]) => {
        setTenant(tn)
        setConfig(cf)
      },
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) navigate('/login')
      },
    )
  }, [code, navigate, offline])
  if (!tenant || !config || !me) return <main className="loading">…</main>
  return (
    <TenantLive tenant={tenant.code}>
      <div className="staff-page">
        <StaffHeader tenant={tenant} title={title} />
        {children({ tenant, config, roles: rolesIn(me, tenant.code, tenant.parent) })}
      </div>
    </TenantLive>
  )
}
