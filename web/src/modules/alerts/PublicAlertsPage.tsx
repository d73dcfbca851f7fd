import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PanelProps } from '../../app/modules.ts'
import { ActiveAlerts } from './ActiveAlerts.tsx'
import { fetchKelurahan, type Region, subscribeEmail } from './api.ts'

/** Subscribe by e-mail to the warnings of one kelurahan. */
function SubscribeForm({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [regions, setRegions] = useState<Region[]>([])
  const [kelurahan, setKelurahan] = useState('')
  const [email, setEmail] = useState('')
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle')
  useEffect(() => {
    fetchKelurahan(tenant.code).then(setRegions, () => undefined)
  }, [tenant.code])
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    try {
      await subscribeEmail(tenant.code, kelurahan, email)
      setState('done')
    } catch {
      setState('failed')
    }
  }
  if (state === 'done') return <p data-testid="subscribed">{t('alerts.portal.subscribed')}</p>
  return (
    <form className="alert-subscribe" onSubmit={submit}>
      <h2>{t('alerts.portal.subscribeTitle')}</h2>
      <label>
        {t('alerts.portal.kelurahan')}
        <select name="kelurahan" required value={kelurahan} onChange={(e) => setKelurahan(e.target.value)}>
          <option value="" />
          {regions.map((r) => (
            <option key={r.code} value={r.code}>
              {r.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('alerts.portal.email')}
        <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
      </label>
      {state === 'failed' && <p className="error">{t('alerts.portal.failed')}</p>}
      <button type="submit" className="button primary">
        {t('alerts.portal.subscribe')}
      </button>
    </form>
  )
}

/** The public warnings page: list with instructions, map on request, subscribe form. */
export function PublicAlertsPage({ tenant }: PanelProps) {
  return (
    <div className="public-alerts">
      <ActiveAlerts tenant={tenant} withMap />
      <SubscribeForm tenant={tenant} />
    </div>
  )
}
