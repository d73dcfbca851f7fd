import type { MapLayerMouseEvent } from 'maplibre-gl'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'

// A patrol's area: kecamatan and kelurahan picked from a searchable list or by clicking the map (each click
// toggles the kelurahan under it). A kelurahan counts as covered when it or its kecamatan is picked.

type Regions = GeoJSON.FeatureCollection<GeoJSON.Geometry, { code: string; name: string; level: string; parent: string | null }>

const LEVELS = ['kecamatan', 'kelurahan', 'desa'] as const

export interface Region {
  code: string
  name: string
  level: (typeof LEVELS)[number]
  /** The kecamatan a kelurahan lies in. */
  parent: string | null
}

/** The tenant's kelurahan (and desa, in a kabupaten) boundaries for the map, and every region by name for the list. */
export function useAreaRegions(tenant: string): { kelurahan: Regions | null; regions: Region[] } {
  const [kelurahan, setKelurahan] = useState<Regions | null>(null)
  const [kecamatan, setKecamatan] = useState<Regions | null>(null)
  useEffect(() => {
    const abort = new AbortController()
    const load = (level: string) => api<Regions>(`/api/t/${tenant}/regions?level=${level}`, { signal: abort.signal })
    Promise.all([load('kelurahan'), load('desa')]).then(
      ([k, d]) => setKelurahan({ ...k, features: [...k.features, ...d.features] }),
      () => undefined,
    )
    load('kecamatan').then(setKecamatan, () => undefined)
    return () => abort.abort()
  }, [tenant])
  const regions = useMemo(
    () =>
      [...(kecamatan?.features ?? []), ...(kelurahan?.features ?? [])].map((f) => ({
        code: f.properties.code,
        name: f.properties.name,
        level: LEVELS.find((l) => l === f.properties.level) ?? 'kelurahan',
        parent: f.properties.parent,
      })),
    [kecamatan, kelurahan],
  )
  return { kelurahan, regions }
}

/** The kelurahan on the map, those in the area filled; clicking one toggles it while `isPicking`. */
export function AreaLayer({
  kelurahan,
  area,
  isPicking,
  onToggle,
}: {
  kelurahan: Regions | null
  area: string[]
  isPicking: boolean
  onToggle: (code: string) => void
}) {
  const map = useMap()
  const data = useMemo<GeoJSON.FeatureCollection | null>(
    () =>
      kelurahan && {
        ...kelurahan,
        features: kelurahan.features.map((f) => ({
          ...f,
          properties: { ...f.properties, isInArea: area.includes(f.properties.code) || (f.properties.parent !== null && area.includes(f.properties.parent)) },
        })),
      },
    [kelurahan, area],
  )
  useEffect(() => {
    if (!isPicking) return
    const onClick = (e: MapLayerMouseEvent) => {
      const code = e.features?.[0]?.properties?.code
      if (typeof code === 'string') onToggle(code)
    }
    map.on('click', 'patrol-area-fill', onClick)
    map.getCanvas().style.cursor = 'pointer'
    return () => {
      map.off('click', 'patrol-area-fill', onClick)
      map.getCanvas().style.cursor = ''
    }
  }, [map, isPicking, onToggle])
  return (
    <GeoJsonLayer
      id="patrol-area"
      data={data}
      layers={[
        {
          id: 'patrol-area-fill',
          type: 'fill',
          source: 'patrol-area',
          paint: { 'fill-color': ['case', ['get', 'isInArea'], '#7c3aed', '#94a3b8'], 'fill-opacity': ['case', ['get', 'isInArea'], 0.35, 0.05] },
        },
        {
          id: 'patrol-area-line',
          type: 'line',
          source: 'patrol-area',
          paint: { 'line-color': ['case', ['get', 'isInArea'], '#7c3aed', '#94a3b8'], 'line-width': ['case', ['get', 'isInArea'], 2, 0.5] },
        },
      ]}
    />
  )
}

const MAX_MATCHES = 12

/** The area as chips, and a search over kecamatan and kelurahan names and codes to add or remove them. */
export function AreaList({ regions, area, onToggle }: { regions: Region[]; area: string[]; onToggle: (code: string) => void }) {
  const { t } = useTranslation()
  const [query, setQuery] = useState('')
  const byCode = useMemo(() => new Map(regions.map((r) => [r.code, r])), [regions])
  const matches = useMemo(() => {
    const q = query.trim().toLowerCase()
    if (!q) return []
    return regions.filter((r) => r.name.toLowerCase().includes(q) || r.code.startsWith(q)).slice(0, MAX_MATCHES)
  }, [regions, query])
  const label = (r: Region) => `${t(`patrols.plan.levels.${r.level}`)} ${r.name}`
  const regionLabel = (r: Region | undefined) => r && label(r)
  return (
    <div className="area-picker" data-testid="plan-area">
      <ul className="area-chosen">
        {area.map((code) => (
          <li key={code} className="chip active" data-code={code}>
            {regionLabel(byCode.get(code)) ?? code}{' '}
            <button type="button" aria-label={t('patrols.plan.removeArea')} onClick={() => onToggle(code)}>
              ✕
            </button>
          </li>
        ))}
      </ul>
      <input
        type="search"
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        placeholder={t('patrols.plan.searchArea')}
        aria-label={t('patrols.plan.searchArea')}
      />
      {matches.length > 0 && (
        <ul className="area-matches">
          {matches.map((r) => (
            <li key={r.code}>
              <label className="check">
                <input type="checkbox" checked={area.includes(r.code)} onChange={() => onToggle(r.code)} />
                {label(r)} <span className="muted small">{r.code}</span>
              </label>
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
