import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { type Receipt, rupiah } from './api.ts'

/** The receipt itself, printable; for staff and for the vendor on the portal. */
export function ReceiptView({ tenant, receipt }: { tenant: Pick<Tenant, 'name' | 'timezone'>; receipt: Receipt }) {
  const { t, i18n } = useTranslation()
  const money = (n: number) => rupiah(n, i18n.language)
  const paidAt = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'id-ID', {
    timeZone: tenant.timezone,
    dateStyle: 'long',
    timeStyle: 'short',
  }).format(new Date(receipt.paidAt))
  const rows: [string, string][] = [
    [t('levies.receipt.number'), receipt.receipt],
    [t('levies.receipt.bill'), receipt.billNumber],
    [t('levies.receipt.period'), receipt.bill.period],
    [t('levies.receipt.vendor'), `${receipt.bill.vendor.name} (${receipt.bill.vendor.code})`],
    [t('levies.receipt.market'), `${receipt.bill.market.name} · ${t(`levies.kind.${receipt.bill.stall.kind}`)} ${receipt.bill.stall.code}`],
    [t('levies.receipt.amount'), money(receipt.amount)],
    [t('levies.receipt.method'), t(`levies.method.${receipt.method}`)],
    [t('levies.receipt.reference'), receipt.reference ?? '—'],
    [t('levies.receipt.time'), paidAt],
    [t('levies.receipt.remaining'), money(receipt.bill.outstanding)],
  ]
  return (
    <article className="levy-receipt" data-testid="levy-receipt">
      <header>
        <p>{tenant.name}</p>
        <h2>{t('levies.receipt.title')}</h2>
      </header>
      <dl>
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <button type="button" className="button no-print" onClick={() => window.print()}>
        {t('levies.receipt.print')}
      </button>
    </article>
  )
}
