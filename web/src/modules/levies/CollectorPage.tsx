import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { Tenant } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import {
  type Bill,
  type CollectorDay,
  closeDay,
  fetchBills,
  fetchDays,
  fetchQris,
  type Method,
  openDay,
  pay,
  rupiah,
  searchVendors,
  type Vendor,
} from './api.ts'

/** The collector's day on the phone: open it, close it with the cash deposited. */
function DayBar({ tenant }: { tenant: string }) {
  const { t, i18n } = useTranslation()
  const [day, setDay] = useState<CollectorDay | null | undefined>(undefined)
  const [deposit, setDeposit] = useState('')
  const [message, setMessage] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchDays(tenant).then(
      (p) => setDay(p.items.find((d) => d.status === 'open') ?? null),
      () => setDay(null),
    )
  }, [tenant])
  useEffect(load, [load])
  if (day === undefined) return null
  if (!day) {
    return (
      <div className="levy-day">
        {message && <p data-testid="day-closed">{message}</p>}
        <button type="button" className="button" onClick={() => openDay(tenant).then(load, (err: unknown) => setMessage(problemText(err)))}>
          {t('levies.collect.dayOpen')}
        </button>
      </div>
    )
  }
  async function close(e: FormEvent) {
    e.preventDefault()
    if (!day) return
    try {
      const closed = await closeDay(tenant, day.id, Number(deposit))
      setMessage(
        t('levies.collect.closed', { status: t(`levies.office.dayStatus.${closed.status}`), difference: rupiah(closed.difference ?? 0, i18n.language) }),
      )
      setDeposit('')
      load()
    } catch (err) {
      setMessage(problemText(err))
    }
  }
  return (
    <form className="levy-day" onSubmit={close}>
      <label>
        {t('levies.collect.deposit')}
        <input inputMode="numeric" value={deposit} onChange={(e) => setDeposit(e.target.value.replace(/[^0-9]/g, ''))} required />
      </label>
      <button type="submit" className="button">
        {t('levies.collect.dayClose')}
      </button>
      {message && <p>{message}</p>}
    </form>
  )
}

