import { type MapLayerMouseEvent, Popup } from 'maplibre-gl'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'

interface RegionProperties {
  code: string
  name: string
  level: string
  parent: string | null
}

function useRegions(tenant: string, level: 'kelurahan' | 'kecamatan') {
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null)
  useEffect(() => {
    const abort = new AbortController()
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant}/regions?level=${level}`, { signal: abort.signal }).then(setData, () => undefined)
    return () => abort.abort()
  }, [tenant, level])
  return data
}

// Muted hues, clear of the status and alarm colours other layers use.
const KECAMATAN_TINTS = ['#3b6fd8', '#8a5bd6', '#1d9a8a', '#4b4fc4', '#2a8fb8', '#6a7f9e']

/**
 * Gives each kelurahan the tint of its kecamatan. Kecamatan show as groups along the kelurahan's own edges: the
 * kecamatan boundary dataset is far coarser (7–8 points each in Magelang) and its lines would cut across kelurahan.
 */
function tintByKecamatan(kelurahan: GeoJSON.FeatureCollection): GeoJSON.FeatureCollection {
  const parents = [...new Set(kelurahan.features.map((f) => String(f.properties?.parent)))].sort()
  return {
    ...kelurahan,
    features: kelurahan.features.map((f) => ({
      ...f,
      properties: { ...f.properties, tint: parents.indexOf(String(f.properties?.parent)) % KECAMATAN_TINTS.length },
    })),
  }
}

/** Kelurahan tinted by kecamatan (hover; click for name, code and kecamatan). */
export function KelurahanLayer({ tenant, visible }: MapLayerProps) {
  const map = useMap()
  const { t } = useTranslation()
  const kelurahanData = useRegions(tenant.code, 'kelurahan')
  const kelurahan = useMemo(() => kelurahanData && tintByKecamatan(kelurahanData), [kelurahanData])
  const kecamatan = useRegions(tenant.code, 'kecamatan')

  // The count of kelurahan actually in the map's source, for people reading the DOM (and the browser test).
  useEffect(() => {
    const report = () => {
      const codes = new Set(map.querySourceFeatures('kelurahan').map((f) => String(f.properties.code)))
      map.getContainer().dataset.kelurahanCount = String(codes.size)
    }
    map.on('idle', report)
    return () => {
      map.off('idle', report)
    }
  }, [map])

  useEffect(() => {
    let hovered: string | number | undefined
    const popup = new Popup({ closeButton: true, maxWidth: '280px', className: 'region-popup' })
    const names = new Map((kecamatan?.features ?? []).map((f) => [String(f.properties?.code), String(f.properties?.name)]))
    const onMove = (e: { features?: { id?: string | number }[] }) => {
      const id = e.features?.[0]?.id
      if (hovered !== undefined) map.setFeatureState({ source: 'kelurahan', id: hovered }, { hover: false })
      hovered = id
      if (id !== undefined) map.setFeatureState({ source: 'kelurahan', id }, { hover: true })
      map.getCanvas().style.cursor = id === undefined ? '' : 'pointer'
    }
    const onLeave = () => {
      if (hovered !== undefined) map.setFeatureState({ source: 'kelurahan', id: hovered }, { hover: false })
      hovered = undefined
      map.getCanvas().style.cursor = ''
    }
    const onClick = (e: MapLayerMouseEvent) => {
      // A marker of another layer (sensor, camera…) under the pointer has its own popup and goes first.
      if (map.queryRenderedFeatures(e.point).some((f) => f.layer.type === 'circle' || f.layer.type === 'symbol')) return
      const p = e.features?.[0]?.properties as RegionProperties | undefined
      if (!p) return
      const parent = p.parent ? `${names.get(p.parent) ?? ''} (${p.parent})` : '—'
      popup
        .setLngLat(e.lngLat)
        .setHTML(
          `<div data-testid="region-popup"><strong>${escapeHtml(p.name)}</strong>` +
            `<dl><dt>${t('region.level')}</dt><dd>${escapeHtml(t(`region.levels.${p.level}`))}</dd>` +
            `<dt>${t('region.code')}</dt><dd>${escapeHtml(p.code)}</dd>` +
            `<dt>${t('region.parent')}</dt><dd>${escapeHtml(parent)}</dd></dl></div>`,
        )
        .addTo(map)
    }
    map.on('mousemove', 'kelurahan-fill', onMove)
    map.on('mouseleave', 'kelurahan-fill', onLeave)
    map.on('click', 'kelurahan-fill', onClick)
    return () => {
      map.off('mousemove', 'kelurahan-fill', onMove)
      map.off('mouseleave', 'kelurahan-fill', onLeave)
      map.off('click', 'kelurahan-fill', onClick)
      popup.remove()
    }
  }, [map, t, kecamatan])

  return (
    <GeoJsonLayer
      id="kelurahan"
      data={kelurahan}
      visible={visible}
      layers={[
        {
          id: 'kelurahan-fill',
          type: 'fill',
          source: 'kelurahan',
          paint: {
            'fill-color': ['to-color', ['at', ['get', 'tint'], ['literal', KECAMATAN_TINTS]]],
            'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.55, 0.25],
          },
        },
        { id: 'kelurahan-line', type: 'line', source: 'kelurahan', paint: { 'line-color': '#8fb3ff', 'line-width': 1 } },
      ]}
    />
  )
}
