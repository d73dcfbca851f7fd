import { Popup } from 'maplibre-gl'
import { useCallback, useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'
import { type Camera, fetchCameras } from './api.ts'

/** Cameras on the map (grey when offline); a click shows the picture, fetched through the server. */
export function CamerasLayer({ tenant, visible }: MapLayerProps) {
  const map = useMap()
  const { t } = useTranslation()
  const [cameras, setCameras] = useState<Camera[]>([])
  const load = useCallback(() => {
    fetchCameras(tenant.code).then(
      (page) => setCameras(page.items),
      () => undefined,
    )
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['cctv'], load)

  const data = useMemo<GeoJSON.FeatureCollection>(
    () => ({
      type: 'FeatureCollection',
      features: cameras.map((c) => ({
        type: 'Feature',
        id: c.id,
        geometry: c.location,
        properties: { id: c.id, name: c.name, status: c.status, live: c.views.mjpeg, snapshot: c.views.snapshot },
      })),
    }),
    [cameras],
  )

  useEffect(() => {
    const popup = new Popup({ closeButton: true, maxWidth: '360px', className: 'region-popup' })
    const onClick = (e: { lngLat: { lng: number; lat: number }; features?: { properties: Record<string, unknown> }[] }) => {
      const p = e.features?.[0]?.properties
      if (!p) return
      const base = `/api/t/${encodeURIComponent(tenant.code)}/cameras/${encodeURIComponent(String(p.id))}`
      const picture = p.live ? `${base}/mjpeg` : p.snapshot ? `${base}/snapshot?t=${Date.now()}` : null
      popup
        .setLngLat(e.lngLat)
        .setHTML(
          `<div data-testid="camera-popup"><strong>${escapeHtml(String(p.name))}</strong>` +
            `<div class="muted">${escapeHtml(t(`cctv.status.${p.status}`))}</div>` +
            (picture ? `<img class="camera-view" alt="${escapeHtml(String(p.name))}" src="${picture}">` : '') +
            '</div>',
        )
        .addTo(map)
    }
    map.on('click', 'cameras-symbol', onClick)
    return () => {
      map.off('click', 'cameras-symbol', onClick)
      // Removing the popup also ends a live MJPEG stream it shows.
      popup.remove()
    }
  }, [map, t, tenant.code])

  return (
    <GeoJsonLayer
      id="cameras"
      data={data}
      visible={visible}
      layers={[
        {
          id: 'cameras-symbol',
          type: 'circle',
          source: 'cameras',
          paint: {
            'circle-radius': 6,
            'circle-color': ['match', ['get', 'status'], 'offline', '#6b7280', '#c084fc'],
            'circle-stroke-color': '#f5f3ff',
            'circle-stroke-width': 1.5,
          },
        },
      ]}
    />
  )
}
