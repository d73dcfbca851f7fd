import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { DatasetsLayer } from './DatasetsLayer.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import { OpenDataSection } from './OpenData.tsx'
import './datahub.css'

// This module's words live beside it, under the `datahub` key; its event names join the console feed's.
i18n.addResourceBundle('id', 'translation', { datahub: id, events: id.feed }, true, true)
i18n.addResourceBundle('en', 'translation', { datahub: en, events: en.feed }, true, true)

const DatasetsPage = lazy(() => import('./DatasetsPage.tsx').then((m) => ({ default: m.DatasetsPage })))
const OpenDataPage = lazy(() => import('./OpenData.tsx').then((m) => ({ default: m.OpenDataPage })))
const OpenDatasetPage = lazy(() => import('./OpenData.tsx').then((m) => ({ default: m.OpenDatasetPage })))

export const datahubWeb: WebModule = {
  id: 'datahub',
  layers: [{ id: 'dataset-points', labelKey: 'datahub.layer', visibleByDefault: false, Component: DatasetsLayer }],
  nav: [{ path: 'datasets', labelKey: 'datahub.nav', roles: ['admin', 'operator', 'agency_officer', 'executive'] }],
  routes: [{ path: 'datasets', Component: DatasetsPage }],
  publicRoutes: [
    { path: 'data', Component: OpenDataPage },
    { path: 'data/:name', Component: OpenDatasetPage },
  ],
  portalNav: [{ path: 'data', labelKey: 'datahub.portal.nav' }],
  portalSections: [{ id: 'datahub', Component: OpenDataSection }],
}
