import { type FormEvent, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Page } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { addStall, addStallRange, fetchStalls, type Market, type Stall, type StallKind, updateStall } from './api.ts'
import { KindSelect } from './KindSelect.tsx'
import { LevyTable } from './LevyTable.tsx'
import { useLoad } from './useLoad.ts'

/** The code of number `n` in a range up to `to`, as the server numbers it: `A-`, 7, 20 → `A-07`. */
function codeIn(prefix: string, n: number, to: number): string {
  return `${prefix}${String(n).padStart(String(to).length, '0')}`
}

/** What a stall is, as typed in a form. */
type Shape = { kind: StallKind; class: string; areaM2: string }

/** Kind, class and area, shared by the one-stall and the range forms. */
function StallShape({ shape, onChange }: { shape: Shape; onChange: (s: Shape) => void }) {
  const { t } = useTranslation()
  return (
    <>
      <KindSelect value={shape.kind} onChange={(kind) => onChange({ ...shape, kind })} />
      <label>
        {t('levies.office.class')}
        <input value={shape.class} onChange={(e) => onChange({ ...shape, class: e.target.value })} required pattern="[A-Za-z0-9]{1,5}" size={5} />
      </label>
      <label>
        {t('levies.stalls.area')}
        <input type="number" min={0.01} step={0.01} value={shape.areaM2} onChange={(e) => onChange({ ...shape, areaM2: e.target.value })} required />
      </label>
    </>
  )
}

/** One stall's class, area and whether it is in use, changed in its row. */
function StallRow({ tenant, stall, mayManage, onSaved }: { tenant: string; stall: Stall; mayManage: boolean; onSaved: () => void }) {
  const { t } = useTranslation()
  const [edit, setEdit] = useState<{ class: string; areaM2: string; isActive: boolean } | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  async function save() {
    if (!edit) return
    setProblem(null)
    try {
      await updateStall(tenant, stall.id, { class: edit.class, areaM2: Number(edit.areaM2), isActive: edit.isActive })
      setEdit(null)
      onSaved()
    } catch (err) {
      setProblem(problemText(err))
    }
  }
  return (
    <tr className={stall.isActive ? undefined : 'muted'} data-stall={stall.code}>
      <td>{stall.code}</td>
      <td>{t(`levies.kind.${stall.kind}`)}</td>
      <td>
        {edit ? (
          <input aria-label={t('levies.office.class')} value={edit.class} onChange={(e) => setEdit({ ...edit, class: e.target.value })} size={5} />
        ) : (
          stall.class
        )}
      </td>
      <td className="num">
        {edit ? (
          <input
            aria-label={t('levies.stalls.area')}
            type="number"
            min={0.01}
            step={0.01}
            value={edit.areaM2}
            onChange={(e) => setEdit({ ...edit, areaM2: e.target.value })}
          />
        ) : (
          stall.areaM2
        )}
      </td>
      <td>{stall.vendor ? `${stall.vendor.code} · ${stall.vendor.name}` : '—'}</td>
      <td>
        {edit ? (
          <label>
            <input type="checkbox" checked={edit.isActive} onChange={(e) => setEdit({ ...edit, isActive: e.target.checked })} /> {t('levies.stalls.inUse')}
          </label>
        ) : stall.isActive ? (
          t('levies.stalls.inUse')
        ) : (
          t('levies.stalls.outOfUse')
        )}
        {problem && <span className="error"> {problem}</span>}
      </td>
      <td className="levy-actions">
        {mayManage && !edit && (
          <button type="button" className="button" onClick={() => setEdit({ class: stall.class, areaM2: String(stall.areaM2), isActive: stall.isActive })}>
            {t('levies.markets.edit')}
          </button>
        )}
        {edit && (
          <button type="button" className="button primary" onClick={save}>
            {t('levies.edit.save')}
          </button>
        )}
      </td>
    </tr>
  )
}

