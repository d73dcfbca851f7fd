import { Popup } from 'maplibre-gl'
import { useEffect, useMemo } from 'react'
import { useTranslation } from 'react-i18next'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'
import { labelIn, metricLabel, SEVERITY_COLORS, worstAlarm } from './api.ts'
import { iconImage, KindIcon } from './kindIcons.tsx'
import { useKinds } from './useKinds.ts'
import { useSensorData } from './useSensorData.ts'

const ICON_PREFIX = 'sensor-icon-'
const OFFLINE = '#6b7280'

/**
 * Devices on the map in their kind's icon and colour (grey when offline), ringed in the colour of their worst
 * open alarm; a legend names the kinds shown; click for the latest values.
 */
export function SensorsLayer({ tenant, visible }: MapLayerProps) {
  const map = useMap()
  const { t, i18n } = useTranslation()
  const { devices, alarms } = useSensorData(tenant.code)
  const { byCode } = useKinds(tenant.code)

  const data = useMemo<GeoJSON.FeatureCollection>(() => {
    const worst = worstAlarm(alarms)
    return {
      type: 'FeatureCollection',
      features: devices.map((d) => {
        const alarm = worst.get(d.id)
        const kind = byCode.get(d.kind)
        const color = d.status === 'offline' ? OFFLINE : (kind?.color ?? OFFLINE)
        const ring = alarm ? SEVERITY_COLORS[alarm.severity] : '#0b1220'
        const latest = d.metrics
          .map((m) => `${metricLabel(kind, m.name, i18n.language)}: ${d.latest[m.name] ? `${d.latest[m.name].value} ${m.unit}` : '—'}`)
          .join('\n')
        return {
          type: 'Feature',
          id: d.id,
          geometry: d.location,
          properties: { id: d.id, name: d.name, status: d.status, color, ring, icon: kind?.icon ?? 'sensor', latest, severity: alarm?.severity ?? '' },
        }
      }),
    }
  }, [devices, alarms, byCode, i18n.language])

  // Icons are drawn when the map first asks for one (and again after a style change drops them).
  useEffect(() => {
    const missing = (e: { id: string }) => {
      if (e.id.startsWith(ICON_PREFIX) && !map.hasImage(e.id)) map.addImage(e.id, iconImage(e.id.slice(ICON_PREFIX.length)), { pixelRatio: 2 })
    }
    map.on('styleimagemissing', missing)
    return () => {
      map.off('styleimagemissing', missing)
    }
  }, [map])

  const shown = [...new Set(devices.map((d) => d.kind))].flatMap((code) => byCode.get(code) ?? [])

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
    <>
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
              'circle-radius': ['case', ['!=', ['get', 'severity'], ''], 12, 10],
              'circle-color': ['get', 'color'],
              'circle-stroke-color': ['get', 'ring'],
              'circle-stroke-width': ['case', ['!=', ['get', 'severity'], ''], 4, 1.5],
            },
          },
          {
            id: 'sensors-icon',
            type: 'symbol',
            source: 'sensors',
            layout: {
              'icon-image': ['concat', ICON_PREFIX, ['get', 'icon']],
              'icon-size': 0.62,
              'icon-allow-overlap': true,
              'icon-ignore-placement': true,
            },
          },
        ]}
      />
      {visible && shown.length > 0 && (
        <ul className="sensors-legend" data-testid="sensors-legend" aria-label={t('layers.sensors')}>
          {shown.map((k) => (
            <li key={k.code}>
              <KindIcon icon={k.icon} color={k.color} size={18} />
              {labelIn(k.label, i18n.language)}
            </li>
          ))}
        </ul>
      )}
    </>
  )
}
