import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router-dom'
import type { PanelProps } from '../../app/modules.ts'

/** Asks for a tracking code and opens its page. */
export function TrackForm({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const [code, setCode] = useState('')
  return (
    <form
      className="track-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault()
        if (code.trim()) navigate(`/p/${tenant.code}/reports/track/${encodeURIComponent(code.trim().toUpperCase())}`)
      }}
    >
      <input
        value={code}
        onChange={(e) => setCode(e.target.value)}
        placeholder="ABCD-2345"
        aria-label={t('reports.portal.code')}
        name="code"
        autoCapitalize="characters"
      />
      <button type="submit" className="button primary">
        {t('reports.portal.find')}
      </button>
    </form>
  )
}

/** The portal's front-page block: make a report, or track one by its code. */
export function ReportsSection({ tenant }: PanelProps) {
  const { t } = useTranslation()
  return (
    <section className="reports-section" data-testid="reports-section">
      <h2>{t('reports.portal.sectionTitle')}</h2>
      <p>{t('reports.portal.sectionLead')}</p>
      <p>
        <Link className="button primary" to={`/p/${tenant.code}/reports/new`}>
          {t('reports.portal.submitNow')}
        </Link>{' '}
        <Link to={`/p/${tenant.code}/reports/map`}>{t('reports.portal.nav.map')}</Link>
      </p>
      <h3>{t('reports.portal.trackTitle')}</h3>
      <TrackForm tenant={tenant} />
    </section>
  )
}
