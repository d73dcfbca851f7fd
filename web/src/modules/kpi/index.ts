import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './kpi.css'

// This module's words live beside it, under the `kpi` key.
i18n.addResourceBundle('id', 'translation', { kpi: id }, true, true)
i18n.addResourceBundle('en', 'translation', { kpi: en }, true, true)

// ECharts loads with these pages only.
const DashboardPage = lazy(() => import('./Dashboard.tsx').then((m) => ({ default: m.DashboardPage })))
const IndicatorPage = lazy(() => import('./IndicatorPage.tsx').then((m) => ({ default: m.IndicatorPage })))
const RollupPage = lazy(() => import('./RollupPage.tsx').then((m) => ({ default: m.RollupPage })))
const WallPage = lazy(() => import('./WallPage.tsx').then((m) => ({ default: m.WallPage })))

export const kpiWeb: WebModule = {
  id: 'kpi',
  nav: [
    // A province's people reach their roll-up from the dashboard page of the province.
    // OPD officers enter their indicators' values from it.
    { path: 'kpi', labelKey: 'kpi.nav.dashboard', roles: ['admin', 'executive', 'agency_officer'] },
  ],
  routes: [
    { path: 'kpi', Component: DashboardPage },
    { path: 'kpi/rollup', Component: RollupPage },
    { path: 'kpi/wall', Component: WallPage },
    { path: 'kpi/indicators/:code', Component: IndicatorPage },
  ],
}
