import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { ConsoleReportsLayer } from './ConsoleLayer.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import { ReportsSection } from './PortalSection.tsx'
import './reports.css'

// This module's words live beside it, under the `reports` key.
i18n.addResourceBundle('id', 'translation', { reports: id }, true, true)
i18n.addResourceBundle('en', 'translation', { reports: en }, true, true)

const QueuePage = lazy(() => import('./StaffPages.tsx').then((m) => ({ default: m.QueuePage })))
const InboxPage = lazy(() => import('./StaffPages.tsx').then((m) => ({ default: m.InboxPage })))
const ReportPage = lazy(() => import('./StaffPages.tsx').then((m) => ({ default: m.ReportPage })))
const SubmitPage = lazy(() => import('./SubmitPage.tsx').then((m) => ({ default: m.SubmitPage })))
const TrackPage = lazy(() => import('./TrackPage.tsx').then((m) => ({ default: m.TrackPage })))
const PublicMapPage = lazy(() => import('./PublicMapPage.tsx').then((m) => ({ default: m.PublicMapPage })))

export const reportsWeb: WebModule = {
  id: 'reports',
  layers: [{ id: 'reports', labelKey: 'reports.layer', visibleByDefault: true, action: 'reports.report.list', Component: ConsoleReportsLayer }],
  nav: [
    { path: 'reports/queue', labelKey: 'reports.nav.queue', roles: ['admin', 'operator'] },
    { path: 'reports/inbox', labelKey: 'reports.nav.inbox', roles: ['admin', 'agency_officer'] },
  ],
  routes: [
    { path: 'reports/queue', Component: QueuePage },
    { path: 'reports/inbox', Component: InboxPage },
    { path: 'reports/:id', Component: ReportPage },
  ],
  publicRoutes: [
    { path: 'reports/new', Component: SubmitPage },
    { path: 'reports/track', Component: TrackPage },
    { path: 'reports/track/:code', Component: TrackPage },
    { path: 'reports/map', Component: PublicMapPage },
  ],
  portalNav: [
    { path: 'reports/new', labelKey: 'reports.portal.nav.submit' },
    { path: 'reports/track', labelKey: 'reports.portal.nav.track' },
    { path: 'reports/map', labelKey: 'reports.portal.nav.map' },
  ],
  portalSections: [{ id: 'reports', Component: ReportsSection }],
}
