import { type FormEvent, lazy, Suspense, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router-dom'
import type { PanelProps } from '../../app/modules.ts'
import { problemText } from '../../app/problem.ts'
import { PlaceSearch, usePointInWords } from '../places/PlaceSearch.tsx'
import {
  type Category,
  fetchCategories,
  fetchNearby,
  fetchUpdateChannels,
  label,
  type PublicReport,
  type Reporter,
  type Submitted,
  submitReport,
  supportReport,
  type UpdateChannel,
  uploadCitizenPhoto,
} from './api.ts'

// MapLibre is big: the map loads only when the citizen asks for it.
const PublicMap = lazy(() => import('./PickMap.tsx').then((m) => ({ default: m.PublicMap })))

const MAX_PHOTOS = 3
const PHOTO_TYPES = ['image/jpeg', 'image/png', 'image/webp']

type Outcome = { kind: 'sent'; submitted: Submitted; photoProblems: string[] } | { kind: 'supported'; number: string; supporters: number }

/** The citizen's report form: category, description, place (map or GPS), photos, optional contact, consent. */
export function SubmitPage({ tenant }: PanelProps) {
  const { t, i18n } = useTranslation()
  const [categories, setCategories] = useState<Category[]>([])
  const [category, setCategory] = useState('')
  const [description, setDescription] = useState('')
  const [location, setLocation] = useState<[number, number] | null>(null)
  const [showMap, setShowMap] = useState(false)
  const [locating, setLocating] = useState(false)
  const [address, setAddress] = useState('')
  // The address follows the pin in words until the citizen writes or picks one themselves.
  const [addressOwn, setAddressOwn] = useState(false)
  const inWords = usePointInWords(tenant.code, location)
  useEffect(() => {
    if (inWords && !addressOwn) setAddress(inWords)
  }, [inWords, addressOwn])
  const [photos, setPhotos] = useState<File[]>([])
  const [reporter, setReporter] = useState<Reporter>({})
  const [consent, setConsent] = useState(false)
  // Status updates by chat, on a channel the city offers; the number given is the opt-in for this report.
  const [offered, setOffered] = useState<UpdateChannel[]>([])
  const [updates, setUpdates] = useState<{ channel: UpdateChannel | ''; to: string }>({ channel: '', to: '' })
  const [duplicates, setDuplicates] = useState<(PublicReport & { distanceM: number })[] | null>(null)
  const [problem, setProblem] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const [outcome, setOutcome] = useState<Outcome | null>(null)

  useEffect(() => {
    fetchCategories(tenant.code).then(
      (p) => setCategories(p.items.filter((c) => c.isActive)),
      (err: unknown) => setProblem(String(err)),
    )
  }, [tenant.code])
  useEffect(() => {
    fetchUpdateChannels(tenant.code).then(
      (r) => setOffered(r.channels),
      () => setOffered([]),
    )
  }, [tenant.code])

  function locateByGps() {
    if (!navigator.geolocation) {
      setProblem(t('reports.portal.noGps'))
      return
    }
    setLocating(true)
    navigator.geolocation.getCurrentPosition(
      (p) => {
        setLocating(false)
        setLocation([Number(p.coords.longitude.toFixed(6)), Number(p.coords.latitude.toFixed(6))])
      },
      () => {
        setLocating(false)
        setProblem(t('reports.portal.noGps'))
        setShowMap(true)
      },
      { enableHighAccuracy: true, timeout: 15_000 },
    )
  }

  // A changed category or place needs a fresh look for duplicates.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset on these changes only
  useEffect(() => setDuplicates(null), [category, location])

  function choosePhotos(files: FileList | null) {
    const list = [...(files ?? [])]
    setProblem(list.length > MAX_PHOTOS ? t('reports.portal.too_many_photos') : null)
    setPhotos(list.filter((f) => PHOTO_TYPES.includes(f.type)).slice(0, MAX_PHOTOS))
  }

  const contact = (): Reporter | undefined => {
    const r = Object.fromEntries(Object.entries(reporter).filter(([, v]) => v && String(v).trim())) as Reporter
    return Object.keys(r).length > 0 ? r : undefined
  }

  async function send(checkDuplicates: boolean) {
    if (!location) {
      setProblem(t('reports.portal.locationHint'))
      return
    }
    setProblem(null)
    setBusy(true)
    try {
      if (checkDuplicates) {
        const nearby = await fetchNearby(tenant.code, category, location)
        if (nearby.items.length > 0) {
          setDuplicates(nearby.items)
          return
        }
      }
      const submitted = await submitReport(tenant.code, {
        category,
        description: description.trim(),
        location: { type: 'Point', coordinates: location },
        address: address.trim() || undefined,
        reporter: contact(),
        updates: updates.channel && updates.to.trim() ? { channel: updates.channel, to: updates.to.trim() } : undefined,
        language: i18n.language.startsWith('en') ? 'en' : 'id',
        consent,
      })
      const photoProblems: string[] = []
      for (const photo of photos) {
        try {
          await uploadCitizenPhoto(tenant.code, submitted.code, photo)
        } catch (err) {
          photoProblems.push(t('reports.portal.photoFailed', { name: photo.name, message: problemText(err) }))
        }
      }
      setOutcome({ kind: 'sent', submitted, photoProblems })
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
    }
  }

  async function support(id: string) {
    setBusy(true)
    setProblem(null)
    try {
      const r = await supportReport(tenant.code, id, { reporter: contact(), consent })
      setOutcome({ kind: 'supported', number: r.number, supporters: r.supporters })
    } catch (err) {
      setProblem(problemText(err))
    } finally {
      setBusy(false)
    }
  }

  if (outcome?.kind === 'supported') {
    return (
      <section className="report-result" data-testid="report-supported">
        <p>{t('reports.portal.metooDone', { number: outcome.number, count: outcome.supporters })}</p>
      </section>
    )
  }
  if (outcome?.kind === 'sent') {
    return (
      <section className="report-result" data-testid="report-sent">
        <h1>{t('reports.portal.sentTitle')}</h1>
        <p>{t('reports.portal.sentLead')}</p>
        <p className="tracking-code" data-testid="tracking-code" data-number={outcome.submitted.number}>
          {outcome.submitted.code}
        </p>
        <p className="muted">{outcome.submitted.number}</p>
        {outcome.photoProblems.map((p) => (
          <p key={p} className="error">
            {p}
          </p>
        ))}
        <Link className="button primary" to={`/p/${tenant.code}/reports/track/${outcome.submitted.code}`}>
          {t('reports.portal.trackIt')}
        </Link>
      </section>
    )
  }

  const selected = categories.find((c) => c.code === category)
  return (
    <section className="report-form">
      <h1>{t('reports.portal.submitTitle')}</h1>
      <form
        onSubmit={(e: FormEvent) => {
          e.preventDefault()
          send(true)
        }}
      >
        <label>
          {t('reports.portal.category')}
          <select value={category} onChange={(e) => setCategory(e.target.value)} name="category" required>
            <option value="">{t('reports.portal.chooseCategory')}</option>
            {categories.map((c) => (
              <option key={c.code} value={c.code}>
                {label(c.label, i18n.language)}
              </option>
            ))}
          </select>
        </label>
        {selected?.description && <p className="muted">{selected.description}</p>}
        <label>
          {t('reports.portal.description')}
          <textarea value={description} onChange={(e) => setDescription(e.target.value)} name="description" rows={4} minLength={10} maxLength={4000} required />
          <small className="muted">{t('reports.portal.descriptionHint')}</small>
        </label>
        <fieldset>
          <legend>{t('reports.portal.location')}</legend>
          <p className="muted">{t('reports.portal.locationHint')}</p>
          <PlaceSearch
            tenant={tenant.code}
            near={location}
            onPick={(p) => {
              setLocation(p.location.coordinates)
              setAddress([p.name, p.context].filter(Boolean).join(', '))
              setAddressOwn(true)
              setShowMap(true)
            }}
          />
          <div className="row">
            <button type="button" className="button" onClick={locateByGps} disabled={locating}>
              {locating ? t('reports.portal.locating') : t('reports.portal.useGps')}
            </button>
            {!showMap && (
              <button type="button" className="button" onClick={() => setShowMap(true)} data-testid="show-map">
                {t('reports.portal.showMap')}
              </button>
            )}
          </div>
          {location && <p data-testid="picked">{t('reports.portal.picked', { lat: location[1].toFixed(5), lon: location[0].toFixed(5) })}</p>}
          {showMap && (
            <Suspense fallback={<div className="public-map loading">…</div>}>
              <PublicMap tenant={tenant} picked={location} onPick={setLocation} />
            </Suspense>
          )}
          <label>
            {t('reports.portal.address')}
            <input
              value={address}
              onChange={(e) => {
                setAddress(e.target.value)
                setAddressOwn(e.target.value !== '')
              }}
              name="address"
              maxLength={300}
            />
          </label>
        </fieldset>
        <label>
          {t('reports.portal.photos')}
          <input type="file" name="photos" accept={PHOTO_TYPES.join(',')} multiple onChange={(e) => choosePhotos(e.target.files)} />
        </label>
        <fieldset>
          <legend>{t('reports.portal.contact')}</legend>
          <label>
            {t('reports.portal.name')}
            <input
              value={reporter.name ?? ''}
              onChange={(e) => setReporter({ ...reporter, name: e.target.value })}
              name="name"
              maxLength={120}
              autoComplete="name"
            />
          </label>
          <label>
            {t('reports.portal.phone')}
            <input
              value={reporter.phone ?? ''}
              onChange={(e) => setReporter({ ...reporter, phone: e.target.value })}
              name="phone"
              type="tel"
              inputMode="tel"
              pattern="[0-9+\(\) \-]{6,20}"
              autoComplete="tel"
            />
          </label>
          <label>
            {t('reports.portal.email')}
            <input
              value={reporter.email ?? ''}
              onChange={(e) => setReporter({ ...reporter, email: e.target.value })}
              name="email"
              type="email"
              autoComplete="email"
            />
          </label>
          {offered.length > 0 && (
            <label>
              {t('reports.portal.updatesBy')}
              <select value={updates.channel} onChange={(e) => setUpdates({ ...updates, channel: e.target.value as UpdateChannel | '' })} name="updatesChannel">
                <option value="">{t('reports.portal.updatesNone')}</option>
                {offered.map((c) => (
                  <option key={c} value={c}>
                    {t(`reports.portal.updatesChannel.${c}`)}
                  </option>
                ))}
              </select>
            </label>
          )}
          {updates.channel && (
            <label>
              {t(updates.channel === 'telegram' ? 'reports.portal.updatesChatId' : 'reports.portal.updatesNumber')}
              <input
                value={updates.to}
                onChange={(e) => setUpdates({ ...updates, to: e.target.value })}
                name="updatesTo"
                inputMode={updates.channel === 'telegram' ? 'numeric' : 'tel'}
                required
              />
            </label>
          )}
        </fieldset>
        <label className="consent">
          <input type="checkbox" checked={consent} onChange={(e) => setConsent(e.target.checked)} name="consent" required /> {t('reports.portal.consent')}
        </label>
        {problem && (
          <p className="error" role="alert">
            {problem}
          </p>
        )}
        {duplicates && (
          <div className="report-duplicates" data-testid="duplicates">
            <h2>{t('reports.portal.duplicatesTitle')}</h2>
            <p>{t('reports.portal.duplicatesLead')}</p>
            <ul>
              {duplicates.map((d) => (
                <li key={d.id}>
                  <strong>{d.number}</strong> · {label(d.statusLabel, i18n.language)} · {d.distanceM} m<p>{d.description}</p>
                  <button type="button" className="button primary" disabled={busy} onClick={() => support(d.id)}>
                    {t('reports.portal.metoo')}
                  </button>
                </li>
              ))}
            </ul>
            <button type="button" className="button" disabled={busy} onClick={() => send(false)}>
              {t('reports.portal.newAnyway')}
            </button>
          </div>
        )}
        {!duplicates && (
          <button type="submit" className="button primary" disabled={busy} data-testid="send-report">
            {busy ? t('reports.portal.sending') : t('reports.portal.send')}
          </button>
        )}
      </form>
    </section>
  )
}
