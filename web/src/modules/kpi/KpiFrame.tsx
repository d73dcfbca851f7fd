import { type ReactNode, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { ApiError, api, type Role, type Tenant } from '../../app/api.ts'
import { useAuth } from '../../app/auth.tsx'
import { rolesIn, StaffNav } from '../../app/StaffNav.tsx'

export interface KpiContext {
  tenant: Tenant
  roles: Set<Role>
}

/** A KPI page: the tenant, the person's roles, the header with the staff menu; login on 401. */
export function KpiFrame({ title, children }: { title: string; children: (ctx: KpiContext) => ReactNode }) {
  const { t } = useTranslation()
  const { tenant: code = '' } = useParams()
  const { me } = useAuth()
  const navigate = useNavigate()
  const [tenant, setTenant] = useState<Tenant | null>(null)
  useEffect(() => {
    if (me === null) navigate('/login')
  }, [me, navigate])
  useEffect(() => {
    api<Tenant>(`/api/t/${code}`).then(setTenant, (err: unknown) => {
      if (err instanceof ApiError && err.status === 401) navigate('/login')
    })
  }, [code, navigate])
  if (!tenant || !me) return <main className="loading">…</main>
  return (
    <div className="kpi-page">
      <header className="console-top">
        <div className="title">
          <Link className="brand" to={`/t/${tenant.code}/console`}>
            {t('app.name')}
          </Link>
          <h1>
            {title} · {tenant.name}
          </h1>
        </div>
        <StaffNav tenant={tenant.code} parent={tenant.parent} />
      </header>
      {children({ tenant, roles: rolesIn(me, tenant.code, tenant.parent) })}
    </div>
  )
}
