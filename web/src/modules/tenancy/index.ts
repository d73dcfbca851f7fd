import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './tenancy.css'

i18n.addResourceBundle('id', 'translation', { tenancy: id }, true, true)
i18n.addResourceBundle('en', 'translation', { tenancy: en }, true, true)

// The map layer is loaded with the console, never by the public portal (which would pull MapLibre).
const KelurahanLayer = lazy(() => import('./RegionsLayer.tsx').then((m) => ({ default: m.KelurahanLayer })))
const UsersPage = lazy(() => import('./UsersPage.tsx').then((m) => ({ default: m.UsersPage })))
const AgenciesPage = lazy(() => import('./AgenciesPage.tsx').then((m) => ({ default: m.AgenciesPage })))
const TokensPage = lazy(() => import('./TokensPage.tsx').then((m) => ({ default: m.TokensPage })))
const RegionsPage = lazy(() => import('./RegionsPage.tsx').then((m) => ({ default: m.RegionsPage })))
const TenantsPage = lazy(() => import('./TenantsPage.tsx').then((m) => ({ default: m.TenantsPage })))

export const tenancyWeb: WebModule = {
  id: 'tenancy',
  layers: [{ id: 'regions', labelKey: 'layers.kelurahan', visibleByDefault: true, Component: KelurahanLayer }],
  // One menu entry; the administration pages link to each other with tabs.
  nav: [{ path: 'admin/users', labelKey: 'tenancy.nav.admin', roles: ['admin'] }],
  routes: [
    { path: 'admin/users', Component: UsersPage },
    { path: 'admin/agencies', Component: AgenciesPage },
    { path: 'admin/tokens', Component: TokensPage },
    { path: 'admin/regions', Component: RegionsPage },
    { path: 'admin/tenants', Component: TenantsPage },
  ],
}
