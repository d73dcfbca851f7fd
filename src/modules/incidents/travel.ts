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

// Routed legs are kept this long: roads change slowly, and a unit that moved has a new key anyway.
const ROUTE_TTL_MS = 10 * 60_000
const ROUTE_CACHE_SIZE = 20_000

/** A leg's cache key: both ends to 4 decimals (about 11 m), so a unit idling at its post reuses its route. */
const legKey = (from: [number, number], to: [number, number]) => `${from[0].toFixed(4)},${from[1].toFixed(4)};${to[0].toFixed(4)},${to[1].toFixed(4)}`

/**
 * Asks an OSRM-compatible service for a one-to-many table (units → incident); a unit the service cannot
 * route, or a service that fails or is slow, falls back to the estimate so dispatch never waits on it.
 * Routed legs are cached (oldest first out), so recommending again for the same incident asks only for the
 * units that moved.
 */
export class OsrmTravel implements TravelTimes {
  private readonly cache = new Map<string, { travel: { distanceM: number; durationS: number }; at: number }>()

  constructor(
    private readonly baseUrl: string,
    private readonly onError: (err: unknown) => void,
    private readonly timeoutMs = 2000,
    private readonly now: () => number = Date.now,
  ) {}

  async travel(legs: Leg[], to: [number, number]): Promise<Travel[]> {
    const fallback = legs.map((l) => estimateTravel(l.straightM, l.kind))
    const now = this.now()
    const routed = legs.map((l) => {
      const hit = this.cache.get(legKey(l.from, to))
      return hit && now - hit.at < ROUTE_TTL_MS ? hit.travel : null
    })
    const missing = legs.flatMap((l, i) => (routed[i] ? [] : [{ leg: l, i }]))
    if (missing.length > 0) {
      const fresh = await this.table(
        missing.map((m) => m.leg),
        to,
      )
      missing.forEach((m, j) => {
        const travel = fresh[j]
        if (!travel) return
        routed[m.i] = travel
        this.remember(legKey(m.leg.from, to), travel, now)
      })
    }
    // The same road distance and duration for every kind: the router knows roads, not sirens.
    return legs.map((_, i) => {
      const r = routed[i]
      return r ? { distanceM: r.distanceM, etaSeconds: r.durationS, source: 'routing' as const } : fallback[i]
    })
  }

  private remember(key: string, travel: { distanceM: number; durationS: number }, at: number): void {
    this.cache.delete(key)
    this.cache.set(key, { travel, at })
    if (this.cache.size > ROUTE_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value as string)
  }

  /** One table request; null for a leg the service could not route (or every leg when it failed). */
  private async table(legs: Leg[], to: [number, number]): Promise<({ distanceM: number; durationS: number } | null)[]> {
    const coordinates = [to, ...legs.map((l) => l.from)].map(([lon, lat]) => `${lon.toFixed(6)},${lat.toFixed(6)}`).join(';')
    const sources = legs.map((_, i) => i + 1).join(';')
    const url = `${this.baseUrl.replace(/\/$/, '')}/table/v1/driving/${coordinates}?sources=${sources}&destinations=0&annotations=duration,distance`
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(this.timeoutMs) })
      if (!res.ok) throw new Error(`routing service answered ${res.status}`)
      const table = (await res.json()) as OsrmTable
      if (table.code !== 'Ok' || !table.durations) throw new Error(`routing service answered code ${table.code}`)
      return legs.map((l, i) => {
        const duration = table.durations?.[i]?.[0]
        const distance = table.distances?.[i]?.[0]
        if (typeof duration !== 'number') return null
        const distanceM = Math.round(typeof distance === 'number' ? distance : estimateTravel(l.straightM, l.kind).distanceM)
        return { distanceM, durationS: Math.round(duration) }
      })
    } catch (err) {
      this.onError(err)
      return legs.map(() => null)
    }
  }
}
