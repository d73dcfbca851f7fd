import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { ConnectorAlarmsPanel } from './ConnectorAlarmsPanel.tsx'
import { ConsoleDatasetsLayer, EvacuationLayer, FacilitiesLayer, WifiLayer } from './ConsoleLayers.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import { AppsSection, AssetsSection, OpenDataSection } from './Sections.tsx'
import './datahub.css'

// This module's words live beside it, under the `datahub` key; its event names join the console feed's.
i18n.addResourceBundle('id', 'translation', { datahub: id, events: id.feed }, true, true)
i18n.addResourceBundle('en', 'translation', { datahub: en, events: en.feed }, true, true)

// Pages load when opened: the portal's front page carries only the small sections above.
const DatasetsPage = lazy(() => import('./DatasetsPage.tsx').then((m) => ({ default: m.DatasetsPage })))
const AppsPage = lazy(() => import('./Apps.tsx').then((m) => ({ default: m.AppsPage })))
const AssetsAdmin = lazy(() => import('./AssetsAdmin.tsx').then((m) => ({ default: m.AssetsAdmin })))
const AppStorePage = lazy(() => import('./Apps.tsx').then((m) => ({ default: m.AppStorePage })))
const OpenDataPage = lazy(() => import('./OpenData.tsx').then((m) => ({ default: m.OpenDataPage })))
const OpenDatasetPage = lazy(() => import('./OpenData.tsx').then((m) => ({ default: m.OpenDatasetPage })))
const ConnectorsPage = lazy(() => import('./ConnectorsPage.tsx').then((m) => ({ default: m.ConnectorsPage })))
const WebhooksPage = lazy(() => import('./WebhooksPage.tsx').then((m) => ({ default: m.WebhooksPage })))
const PublicAssetsPage = lazy(() => import('./PublicAssets.tsx').then((m) => ({ default: m.PublicAssetsPage })))

const STAFF = ['admin', 'operator', 'agency_officer', 'executive'] as const

export const datahubWeb: WebModule = {
  id: 'datahub',
  layers: [
    { id: 'dataset-points', labelKey: 'datahub.layer', visibleByDefault: false, Component: ConsoleDatasetsLayer },
    { id: 'assets-wifi', labelKey: 'datahub.assets.wifi', visibleByDefault: false, Component: WifiLayer },
    { id: 'assets-facility', labelKey: 'datahub.assets.facility', visibleByDefault: false, Component: FacilitiesLayer },
    { id: 'assets-evacuation', labelKey: 'datahub.assets.evacuation', visibleByDefault: false, Component: EvacuationLayer },
  ],
  panels: [{ id: 'connector-alarms', action: 'datahub.connector.alarm.read', Component: ConnectorAlarmsPanel }],
  nav: [
    { path: 'datasets', labelKey: 'datahub.nav', roles: [...STAFF] },
    { path: 'connectors', labelKey: 'datahub.connectorsPage.nav', roles: [...STAFF] },
    { path: 'apps', labelKey: 'datahub.apps.nav', roles: [...STAFF] },
    { path: 'admin/assets', labelKey: 'datahub.assets.nav', roles: ['admin', 'operator', 'agency_officer'] },
    { path: 'admin/webhooks', labelKey: 'datahub.webhooks.nav', roles: ['admin'] },
  ],
  routes: [
    { path: 'datasets', Component: DatasetsPage },
    { path: 'connectors', Component: ConnectorsPage },
    { path: 'apps', Component: AppsPage },
    { path: 'admin/assets', Component: AssetsAdmin },
    { path: 'admin/webhooks', Component: WebhooksPage },
  ],
  publicRoutes: [
    { path: 'data', Component: OpenDataPage },
    { path: 'data/:name', Component: OpenDatasetPage },
    { path: 'apps', Component: AppStorePage },
    { path: 'assets', Component: PublicAssetsPage },
  ],
  portalNav: [
    { path: 'data', labelKey: 'datahub.portal.nav' },
    { path: 'apps', labelKey: 'datahub.apps.storeTitle' },
    { path: 'assets', labelKey: 'datahub.assets.portalNav' },
  ],
  portalSections: [
    { id: 'datahub', Component: OpenDataSection },
    { id: 'datahub-apps', Component: AppsSection },
    { id: 'datahub-assets', Component: AssetsSection },
  ],
}
