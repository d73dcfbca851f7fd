import type { Database } from '../../core/db/database.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import { DEMO_TENANT, DEMO_UNITS } from './demo.ts'
import { type Clock, SENSOR_ACTOR } from './incidents.ts'
import type { IncidentsServices } from './index.ts'
import type { CreateIncident, Unit, UnitStatusBody } from './schema.ts'
import * as store from './store.ts'
import { SPEED_KMH } from './travel.ts'
import type { UnitCaller } from './units.ts'

export const SIMULATOR_ACTOR = 'system:simulator'
const TICK_MS = 5000
const CALL_EVERY_MS = 4 * 60_000
// The first call of a fresh start comes soon, so the demo shows dispatch within a minute.
const FIRST_CALL_AFTER_MS = 30_000
const MAX_OPEN_CALLS = 4
// Simulated calls (and the demo's simulated floods) nobody dispatches are dispatched by the simulator after this long.
const AUTO_DISPATCH_AFTER_MS = 90_000
const TURNOUT_MS = 30_000
const ON_SCENE_MS = 3 * 60_000
const AT_HOSPITAL_MS = 2 * 60_000
const ARRIVED_M = 25

// Places of Kota Magelang where the demo's calls come from.
export const DEMO_PLACES: { name: string; location: GeoPoint }[] = [
  { name: 'Pasar Rejowinangun', location: { type: 'Point', coordinates: [110.225, -7.4868] } },
  { name: 'Alun-alun Kota Magelang', location: { type: 'Point', coordinates: [110.2176, -7.4773] } },
  { name: 'Terminal Tidar', location: { type: 'Point', coordinates: [110.2285, -7.501] } },
  { name: 'Taman Kyai Langgeng', location: { type: 'Point', coordinates: [110.208, -7.4895] } },
  { name: 'Pasar Kebonpolo', location: { type: 'Point', coordinates: [110.2135, -7.4585] } },
  { name: 'Jl. Ahmad Yani (Kedungsari)', location: { type: 'Point', coordinates: [110.2255, -7.452] } },
  { name: 'Jl. Pemuda (Pecinan)', location: { type: 'Point', coordinates: [110.2195, -7.4745] } },
  { name: 'Jl. Soekarno-Hatta', location: { type: 'Point', coordinates: [110.2315, -7.492] } },
  { name: 'Kampung Cacaban', location: { type: 'Point', coordinates: [110.2125, -7.479] } },
  { name: 'Jl. Pahlawan', location: { type: 'Point', coordinates: [110.2178, -7.466] } },
]

const CALLS: { type: string; weight: number; source: CreateIncident['source']; text: string }[] = [
  { type: 'medical', weight: 45, source: 'call_119', text: 'Warga pingsan, sesak napas' },
  { type: 'traffic_accident', weight: 20, source: 'call_112', text: 'Tabrakan motor dan mobil, satu korban luka' },
  { type: 'fire', weight: 8, source: 'call_112', text: 'Asap tebal dari rumah warga' },
  { type: 'fallen_tree', weight: 10, source: 'call_112', text: 'Pohon tumbang menutup jalan' },
  { type: 'public_order', weight: 10, source: 'call_112', text: 'Keributan di depan pertokoan' },
  { type: 'flood', weight: 7, source: 'call_112', text: 'Genangan air setinggi lutut di permukiman' },
]

const TRANSPORTED_TYPES = new Set(['medical', 'traffic_accident'])

/** The item whose share of the total weight `r` (0…1) falls in. */
export function weightedPick<T extends { weight: number }>(items: T[], r: number): T {
  let rest = r * items.reduce((n, c) => n + c.weight, 0)
  for (const item of items) {
    rest -= item.weight
    if (rest < 0) return item
  }
  return items[items.length - 1]
}

/** Metres between two points (equirectangular; exact enough within a city). */
export function metresBetween(a: [number, number], b: [number, number]): number {
  const lat = ((a[1] + b[1]) / 2) * (Math.PI / 180)
  const dx = (b[0] - a[0]) * 111_320 * Math.cos(lat)
  const dy = (b[1] - a[1]) * 110_540
  return Math.hypot(dx, dy)
}

