import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { AppsSection } from './Apps.tsx'
import { EvacuationLayer, FacilitiesLayer, WifiLayer } from './AssetsLayer.tsx'
import { DatasetsLayer } from './DatasetsLayer.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import { OpenDataSection } from './OpenData.tsx'
import './datahub.css'

// This module's words live beside it, under the `datahub` key; its event names join the console feed's.
i18n.addResourceBundle('id', 'translation', { datahub: id, events: id.feed }, true, true)
i18n.addResourceBundle('en', 'translation', { datahub: en, events: en.feed }, true, true)

const DatasetsPage = lazy(() => import('./DatasetsPage.tsx').then((m) => ({ default: m.DatasetsPage })))
const AppsPage = lazy(() => import('./Apps.tsx').then((m) => ({ default: m.AppsPage })))
const AppStorePage = lazy(() => import('./Apps.tsx').then((m) => ({ default: m.AppStorePage })))
const OpenDataPage = lazy(() => import('./OpenData.tsx').then((m) => ({ default: m.OpenDataPage })))
const OpenDatasetPage = lazy(() => import('./OpenData.tsx').then((m) => ({ default: m.OpenDatasetPage })))

export const datahubWeb: WebModule = {
  id: 'datahub',
  layers: [
    { id: 'dataset-points', labelKey: 'datahub.layer', visibleByDefault: false, Component: DatasetsLayer },
    { id: 'assets-wifi', labelKey: 'datahub.assets.wifi', visibleByDefault: false, Component: WifiLayer },
    { id: 'assets-facility', labelKey: 'datahub.assets.facility', visibleByDefault: false, Component: FacilitiesLayer },
    { id: 'assets-evacuation', labelKey: 'datahub.assets.evacuation', visibleByDefault: false, Component: EvacuationLayer },
  ],
  nav: [
    { path: 'datasets', labelKey: 'datahub.nav', roles: ['admin', 'operator', 'agency_officer', 'executive'] },
    { path: 'apps', labelKey: 'datahub.apps.nav', roles: ['admin', 'operator', 'agency_officer', 'executive'] },
  ],
  routes: [
    { path: 'datasets', Component: DatasetsPage },
    { path: 'apps', Component: AppsPage },
  ],
  publicRoutes: [
    { path: 'data', Component: OpenDataPage },
    { path: 'data/:name', Component: OpenDatasetPage },
    { path: 'apps', Component: AppStorePage },
  ],
  portalNav: [
    { path: 'data', labelKey: 'datahub.portal.nav' },
    { path: 'apps', labelKey: 'datahub.apps.storeTitle' },
  ],
  portalSections: [
    { id: 'datahub', Component: OpenDataSection },
    { id: 'datahub-apps', Component: AppsSection },
  ],
}
