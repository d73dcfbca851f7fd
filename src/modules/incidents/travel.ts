import type { UnitKind } from './catalogue.ts'

// Travel time from units to an incident: straight-line distance × a road factor at an urban speed, or a
// routing service speaking the OSRM HTTP API (`/table/v1/driving/…`) when ROUTING_URL is set.

/** Roads are longer than the crow flies; 1.4 is the usual factor for a dense town grid. */
export const ROAD_FACTOR = 1.4

/** Average urban speed with lights and siren where it applies. */
export const SPEED_KMH: Record<UnitKind, number> = { ambulance: 40, fire_engine: 35, rescue: 35, satpol_pp: 30, police: 40 }

export interface Leg {
  /** Straight-line metres (the crow's distance), always known. */
  straightM: number
  kind: UnitKind
  from: [number, number]
}

export interface Travel {
  /** Metres along the road (estimated or routed) and seconds. */
  distanceM: number
  etaSeconds: number
  source: 'estimate' | 'routing'
}

export function estimateTravel(straightM: number, kind: UnitKind): Travel {
  const distanceM = Math.round(straightM * ROAD_FACTOR)
  return { distanceM, etaSeconds: Math.round(distanceM / ((SPEED_KMH[kind] * 1000) / 3600)), source: 'estimate' }
}

export interface TravelTimes {
  travel(legs: Leg[], to: [number, number]): Promise<Travel[]>
}

export const straightLine: TravelTimes = {
  travel: async (legs) => legs.map((l) => estimateTravel(l.straightM, l.kind)),
}

interface OsrmTable {
  code: string
  durations?: (number | null)[][]
  distances?: (number | null)[][]
}

/**
 * Asks an OSRM-compatible service for a one-to-many table (units → incident); a unit the service cannot
 * route, or a service that fails or is slow, falls back to the estimate so dispatch never waits on it.
 */
export class OsrmTravel implements TravelTimes {
  constructor(
    private readonly baseUrl: string,
    private readonly onError: (err: unknown) => void,
    private readonly timeoutMs = 2000,
  ) {}

  async travel(legs: Leg[], to: [number, number]): Promise<Travel[]> {
    const fallback = legs.map((l) => estimateTravel(l.straightM, l.kind))
    if (legs.length === 0) return fallback
    const coordinates = [to, ...legs.map((l) => l.from)].map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`).join(';')
    const sources = legs.map((_, i) => i + 1).join(';')
    const url = `${this.baseUrl.replace(/\/$/, '')}/table/v1/driving/${coordinates}?sources=${sources}&destinations=0&annotations=duration,distance`
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) })
      if (!res.ok) throw new Error(`routing service answered ${res.status}`)
      const table = (await res.json()) as OsrmTable
      if (table.code !== 'Ok' || !table.durations) throw new Error(`routing service answered code ${table.code}`)
      return legs.map((_, i) => {
        const duration = table.durations?.[i]?.[0]
        const distance = table.distances?.[i]?.[0]
        if (typeof duration !== 'number') return fallback[i]
        return {
          distanceM: Math.round(typeof distance === 'number' ? distance : fallback[i].distanceM),
          etaSeconds: Math.round(duration),
          source: 'routing' as const,
        }
      })
    } catch (err) {
      this.onError(err)
      return fallback
    }
  }
}