/** Where a unit is after going `metres` straight toward `to`; arrived when it got there. */
export function stepToward(from: [number, number], to: [number, number], metres: number): { point: [number, number]; arrived: boolean } {
  const total = metresBetween(from, to)
  if (total <= Math.max(metres, ARRIVED_M)) return { point: to, arrived: true }
  const f = metres / total
  return { point: [from[0] + (to[0] - from[0]) * f, from[1] + (to[1] - from[1]) * f], arrived: false }
}

/**
 * Keeps the demo's dispatch alive: units drive to their incidents, to hospital and home along straight
 * lines, crews press their buttons after plausible times, and a call comes in now and then. It works
 * from the database's state, so it picks up where it was after a restart.
 */
export interface SimulatorOptions {
  clock?: Clock
  random?: () => number
  callEveryMs?: number
  /** Several instances on one database: only the one holding the lease moves the units. */
  mayRun?: () => Promise<boolean>
}

export class DispatchSimulator {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private lastCall = 0
  private readonly caller: UnitCaller = { actor: SIMULATOR_ACTOR, username: null, mayMoveAnyUnit: true }

  private readonly clock: Clock
  private readonly random: () => number
  private readonly callEveryMs: number
  private readonly mayRun: () => Promise<boolean>

  constructor(
    private readonly db: Database,
    private readonly s: IncidentsServices,
    private readonly onError: (err: unknown) => void,
    options: SimulatorOptions = {},
  ) {
    this.clock = options.clock ?? (() => new Date())
    this.random = options.random ?? Math.random
    this.callEveryMs = options.callEveryMs ?? CALL_EVERY_MS
    this.mayRun = options.mayRun ?? (async () => true)
    this.lastCall = this.clock().getTime()
  }

  /** Starts ticking when the demo is seeded; false otherwise. */
  async start(): Promise<boolean> {
    if (!(await store.findUnitByCallsign(this.db, DEMO_TENANT, DEMO_UNITS[0].callsign))) return false
    if (Number.isFinite(this.callEveryMs)) this.lastCall = this.clock().getTime() - this.callEveryMs + FIRST_CALL_AFTER_MS
    this.timer = setInterval(() => {
      if (this.running) return
      this.running = this.mayRun()
        .then((mayRun) => (mayRun ? this.tick() : undefined))
        .catch(this.onError)
        .finally(() => {
          this.running = null
        })
    }, TICK_MS)
    this.timer.unref()
    return true
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    await this.running
  }

  /** One step of the simulation at the clock's time. */
  async tick(): Promise<void> {
    const now = this.clock()
    const units = (await this.s.units.list(this.db, DEMO_TENANT, { limit: 1000 })).items
    for (const unit of units) await this.advance(unit, now)
    await this.autoDispatch(now)
    if (now.getTime() - this.lastCall >= this.callEveryMs) {
      this.lastCall = now.getTime()
      await this.call()
    }
  }

  /** A new call at a demo place (if not too many are open). */
  async call(): Promise<void> {
    const open = await this.s.incidents.list(this.db, DEMO_TENANT, { status: 'open', limit: 100 }, false)
    if (open.items.filter((i) => i.createdBy === SIMULATOR_ACTOR).length >= MAX_OPEN_CALLS) return
    const place = DEMO_PLACES[Math.floor(this.random() * DEMO_PLACES.length)]
    const call = weightedPick(CALLS, this.random())
    const jitter = () => (this.random() - 0.5) * 0.002
    const [lon, lat] = place.location.coordinates
    await this.s.incidents.create(this.db, DEMO_TENANT, SIMULATOR_ACTOR, {
      type: call.type,
      source: call.source,
      location: { type: 'Point', coordinates: [lon + jitter(), lat + jitter()] },
      address: `Dekat ${place.name}`,
      description: call.text,
      caller: { name: 'Penelepon (simulasi)', phone: `08${Math.floor(1e9 + this.random() * 9e9)}` },
    })
  }

