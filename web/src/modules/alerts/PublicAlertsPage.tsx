import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PanelProps } from '../../app/modules.ts'
import { ActiveAlerts } from './ActiveAlerts.tsx'
import { canPush, confirmSubscription, fetchKelurahan, type Region, subscribeEmail, subscribePush, unsubscribe } from './api.ts'

/** Subscribe to the warnings of one kelurahan by e-mail or, where the browser can, by notifications in this browser. */
function SubscribeForm({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [channel, setChannel] = useState<'email' | 'push'>('email')
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
      if (channel === 'push') await subscribePush(tenant.code, kelurahan, i18n.language)
      else await subscribeEmail(tenant.code, kelurahan, email)
      setState('done')
    } catch {
      setState('failed')
    }
  }
  if (state === 'done') return <p data-testid="subscribed">{t(channel === 'push' ? 'alerts.portal.subscribedPush' : 'alerts.portal.subscribed')}</p>
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
      {canPush() && (
        <fieldset className="alert-channel">
          <label>
            <input type="radio" name="channel" value="email" checked={channel === 'email'} onChange={() => setChannel('email')} /> {t('alerts.portal.byEmail')}
          </label>
          <label>
            <input type="radio" name="channel" value="push" checked={channel === 'push'} onChange={() => setChannel('push')} /> {t('alerts.portal.byPush')}
          </label>
        </fieldset>
      )}
      {channel === 'email' && (
        <label>
          {t('alerts.portal.email')}
          <input name="email" type="email" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
      )}
      {state === 'failed' && <p className="error">{t('alerts.portal.failed')}</p>}
      <button type="submit" className="button primary">
        {t('alerts.portal.subscribe')}
      </button>
    </form>
  )
}

/** The answer to the confirmation link of an e-mail subscription (`?confirm=`), when the page was opened by one. */
function Confirmation({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [token] = useState(() => new URLSearchParams(window.location.search).get('confirm'))
  const [state, setState] = useState<'pending' | 'confirmed' | 'failed'>('pending')
  useEffect(() => {
    if (token)
      confirmSubscription(tenant.code, token).then(
        () => setState('confirmed'),
        () => setState('failed'),
      )
  }, [tenant.code, token])
  if (!token || state === 'pending') return null
  return (
    <p data-testid="subscription-confirmation" className={state === 'failed' ? 'error' : undefined}>
      {t(state === 'confirmed' ? 'alerts.portal.confirmed' : 'alerts.portal.confirmFailed')}
    </p>
  )
}

/**
 * The unsubscribe link of every warning e-mail (`?unsubscribe=`). It asks before ending the subscription: mail
 * scanners open links, and a person should not lose their warnings because one did.
 */
function Unsubscription({ tenant }: PanelProps) {
  const { t } = useTranslation()
  const [token] = useState(() => new URLSearchParams(window.location.search).get('unsubscribe'))
  const [state, setState] = useState<'asking' | 'done' | 'failed'>('asking')
  if (!token) return null
  if (state !== 'asking')
    return (
      <p data-testid="unsubscribed" className={state === 'failed' ? 'error' : undefined}>
        {t(state === 'done' ? 'alerts.portal.unsubscribed' : 'alerts.portal.unsubscribeFailed')}
      </p>
    )
  const stop = () =>
    unsubscribe(tenant.code, token).then(
      () => setState('done'),
      () => setState('failed'),
    )
  return (
    <p className="alert-unsubscribe">
      {t('alerts.portal.unsubscribeAsk')}{' '}
      <button type="button" className="button" onClick={stop}>
        {t('alerts.portal.unsubscribe')}
      </button>
    </p>
  )
}

/** The public warnings page: list with instructions, map on request, subscribe form. */
export function PublicAlertsPage({ tenant }: PanelProps) {
  return (
    <div className="public-alerts">
      <Confirmation tenant={tenant} />
      <Unsubscription tenant={tenant} />
      <ActiveAlerts tenant={tenant} withMap />
      <SubscribeForm tenant={tenant} />
    </div>
  )
}
