import { type FormEvent, lazy, Suspense, useCallback, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import {
  type Agency,
  fetchAgencies,
  fetchMarkets,
  fetchOffice,
  fetchTargets,
  type Market,
  type Office,
  rupiah,
  saveMarket,
  setTarget,
  type Target,
} from './api.ts'
import { LevyTable } from './LevyTable.tsx'
import { StallsPanel } from './StallsPanel.tsx'
import { useLoad } from './useLoad.ts'

// MapLibre comes with the form only, never with the rest of the office.
const MarketMap = lazy(() => import('./MarketMap.tsx').then((m) => ({ default: m.MarketMap })))

function yearIn(timezone: string): number {
  return Number(new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric' }).format(new Date()))
}

/** A new market, or the one being changed: name, location (map or typed), managing OPD and this year's target. */
function MarketForm({
  tenant,
  market,
  markets,
  office,
  agencies,
  year,
  target,
  onDone,
}: {
  tenant: Tenant
  market: Market | null
  markets: Market[]
  office: Office
  agencies: Agency[]
  year: number
  target: number | null
  onDone: (saved: Market | null) => void
}) {
  const { t } = useTranslation()
  // An officer gives a market only to their own OPD; an administrator to any.
  const choices = office.managesAll ? agencies : agencies.filter((a) => office.agencies.includes(a.id))
  const [f, setF] = useState({
    code: '',
    name: market?.name ?? '',
    address: market?.address ?? '',
    agencyId: market?.agencyId ?? choices[0]?.id ?? '',
    lon: market ? String(market.location.coordinates[0]) : '',
    lat: market ? String(market.location.coordinates[1]) : '',
    target: target === null ? '' : String(target),
  })
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const picked: [number, number] | null =
    f.lon && f.lat && Number.isFinite(Number(f.lon)) && Number.isFinite(Number(f.lat)) ? [Number(f.lon), Number(f.lat)] : null
  const pick = useCallback((at: [number, number]) => setF((x) => ({ ...x, lon: String(at[0]), lat: String(at[1]) })), [])

  async function submit(e: FormEvent) {
    e.preventDefault()
    setProblem(null)
    if (!picked) {
      setProblem(t('levies.markets.needLocation'))
      return
    }
    setBusy(true)
    try {
      const body: Record<string, unknown> = {
        name: f.name,
        address: f.address || (market ? null : undefined),
        location: { type: 'Point', coordinates: picked },
        agencyId: f.agencyId || null,
      }
      if (!market) body.code = f.code
      const saved = await saveMarket(tenant.code, market?.id ?? null, body)
      if (f.target && Number(f.target) !== target) await setTarget(tenant.code, saved.id, year, Number(f.target))
      onDone(saved)
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
    }
  }

  return (
    <form className="levy-market-form" onSubmit={submit} data-testid="levy-market-form">
      <h2>{market ? `${t('levies.markets.edit')} · ${market.name}` : t('levies.markets.new')}</h2>
      <div className="levy-fields">
        {!market && (
          <label>
            {t('levies.markets.code')}
            <input
              value={f.code}
              onChange={(e) => setF({ ...f, code: e.target.value })}
              required
              pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,29}"
              placeholder="pasar_sore"
            />
          </label>
        )}
        <label>
          {t('levies.markets.name')}
          <input value={f.name} onChange={(e) => setF({ ...f, name: e.target.value })} required minLength={3} maxLength={100} />
        </label>
        <label>
          {t('levies.markets.address')}
          <input value={f.address} onChange={(e) => setF({ ...f, address: e.target.value })} maxLength={300} />
        </label>
        <label>
          {t('levies.markets.agency')}
          <select value={f.agencyId} onChange={(e) => setF({ ...f, agencyId: e.target.value })} required={!office.managesAll}>
            {office.managesAll && <option value="">—</option>}
            {choices.map((a) => (
              <option key={a.id} value={a.id}>
                {a.shortName ?? a.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('levies.markets.lon')}
          <input inputMode="decimal" value={f.lon} onChange={(e) => setF({ ...f, lon: e.target.value })} required />
        </label>
        <label>
          {t('levies.markets.lat')}
          <input inputMode="decimal" value={f.lat} onChange={(e) => setF({ ...f, lat: e.target.value })} required />
        </label>
        <label>
          {t('levies.markets.target', { year })}
          <input type="number" min={1} step={1} value={f.target} onChange={(e) => setF({ ...f, target: e.target.value })} />
        </label>
      </div>
      <p className="hint">{t('levies.markets.tapMap')}</p>
      <Suspense fallback={<div className="levy-market-map loading">…</div>}>
        <MarketMap tenant={tenant} markets={markets.filter((m) => m.id !== market?.id)} picked={picked} onPick={pick} />
      </Suspense>
      {problem && <p className="error">{problem}</p>}
      <div className="levy-toolbar">
        <button type="submit" className="button primary" disabled={busy}>
          {t('levies.edit.save')}
        </button>
        <button type="button" className="button" onClick={() => onDone(null)}>
          {t('levies.markets.cancel')}
        </button>
      </div>
    </form>
  )
}

/** The market office's markets: add and change them, their yearly target, and their stalls. */
export function MarketsTab({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const code = tenant.code
  const year = yearIn(tenant.timezone)
  const [markets, reloadMarkets] = useLoad<Market[]>(code, () => fetchMarkets(code).then((p) => p.items))
  const [office] = useLoad<Office>(code, () => fetchOffice(code))
  const [agencies] = useLoad<Agency[]>(code, () => fetchAgencies(code).then((p) => p.items))
  const [targets, reloadTargets] = useLoad<Target[]>(`${code}:${year}`, () => fetchTargets(code, year).then((p) => p.items))
  // Officers see their own OPD's markets first; they may widen the list to the whole city.
  const [isOnlyMine, setOnlyMine] = useState<boolean | null>(null)
  const [editing, setEditing] = useState<Market | 'new' | null>(null)
  const [stallsOf, setStallsOf] = useState<Market | null>(null)
  if (!markets || !office || !agencies) return <p className="muted">…</p>
  const onlyMine = isOnlyMine ?? !office.managesAll
  const shown = onlyMine ? markets.filter((m) => m.mayManage) : markets
  const agencyName = (id: string | null) => {
    const agency = agencies.find((a) => a.id === id)
    return agency ? (agency.shortName ?? agency.name) : '—'
  }
  const targetOf = (id: string) => targets?.find((x) => x.marketId === id)?.amount ?? null
  const mayAdd = office.managesAll || office.agencies.length > 0
  const done = (saved: Market | null) => {
    setEditing(null)
    if (!saved) return
    reloadMarkets()
    reloadTargets()
    setStallsOf(saved)
  }
  return (
    <section className="levy-markets" data-testid="levy-markets">
      <div className="levy-toolbar">
        {!office.managesAll && (
          <label>
            <input type="checkbox" checked={onlyMine} onChange={(e) => setOnlyMine(e.target.checked)} /> {t('levies.markets.onlyMine')}
          </label>
        )}
        {mayAdd && (
          <button type="button" className="button primary" onClick={() => setEditing('new')}>
            {t('levies.markets.new')}
          </button>
        )}
      </div>
      {editing && (
        <MarketForm
          key={editing === 'new' ? 'new' : editing.id}
          tenant={tenant}
          market={editing === 'new' ? null : editing}
          markets={markets}
          office={office}
          agencies={agencies}
          year={year}
          target={editing === 'new' ? null : targetOf(editing.id)}
          onDone={done}
        />
      )}
      <LevyTable
        head={[
          t('levies.office.markets'),
          t('levies.office.kelurahan'),
          t('levies.markets.agency'),
          t('levies.office.stalls'),
          t('levies.markets.target', { year }),
          '',
        ]}
        empty={t('levies.office.none')}
      >
        {shown.map((m) => {
          const target = targetOf(m.id)
          return (
            <tr key={m.id} data-market={m.code}>
              <td>{m.name}</td>
              <td>{m.kelurahan?.name ?? '—'}</td>
              <td>{agencyName(m.agencyId)}</td>
              <td className="num">{m.stalls}</td>
              <td className="num">{target === null ? t('levies.markets.noTarget') : rupiah(target, i18n.language)}</td>
              <td className="levy-actions">
                {m.mayManage && (
                  <button type="button" className="button" onClick={() => setEditing(m)}>
                    {t('levies.markets.edit')}
                  </button>
                )}
                <button type="button" className="button" onClick={() => setStallsOf(m)}>
                  {t('levies.markets.stalls')}
                </button>
              </td>
            </tr>
          )
        })}
      </LevyTable>
      {stallsOf && <StallsPanel key={stallsOf.id} tenant={code} market={stallsOf} onChanged={reloadMarkets} />}
    </section>
  )
}
