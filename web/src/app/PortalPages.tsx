import { useTranslation } from 'react-i18next'
import { Link, NavLink, Route, Routes, useParams } from 'react-router-dom'
import { LanguageSwitch } from './LanguageSwitch.tsx'
import { webModules } from './modules.ts'
import { usePublicInfo } from './usePublic.ts'

/** The public portal of one city, /p/:tenant/…: its front page made of the modules' sections, and their public pages. */
export function PortalPages() {
  const { t } = useTranslation()
  const { tenant: code } = useParams()
  const { tenants, error } = usePublicInfo()
  const tenant = tenants.find((x) => x.code === code)
  if (error) return <main className="portal-problem">{error}</main>
  if (tenants.length > 0 && !tenant) return <main className="portal-problem">{t('portal.unknownCity')}</main>
  if (!tenant) return <main className="loading">…</main>
  const links = webModules.flatMap((m) => m.portalNav ?? [])
  return (
    <div className="portal">
      <header className="portal-top">
        <Link to={`/p/${tenant.code}`} className="brand">
          {t('portal.title', { city: tenant.name })}
        </Link>
        <nav aria-label={t('portal.menu')}>
          {links.map((link) => (
            <NavLink key={link.path} to={`/p/${tenant.code}/${link.path}`}>
              {t(link.labelKey)}
            </NavLink>
          ))}
        </nav>
        <LanguageSwitch />
      </header>
      <main className="portal-main">
        <Routes>
          <Route
            index
            element={webModules
              .flatMap((m) => m.portalSections ?? [])
              .sort((a, b) => (a.order ?? 100) - (b.order ?? 100))
              .map(({ id, Component }) => <Component key={id} tenant={tenant} />)}
          />
          {webModules
            .flatMap((m) => m.publicRoutes ?? [])
            .map(({ path, Component }) => (
              <Route key={path} path={path} element={<Component tenant={tenant} />} />
            ))}
          <Route
            path="*"
            element={
              <section className="not-found" data-testid="not-found">
                <p>{t('app.notFound.portal')}</p>
                <Link to={`/p/${tenant.code}`}>{t('app.notFound.portalHome')}</Link>
              </section>
            }
          />
        </Routes>
      </main>
      <footer className="portal-foot">
        <Link to="/login">{t('portal.staff')}</Link>
      </footer>
    </div>
  )
}
