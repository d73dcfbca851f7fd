import type { Queryable } from '../../core/db/database.ts'
import type { Dimension } from '../../core/indicators.ts'
import { type CoreContext, perContext } from '../../core/module.ts'
import { alertsServices } from '../alerts/index.ts'
import { cameraService } from '../cctv/index.ts'
import { incidentsServices } from '../incidents/index.ts'
import { kpiService } from '../kpi/index.ts'
import { reportsServices } from '../reports/index.ts'
import { sensorsService } from '../sensors/index.ts'

// What the province picture reads of the cities: counts and scores through each module's own services, never
// their tables, and never a person or a record.

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const
export type Priority = (typeof PRIORITIES)[number]

/** One active public warning of a city, as its CAP feed publishes it. */
export interface Warning {
  id: string
  identifier: string
  event: string
  headline: string | null
  severity: string
  urgency: string
  expires: string
  areaDesc: string
  /** GeoJSON geometry of its area; null when it names no area. */
  footprint: { type: string; coordinates: unknown[] } | null
}

export interface CityScores {
  period: string
  /** The mean of the dimensions that have a score; null when none has one. */
  overall: number | null
  dimensions: Record<Dimension, number | null>
}

export interface CityFigures {
  openIncidents(db: Queryable, tenant: string): Promise<Record<Priority, number>>
  activeWarnings(db: Queryable, tenant: string): Promise<Warning[]>
  offlineDevices(db: Queryable, tenant: string): Promise<number>
  offlineCameras(db: Queryable, tenant: string): Promise<number>
  overdueReports(db: Queryable, tenant: string): Promise<number>
  scores(db: Queryable, tenant: string, month: string): Promise<CityScores>
}

const PAGE = 500
// Reads every report of the city to count the overdue ones, as the command center would.
const COUNTING = { actor: 'system:province', isOperator: false, seesAll: true, agencyIds: 'all' } as const

/** Counts the items of a keyset-paged list that match. */
async function countPaged<T>(
  page: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>,
  matches: (item: T) => boolean,
): Promise<number> {
  let count = 0
  let cursor: string | undefined
  do {
    const p = await page(cursor)
    count += p.items.filter(matches).length
    cursor = p.next ?? undefined
  } while (cursor)
  return count
}

export const cityFigures = perContext((ctx: CoreContext): CityFigures => {
  const alerts = alertsServices(ctx).alerts
  const kpi = kpiService(ctx)
  return {
    openIncidents: async (db, tenant) => {
      const open = await incidentsServices(ctx).incidents.features(db, tenant, { status: 'open', limit: 10_000 })
      const counts: Record<Priority, number> = { P1: 0, P2: 0, P3: 0, P4: 0 }
      for (const f of open.features) if (f.properties.priority in counts) counts[f.properties.priority as Priority]++
      return counts
    },
    activeWarnings: async (db, tenant) =>
      (await alerts.active(db, tenant)).map((r) => ({
        id: r.id,
        identifier: r.identifier,
        event: r.info.event,
        headline: r.info.headline,
        severity: r.info.severity,
        urgency: r.info.urgency,
        expires: r.expires.toISOString(),
        areaDesc: r.areaDesc,
        footprint: (r.footprintGeo as Warning['footprint']) ?? null,
      })),
    offlineDevices: (db, tenant) =>
      countPaged(
        (cursor) => sensorsService(ctx).listDevices(db, tenant, PAGE, cursor),
        (d) => d.status === 'offline',
      ),
    offlineCameras: (db, tenant) =>
      countPaged(
        (cursor) => cameraService(ctx).list(db, tenant, 'all', { near: null, limit: PAGE, cursor }),
        (c) => c.status === 'offline',
      ),
    overdueReports: async (db, tenant) => (await reportsServices(ctx).reports.list(db, tenant, { status: 'open', overdue: true, limit: 1 }, COUNTING)).total,
    scores: async (db, tenant, month) => {
      const summary = await kpi.summary(db, tenant, month, 1)
      const dimensions = Object.fromEntries(summary.dimensions.map((d) => [d.dimension, d.score])) as Record<Dimension, number | null>
      const known = summary.dimensions.flatMap((d) => (d.score === null ? [] : [d.score]))
      const overall = known.length === 0 ? null : Math.round((known.reduce((a, b) => a + b, 0) / known.length) * 10) / 10
      return { period: month, overall, dimensions }
    },
  }
})
