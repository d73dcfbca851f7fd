import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './incidents.css'

// This module's words live beside it, under the `incidents` key.
i18n.addResourceBundle('id', 'translation', { incidents: id }, true, true)
i18n.addResourceBundle('en', 'translation', { incidents: en }, true, true)

// Console layers and the dispatch panel load with the console, never with the public portal (MapLibre).
const consoleLayers = () => import('./ConsoleLayers.tsx')
const IncidentsLayer = lazy(() => consoleLayers().then((m) => ({ default: m.IncidentsLayer })))
const UnitsLayer = lazy(() => consoleLayers().then((m) => ({ default: m.UnitsLayer })))
const DispatchPanel = lazy(() => consoleLayers().then((m) => ({ default: m.DispatchPanel })))
const DispatchPage = lazy(() => import('./DispatchPage.tsx').then((m) => ({ default: m.DispatchPage })))
const IncidentPage = lazy(() => import('./IncidentPage.tsx').then((m) => ({ default: m.IncidentPage })))
const FieldPage = lazy(() => import('./FieldPage.tsx').then((m) => ({ default: m.FieldPage })))

export const incidentsWeb: WebModule = {
  id: 'incidents',
  layers: [
    { id: 'incidents', labelKey: 'incidents.layers.incidents', visibleByDefault: true, action: 'incidents.incident.read', Component: IncidentsLayer },
    { id: 'units', labelKey: 'incidents.layers.units', visibleByDefault: true, action: 'incidents.unit.read', Component: UnitsLayer },
  ],
  panels: [{ id: 'dispatch', action: 'incidents.incident.read', Component: DispatchPanel }],
  nav: [
    { path: 'dispatch', labelKey: 'incidents.nav.dispatch', roles: ['admin', 'operator', 'dispatcher'] },
    { path: 'field', labelKey: 'incidents.nav.field', roles: ['field_crew'] },
  ],
  routes: [
    { path: 'dispatch', Component: DispatchPage },
    { path: 'incidents/:id', Component: IncidentPage },
    { path: 'field', Component: FieldPage },
  ],
}
