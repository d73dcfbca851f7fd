import { lazy, Suspense } from 'react'
import type { MapLayerProps } from '../../app/modules.ts'
import type { AssetKind } from './api.ts'

// The layers carry MapLibre: they load with the console, never with the public portal that shares this registry.
const DatasetsLayer = lazy(() => import('./DatasetsLayer.tsx').then((m) => ({ default: m.DatasetsLayer })))
const AssetsLayer = lazy(() => import('./AssetsLayer.tsx').then((m) => ({ default: m.AssetsLayer })))

export function ConsoleDatasetsLayer(props: MapLayerProps) {
  return (
    <Suspense fallback={null}>
      <DatasetsLayer {...props} />
    </Suspense>
  )
}

function ConsoleAssetsLayer(props: MapLayerProps & { kind: AssetKind }) {
  return (
    <Suspense fallback={null}>
      <AssetsLayer {...props} />
    </Suspense>
  )
}

export const WifiLayer = (props: MapLayerProps) => <ConsoleAssetsLayer {...props} kind="wifi" />
export const FacilitiesLayer = (props: MapLayerProps) => <ConsoleAssetsLayer {...props} kind="facility" />
export const EvacuationLayer = (props: MapLayerProps) => <ConsoleAssetsLayer {...props} kind="evacuation" />
