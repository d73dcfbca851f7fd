import { type ReactNode, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { ApiError, api, type Role, type Tenant } from '../../app/api.ts'
import { useAuth } from '../../app/auth.tsx'
import { rolesIn, StaffNav } from '../../app/StaffNav.tsx'
import { TenantLive } from '../../app/TenantLive.tsx'
import { cached } from './outbox.ts'

/** A staff page of this module: the tenant (cached for the field phone), the roles, the staff menu, live events; login on 401. */
export function StaffFrame({ title, children }: { title: string; children: (tenant: Tenant, roles: Set<Role>) => ReactNode }) {
  const { t } = useTranslation()
  const { tenant: code = '' } = useParams()
  const { me } = useAuth()
  const navigate = useNavigate()
  const [tenant, setTenant] = useState<Tenant | null>(null)
  useEffect(() => {
    if (me === null) navigate('/login')
  }, [me, navigate])
  useEffect(() => {
    cached(`tenant:${code}`, () => api<Tenant>(`/api/t/${code}`)).then(
      (r) => setTenant(r.value),
      (err: unknown) => {
        if (err instanceof ApiError && err.status === 401) navigate('/login')
      },
    )
  }, [code, navigate])
  if (!tenant || !me) return <main className="loading">…</main>
  return (
    <TenantLive tenant={tenant.code}>
      <div className="patrols-page">
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
        {children(tenant, rolesIn(me, tenant.code, tenant.parent))}
      </div>
    </TenantLive>
  )
}
