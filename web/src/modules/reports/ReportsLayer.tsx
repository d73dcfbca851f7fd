import { type AddLayerObject, type GeoJSONSource, type MapMouseEvent, Popup } from 'maplibre-gl'
import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLiveEvents } from '../../app/liveEvents.tsx'
import type { MapLayerProps } from '../../app/modules.ts'
import { GeoJsonLayer } from '../../map/GeoJsonLayer.tsx'
import { useMap } from '../../map/MapView.tsx'
import { escapeHtml } from '../../map/popup.ts'
import { fetchPublicFeatures, fetchReportFeatures, type ReportFeatures, STATUS_COLORS } from './api.ts'

const REFRESH_AFTER_MS = 500
const SOURCE = 'reports'

// Clusters are sized by their count (the offline map has no glyphs for numbers); overdue reports get a red ring.
const layersOf = (source: string): AddLayerObject[] => [
  {
    id: `${source}-clusters`,
    type: 'circle',
    source,
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': '#f5a524',
      'circle-opacity': 0.85,
      'circle-radius': ['step', ['get', 'point_count'], 12, 5, 16, 20, 22],
      'circle-stroke-width': 2,
      'circle-stroke-color': '#ffffff',
    },
  },
  {
    id: `${source}-point`,
    type: 'circle',
    source,
    filter: ['!', ['has', 'point_count']],
    paint: {
      'circle-color': ['get', 'color'],
      'circle-radius': 7,
      'circle-stroke-width': ['case', ['get', 'overdue'], 3, 1.5],
      'circle-stroke-color': ['case', ['get', 'overdue'], '#e5484d', '#ffffff'],
    },
  },
]

/**
 * Reports as a clustered layer: clusters open by zooming in, a report opens a popup with a link
 * (`linkTo` for staff pages; none on the public map).
 */
export function ReportsCluster({
  source,
  data,
  visible,
  linkTo,
  statusLabel,
}: {
  source: string
  data: ReportFeatures | null
  visible: boolean
  linkTo: ((id: string) => string) | null
  statusLabel: (status: string) => string
}) {
  const map = useMap()
  const layers = useMemo(() => layersOf(source), [source])
  const colored = useMemo<GeoJSON.FeatureCollection | null>(
    () =>
      data && {
        ...data,
        features: data.features.map((f) => ({ ...f, properties: { ...f.properties, color: STATUS_COLORS[f.properties.status] ?? '#6b7280' } })),
      },
    [data],
  )
  useEffect(() => {
    const popup = new Popup({ closeButton: true, maxWidth: '280px', className: 'region-popup' })
    const zoomIn = async (e: MapMouseEvent & { features?: GeoJSON.Feature[] }) => {
      const feature = e.features?.[0]
      if (feature?.geometry.type !== 'Point') return
      const zoom = await map.getSource<GeoJSONSource>(source)?.getClusterExpansionZoom(Number(feature.properties?.cluster_id))
      map.easeTo({ center: feature.geometry.coordinates as [number, number], zoom: zoom ?? map.getZoom() + 2 })
    }
    const open = (e: MapMouseEvent & { features?: GeoJSON.Feature[] }) => {
      const p = e.features?.[0]?.properties
      if (!p) return
      const link = linkTo
        ? `<div><a href="${escapeHtml(linkTo(String(p.id)))}">${escapeHtml(String(p.number))}</a></div>`
        : `<strong>${escapeHtml(String(p.number))}</strong>`
      popup
        .setLngLat(e.lngLat)
        .setHTML(`<div data-testid="report-popup">${link}<div>${escapeHtml(statusLabel(String(p.status)))}</div></div>`)
        .addTo(map)
    }
    const pointer = () => {
      map.getCanvas().style.cursor = 'pointer'
    }
    const normal = () => {
      map.getCanvas().style.cursor = ''
    }
    map.on('click', `${source}-clusters`, zoomIn)
    map.on('click', `${source}-point`, open)
    for (const id of [`${source}-clusters`, `${source}-point`]) {
      map.on('mouseenter', id, pointer)
      map.on('mouseleave', id, normal)
    }
    return () => {
      map.off('click', `${source}-clusters`, zoomIn)
      map.off('click', `${source}-point`, open)
      for (const id of [`${source}-clusters`, `${source}-point`]) {
        map.off('mouseenter', id, pointer)
        map.off('mouseleave', id, normal)
      }
      popup.remove()
    }
  }, [map, source, linkTo, statusLabel])
  return <GeoJsonLayer id={source} data={colored} visible={visible} cluster layers={layers} />
}

/** The console's layer: the tenant's open reports, refreshed on report events. */
export function ReportsLayer({ tenant, visible }: MapLayerProps) {
  const { t } = useTranslation()
  const [data, setData] = useState<ReportFeatures | null>(null)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  const load = useCallback(() => {
    fetchReportFeatures(tenant.code).then(setData, () => undefined)
  }, [tenant.code])
  useEffect(load, [load])
  useLiveEvents(['reports'], () => {
    if (timer.current) return
    timer.current = setTimeout(() => {
      timer.current = null
      load()
    }, REFRESH_AFTER_MS)
  })
  const linkTo = useCallback((id: string) => `/t/${tenant.code}/reports/${id}`, [tenant.code])
  const statusLabel = useCallback((s: string) => t(`reports.status.${s}`), [t])
  return <ReportsCluster source={SOURCE} data={data} visible={visible} linkTo={linkTo} statusLabel={statusLabel} />
}

/** The public map's layer: public reports of the last 90 days, no links to staff pages. */
export function PublicReportsLayer({ tenant }: MapLayerProps) {
  const { t } = useTranslation()
  const [data, setData] = useState<ReportFeatures | null>(null)
  useEffect(() => {
    fetchPublicFeatures(tenant.code).then(setData, () => undefined)
  }, [tenant.code])
  const statusLabel = useCallback((s: string) => t(`reports.status.${s}`), [t])
  return <ReportsCluster source="public-reports" data={data} visible linkTo={null} statusLabel={statusLabel} />
}
