import type { ComponentType } from 'react'
import { cctvWeb } from '../modules/cctv/index.ts'
import { incidentsWeb } from '../modules/incidents/index.ts'
import { sensorsWeb } from '../modules/sensors/index.ts'
import { tenancyWeb } from '../modules/tenancy/index.ts'
import type { Tenant } from './api.ts'

export interface MapLayerProps {
  tenant: Tenant
  visible: boolean
}

export interface PanelProps {
  tenant: Tenant
}

/** What a module adds to the web app. Adding a module's pages is adding its folder and one line below. */
export interface WebModule {
  id: string
  /** Layers of the console map, each with an i18n key for its name in the layer list. */
  layers?: { id: string; labelKey: string; visibleByDefault: boolean; Component: ComponentType<MapLayerProps> }[]
  /** Panels of the console's side bar. */
  panels?: { id: string; Component: ComponentType<PanelProps> }[]
  /** Pages of their own, under /t/:tenant/… */
  routes?: { path: string; Component: ComponentType }[]
}

export const webModules: WebModule[] = [tenancyWeb, incidentsWeb, sensorsWeb, cctvWeb]
