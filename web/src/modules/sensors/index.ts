import type { WebModule } from '../../app/modules.ts'
import { AlarmsPanel } from './AlarmsPanel.tsx'
import { SensorsLayer } from './SensorsLayer.tsx'

export const sensorsWeb: WebModule = {
  id: 'sensors',
  layers: [{ id: 'sensors', labelKey: 'layers.sensors', visibleByDefault: true, Component: SensorsLayer }],
  panels: [{ id: 'alarms', Component: AlarmsPanel }],
}
