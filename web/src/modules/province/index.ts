import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './province.css'

// This module's words live beside it, under the `province` key.
i18n.addResourceBundle('id', 'translation', { province: id }, true, true)
i18n.addResourceBundle('en', 'translation', { province: en }, true, true)

const ProvincePage = lazy(() => import('./ProvincePage.tsx').then((m) => ({ default: m.ProvincePage })))
const SharingPage = lazy(() => import('./SharingPage.tsx').then((m) => ({ default: m.SharingPage })))

export const provinceWeb: WebModule = {
  id: 'province',
  // A province's people start on its picture (firstPage.ts); a city's admins choose what it shares.
  nav: [{ path: 'province/sharing', labelKey: 'province.nav.sharing', roles: ['admin'] }],
  routes: [
    { path: 'province', Component: ProvincePage },
    { path: 'province/sharing', Component: SharingPage },
  ],
}
