import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { LanguageSwitch } from './LanguageSwitch.tsx'
import { usePublicInfo } from './usePublic.ts'

/** The public front page of the install: the city's name and the way in. */
export function Landing() {
  const { t } = useTranslation()
  const { config, tenants, error } = usePublicInfo()
  const city = tenants.find((x) => x.code === config?.defaultTenant) ?? tenants.find((x) => x.kind !== 'provinsi')
  const others = tenants.filter((x) => x.code !== city?.code)
  return (
    <main className="landing">
      <header className="landing-top">
        <span className="brand">{t('app.name')}</span>
        <LanguageSwitch />
      </header>
      <section className="hero">
        <p className="eyebrow">{t('app.tagline')}</p>
        <h1 data-testid="city-name">{city ? t('landing.title', { city: city.name }) : (error ?? t('landing.loading'))}</h1>
        <p className="lead">{t('landing.lead')}</p>
        <div className="actions">
          {city && (
            <Link className="button primary" to={`/p/${city.code}`} data-testid="portal-link">
              {t('landing.portal')}
            </Link>
          )}
          <Link className="button" to="/login" data-testid="login-link">
            {t('landing.login')}
          </Link>
        </div>
      </section>
      {others.length > 0 && (
        <section className="others">
          <h2>{t('landing.other')}</h2>
          <ul>
            {others.map((x) => (
              <li key={x.code}>
                {x.kind === 'provinsi' ? x.name : <Link to={`/p/${x.code}`}>{x.name}</Link>} <span className="code">{x.code}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}
