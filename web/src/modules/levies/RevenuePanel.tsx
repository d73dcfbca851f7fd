import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import { ApiError } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { PanelProps } from '../../app/modules.ts'
import { fetchRevenue, type Revenue, rupiah } from './api.ts'

/** Today's levy collection on the console: realisation, cashless share and arrears per market, live. */
export function RevenuePanel({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [revenue, setRevenue] = useState<Revenue | null>(null)
  const [hidden, setHidden] = useState(false)
  const load = useCallback(() => {
    fetchRevenue(tenant.code).then(setRevenue, (err: unknown) => {
      // People without a levy role (dispatchers, field crews) simply do not get the panel.
      if (err instanceof ApiError && err.status === 403) setHidden(true)
    })
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['levies'], (e) => {
    if (e.type === 'levy.payment_recorded') load()
  })
  if (hidden || !revenue) return null
  const money = (n: number) => rupiah(n, i18n.language)
  return (
    <section className="levy-revenue" data-testid="levy-revenue">
      <h2>{t('levies.revenue.title')}</h2>
      <div className="levy-figures">
        <div>
          <span className="muted">{t('levies.revenue.total')}</span>
          <strong data-testid="levy-total">{money(revenue.total)}</strong>
          <span className="muted">{t('levies.revenue.payments', { count: revenue.payments })}</span>
        </div>
        <div>
          <span className="muted">{t('levies.revenue.cashless')}</span>
          <strong data-testid="levy-cashless-share">{Math.round(revenue.cashlessShare * 100)}%</strong>
          <span className="muted">{money(revenue.cashless)}</span>
        </div>
      </div>
      <table className="levy-table compact">
        <thead>
          <tr>
            <th>{t('levies.revenue.market')}</th>
            <th>{t('levies.revenue.total')}</th>
            <th>{t('levies.revenue.arrears')}</th>
          </tr>
        </thead>
        <tbody>
          {revenue.markets.map((m) => (
            <tr key={m.id}>
              <td>{m.name}</td>
              <td className="num">{money(m.total)}</td>
              <td className="num">{money(m.arrears)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Link to={`/t/${tenant.code}/levies`}>{t('levies.revenue.open')}</Link>
    </section>
  )
}
