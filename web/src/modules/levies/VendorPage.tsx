import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api } from '../../app/api.ts'
import type { PanelProps } from '../../app/modules.ts'
import { type Bill, type Receipt, rupiah } from './api.ts'
import { ReceiptView } from './ReceiptView.tsx'

type VendorBills = { vendor: { code: string; name: string }; bills: (Bill & { receipts: string[] })[] }

/** While a QRIS is shown the page asks every few seconds, for a while, whether the payment has come in. */
const POLL_MS = 5000
const POLL_LIMIT = 120

interface VendorProof {
  vendor: string
  phone: string
}

/** A question to the vendor portal API, the vendor's proof in the body of a POST (never in a URL, which ends up in logs). */
const askPortal = <T,>(tenant: string, path: string, proof: VendorProof) => api<T>(`/api/t/${tenant}/levies/public${path}`, { method: 'POST', body: proof })

/** Vendor self-service: my bills by vendor code and phone, pay by QRIS, see and print my receipts. */
export function VendorPage({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [code, setCode] = useState('')
  const [phone, setPhone] = useState('')
  const [found, setFound] = useState<VendorBills | null>(null)
  // The receipts the bill had when its QRIS was shown: a new one means the QRIS was paid.
  const [qris, setQris] = useState<{ number: string; image: string; receipts: string[]; proof: VendorProof } | null>(null)
  const [receipt, setReceipt] = useState<Receipt | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const proof = (): VendorProof => ({ vendor: code.trim(), phone: phone.trim() })
  const ask = <T,>(path: string, body: VendorProof) => askPortal<T>(tenant.code, path, body)
  const money = (n: number) => rupiah(n, i18n.language)

  async function run<T>(load: () => Promise<T>, then: (value: T) => void) {
    setProblem(null)
    try {
      then(await load())
    } catch (err) {
      setProblem(err instanceof ApiError && err.status === 404 ? t('levies.portal.notFound') : String(err))
    }
  }
  // Polls the vendor's own bills (the same proof as the search, nothing about anyone else) until the QRIS is paid.
  useEffect(() => {
    if (!qris) return
    let polls = 0
    const timer = setInterval(async () => {
      if (++polls > POLL_LIMIT) return clearInterval(timer)
      try {
        const latest = await askPortal<VendorBills>(tenant.code, '/bills', qris.proof)
        const fresh = latest.bills.find((b) => b.number === qris.number)?.receipts.find((r) => !qris.receipts.includes(r))
        if (!fresh) return
        clearInterval(timer)
        setFound(latest)
        setQris(null)
        setReceipt(await askPortal<Receipt>(tenant.code, `/payments/${fresh}`, qris.proof))
      } catch {
        // A failed poll is retried at the next tick.
      }
    }, POLL_MS)
    return () => clearInterval(timer)
  }, [qris, tenant.code])

  const find = (e?: FormEvent) => {
    e?.preventDefault()
    setQris(null)
    setReceipt(null)
    return run(() => ask<VendorBills>('/bills', proof()), setFound)
  }

  return (
    <main className="levy-collect" data-testid="levy-portal">
      <h1>{t('levies.portal.title')}</h1>
      <form className="levy-pay" onSubmit={find}>
        <label>
          {t('levies.portal.code')}
          <input value={code} onChange={(e) => setCode(e.target.value)} required />
        </label>
        <label>
          {t('levies.portal.phone')}
          <input inputMode="tel" value={phone} onChange={(e) => setPhone(e.target.value)} required />
        </label>
        <button type="submit" className="button primary">
          {t('levies.portal.find')}
        </button>
      </form>
      {problem && <p className="error">{problem}</p>}
      {receipt && <ReceiptView tenant={tenant} receipt={receipt} />}
      {found && (
        <section>
          <h2>{found.vendor.name}</h2>
          <ul className="levy-bills">
            {found.bills.map((b) => (
              <li key={b.number} className="levy-bill">
                <div className="levy-bill-head">
                  <strong>{b.number}</strong>
                  <span>
                    {b.market.name} · {b.stall.code} · {b.period}
                  </span>
                  <span className={b.isOverdue ? 'levy-overdue' : 'muted'}>
                    {b.status === 'paid' ? t('levies.status.paid') : `${money(b.outstanding)} · ${t('levies.office.due')} ${b.dueOn}`}
                  </span>
                </div>
                {b.status !== 'paid' && (
                  <button
                    type="button"
                    className="button primary"
                    onClick={() =>
                      run(
                        () => ask<{ imagePng: string }>(`/bills/${b.number}/qris`, proof()),
                        (q) => setQris({ number: b.number, image: q.imagePng, receipts: b.receipts, proof: proof() }),
                      )
                    }
                  >
                    {t('levies.portal.payQris')}
                  </button>
                )}
                {qris?.number === b.number && (
                  <figure className="levy-qris">
                    <img src={`data:image/png;base64,${qris.image}`} alt="QRIS" />
                    <figcaption>{t('levies.collect.qrisHint')}</figcaption>
                    <p className="muted" data-testid="levy-qris-waiting">
                      {t('levies.portal.waiting')}
                    </p>
                    <button type="button" className="button" onClick={() => find()}>
                      {t('levies.portal.check')}
                    </button>
                  </figure>
                )}
                {b.receipts.map((r) => (
                  <button key={r} type="button" className="button" onClick={() => run(() => ask<Receipt>(`/payments/${r}`, proof()), setReceipt)}>
                    {t('levies.portal.receipt', { receipt: r })}
                  </button>
                ))}
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  )
}
