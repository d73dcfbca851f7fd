import i18n from 'i18next'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import './places.css'
import en from './locales/en.json'
import id from './locales/id.json'

i18n.addResourceBundle('id', 'translation', { places: id }, true, true)
i18n.addResourceBundle('en', 'translation', { places: en }, true, true)

export interface FoundPlace {
  id: string
  kind: string
  name: string
  context: string | null
  location: { type: 'Point'; coordinates: [number, number] }
}

// Typing pauses this long before the server is asked; a caller spelling a street should not cost ten requests.
const DEBOUNCE_MS = 200

/** A place in words: "Jl. Ahmad Yani · Jalan · Kel. Panjang, Kec. Magelang Tengah". */
export function placeLabel(p: FoundPlace, kindLabel: (kind: string) => string): string {
  return [p.name, kindLabel(p.kind), p.context].filter(Boolean).join(' · ')
}

/**
 * One search box for places (streets, POIs, kelurahan, facilities, markets, the city's named places): results as
 * one types, nearest to `near` first, arrow keys and Enter to choose.
 */
export function PlaceSearch({ tenant, near, onPick }: { tenant: string; near?: [number, number] | null; onPick: (place: FoundPlace) => void }) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const [found, setFound] = useState<FoundPlace[] | null>(null)
  const [failed, setFailed] = useState(false)
  const [active, setActive] = useState(0)
  const kindLabel = (kind: string) => t(`places.kind.${kind}`, { defaultValue: t('places.kind.other') })
  const nearLon = near?.[0]
  const nearLat = near?.[1]

  useEffect(() => {
    if (q.trim().length < 2) {
      setFound(null)
      return
    }
    const abort = new AbortController()
    const timer = setTimeout(() => {
      const at = nearLon !== undefined && nearLat !== undefined ? `&lon=${nearLon}&lat=${nearLat}` : ''
      api<{ items: FoundPlace[] }>(`/api/t/${tenant}/places?q=${encodeURIComponent(q.trim())}&limit=8${at}`, { signal: abort.signal }).then(
        (answer) => {
          setFound(answer.items)
          setFailed(false)
          setActive(0)
        },
        (err: unknown) => {
          if ((err as Error).name === 'AbortError') return
          setFound([])
          setFailed(true)
        },
      )
    }, DEBOUNCE_MS)
    return () => {
      clearTimeout(timer)
      abort.abort()
    }
  }, [tenant, q, nearLon, nearLat])

  function choose(place: FoundPlace) {
    onPick(place)
    setQ('')
    setFound(null)
  }

  return (
    <div className="place-search">
      <input
        type="search"
        name="place"
        aria-label={t('places.searchLabel')}
        placeholder={t('places.search')}
        autoComplete="off"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        onKeyDown={(e) => {
          if (!found || found.length === 0) return
          if (e.key === 'ArrowDown') setActive((a) => Math.min(found.length - 1, a + 1))
          else if (e.key === 'ArrowUp') setActive((a) => Math.max(0, a - 1))
          else if (e.key === 'Enter') choose(found[active])
          else if (e.key === 'Escape') setFound(null)
          else return
          e.preventDefault()
        }}
      />
      {found && (
        <ul className="place-results">
          {found.length === 0 && <li className="muted">{failed ? t('places.failed') : t('places.none')}</li>}
          {found.map((p, i) => (
            <li key={p.id}>
              <button type="button" className={i === active ? 'active' : undefined} onClick={() => choose(p)}>
                <strong>{p.name}</strong>
                <span className="muted small">{[kindLabel(p.kind), p.context].filter(Boolean).join(' · ')}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}

export interface PointInWords {
  address: string | null
}

/** The address of a point in words (nearest street, a landmark, kelurahan, kecamatan); null while unknown. */
export function usePointInWords(tenant: string, at: [number, number] | null): string | null {
  const [address, setAddress] = useState<string | null>(null)
  const lon = at?.[0]
  const lat = at?.[1]
  useEffect(() => {
    setAddress(null)
    if (lon === undefined || lat === undefined) return
    const abort = new AbortController()
    api<PointInWords>(`/api/t/${tenant}/places/reverse?lon=${lon}&lat=${lat}`, { signal: abort.signal }).then(
      (answer) => setAddress(answer.address),
      // Without words the coordinates still stand; the form does not depend on this.
      (err: unknown) => {
        if ((err as Error).name !== 'AbortError') console.warn('reverse geocoding failed', err)
      },
    )
    return () => abort.abort()
  }, [tenant, lon, lat])
  return address
}
