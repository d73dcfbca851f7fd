import { Popup } from 'maplibre-gl'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'
import { ASSET_COLORS, type AssetKind } from './api.ts'

/**
 * One kind of public asset as its own layer; a click shows name, category, provider and status. The console
 * reloads it on live events; the portal, which has none, every `refreshMs`.
 */
export function AssetsLayer({ tenant, visible, kind, refreshMs }: MapLayerProps & { kind: AssetKind; refreshMs?: number }) {
  const map = useMap()
  const { t } = useTranslation()
  const id = `assets-${kind}`
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null)
  const load = useCallback(() => {
    if (!visible) return
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/assets?kind=${kind}`).then(setData, () => undefined)
  }, [tenant.code, visible, kind])
  useEffect(() => {
    load()
    if (!refreshMs) return
    const timer = setInterval(load, refreshMs)
    return () => clearInterval(timer)
  }, [load, refreshMs])
  useLiveEvents(['datahub'], load)

  useEffect(() => {
    const popup = new Popup({ closeButton: true, maxWidth: '300px', className: 'region-popup' })
    const onClick = (e: { lngLat: { lng: number; lat: number }; features?: { properties: Record<string, unknown> }[] }) => {
      const p = e.features?.[0]?.properties
      if (!p) return
      const facts = [p.category, p.provider, p.address].filter((x) => typeof x === 'string' && x).map((x) => escapeHtml(String(x)))
      popup
        .setLngLat(e.lngLat)
        .setHTML(
          `<div data-testid="asset-popup"><strong>${escapeHtml(String(p.name))}</strong><div>${facts.join(' · ')}</div><div>${escapeHtml(t(`datahub.apps.status.${String(p.status)}`))}</div></div>`,
        )
        .addTo(map)
    }
    map.on('click', `${id}-circle`, onClick)
    return () => {
      map.off('click', `${id}-circle`, onClick)
      popup.remove()
    }
  }, [map, id, t])

  return (
    <GeoJsonLayer
      id={id}
      data={data}
      visible={visible}
      layers={[
        {
          id: `${id}-circle`,
          type: 'circle',
          source: id,
          paint: {
            'circle-radius': 6,
            'circle-color': ASSET_COLORS[kind],
            'circle-stroke-color': ['match', ['get', 'status'], 'down', '#dc2626', '#ffffff'],
            'circle-stroke-width': ['match', ['get', 'status'], 'down', 3, 1.5],
          },
        },
      ]}
    />
  )
}
