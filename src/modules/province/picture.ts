import type { Database, Queryable } from '../../core/db/database.ts'
import { Invalid } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { TenancyPort } from '../../core/tenancy.ts'
import { dateInZone } from '../../core/time.ts'
import { recordProvinceEvent } from './events.ts'
import { type CityFigures, type CityScores, PRIORITIES, type Priority } from './ports.ts'
import * as store from './store.ts'

/** The modules whose figures a city may share with its province, each a city's own choice. */
export const SHARED_MODULES = ['incidents', 'alerts', 'sensors', 'cctv', 'reports', 'kpi'] as const
export type SharedModule = (typeof SHARED_MODULES)[number]
export type Shares = Record<SharedModule, boolean>

export interface CityPicture {
  code: string
  name: string
  shares: Shares
  /** Open incidents by priority; null when the city does not share its incidents. */
  openIncidents: (Record<Priority, number> & { total: number }) | null
  activeWarnings: number | null
  offlineDevices: number | null
  offlineCameras: number | null
  overdueReports: number | null
  scores: CityScores | null
}

/** The month before the one an instant falls in, in a zone: the last closed month. */
function lastClosedMonth(at: Date, timeZone: string): string {
  const [y, m] = dateInZone(at, timeZone).split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** The province picture: its cities' live counts and scores as each city shares them; the province only reads. */
export class ProvinceService {
  constructor(
    private readonly events: EventLog,
    private readonly tenancy: TenancyPort,
    private readonly figures: CityFigures,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** What a city shares with its province, module by module (shared unless the city said otherwise). */
  async sharing(db: Queryable, city: string) {
    await this.cityOf(db, city)
    const rows = new Map((await store.sharing(db, city)).map((r) => [r.module, r]))
    return {
      modules: SHARED_MODULES.map((module) => {
        const row = rows.get(module)
        return { module, isShared: row?.isShared ?? true, updatedBy: row?.updatedBy ?? null, updatedAt: row?.updatedAt.toISOString() ?? null }
      }),
    }
  }

  async putSharing(db: Database, city: string, actor: string, changes: Partial<Shares>) {
    await this.cityOf(db, city)
    const entries = Object.entries(changes) as [SharedModule, boolean][]
    if (entries.length === 0) throw new Invalid('Say which modules to share or not, e.g. {"incidents": true}', { field: 'body' })
    await db.transaction(async (tx) => {
      for (const [module, isShared] of entries) await store.putSharing(tx, city, actor, module, isShared)
      await recordProvinceEvent(this.events, tx, city, actor, { topic: 'province', type: 'sharing.changed', entity: null, data: { shared: changes } })
    })
    return this.sharing(db, city)
  }

  /** Every kota and kabupaten of the province: live counts and last month's scores, ranked; and who has not joined. */
  async cities(db: Queryable, province: string, month?: string) {
    const self = await this.provinceOf(db, province)
    const period = month ?? lastClosedMonth(this.clock(), self.timezone)
    const members = (await this.tenancy.tenants(db)).filter((t) => t.parent === province).sort((a, b) => a.code.localeCompare(b.code))
    const joined = new Set(members.map((m) => m.code))
    const regions = await this.tenancy.regions(db, province)
    const notJoined = regions
      .filter((r) => !joined.has(r.properties.code))
      .map((r) => ({ code: r.properties.code, name: r.properties.name }))
      .sort((a, b) => a.code.localeCompare(b.code))
    const cities: CityPicture[] = []
    for (const member of members) cities.push(await this.city(db, member.code, member.name, period))
    cities.sort((a, b) => (b.scores?.overall ?? -1) - (a.scores?.overall ?? -1) || a.code.localeCompare(b.code))
    return { province, period, computedAt: this.clock().toISOString(), cities: cities.map((c, i) => ({ rank: i + 1, ...c })), notJoined }
  }

  /** Every active public warning of the province's cities on one map, from each city's CAP feed (when it shares it). */
  async warnings(db: Queryable, province: string) {
    await this.provinceOf(db, province)
    const members = (await this.tenancy.tenants(db)).filter((t) => t.parent === province)
    const features = []
    for (const member of members) {
      if (!(await this.sharesOf(db, member.code)).alerts) continue
      for (const w of await this.figures.activeWarnings(db, member.code)) {
        const { footprint, ...properties } = w
        features.push({
          type: 'Feature' as const,
          id: `${member.code}/${w.id}`,
          geometry: footprint,
          properties: { ...properties, city: member.code, cityName: member.name },
        })
      }
    }
    return { type: 'FeatureCollection' as const, features }
  }

  private async city(db: Queryable, code: string, name: string, period: string): Promise<CityPicture> {
    const shares = await this.sharesOf(db, code)
    const f = this.figures
    const when = <T>(shared: boolean, read: () => Promise<T>) => (shared ? read() : Promise.resolve(null))
    const incidents = await when(shares.incidents, () => f.openIncidents(db, code))
    return {
      code,
      name,
      shares,
      openIncidents: incidents && { ...incidents, total: PRIORITIES.reduce((sum, p) => sum + incidents[p], 0) },
      activeWarnings: await when(shares.alerts, async () => (await f.activeWarnings(db, code)).length),
      offlineDevices: await when(shares.sensors, () => f.offlineDevices(db, code)),
      offlineCameras: await when(shares.cctv, () => f.offlineCameras(db, code)),
      overdueReports: await when(shares.reports, () => f.overdueReports(db, code)),
      scores: await when(shares.kpi, () => f.scores(db, code, period)),
    }
  }

  private async sharesOf(db: Queryable, city: string): Promise<Shares> {
    const shares = Object.fromEntries(SHARED_MODULES.map((m) => [m, true])) as Shares
    for (const row of await store.sharing(db, city)) if (row.module in shares) shares[row.module as SharedModule] = row.isShared
    return shares
  }

  private async provinceOf(db: Queryable, code: string) {
    const tenant = await this.tenancy.tenantOn(db, code)
    if (tenant?.kind !== 'provinsi') throw new Invalid(`${code} is not a province: only a province has a picture of its cities`, { field: 'tenant' })
    return tenant
  }

  private async cityOf(db: Queryable, code: string) {
    const tenant = await this.tenancy.tenantOn(db, code)
    if (!tenant || tenant.kind === 'provinsi')
      throw new Invalid(`${code} is a province: only a kota or kabupaten shares with its province`, { field: 'tenant' })
    return tenant
  }
}
