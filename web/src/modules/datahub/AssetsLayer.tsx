import { Popup } from 'maplibre-gl'
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../app/api.ts'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'

type Kind = 'wifi' | 'facility' | 'evacuation'
const COLORS: Record<Kind, string> = { wifi: '#6366f1', facility: '#0ea5e9', evacuation: '#f97316' }

/** One kind of public asset as its own layer; a click shows name, category, provider and status. */
function AssetsLayer({ tenant, visible, kind }: MapLayerProps & { kind: Kind }) {
  const map = useMap()
  const { t } = useTranslation()
  const id = `assets-${kind}`
  const [data, setData] = useState<GeoJSON.FeatureCollection | null>(null)
  const load = useCallback(() => {
    if (!visible) return
    api<GeoJSON.FeatureCollection>(`/api/t/${tenant.code}/assets?kind=${kind}`).then(setData, () => undefined)
  }, [tenant.code, visible, kind])
  useEffect(load, [load])
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
            'circle-radius': 5,
            'circle-color': COLORS[kind],
            'circle-stroke-color': ['match', ['get', 'status'], 'down', '#dc2626', '#ffffff'],
            'circle-stroke-width': 1.5,
          },
        },
      ]}
    />
  )
}

export const WifiLayer = (props: MapLayerProps) => <AssetsLayer {...props} kind="wifi" />
export const FacilitiesLayer = (props: MapLayerProps) => <AssetsLayer {...props} kind="facility" />
export const EvacuationLayer = (props: MapLayerProps) => <AssetsLayer {...props} kind="evacuation" />
