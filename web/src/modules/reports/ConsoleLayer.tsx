import { lazy, Suspense } from 'react'
import type { MapLayerProps } from '../../app/modules.ts'

const ReportsLayer = lazy(() => import('./ReportsLayer.tsx').then((m) => ({ default: m.ReportsLayer })))

/** The console's reports layer, loaded with the console rather than with the public portal. */
export function ConsoleReportsLayer(props: MapLayerProps) {
  return (
    <Suspense fallback={null}>
      <ReportsLayer {...props} />
    </Suspense>
  )
}