  private async autoDispatch(now: Date): Promise<void> {
    const waiting = await this.s.incidents.list(this.db, DEMO_TENANT, { status: 'new', limit: 100 }, false)
    for (const incident of waiting.items) {
      const simulated = incident.createdBy === SIMULATOR_ACTOR || incident.createdBy === SENSOR_ACTOR
      if (!simulated || now.getTime() - Date.parse(incident.createdAt) < AUTO_DISPATCH_AFTER_MS) continue
      const [best] = await this.s.dispatch.recommend(this.db, DEMO_TENANT, incident.id, 1)
      if (best) await this.s.dispatch.dispatch(this.db, DEMO_TENANT, SIMULATOR_ACTOR, incident.id, best.unitId)
    }
  }

  private async advance(unit: Unit, now: Date): Promise<void> {
    const elapsed = now.getTime() - Date.parse(unit.statusSince)
    const status = (to: UnitStatusBody) => this.s.units.setStatus(this.db, DEMO_TENANT, this.caller, unit.id, to)
    switch (unit.status) {
      case 'dispatched':
        if (elapsed >= TURNOUT_MS) await status({ status: 'en_route' })
        return
      case 'en_route': {
        const incident = unit.incidentId ? await store.findIncident(this.db, DEMO_TENANT, unit.incidentId) : null
        if (incident && (await this.drive(unit, incident.location, now))) await status({ status: 'on_scene' })
        return
      }
      case 'on_scene': {
        if (elapsed < ON_SCENE_MS) return
        const incident = unit.incidentId ? await store.findIncident(this.db, DEMO_TENANT, unit.incidentId) : null
        const hospital = unit.kind === 'ambulance' && incident && TRANSPORTED_TYPES.has(incident.type) ? await this.nearestHospital(incident.location) : null
        if (hospital) await status({ status: 'transporting', destinationId: hospital })
        else await status({ status: 'returning', outcome: unit.kind === 'ambulance' ? 'treated_on_scene' : 'resolved' })
        return
      }
      case 'transporting': {
        const destination = unit.destinationId ? await store.findFacility(this.db, DEMO_TENANT, unit.destinationId) : null
        if (destination && (await this.drive(unit, destination.location, now))) await status({ status: 'at_hospital' })
        return
      }
      case 'at_hospital':
        if (elapsed >= AT_HOSPITAL_MS) await status({ status: 'returning', outcome: 'transported' })
        return
      case 'returning': {
        const home = (await store.findUnit(this.db, DEMO_TENANT, unit.id))?.homeFacilityId
        const base = home ? await store.findFacility(this.db, DEMO_TENANT, home) : null
        if (!base || (await this.drive(unit, base.location, now))) await status({ status: 'available' })
        return
      }
      default:
        return
    }
  }

  /** Moves the unit one tick toward a point; true once it is there. */
  private async drive(unit: Unit, to: GeoPoint, now: Date): Promise<boolean> {
    if (!unit.location) return true
    const since = unit.positionAt ? Math.min(now.getTime() - Date.parse(unit.positionAt), 3 * TICK_MS) : TICK_MS
    const metres = ((SPEED_KMH[unit.kind] * 1000) / 3600) * (Math.max(since, 0) / 1000)
    const step = stepToward(unit.location.coordinates, to.coordinates, metres)
    await this.s.units.position(this.db, DEMO_TENANT, this.caller, unit.id, {
      location: { type: 'Point', coordinates: step.point },
      at: now.toISOString(),
      speedKmh: step.arrived ? 0 : SPEED_KMH[unit.kind],
    })
    return step.arrived
  }

  private async nearestHospital(near: GeoPoint): Promise<string | null> {
    const hospitals = (await this.s.facilities.list(this.db, DEMO_TENANT, { kind: 'hospital', limit: 100 })).items.filter((f) => f.hasEmergency)
    hospitals.sort((a, b) => metresBetween(a.location.coordinates, near.coordinates) - metresBetween(b.location.coordinates, near.coordinates))
    return hospitals[0]?.id ?? null
  }
}
