import { type FormEvent, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiError, api, type Page } from '../../app/api.ts'
import { searchVendors, type Vendor } from './api.ts'

type Stall = { id: string; code: string; marketName: string; isActive: boolean; vendor: { id: string } | null }
type Permit = { id: string; stallId: string; startsOn: string; endsOn: string | null }

const message = (err: unknown) => (err instanceof ApiError ? err.message : String(err))

/** The market office's vendors: find one, change name, phone or NIK, grant stalls and end permits early. */
export function VendorsTab({ tenant }: { tenant: string }) {
  const { t } = useTranslation()
  const base = `/api/t/${tenant}/levies`
  const [q, setQ] = useState('')
  const [found, setFound] = useState<Vendor[]>([])
  const [vendor, setVendor] = useState<Vendor | null>(null)
  const [permits, setPermits] = useState<Permit[]>([])
  const [stalls, setStalls] = useState<Stall[]>([])
  const [problem, setProblem] = useState<string | null>(null)
  const [form, setForm] = useState({ name: '', phone: '', nik: '' })
  const [grant, setGrant] = useState({ stallId: '', startsOn: '', endsOn: '' })
  const [endOn, setEndOn] = useState<Record<string, string>>({})

  useEffect(() => {
    api<Page<Stall>>(`${base}/stalls`).then(
      (p) => setStalls(p.items),
      (err) => setProblem(message(err)),
    )
  }, [base])

  async function attempt(act: () => Promise<void>) {
    setProblem(null)
    try {
      await act()
    } catch (err) {
      setProblem(message(err))
    }
  }
  async function choose(v: Vendor) {
    setVendor(v)
    setForm({ name: v.name, phone: v.phone ?? '', nik: '' })
    setPermits((await api<Page<Permit>>(`${base}/permits?vendor=${v.id}`)).items)
  }
  const search = (e: FormEvent) => {
    e.preventDefault()
    return attempt(async () => setFound((await searchVendors(tenant, q)).items))
  }
  const save = (e: FormEvent) => {
    e.preventDefault()
    if (!vendor) return
    // An empty NIK field leaves the NIK as it is: it is shown masked, never sent back.
    const body = { name: form.name, phone: form.phone || null, ...(form.nik ? { nik: form.nik } : {}) }
    return attempt(async () => choose(await api<Vendor>(`${base}/vendors/${vendor.id}`, { method: 'PATCH', body })))
  }
  const letStall = (e: FormEvent) => {
    e.preventDefault()
    if (!vendor) return
    const body = { vendorId: vendor.id, stallId: grant.stallId, startsOn: grant.startsOn, endsOn: grant.endsOn || null }
    return attempt(async () => {
      await api(`${base}/permits`, { method: 'POST', body })
      await choose(await api<Vendor>(`${base}/vendors/${vendor.id}`))
    })
  }
  const end = (permit: Permit) =>
    attempt(async () => {
      await api(`${base}/permits/${permit.id}/end`, { method: 'POST', body: { endsOn: endOn[permit.id] } })
      if (vendor) await choose(await api<Vendor>(`${base}/vendors/${vendor.id}`))
    })
  const stallName = (id: string) => {
    const s = stalls.find((x) => x.id === id)
    return s ? `${s.marketName} · ${s.code}` : id
  }

  return (
    <section className="levy-vendors" data-testid="levy-vendors">
      <form className="levy-pay" onSubmit={search}>
        <input value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('levies.edit.search')} aria-label={t('levies.edit.search')} />
        <button type="submit" className="button">
          {t('levies.edit.find')}
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
      {vendor && (
        <>
          <h2>
            {vendor.code} · {vendor.name}
          </h2>
          <form className="levy-pay" onSubmit={save}>
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
                placeholder={vendor.nik ?? ''}
                value={form.nik}
                onChange={(e) => setForm({ ...form, nik: e.target.value })}
              />
            </label>
            <button type="submit" className="button primary">
              {t('levies.edit.save')}
            </button>
          </form>
          <h3>{t('levies.edit.permits')}</h3>
          <ul className="levy-bills">
            {permits.map((p) => (
              <li key={p.id} className="levy-bill">
                <span>
                  {stallName(p.stallId)} · {p.startsOn} – {p.endsOn ?? '…'}
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
              {t('levies.edit.stall')}
              <select value={grant.stallId} onChange={(e) => setGrant({ ...grant, stallId: e.target.value })} required>
                <option value="" />
                {stalls
                  .filter((s) => s.isActive && !s.vendor)
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
  const [f, setF] = useState({ kind: 'kios', class: '', basis: 'per_m2_day', rate: '', legalBasis: '', effectiveFrom: '' })
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
      <label>
        {t('levies.office.kind')}
        <select value={f.kind} onChange={(e) => setF({ ...f, kind: e.target.value })}>
          {['kios', 'los', 'pelataran', 'lapak'].map((k) => (
            <option key={k} value={k}>
              {t(`levies.kind.${k}`)}
            </option>
          ))}
        </select>
      </label>
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
