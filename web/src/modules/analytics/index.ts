import i18n from 'i18next'
import { lazy } from 'react'
import type { WebModule } from '../../app/modules.ts'
import { DetectionsPanel } from './DetectionsPanel.tsx'
import en from './locales/en.json'
import id from './locales/id.json'
import './analytics.css'

i18n.addResourceBundle('id', 'translation', { analytics: id }, true, true)
i18n.addResourceBundle('en', 'translation', { analytics: en }, true, true)

const AnalyticsAdmin = lazy(() => import('./AnalyticsAdmin.tsx').then((m) => ({ default: m.AnalyticsAdmin })))

export const analyticsWeb: WebModule = {
  id: 'analytics',
  panels: [{ id: 'detections', action: 'analytics.detection.read', Component: DetectionsPanel }],
  nav: [{ path: 'admin/analytics', labelKey: 'analytics.nav.admin', roles: ['admin'] }],
  routes: [{ path: 'admin/analytics', Component: AnalyticsAdmin }],
}
