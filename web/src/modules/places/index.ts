import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './places.css'

i18n.addResourceBundle('id', 'translation', { places: id }, true, true)
i18n.addResourceBundle('en', 'translation', { places: en }, true, true)

const NamedPlacesAdmin = lazy(() => import('./NamedPlacesAdmin.tsx').then((m) => ({ default: m.NamedPlacesAdmin })))

// The search box itself (PlaceSearch) is used by other modules' pages; this adds the admin page of named places.
export const placesWeb: WebModule = {
  id: 'places',
  nav: [{ path: 'admin/places', labelKey: 'places.nav.admin', roles: ['admin'] }],
  routes: [{ path: 'admin/places', Component: NamedPlacesAdmin }],
}
