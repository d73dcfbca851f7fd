import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { AlarmsPanel } from './AlarmsPanel.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import './sensors.css'

// Merged into the app's `sensors` strings.
i18n.addResourceBundle('id', 'translation', { sensors: id }, true, true)
i18n.addResourceBundle('en', 'translation', { sensors: en }, true, true)

// The map layer is loaded with the console, never by the public portal (which would pull MapLibre).
const SensorsLayer = lazy(() => import('./SensorsLayer.tsx').then((m) => ({ default: m.SensorsLayer })))
// ECharts loads with the device page only.
const DevicePage = lazy(() => import('./DevicePage.tsx').then((m) => ({ default: m.DevicePage })))
const DevicesAdmin = lazy(() => import('./SensorsAdmin.tsx').then((m) => ({ default: m.DevicesAdmin })))
const KindsAdmin = lazy(() => import('./KindsAdmin.tsx').then((m) => ({ default: m.KindsAdmin })))
const RulesAdmin = lazy(() => import('./SensorsAdmin.tsx').then((m) => ({ default: m.RulesAdmin })))

export const sensorsWeb: WebModule = {
  id: 'sensors',
  layers: [{ id: 'sensors', labelKey: 'layers.sensors', visibleByDefault: true, action: 'sensors.device.read', Component: SensorsLayer }],
  panels: [{ id: 'alarms', action: 'sensors.alarm.read', Component: AlarmsPanel }],
  routes: [
    { path: 'devices/:id', Component: DevicePage },
    { path: 'admin/devices', Component: DevicesAdmin },
    { path: 'admin/rules', Component: RulesAdmin },
    { path: 'admin/device-kinds', Component: KindsAdmin },
  ],
  nav: [
    { path: 'admin/devices', labelKey: 'sensors.admin.devices', roles: ['admin'] },
    { path: 'admin/rules', labelKey: 'sensors.admin.rules', roles: ['admin'] },
    { path: 'admin/device-kinds', labelKey: 'sensors.admin.kindsTitle', roles: ['admin'] },
  ],
}
