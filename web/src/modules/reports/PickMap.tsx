import { type ReactNode, useEffect, useState } from 'react'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { webModules } from '../../app/modules.ts'
import { MapView, mapStyle } from '../../map/MapView.tsx'
import { MapPicker, PickedSpot } from '../../map/Pick.tsx'
import { PublicReportsLayer } from './ReportsLayer.tsx'

// The boundaries come from the tenancy module's layer, through the registry.
const baseLayers = webModules.flatMap((m) => m.layers ?? []).filter((l) => l.id === 'regions')

/** The city's map for public pages (loaded only when shown): tap to pick a point, or show reports. */
export function PublicMap({
  tenant,
  picked = null,
  onPick,
  children,
}: {
  tenant: Tenant
  picked?: [number, number] | null
  onPick?: (c: [number, number]) => void
  children?: ReactNode
}) {
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  useEffect(() => {
    api<PlatformConfig>('/api/config').then(setConfig, () => setConfig({ defaultTenant: tenant.code, mapStyleUrl: null, basemap: null, languages: [] }))
  }, [tenant.code])
  if (!config) return <div className="public-map loading">…</div>
  return (
    <div className="public-map">
      <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'light')}>
        {baseLayers.map(({ id, Component }) => (
          <Component key={id} tenant={tenant} visible />
        ))}
        {onPick && <MapPicker onPick={onPick} />}
        {onPick && <PickedSpot at={picked} />}
        {children}
      </MapView>
    </div>
  )
}

/** The public map of reports, clustered. */
export function PublicReportsMap({ tenant }: { tenant: Tenant }) {
  return (
    <PublicMap tenant={tenant}>
      <PublicReportsLayer tenant={tenant} visible />
    </PublicMap>
  )
}
