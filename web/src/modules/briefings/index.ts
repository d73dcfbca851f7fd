import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './briefings.css'

// This module's words live beside it, under the `briefings` key.
i18n.addResourceBundle('id', 'translation', { briefings: id }, true, true)
i18n.addResourceBundle('en', 'translation', { briefings: en }, true, true)

const BriefingsPage = lazy(() => import('./BriefingsPage.tsx').then((m) => ({ default: m.BriefingsPage })))

export const briefingsWeb: WebModule = {
  id: 'briefings',
  nav: [{ path: 'briefings', labelKey: 'briefings.nav', roles: ['admin', 'executive', 'operator'] }],
  routes: [{ path: 'briefings', Component: BriefingsPage }],
}
