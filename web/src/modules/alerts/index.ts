import i18n from 'i18next'
import { createElement, lazy, Suspense } from 'react'
import type { MapLayerProps, WebModule } from '../../app/modules.ts'
import { ActiveAlerts } from './ActiveAlerts.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import './alerts.css'

// This module's words live beside it, under the `alerts` key.
i18n.addResourceBundle('id', 'translation', { alerts: id }, true, true)
i18n.addResourceBundle('en', 'translation', { alerts: en }, true, true)

const AlertsPage = lazy(() => import('./AlertsPage.tsx').then((m) => ({ default: m.AlertsPage })))
const PublicAlertsPage = lazy(() => import('./PublicAlertsPage.tsx').then((m) => ({ default: m.PublicAlertsPage })))
// The console layer needs MapLibre: it loads with the console's map, never with the public portal.
const AlertsLayer = lazy(() => import('./ConsoleLayer.tsx').then((m) => ({ default: m.ConsoleAlertsLayer })))
const ConsoleAlertsLayer = (props: MapLayerProps) => createElement(Suspense, { fallback: null }, createElement(AlertsLayer, props))

export const alertsWeb: WebModule = {
  id: 'alerts',
  layers: [{ id: 'alerts', labelKey: 'alerts.layer', visibleByDefault: true, action: 'alerts.alert.read', Component: ConsoleAlertsLayer }],
  nav: [{ path: 'alerts', labelKey: 'alerts.nav', roles: ['admin', 'operator', 'dispatcher', 'agency_officer', 'executive'] }],
  routes: [{ path: 'alerts', Component: AlertsPage }],
  publicRoutes: [{ path: 'alerts', Component: PublicAlertsPage }],
  portalNav: [{ path: 'alerts', labelKey: 'alerts.portal.nav' }],
  // Warnings come first on the portal: in a flood they are what a citizen opens it for.
  portalSections: [{ id: 'alerts', order: 0, Component: ActiveAlerts }],
}
