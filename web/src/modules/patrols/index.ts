import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import en from './locales/en.json'
import id from './locales/id.json'
import './patrols.css'

// This module's words live beside it, under the `patrols` key.
i18n.addResourceBundle('id', 'translation', { patrols: id }, true, true)
i18n.addResourceBundle('en', 'translation', { patrols: en }, true, true)

// The map layer is loaded with the console, never by the public portal (which would pull MapLibre).
const PatrolsLayer = lazy(() => import('./PatrolsLayer.tsx').then((m) => ({ default: m.PatrolsLayer })))
const FieldPage = lazy(() => import('./FieldPage.tsx').then((m) => ({ default: m.FieldPage })))
const AsnPage = lazy(() => import('./AsnPage.tsx').then((m) => ({ default: m.AsnPage })))
const FindingsPage = lazy(() => import('./FindingsPage.tsx').then((m) => ({ default: m.FindingsPage })))
const PlanPage = lazy(() => import('./PlanPage.tsx').then((m) => ({ default: m.PlanPage })))
const CataloguePage = lazy(() => import('./CataloguePage.tsx').then((m) => ({ default: m.CataloguePage })))
const PersonPage = lazy(() => import('./PersonPage.tsx').then((m) => ({ default: m.PersonPage })))

export const patrolsWeb: WebModule = {
  id: 'patrols',
  layers: [{ id: 'patrols', labelKey: 'patrols.layer', visibleByDefault: true, action: 'patrols.patrol.read', Component: PatrolsLayer }],
  nav: [
    { path: 'patrols/field', labelKey: 'patrols.nav.field', roles: ['patrol_officer'] },
    { path: 'patrols/findings', labelKey: 'patrols.nav.findings', roles: ['admin', 'operator', 'patrol_officer', 'agency_officer', 'executive'] },
    { path: 'asn', labelKey: 'patrols.nav.asn', roles: ['admin', 'operator', 'patrol_officer', 'agency_officer', 'executive'] },
    { path: 'patrols/plan', labelKey: 'patrols.nav.plan', roles: ['admin', 'operator'] },
    { path: 'patrols/catalogue', labelKey: 'patrols.nav.catalogue', roles: ['admin'] },
  ],
  routes: [
    { path: 'patrols/field', Component: FieldPage },
    { path: 'patrols/findings', Component: FindingsPage },
    { path: 'asn', Component: AsnPage },
    { path: 'asn/people/:id', Component: PersonPage },
    { path: 'patrols/plan', Component: PlanPage },
    { path: 'patrols/catalogue', Component: CataloguePage },
  ],
}
