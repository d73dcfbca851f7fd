import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { CameraAlarmsPanel } from './CameraAlarmsPanel.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import { PublicCamerasPage, PublicCamerasSection } from './PublicCameras.tsx'
import './cctv.css'

i18n.addResourceBundle('id', 'translation', { cctv: id }, true, true)
i18n.addResourceBundle('en', 'translation', { cctv: en }, true, true)
// The event feed names a camera's alarms apart from a sensor's (same event types, another topic).
i18n.addResourceBundle('id', 'translation', { events: id.events }, true, true)
i18n.addResourceBundle('en', 'translation', { events: en.events }, true, true)

// The map layer is loaded with the console, never by the public portal (which would pull MapLibre).
const CamerasLayer = lazy(() => import('./CamerasLayer.tsx').then((m) => ({ default: m.CamerasLayer })))
const CameraWall = lazy(() => import('./CameraWall.tsx').then((m) => ({ default: m.CameraWall })))
const CamerasAdmin = lazy(() => import('./CamerasAdmin.tsx').then((m) => ({ default: m.CamerasAdmin })))
const IncidentCameras = lazy(() => import('./IncidentCameras.tsx').then((m) => ({ default: m.IncidentCameras })))

export const cctvWeb: WebModule = {
  id: 'cctv',
  layers: [{ id: 'cameras', labelKey: 'layers.cameras', visibleByDefault: true, Component: CamerasLayer }],
  panels: [{ id: 'camera-alarms', action: 'cctv.alarm.read', Component: CameraAlarmsPanel }],
  nav: [
    { path: 'cameras', labelKey: 'cctv.nav.wall', roles: ['admin', 'operator', 'dispatcher', 'executive'] },
    { path: 'admin/cameras', labelKey: 'cctv.nav.admin', roles: ['admin'] },
  ],
  routes: [
    { path: 'cameras', Component: CameraWall },
    { path: 'admin/cameras', Component: CamerasAdmin },
  ],
  publicRoutes: [{ path: 'cctv', Component: PublicCamerasPage }],
  portalNav: [{ path: 'cctv', labelKey: 'cctv.nav.portal' }],
  portalSections: [{ id: 'cameras', Component: PublicCamerasSection }],
  incidentSections: [{ id: 'cameras-nearby', action: 'cctv.incident.read', Component: IncidentCameras }],
}
