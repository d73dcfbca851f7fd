import { type FormEvent, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, type Page } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { fetchMarkets, type Market, type Stall, type StallKind, searchVendors, type Vendor } from './api.ts'
import { KindSelect } from './KindSelect.tsx'

type Permit = { id: string; stallId: string; startsOn: string; endsOn: string | null; stall: { code: string; marketName: string } }

const message = (err: unknown) => problemText(err)

/** The market office's vendors: find or add one, change name, phone or NIK, grant stalls and end permits early. */
export function VendorsTab({ tenant }: { tenant: string }) {
  const { t } = useTranslation()
  const base = `/api/t/${tenant}/levies`
  const [q, setQ] = useState('')
  const [found, setFound] = useState<Vendor[]>([])
  const [vendor, setVendor] = useState<Vendor | null>(null)
  const [permits, setPermits] = useState<Permit[]>([])
  const [stalls, setStalls] = useState<Stall[]>([])
  const [markets, setMarkets] = useState<Market[]>([])
  const [marketId, setMarketId] = useState('')
  const [problem, setProblem] = useState<string | null>(null)
  const [form, setForm] = useState({ name: '', phone: '', nik: '' })
  // The code of a vendor being added (null: none is being added).
  const [newCode, setNewCode] = useState<string | null>(null)
  const [grant, setGrant] = useState({ stallId: '', startsOn: '', endsOn: '' })
  const [endOn, setEndOn] = useState<Record<string, string>>({})

  useEffect(() => {
    fetchMarkets(tenant).then(
      (m) => {
        // Stalls are let market by market, the caller's own markets first.
        const kept = m.items.filter((x) => x.mayManage)
        setMarkets(kept)
        setMarketId((id) => id || (kept[0]?.id ?? ''))
      },
      (err) => setProblem(message(err)),
    )
  }, [tenant])

  // The chosen market's stalls, for the one to let (a market holds at most a few hundred).
  const loadStalls = useCallback(() => {
    if (!marketId) return
    api<Page<Stall>>(`${base}/stalls?market=${marketId}&limit=1000`).then(
      (s) => setStalls(s.items),
      (err) => setProblem(message(err)),
    )
  }, [base, marketId])
  useEffect(loadStalls, [loadStalls])

  async function attempt(act: () => Promise<void>) {
    setProblem(null)
    try {
      await act()
    } catch (err) {
      setProblem(message(err))
    }
  }
  async function choose(v: Vendor) {
    setNewCode(null)
    setVendor(v)
    setForm({ name: v.name, phone: v.phone ?? '', nik: '' })
    setPermits((await api<Page<Permit>>(`${base}/permits?vendor=${v.id}`)).items)
  }
  const search = (e: FormEvent) => {
    e.preventDefault()
    return attempt(async () => setFound((await searchVendors(tenant, q)).items))
  }
  const startNew = () => {
    setVendor(null)
    setForm({ name: '', phone: '', nik: '' })
    setNewCode('')
  }
  const save = (e: FormEvent) => {
    e.preventDefault()
    // An empty NIK field leaves the NIK as it is: it is shown masked, never sent back.
    const body = { name: form.name, phone: form.phone || null, ...(form.nik ? { nik: form.nik } : {}) }
    if (newCode !== null) return attempt(async () => choose(await api<Vendor>(`${base}/vendors`, { method: 'POST', body: { ...body, code: newCode } })))
    if (!vendor) return
    return attempt(async () => choose(await api<Vendor>(`${base}/vendors/${vendor.id}`, { method: 'PATCH', body })))
  }
  const letStall = (e: FormEvent) => {
    e.preventDefault()
    if (!vendor) return
    const body = { vendorId: vendor.id, stallId: grant.stallId, startsOn: grant.startsOn, endsOn: grant.endsOn || null }
    return attempt(async () => {
      await api(`${base}/permits`, { method: 'POST', body })
      await choose(await api<Vendor>(`${base}/vendors/${vendor.id}`))
      loadStalls()
    })
  }
  const end = (permit: Permit) =>
    attempt(async () => {
      await api(`${base}/permits/${permit.id}/end`, { method: 'POST', body: { endsOn: endOn[permit.id] } })
      if (vendor) await choose(await api<Vendor>(`${base}/vendors/${vendor.id}`))
    })

  return (
    <section className="levy-vendors" data-testid="levy-vendors">
      <form className="levy-pay" onSubmit={search}>
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('levies.edit.search')} aria-label={t('levies.edit.search')} />
        <button type="submit" className="button">
          {t('levies.edit.find')}
        </button>
        <button type="button" className="button" onClick={startNew}>
          {t('levies.edit.newVendor')}
        </button>
      </form>
      <ul className="levy-bills">
        {found.map((v) => (
          <li key={v.id}>
            <button type="button" className="button" onClick={() => attempt(() => choose(v))}>
              {v.code} · {v.name} · {v.nik ?? '—'}
            </button>
          </li>
        ))}
      </ul>
      {problem && <p className="error">{problem}</p>}
      {(vendor || newCode !== null) && (
        <>
          <h2>{vendor ? `${vendor.code} · ${vendor.name}` : t('levies.edit.newVendor')}</h2>
          <form className="levy-pay" onSubmit={save}>
            {newCode !== null && (
              <label>
                {t('levies.edit.code')}
                <input value={newCode} onChange={(e) => setNewCode(e.target.value)} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,29}" />
              </label>
            )}
            <label>
              {t('levies.edit.name')}
              <input value={form.name} onChange={(e) => setForm({ ...form, name: e.target.value })} required minLength={2} />
            </label>
            <label>
              {t('levies.edit.phone')}
              <input inputMode="tel" value={form.phone} onChange={(e) => setForm({ ...form, phone: e.target.value })} />
            </label>
            <label>
              NIK
              <input
                inputMode="numeric"
                pattern="[0-9]{16}"
                placeholder={vendor?.nik ?? ''}
                value={form.nik}
                onChange={(e) => setForm({ ...form, nik: e.target.value })}
              />
            </label>
            <button type="submit" className="button primary">
              {t('levies.edit.save')}
            </button>
          </form>
        </>
      )}
      {vendor && (
        <>
          <h3>{t('levies.edit.permits')}</h3>
          <ul className="levy-bills">
            {permits.map((p) => (
              <li key={p.id} className="levy-bill">
                <span>
                  {p.stall.marketName} · {p.stall.code} · {p.startsOn} – {p.endsOn ?? '…'}
                </span>
                <input
                  type="date"
                  aria-label={t('levies.edit.endOn')}
                  value={endOn[p.id] ?? ''}
                  onChange={(e) => setEndOn({ ...endOn, [p.id]: e.target.value })}
                />
                <button type="button" className="button" disabled={!endOn[p.id]} onClick={() => end(p)}>
                  {t('levies.edit.end')}
                </button>
              </li>
            ))}
          </ul>
          <form className="levy-pay" onSubmit={letStall}>
            <label>
              {t('levies.office.markets')}
              <select
                value={marketId}
                onChange={(e) => {
                  setMarketId(e.target.value)
                  setGrant({ ...grant, stallId: '' })
                }}
              >
                {markets.map((m) => (
                  <option key={m.id} value={m.id}>
                    {m.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              {t('levies.edit.stall')}
              <select value={grant.stallId} onChange={(e) => setGrant({ ...grant, stallId: e.target.value })} required>
                <option value="" />
                {stalls
                  .filter((s) => s.marketId === marketId && s.isActive && !s.vendor)
                  .map((s) => (
                    <option key={s.id} value={s.id}>
                      {s.marketName} · {s.code}
                    </option>
                  ))}
              </select>
            </label>
            <label>
              {t('levies.edit.startsOn')}
              <input type="date" value={grant.startsOn} onChange={(e) => setGrant({ ...grant, startsOn: e.target.value })} required />
            </label>
            <label>
              {t('levies.edit.endsOn')}
              <input type="date" value={grant.endsOn} onChange={(e) => setGrant({ ...grant, endsOn: e.target.value })} />
            </label>
            <button type="submit" className="button primary">
              {t('levies.edit.grant')}
            </button>
          </form>
        </>
      )}
    </section>
  )
}

/** A new tariff version from a date with its legal basis; older versions are never edited. */
export function TariffForm({ tenant, onAdded }: { tenant: string; onAdded: () => void }) {
  const { t } = useTranslation()
  const [f, setF] = useState<{ kind: StallKind; class: string; basis: string; rate: string; legalBasis: string; effectiveFrom: string }>({
    kind: 'kios',
    class: '',
    basis: 'per_m2_day',
    rate: '',
    legalBasis: '',
    effectiveFrom: '',
  })
  const [problem, setProblem] = useState<string | null>(null)
  async function add(e: FormEvent) {
    e.preventDefault()
    setProblem(null)
    try {
      await api(`/api/t/${tenant}/levies/tariffs`, { method: 'POST', body: { ...f, rate: Number(f.rate) } })
      onAdded()
    } catch (err) {
      setProblem(message(err))
    }
  }
  return (
    <form className="levy-pay" onSubmit={add} data-testid="levy-tariff-form">
      <KindSelect value={f.kind} onChange={(kind) => setF({ ...f, kind })} />
      <label>
        {t('levies.office.class')}
        <input value={f.class} onChange={(e) => setF({ ...f, class: e.target.value })} required pattern="[A-Za-z0-9]{1,5}" />
      </label>
      <label>
        {t('levies.office.basis')}
        <select value={f.basis} onChange={(e) => setF({ ...f, basis: e.target.value })}>
          {['per_m2_day', 'flat_day', 'flat_month'].map((b) => (
            <option key={b} value={b}>
              {t(`levies.basis.${b}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('levies.office.rate')}
        <input type="number" min={0} value={f.rate} onChange={(e) => setF({ ...f, rate: e.target.value })} required />
      </label>
      <label>
        {t('levies.office.legalBasis')}
        <input value={f.legalBasis} onChange={(e) => setF({ ...f, legalBasis: e.target.value })} required minLength={5} />
      </label>
      <label>
        {t('levies.office.from')}
        <input type="date" value={f.effectiveFrom} onChange={(e) => setF({ ...f, effectiveFrom: e.target.value })} required />
      </label>
      <button type="submit" className="button primary">
        {t('levies.edit.newTariff')}
      </button>
      {problem && <p className="error">{problem}</p>}
    </form>
  )
}
