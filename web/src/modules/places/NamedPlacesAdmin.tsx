import { type FormEvent, lazy, Suspense, useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Tenant } from '../../app/api.ts'
import { problemText } from '../../app/problem.ts'
import { StaffFrame } from '../../app/StaffFrame.tsx'
import { formatTime } from '../../app/time.ts'
import {
  addNamedPlace,
  changeNamedPlace,
  fetchNamedPlaces,
  fetchPlaceSources,
  type NamedPlace,
  type NamedPlaceInput,
  type PlaceSource,
  refreshPlaces,
  removeNamedPlace,
} from './api.ts'

const NamedPlaceMap = lazy(() => import('./NamedPlaceMap.tsx').then((m) => ({ default: m.NamedPlaceMap })))

const PAGE_SIZE = 20
// What a city names itself: landmarks, parks, markets, offices, posts… (streets and areas come from the basemap).
const KINDS = [
  'landmark',
  'park',
  'marketplace',
  'place_of_worship',
  'school',
  'hospital',
  'puskesmas',
  'clinic',
  'townhall',
  'police',
  'fire_station',
  'bpbd_post',
  'satpol_pp_post',
  'evacuation_point',
  'building',
]

type Page = { items: NamedPlace[]; total: number; next: string | null }

/** Admin page: the city's own named places and their aliases, paged by name, with a form on the map to add or change one. */
export function NamedPlacesAdmin() {
  const { t } = useTranslation()
  return <StaffFrame title={t('places.admin.title')}>{({ tenant }) => <NamedPlaces tenant={tenant} />}</StaffFrame>
}

