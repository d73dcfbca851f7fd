import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import { RevenuePanel } from './RevenuePanel.tsx'
import './levies.css'

// This module's words live beside it, under the `levies` key.
i18n.addResourceBundle('id', 'translation', { levies: id }, true, true)
i18n.addResourceBundle('en', 'translation', { levies: en }, true, true)

const OfficePage = lazy(() => import('./OfficePage.tsx').then((m) => ({ default: m.OfficePage })))
const CollectorPage = lazy(() => import('./CollectorPage.tsx').then((m) => ({ default: m.CollectorPage })))
const VendorPage = lazy(() => import('./VendorPage.tsx').then((m) => ({ default: m.VendorPage })))
const ReceiptPage = lazy(() => import('./ReceiptPage.tsx').then((m) => ({ default: m.ReceiptPage })))

export const leviesWeb: WebModule = {
  id: 'levies',
  panels: [{ id: 'levy-revenue', action: 'levies.read', Component: RevenuePanel }],
  nav: [
    { path: 'levies', labelKey: 'levies.nav.office', roles: ['admin', 'agency_officer', 'operator', 'executive'] },
    { path: 'levies/collect', labelKey: 'levies.nav.collect', roles: ['collector', 'admin', 'agency_officer'] },
  ],
  routes: [
    { path: 'levies', Component: OfficePage },
    { path: 'levies/collect', Component: CollectorPage },
    { path: 'levies/receipts/:receipt', Component: ReceiptPage },
  ],
  publicRoutes: [{ path: 'levies', Component: VendorPage }],
  portalNav: [{ path: 'levies', labelKey: 'levies.portal.nav' }],
}
