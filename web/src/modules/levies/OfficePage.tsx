import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { usePermitted } from '../../app/auth.tsx'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  type Arrears,
  type Bill,
  type CollectorDay,
  fetchArrears,
  fetchBills,
  fetchDays,
  fetchPayments,
  fetchTariffs,
  generateBills,
  type Payment,
  rupiah,
  type Tariff,
} from './api.ts'
import { LevyTable } from './LevyTable.tsx'
import { MarketsTab } from './MarketsTab.tsx'
import { useLoad } from './useLoad.ts'
import { TariffForm, VendorsTab } from './VendorsTab.tsx'

const TABS = ['markets', 'vendors', 'bills', 'payments', 'arrears', 'tariffs', 'days'] as const
type Tab = (typeof TABS)[number]

function currentPeriod(timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit' }).format(new Date())
}

/** Today in the tenant's zone, as `YYYY-MM-DD`. */
function currentDate(timezone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date())
}

function Office({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [tab, setTab] = useState<Tab>('markets')
  const [period, setPeriod] = useState(currentPeriod(tenant.timezone))
  const [by, setBy] = useState<'market' | 'vendor'>('market')
  const [message, setMessage] = useState<string | null>(null)
  const money = (n: number) => rupiah(n, i18n.language)
  const code = tenant.code
  const [bills, reloadBills] = useLoad<Bill[]>(`${code}:${period}`, () => fetchBills(code, `period=${period}&limit=500`).then((p) => p.items))
  const [payDate, setPayDate] = useState(currentDate(tenant.timezone))
  const [payments, reloadPayments] = useLoad<Payment[]>(`${code}:${payDate}`, () => fetchPayments(code, payDate).then((p) => p.items))
  const [arrears] = useLoad<Arrears[]>(`${code}:${by}`, () => fetchArrears(code, by).then((p) => p.items))
  const [tariffs, reloadTariffs] = useLoad<Tariff[]>(code, () => fetchTariffs(code).then((p) => p.items))
  // Collectors' days are the OPD's to oversee: an executive reads the money, not the days (no tab, no refused call).
  const mayReadDays = usePermitted(code)?.has('levies.collector_day.read') ?? false
  const tabs = TABS.filter((name) => name !== 'days' || mayReadDays)
  const [days, reloadDays] = useLoad<CollectorDay[]>(`${code}:${mayReadDays}`, () => (mayReadDays ? fetchDays(code).then((p) => p.items) : Promise.resolve([])))
  useLiveEvents(['levies'], (e) => {
    if (e.type === 'levy.payment_recorded') {
      reloadPayments()
      reloadBills()
    }
    if (e.type === 'levy.bills_generated') reloadBills()
    if (e.type.startsWith('levy.collector_day')) reloadDays()
  })
  async function generate() {
    try {
      await generateBills(code, period)
      setMessage(t('levies.office.queued', { period }))
    } catch (err) {
      setMessage(problemText(err))
    }
  }
  return (
    <main className="page levy-office">
      <nav className="levy-tabs">
        {tabs.map((name) => (
          <button key={name} type="button" className={`button${tab === name ? ' primary' : ''}`} onClick={() => setTab(name)}>
            {t(`levies.office.${name}`)}
          </button>
        ))}
      </nav>
      {tab === 'markets' && <MarketsTab tenant={tenant} />}
      {tab === 'bills' && (
        <>
          <div className="levy-toolbar">
            <label>
              {t('levies.office.period')} <input type="month" value={period} onChange={(e) => setPeriod(e.target.value)} />
            </label>
            <button type="button" className="button" onClick={generate}>
              {t('levies.office.generate')}
            </button>
            {message && <span>{message}</span>}
          </div>
          <LevyTable
            head={[
              t('levies.office.number'),
              t('levies.office.vendor'),
              t('levies.office.stall'),
              t('levies.office.amount'),
              t('levies.office.sanction'),
              t('levies.office.outstanding'),
              t('levies.office.due'),
            ]}
            empty={t('levies.office.none')}
          >
            {(bills ?? []).map((b) => (
              <tr key={b.number}>
                <td>{b.number}</td>
                <td>{b.vendor.name}</td>
                <td>
                  {b.market.name} {b.stall.code}
                </td>
                <td className="num">{money(b.amount)}</td>
                <td className="num">{money(b.sanction)}</td>
                <td className={`num${b.isOverdue ? ' levy-overdue' : ''}`}>{b.status === 'paid' ? t('levies.status.paid') : money(b.outstanding)}</td>
                <td>{b.dueOn}</td>
              </tr>
            ))}
          </LevyTable>
        </>
      )}
      {tab === 'payments' && (
        <>
          <div className="levy-toolbar">
            <label>
              {t('levies.office.date')}{' '}
              <input
                type="date"
                value={payDate}
                max={currentDate(tenant.timezone)}
                onChange={(e) => e.target.value && setPayDate(e.target.value)}
                data-testid="levy-pay-date"
              />
            </label>
          </div>
          <LevyTable
            head={[t('levies.office.receipt'), t('levies.office.number'), t('levies.office.method'), t('levies.office.amount'), t('levies.office.time')]}
            empty={t('levies.office.none')}
          >
            {(payments ?? []).map((p) => (
              <tr key={p.receipt}>
                <td>
                  <Link to={`/t/${code}/levies/receipts/${p.receipt}`}>{p.receipt}</Link>
                </td>
                <td>{p.billNumber}</td>
                <td>{t(`levies.method.${p.method}`)}</td>
                <td className="num">{money(p.amount)}</td>
                <td>{formatTime(p.paidAt, tenant.timezone, i18n.language)}</td>
              </tr>
            ))}
          </LevyTable>
        </>
      )}
      {tab === 'arrears' && (
        <>
          <div className="levy-toolbar">
            <button type="button" className={`button${by === 'market' ? ' primary' : ''}`} onClick={() => setBy('market')}>
              {t('levies.office.byMarket')}
            </button>
            <button type="button" className={`button${by === 'vendor' ? ' primary' : ''}`} onClick={() => setBy('vendor')}>
              {t('levies.office.byVendor')}
            </button>
          </div>
          <LevyTable
            head={['', t('levies.office.bills_count'), t('levies.office.outstanding'), '1–30', '31–60', '61–90', '> 90']}
            empty={t('levies.office.none')}
          >
            {(arrears ?? []).map((a) => (
              <tr key={a.key.id}>
                <td>{a.key.name}</td>
                <td className="num">{a.bills}</td>
                <td className="num">{money(a.outstanding)}</td>
                <td className="num">{money(a.buckets.d1_30)}</td>
                <td className="num">{money(a.buckets.d31_60)}</td>
                <td className="num">{money(a.buckets.d61_90)}</td>
                <td className="num">{money(a.buckets.over_90)}</td>
              </tr>
            ))}
          </LevyTable>
        </>
      )}
      {tab === 'vendors' && <VendorsTab tenant={code} />}
      {tab === 'tariffs' && <TariffForm tenant={code} onAdded={reloadTariffs} />}
      {tab === 'tariffs' && (
        <LevyTable
          head={[t('levies.office.kind'), t('levies.office.class'), t('levies.office.rate'), t('levies.office.from'), t('levies.office.legalBasis')]}
          empty={t('levies.office.none')}
        >
          {(tariffs ?? []).map((x) => (
            <tr key={x.id}>
              <td>{t(`levies.kind.${x.kind}`)}</td>
              <td>{x.class}</td>
              <td className="num">
                {money(x.rate)} {t(`levies.basis.${x.basis}`)}
              </td>
              <td>{x.effectiveFrom}</td>
              <td>{x.legalBasis}</td>
            </tr>
          ))}
        </LevyTable>
      )}
      {tab === 'days' && (
        <LevyTable
          head={[
            t('levies.office.collector'),
            t('levies.office.opened'),
            t('levies.office.deposit'),
            t('levies.office.cash'),
            t('levies.office.difference'),
            '',
          ]}
          empty={t('levies.office.none')}
        >
          {(days ?? []).map((d) => (
            <tr key={d.id} className={d.status === 'flagged' ? 'levy-flagged' : undefined}>
              <td>{d.collector}</td>
              <td>{formatTime(d.openedAt, tenant.timezone, i18n.language)}</td>
              <td className="num">{d.deposit === null ? '—' : money(d.deposit)}</td>
              <td className="num">{d.cash === null ? '—' : money(d.cash)}</td>
              <td className="num">{d.difference === null ? '—' : money(d.difference)}</td>
              <td>{t(`levies.office.dayStatus.${d.status}`)}</td>
            </tr>
          ))}
        </LevyTable>
      )}
    </main>
  )
}

/** The market office: markets and their stalls, vendors and permits, bill runs, payments, arrears, tariffs and collectors' reconciliation. */
export function OfficePage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('levies.office.title')}>{({ tenant }) => <Office tenant={tenant} />}</StaffFrame>
}