/** A market's stalls: find one by code, change it, add one, or add a numbered range at once. */
export function StallsPanel({ tenant, market, onChanged }: { tenant: string; market: Market; onChanged: () => void }) {
  const { t } = useTranslation()
  const [filter, setFilter] = useState('')
  // The cursors of the pages seen so far; the last one is shown.
  const [pages, setPages] = useState<(string | undefined)[]>([undefined])
  const cursor = pages[pages.length - 1]
  const [page, reload] = useLoad<Page<Stall>>(`${tenant}:${market.id}:${filter}:${cursor ?? ''}`, () => fetchStalls(tenant, market.id, filter.trim(), cursor))
  const [one, setOne] = useState<Shape & { code: string }>({ code: '', kind: 'kios', class: '', areaM2: '' })
  const [range, setRange] = useState<Shape & { prefix: string; from: string; to: string }>({
    prefix: '',
    from: '1',
    to: '',
    kind: 'los',
    class: '',
    areaM2: '',
  })
  const [message, setMessage] = useState<{ text: string; isProblem: boolean } | null>(null)
  const changed = () => {
    reload()
    onChanged()
  }
  async function attempt(act: () => Promise<string>) {
    setMessage(null)
    try {
      setMessage({ text: await act(), isProblem: false })
      changed()
    } catch (err) {
      setMessage({ text: problemText(err), isProblem: true })
    }
  }
  const addOne = (e: FormEvent) => {
    e.preventDefault()
    return attempt(async () => {
      const stall = await addStall(tenant, { marketId: market.id, code: one.code, kind: one.kind, class: one.class, areaM2: Number(one.areaM2) })
      setOne({ ...one, code: '' })
      return t('levies.stalls.added', { code: stall.code })
    })
  }
  const from = Number(range.from)
  const to = Number(range.to)
  const isRange = range.to !== '' && Number.isInteger(from) && Number.isInteger(to) && to >= from
  const addRange = (e: FormEvent) => {
    e.preventDefault()
    return attempt(async () => {
      const body = { marketId: market.id, prefix: range.prefix, from, to, kind: range.kind, class: range.class, areaM2: Number(range.areaM2) }
      const result = await addStallRange(tenant, body)
      const taken = result.rejected.map((r) => codeIn(range.prefix, from + r.index, to)).join(', ')
      return result.rejected.length === 0
        ? t('levies.stalls.rangeAdded', { count: result.accepted })
        : t('levies.stalls.rangePartly', { count: result.accepted, taken })
    })
  }
  return (
    <section className="levy-stalls" data-testid="levy-stalls">
      <h2>
        {t('levies.markets.stalls')} · {market.name}
      </h2>
      {market.mayManage && (
        <div className="levy-stall-forms">
          <form className="levy-fields" onSubmit={addOne} data-testid="levy-stall-form">
            <h3>{t('levies.stalls.addOne')}</h3>
            <label>
              {t('levies.stalls.code')}
              <input value={one.code} onChange={(e) => setOne({ ...one, code: e.target.value })} required pattern="[A-Za-z0-9][A-Za-z0-9._\-]{0,29}" />
            </label>
            <StallShape shape={one} onChange={(s) => setOne({ ...one, ...s })} />
            <button type="submit" className="button primary">
              {t('levies.stalls.add')}
            </button>
          </form>
          <form className="levy-fields" onSubmit={addRange} data-testid="levy-stall-range">
            <h3>{t('levies.stalls.addRange')}</h3>
            <label>
              {t('levies.stalls.prefix')}
              <input value={range.prefix} onChange={(e) => setRange({ ...range, prefix: e.target.value })} placeholder="A-" size={6} />
            </label>
            <label>
              {t('levies.stalls.from')}
              <input type="number" min={0} value={range.from} onChange={(e) => setRange({ ...range, from: e.target.value })} required />
            </label>
            <label>
              {t('levies.stalls.to')}
              <input type="number" min={0} value={range.to} onChange={(e) => setRange({ ...range, to: e.target.value })} required />
            </label>
            <StallShape shape={range} onChange={(s) => setRange({ ...range, ...s })} />
            <button type="submit" className="button primary" disabled={!isRange}>
              {isRange
                ? t('levies.stalls.addCodes', { first: codeIn(range.prefix, from, to), last: codeIn(range.prefix, to, to), count: to - from + 1 })
                : t('levies.stalls.add')}
            </button>
          </form>
        </div>
      )}
      {message && (
        <p className={message.isProblem ? 'error' : 'levy-done'} role="status">
          {message.text}
        </p>
      )}
      <div className="levy-toolbar">
        <input
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value)
            setPages([undefined])
          }}
          placeholder={t('levies.stalls.filter')}
          aria-label={t('levies.stalls.filter')}
        />
        <span className="muted">{t('levies.stalls.count', { count: page?.total ?? 0 })}</span>
        <button type="button" className="button" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          {t('levies.office.previous')}
        </button>
        <button
          type="button"
          className="button"
          disabled={!page?.next}
          onClick={() => setPages([...pages, page?.next ?? undefined])}
          data-testid="levy-stalls-next"
        >
          {t('levies.office.next')}
        </button>
      </div>
      <div className="levy-scroll">
        <LevyTable
          head={[t('levies.stalls.code'), t('levies.office.kind'), t('levies.office.class'), t('levies.stalls.area'), t('levies.office.vendor'), '', '']}
          empty={t('levies.office.none')}
        >
          {(page?.items ?? []).map((s) => (
            <StallRow key={s.id} tenant={tenant} stall={s} mayManage={market.mayManage} onSaved={changed} />
          ))}
        </LevyTable>
      </div>
    </section>
  )
}
