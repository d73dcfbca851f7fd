import { lazy, useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, Route, Routes, useNavigate, useParams } from 'react-router-dom'
import { AccountPage } from './AccountPage.tsx'
import { useAuth } from './auth.tsx'
import { PHONE_QUERY, rolePage } from './firstPage.ts'
import { webModules } from './modules.ts'
import { StaffFrame } from './StaffFrame.tsx'
import { rolesIn } from './StaffNav.tsx'

// The console draws the map: MapLibre loads with it, not with the phone pages of the field roles.
const Console = lazy(() => import('./Console.tsx').then((m) => ({ default: m.Console })))

/** `/t/:tenant` alone: the person's role page in that tenant. */
function RolePage() {
  const { tenant = '' } = useParams()
  const { me } = useAuth()
  const navigate = useNavigate()
  useEffect(() => {
    if (me === null) navigate('/login')
    if (!me) return
    // A city's province is the first part of its BPS code (33.71 is in 33).
    const parent = tenant.includes('.') ? tenant.split('.')[0] : null
    void rolePage(tenant, rolesIn(me, tenant, parent), window.matchMedia(PHONE_QUERY).matches).then((path) => navigate(path, { replace: true }))
  }, [me, tenant, navigate])
  return <main className="loading">…</main>
}

/** An address no page answers (an old bookmark, a mistyped link): said so, with the way to the person's own page. */
function NoSuchPage() {
  const { t } = useTranslation()
  const { tenant = '' } = useParams()
  return (
    <StaffFrame title={t('app.notFound.title')}>
      {() => (
        <main className="not-found" data-testid="not-found">
          <p>{t('app.notFound.staff')}</p>
          <Link className="button" to={`/t/${tenant}`}>
            {t('app.notFound.home')}
          </Link>
        </main>
      )}
    </StaffFrame>
  )
}

/** Everything under /t/:tenant/: the console and the modules' own pages (loaded apart from the public pages). */
export function TenantPages() {
  return (
    <Routes>
      <Route index element={<RolePage />} />
      <Route path="console" element={<Console />} />
      <Route path="account" element={<AccountPage />} />
      {webModules
        .flatMap((m) => m.routes ?? [])
        .map(({ path, Component }) => (
          <Route key={path} path={path} element={<Component />} />
        ))}
      <Route path="*" element={<NoSuchPage />} />
    </Routes>
  )
}
