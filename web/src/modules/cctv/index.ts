import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { CamerasLayer } from './CamerasLayer.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import './cctv.css'

i18n.addResourceBundle('id', 'translation', { cctv: id }, true, true)
i18n.addResourceBundle('en', 'translation', { cctv: en }, true, true)

const CameraWall = lazy(() => import('./CameraWall.tsx').then((m) => ({ default: m.CameraWall })))

export const cctvWeb: WebModule = {
  id: 'cctv',
  layers: [{ id: 'cameras', labelKey: 'layers.cameras', visibleByDefault: true, Component: CamerasLayer }],
  nav: [{ path: 'cameras', labelKey: 'cctv.nav.wall', roles: ['admin', 'operator', 'dispatcher', 'executive'] }],
  routes: [{ path: 'cameras', Component: CameraWall }],
}
