import { Popup } from 'maplibre-gl'
import { useEffect, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'
import { SEVERITY_COLORS, worstAlarm } from './api.ts'
import { useSensorData } from './useSensorData.ts'

/** Devices on the map: coloured by their worst open alarm, grey when offline; click for the latest values. */
export function SensorsLayer({ tenant, visible }: MapLayerProps) {
  const map = useMap()
  const { t } = useTranslation()
  const { devices, alarms } = useSensorData(tenant.code)

  const data = useMemo<GeoJSON.FeatureCollection>(() => {
    const worst = worstAlarm(alarms)
    return {
      type: 'FeatureCollection',
      features: devices.map((d) => {
        const alarm = worst.get(d.id)
        const color = alarm ? SEVERITY_COLORS[alarm.severity] : d.status === 'offline' ? '#6b7280' : '#2fbf71'
        const latest = d.metrics.map((m) => (d.latest[m.name] ? `${m.name}: ${d.latest[m.name].value} ${m.unit}` : `${m.name}: —`)).join('\n')
        return {
          type: 'Feature',
          id: d.id,
          geometry: d.location,
          properties: { id: d.id, name: d.name, status: d.status, color, latest, severity: alarm?.severity ?? '' },
        }
      }),
    }
  }, [devices, alarms])

  useEffect(() => {
    const popup = new Popup({ closeButton: true, maxWidth: '300px', className: 'region-popup' })
    const onClick = (e: { lngLat: { lng: number; lat: number }; features?: { properties: Record<string, unknown> }[] }) => {
      const p = e.features?.[0]?.properties
      if (!p) return
      const lines = String(p.latest)
        .split('\n')
        .map((line) => `<div>${escapeHtml(line)}</div>`)
        .join('')
      const severity = p.severity ? ` · ${escapeHtml(t(`sensors.severity.${p.severity}`))}` : ''
      popup
        .setLngLat(e.lngLat)
        .setHTML(
          `<div data-testid="device-popup"><strong>${escapeHtml(String(p.name))}</strong><div class="muted">${escapeHtml(t(`sensors.status.${p.status}`))}${severity}</div>${lines}` +
            `<a href="/t/${encodeURIComponent(tenant.code)}/devices/${encodeURIComponent(String(p.id))}">${escapeHtml(t('sensors.history'))}</a></div>`,
        )
        .addTo(map)
    }
    const pointer = () => {
      map.getCanvas().style.cursor = 'pointer'
    }
    const normal = () => {
      map.getCanvas().style.cursor = ''
    }
    map.on('click', 'sensors-circle', onClick)
    map.on('mouseenter', 'sensors-circle', pointer)
    map.on('mouseleave', 'sensors-circle', normal)
    return () => {
      map.off('click', 'sensors-circle', onClick)
      map.off('mouseenter', 'sensors-circle', pointer)
      map.off('mouseleave', 'sensors-circle', normal)
      popup.remove()
    }
  }, [map, t, tenant.code])

  return (
    <GeoJsonLayer
      id="sensors"
      data={data}
      visible={visible}
      layers={[
        {
          id: 'sensors-circle',
          type: 'circle',
          source: 'sensors',
          paint: {
            'circle-radius': ['case', ['!=', ['get', 'severity'], ''], 10, 7],
            'circle-color': ['get', 'color'],
            'circle-stroke-color': '#0b1220',
            'circle-stroke-width': 2,
          },
        },
      ]}
    />
  )
}
