import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { AlarmsPanel } from './AlarmsPanel.tsx'
import { SensorsLayer } from './SensorsLayer.tsx'

// ECharts loads with the device page only.
const DevicePage = lazy(() => import('./DevicePage.tsx').then((m) => ({ default: m.DevicePage })))

export const sensorsWeb: WebModule = {
  id: 'sensors',
  layers: [{ id: 'sensors', labelKey: 'layers.sensors', visibleByDefault: true, Component: SensorsLayer }],
  panels: [{ id: 'alarms', Component: AlarmsPanel }],
  routes: [{ path: 'devices/:id', Component: DevicePage }],
}