/** One open bill with the ways to pay it: cash, card (EDC reference), or a QRIS to scan. */
function BillCard({ tenant, bill, onPaid }: { tenant: string; bill: Bill; onPaid: (receipt: string) => void }) {
  const { t, i18n } = useTranslation()
  const [amount, setAmount] = useState(String(bill.outstanding))
  const [reference, setReference] = useState('')
  const [qris, setQris] = useState<string | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  // Cash is recorded only after the collector has read the amount back: one stray tap records nothing.
  const [confirmCash, setConfirmCash] = useState(false)
  useLiveEvents(['levies'], (e) => {
    if (qris && e.type === 'levy.payment_recorded' && e.data.billNumber === bill.number) onPaid(String(e.data.receipt))
  })
  async function record(method: Method) {
    setProblem(null)
    try {
      const receipt = await pay(tenant, bill.number, { amount: Number(amount), method, reference: method === 'cash' ? undefined : reference })
      onPaid(receipt.receipt)
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  return (
    <li className="levy-bill" data-testid="levy-bill" data-number={bill.number}>
      <div className="levy-bill-head">
        <strong>{bill.number}</strong>
        <span>
          {bill.market.name} · {bill.stall.code} · {bill.period}
        </span>
        <span className={bill.isOverdue ? 'levy-overdue' : 'muted'}>
          {rupiah(bill.outstanding, i18n.language)}
          {bill.sanction > 0 && ` (${t('levies.office.sanction')} ${rupiah(bill.sanction, i18n.language)})`}
        </span>
      </div>
      <div className="levy-pay">
        <label>
          {t('levies.collect.amount')}
          <input inputMode="numeric" value={amount} onChange={(e) => setAmount(e.target.value.replace(/[^0-9]/g, ''))} />
        </label>
        <button type="button" className="button primary" disabled={!Number(amount)} onClick={() => setConfirmCash(true)}>
          {t('levies.collect.payCash')}
        </button>
        {confirmCash && (
          <div className="levy-confirm" role="alertdialog" aria-labelledby={`confirm-${bill.number}`} data-testid="levy-confirm-cash">
            <p id={`confirm-${bill.number}`}>
              {t('levies.collect.confirmCash', { amount: rupiah(Number(amount), i18n.language), vendor: bill.vendor?.name ?? bill.stall.code })}
            </p>
            <button
              type="button"
              className="button primary"
              onClick={() => {
                setConfirmCash(false)
                void record('cash')
              }}
            >
              {t('levies.collect.confirmYes')}
            </button>
            <button type="button" className="button" onClick={() => setConfirmCash(false)}>
              {t('levies.collect.confirmNo')}
            </button>
          </div>
        )}
        <button
          type="button"
          className="button"
          onClick={() =>
            fetchQris(tenant, bill.number).then(
              (q) => setQris(q.imagePng),
              (err: unknown) => setProblem(problemText(err)),
            )
          }
        >
          {t('levies.collect.showQris')}
        </button>
        <label>
          {t('levies.collect.reference')}
          <input value={reference} onChange={(e) => setReference(e.target.value)} />
        </label>
        <button type="button" className="button" disabled={!reference} onClick={() => record('card')}>
          {t('levies.collect.payCard')}
        </button>
      </div>
      {qris && (
        <figure className="levy-qris">
          <img src={`data:image/png;base64,${qris}`} alt="QRIS" data-testid="levy-qris" />
          <figcaption>{t('levies.collect.qrisHint')}</figcaption>
        </figure>
      )}
      {problem && <p className="error">{problem}</p>}
    </li>
  )
}

function Collect({ tenant }: { tenant: Tenant }) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const [vendors, setVendors] = useState<Vendor[]>([])
  const [vendor, setVendor] = useState<Vendor | null>(null)
  const [bills, setBills] = useState<Bill[]>([])
  const [receipt, setReceipt] = useState<string | null>(null)
  const loadBills = useCallback(
    (v: Vendor) =>
      fetchBills(tenant.code, `vendor=${v.id}&status=open&limit=100`).then(
        (p) => setBills(p.items),
        () => setBills([]),
      ),
    [tenant.code],
  )
  async function search(e: FormEvent) {
    e.preventDefault()
    setVendor(null)
    setVendors((await searchVendors(tenant.code, q)).items)
  }
  function choose(v: Vendor) {
    setVendor(v)
    setReceipt(null)
    loadBills(v)
  }
  return (
    <main className="levy-collect">
      <DayBar tenant={tenant.code} />
      <form className="levy-search" onSubmit={search}>
        <input placeholder={t('levies.collect.search')} value={q} onChange={(e) => setQ(e.target.value)} data-testid="levy-search" />
        <button type="submit" className="button">
          🔍
        </button>
      </form>
      {!vendor && (
        <ul className="levy-vendors">
          {vendors.map((v) => (
            <li key={v.id}>
              <button type="button" className="levy-vendor" onClick={() => choose(v)}>
                <strong>{v.name}</strong> <span className="muted">{v.code}</span>
                <span>{v.stalls.map((s) => `${s.marketName} ${s.code}`).join(', ')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      {vendor && (
        <section>
          <h2>
            {vendor.name} <span className="muted">{vendor.code}</span>
          </h2>
          {receipt && (
            <p className="levy-paid" data-testid="levy-paid">
              {t('levies.collect.paid', { receipt })} <Link to={`/t/${tenant.code}/levies/receipts/${receipt}`}>{t('levies.collect.printReceipt')}</Link>
            </p>
          )}
          <h3>{t('levies.collect.openBills')}</h3>
          {bills.length === 0 && <p className="muted">{t('levies.collect.noBills')}</p>}
          <ul className="levy-bills">
            {bills.map((b) => (
              <BillCard
                key={`${b.number}:${b.paid}`}
                tenant={tenant.code}
                bill={b}
                onPaid={(r) => {
                  setReceipt(r)
                  loadBills(vendor)
                }}
              />
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}

/** The collector's page, made for a phone in the market aisle. */
export function CollectorPage() {
  const { t } = useTranslation()
  return <StaffFrame title={t('levies.collect.title')}>{({ tenant }) => <Collect tenant={tenant} />}</StaffFrame>
}
