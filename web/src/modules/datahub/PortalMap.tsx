import { type ReactNode, useEffect, useState } from 'react'
import { api, type PlatformConfig, type Tenant } from '../../app/api.ts'
import { webModules } from '../../app/modules.ts'
import { MapView, mapStyle } from '../../map/MapView.tsx'
import { AssetsLayer } from './AssetsLayer.tsx'
import { ASSET_KINDS, type AssetKind } from './api.ts'
import { DatasetsLayer } from './DatasetsLayer.tsx'

// Citizens have no live channel: the portal's asset map asks again this often, so a hotspot going down shows.
const REFRESH_MS = 60_000

// The kelurahan boundaries come from the tenancy module's layer, through the registry.
const baseLayers = webModules.flatMap((m) => m.layers ?? []).filter((l) => l.id === 'regions')

/** The city's map on a public page (loaded only with the pages that show it), over the kelurahan boundaries. */
function PortalMap({ tenant, children }: { tenant: Tenant; children: ReactNode }) {
  const [config, setConfig] = useState<PlatformConfig | null>(null)
  useEffect(() => {
    api<PlatformConfig>('/api/config').then(setConfig, () => setConfig({ defaultTenant: tenant.code, mapStyleUrl: null, basemap: null, languages: [] }))
  }, [tenant.code])
  if (!config) return <div className="datahub-map loading">…</div>
  return (
    <div className="datahub-map">
      <MapView bbox={tenant.bbox} styleUrl={mapStyle(config, 'light')}>
        {baseLayers.map(({ id, Component }) => (
          <Component key={id} tenant={tenant} visible />
        ))}
        {children}
      </MapView>
    </div>
  )
}

/** The public assets of the chosen kinds, each a layer of its own; a tap shows name and status. */
export function PublicAssetsMap({ tenant, kinds }: { tenant: Tenant; kinds: AssetKind[] }) {
  return (
    <PortalMap tenant={tenant}>
      {ASSET_KINDS.map((kind) => (
        <AssetsLayer key={kind} tenant={tenant} kind={kind} visible={kinds.includes(kind)} refreshMs={REFRESH_MS} />
      ))}
    </PortalMap>
  )
}

/** The rows with a place of one public dataset. */
export function DatasetPointsMap({ tenant, dataset }: { tenant: Tenant; dataset: string }) {
  return (
    <PortalMap tenant={tenant}>
      <DatasetsLayer tenant={tenant} visible dataset={dataset} />
    </PortalMap>
  )
}
