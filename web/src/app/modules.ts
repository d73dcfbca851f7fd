import type { ComponentType } from 'react'
import { alertsWeb } from '../modules/alerts/index.ts'
import { analyticsWeb } from '../modules/analytics/index.ts'
import { briefingsWeb } from '../modules/briefings/index.ts'
import { cctvWeb } from '../modules/cctv/index.ts'
import { datahubWeb } from '../modules/datahub/index.ts'
import { incidentsWeb } from '../modules/incidents/index.ts'
import { kpiWeb } from '../modules/kpi/index.ts'
import { leviesWeb } from '../modules/levies/index.ts'
import { patrolsWeb } from '../modules/patrols/index.ts'
import { placesWeb } from '../modules/places/index.ts'
import { postsWeb } from '../modules/posts/index.ts'
import { provinceWeb } from '../modules/province/index.ts'
import { reportsWeb } from '../modules/reports/index.ts'
import { sensorsWeb } from '../modules/sensors/index.ts'
import { tenancyWeb } from '../modules/tenancy/index.ts'
import type { Role, Tenant } from './api.ts'

export interface MapLayerProps {
  tenant: Tenant
  visible: boolean
}

export interface PanelProps {
  tenant: Tenant
}

export interface IncidentSectionProps {
  tenant: Tenant
  incidentId: string
}

/** What a module adds to the web app. Adding a module's pages is adding its folder and one line below. */
export interface WebModule {
  id: string
  /**
   * Layers of the console map, each with an i18n key for its name in the layer list; `action` (of the permission
   * matrix, README "Who may do what") leaves the layer out for people who may not read what it draws.
   */
  layers?: { id: string; labelKey: string; visibleByDefault: boolean; action?: string; Component: ComponentType<MapLayerProps> }[]
  /** Panels of the console's side bar; `action` leaves a panel out for people who may not read it. */
  panels?: { id: string; action?: string; Component: ComponentType<PanelProps> }[]
  /** Pages of their own for staff, under /t/:tenant/… (the API checks access; pages redirect to login on 401). */
  routes?: { path: string; Component: ComponentType }[]
  /** Links in the staff menu, shown to people holding one of `roles` in the tenant (everyone with a role if absent). */
  nav?: { path: string; labelKey: string; roles?: Role[] }[]
  /** Public pages for citizens, no login, under /p/:tenant/… (keep them light: slow phones). */
  publicRoutes?: { path: string; Component: ComponentType<PanelProps> }[]
  /** Links in the public portal's menu, to this module's public pages. */
  portalNav?: { path: string; labelKey: string }[]
  /** Blocks on the public portal's front page, by `order` (default 100; lower first), then in module order. */
  portalSections?: { id: string; order?: number; Component: ComponentType<PanelProps> }[]
  /** Blocks on an incident's page from other modules (the cameras nearby); `action` as for panels. */
  incidentSections?: { id: string; action?: string; Component: ComponentType<IncidentSectionProps> }[]
}

export const webModules: WebModule[] = [
  tenancyWeb,
  incidentsWeb,
  sensorsWeb,
  cctvWeb,
  analyticsWeb,
  reportsWeb,
  postsWeb,
  patrolsWeb,
  alertsWeb,
  leviesWeb,
  kpiWeb,
  datahubWeb,
  placesWeb,
  provinceWeb,
  briefingsWeb,
]