function NamedPlaces({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [pages, setPages] = useState<(string | undefined)[]>([undefined])
  const [page, setPage] = useState<Page | null>(null)
  const [editing, setEditing] = useState<NamedPlace | 'new' | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  // What was just saved, said where the person looks (the list, sorted by name, may show it on another page).
  const [saved, setSaved] = useState<string | null>(null)
  const cursor = pages[pages.length - 1]
  const kindLabel = (kind: string) => t(`places.kind.${kind}`, { defaultValue: kind })
  const load = useCallback(() => {
    fetchNamedPlaces(tenant.code, cursor, PAGE_SIZE).then(setPage, (err: unknown) => setProblem(problemText(err)))
  }, [tenant.code, cursor])
  useEffect(load, [load])

  const remove = async (place: NamedPlace) => {
    if (!window.confirm(t('places.admin.confirmRemove', { name: place.name }))) return
    try {
      await removeNamedPlace(tenant.code, place.id)
      setProblem(null)
      // The last place of a later page gone: back to the page before.
      if (page?.items.length === 1 && pages.length > 1) setPages(pages.slice(0, -1))
      else load()
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  return (
    <div className="named-places">
      <p className="muted">{t('places.admin.intro')}</p>
      <div className="named-places-tools">
        <button
          type="button"
          className="button primary"
          onClick={() => {
            setEditing('new')
            setSaved(null)
          }}
          data-testid="named-place-new"
        >
          {t('places.admin.add')}
        </button>
        {page && <span className="muted">{t('places.admin.total', { count: page.total })}</span>}
        {saved && (
          <span className="named-place-saved" role="status">
            {t('places.admin.saved', { name: saved })}
          </span>
        )}
      </div>
      {problem && (
        <p className="error" role="alert" data-testid="named-place-problem">
          {problem}
        </p>
      )}
      {editing && (
        <NamedPlaceForm
          key={editing === 'new' ? 'new' : editing.id}
          tenant={tenant}
          place={editing === 'new' ? null : editing}
          others={(page?.items ?? []).filter((p) => editing === 'new' || p.id !== editing.id)}
          onSaved={(place) => {
            setEditing(null)
            setProblem(null)
            setSaved(place.name)
            load()
          }}
          onCancel={() => setEditing(null)}
        />
      )}
      {page && page.items.length === 0 && pages.length === 1 && <p className="muted">{t('places.admin.empty')}</p>}
      {page && page.items.length > 0 && (
        <table className="named-places-table" data-testid="named-place-table">
          <thead>
            <tr>
              <th>{t('places.admin.name')}</th>
              <th>{t('places.admin.kind')}</th>
              <th>{t('places.admin.aliases')}</th>
              <th>{t('places.admin.changed')}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {page.items.map((p) => (
              <tr key={p.id} data-testid="named-place-row">
                <td className="named-place-name">{p.name}</td>
                <td>{kindLabel(p.kind)}</td>
                <td className={p.aliases.length === 0 ? 'named-place-no-aliases' : undefined}>{p.aliases.join(', ') || '—'}</td>
                <td className="muted">
                  {formatTime(p.updatedAt, tenant.timezone, i18n.language)}
                  {p.updatedBy && ` · ${p.updatedBy}`}
                </td>
                <td className="named-place-actions">
                  <button type="button" className="button small" onClick={() => setEditing(p)}>
                    {t('places.admin.edit')}
                  </button>
                  <button type="button" className="button small" onClick={() => remove(p)}>
                    {t('places.admin.remove')}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {page && (pages.length > 1 || page.next) && (
        <div className="named-places-tools">
          <button type="button" className="button small" disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
            {t('places.admin.previous')}
          </button>
          <span className="muted">{t('places.admin.pageNo', { n: pages.length })}</span>
          <button
            type="button"
            className="button small"
            disabled={!page.next}
            onClick={() => setPages([...pages, page.next ?? undefined])}
            data-testid="named-place-next"
          >
            {t('places.admin.next')}
          </button>
        </div>
      )}
      <PlaceIndex tenant={tenant} />
    </div>
  )
}

/** Adds a named place or changes one: name, kind, aliases (one a line) and the spot, tapped on the map or typed. */
function NamedPlaceForm({
  tenant,
  place,
  others,
  onSaved,
  onCancel,
}: {
  tenant: Tenant
  place: NamedPlace | null
  others: NamedPlace[]
  onSaved: (place: NamedPlace) => void
  onCancel: () => void
}) {
  const { t } = useTranslation()
  const [lon, setLon] = useState(place ? String(place.location.coordinates[0]) : '')
  const [lat, setLat] = useState(place ? String(place.location.coordinates[1]) : '')
  const [problem, setProblem] = useState<string | null>(null)
  const picked: [number, number] | null =
    lon.trim() && lat.trim() && Number.isFinite(Number(lon)) && Number.isFinite(Number(lat)) ? [Number(lon), Number(lat)] : null
  const pick = useCallback((at: [number, number]) => {
    setLon(String(at[0]))
    setLat(String(at[1]))
  }, [])
  const kinds = place && !KINDS.includes(place.kind) ? [place.kind, ...KINDS] : KINDS

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (!picked) {
      setProblem(t('places.admin.pickFirst'))
      return
    }
    const form = new FormData(event.currentTarget)
    const input: NamedPlaceInput = {
      name: String(form.get('name') ?? '').trim(),
      kind: String(form.get('kind') ?? 'landmark'),
      aliases: String(form.get('aliases') ?? '')
        .split('\n')
        .map((a) => a.trim())
        .filter(Boolean),
      location: { type: 'Point', coordinates: picked },
    }
    try {
      onSaved(await (place ? changeNamedPlace(tenant.code, place.id, input) : addNamedPlace(tenant.code, input)))
    } catch (err) {
      setProblem(problemText(err))
    }
  }

  return (
    <form className="named-place-form" onSubmit={submit} data-testid="named-place-form">
      <h2>{place ? t('places.admin.editing', { name: place.name }) : t('places.admin.add')}</h2>
      <div className="named-place-form-grid">
        <div className="named-place-fields">
          <label>
            {t('places.admin.name')}
            <input name="name" required minLength={2} maxLength={200} defaultValue={place?.name ?? ''} placeholder="Alun-alun Kota Magelang" />
          </label>
          <label>
            {t('places.admin.kind')}
            <select name="kind" defaultValue={place?.kind ?? 'landmark'}>
              {kinds.map((k) => (
                <option key={k} value={k}>
                  {t(`places.kind.${k}`, { defaultValue: k })}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('places.admin.aliases')}
            <textarea name="aliases" rows={3} defaultValue={place?.aliases.join('\n') ?? ''} placeholder={t('places.admin.aliasesHint')} />
            <span className="muted">{t('places.admin.aliasesHelp')}</span>
          </label>
          <div className="named-place-point">
            <label>
              {t('places.admin.lon')}
              <input name="lon" inputMode="decimal" value={lon} onChange={(e) => setLon(e.target.value)} required />
            </label>
            <label>
              {t('places.admin.lat')}
              <input name="lat" inputMode="decimal" value={lat} onChange={(e) => setLat(e.target.value)} required />
            </label>
          </div>
          <p className="muted">{t('places.admin.pickHint')}</p>
        </div>
        <Suspense fallback={<div className="named-place-map loading">…</div>}>
          <NamedPlaceMap tenant={tenant} places={others} picked={picked} onPick={pick} />
        </Suspense>
      </div>
      {problem && (
        <p className="error" role="alert" data-testid="named-place-form-problem">
          {problem}
        </p>
      )}
      <div className="named-place-actions">
        <button type="submit" className="button primary">
          {t('places.admin.save')}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          {t('places.admin.cancel')}
        </button>
      </div>
    </form>
  )
}

/** What the search index holds per source, when it was read, and a button to read it again now. */
function PlaceIndex({ tenant }: { tenant: Tenant }) {
  const { t, i18n } = useTranslation()
  const [sources, setSources] = useState<PlaceSource[] | null>(null)
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string | null>(null)
  const load = useCallback(() => {
    fetchPlaceSources(tenant.code).then(
      (r) => setSources(r.items),
      (err: unknown) => setProblem(problemText(err)),
    )
  }, [tenant.code])
  useEffect(load, [load])
  const refresh = async () => {
    setBusy(true)
    try {
      await refreshPlaces(tenant.code)
      setProblem(null)
      load()
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
    }
  }
  return (
    <section className="place-index" data-testid="place-index">
      <h2>{t('places.admin.index')}</h2>
      <p className="muted">{t('places.admin.indexIntro')}</p>
      {sources && sources.length > 0 && (
        <ul>
          {sources.map((s) => (
            <li key={s.source}>
              <strong>{t(`places.admin.source.${s.source}`, { defaultValue: s.source })}</strong>: {s.places.toLocaleString(i18n.language)}{' '}
              <span className="muted">· {formatTime(s.refreshedAt, tenant.timezone, i18n.language)}</span>
            </li>
          ))}
        </ul>
      )}
      {problem && (
        <p className="error" role="alert">
          {problem}
        </p>
      )}
      <button type="button" className="button" onClick={refresh} disabled={busy} data-testid="place-index-refresh">
        {busy ? t('places.admin.refreshing') : t('places.admin.refresh')}
      </button>
    </section>
  )
}
