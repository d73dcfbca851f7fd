import { type ReactNode, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router-dom'
import { ApiError, api, type Tenant } from '../../app/api.ts'
import { useAuth } from '../../app/auth.tsx'
import { StaffNav } from '../../app/StaffNav.tsx'
import { TenantLive } from '../../app/TenantLive.tsx'

/** A staff page of e-Retribusi: the tenant, the staff menu and live events; login on 401. */
export function LevyFrame({ title, children }: { title: string; children: (tenant: Tenant) => ReactNode }) {
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
    <TenantLive tenant={tenant.code}>
      <div className="levy-page">
        <header className="console-top no-print">
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
        {children(tenant)}
      </div>
    </TenantLive>
  )
}
