import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Invalid } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { TenantInfo } from '../../core/http/identity.ts'
import { recordTenancyEvent } from './events.ts'
import type { CreateTenant, Tenant } from './schema.ts'
import * as store from './store.ts'

// Tenant records change rarely and are read on every request; a short cache spares a query per call.
const CACHE_MS = 30_000

/** Tenants: the province and its kota/kabupaten, keyed by Kemendagri code. */
export class TenantService {
  private readonly cache = new Map<string, { info: TenantInfo; until: number }>()

  constructor(
    private readonly db: () => Database,
    private readonly events: EventLog,
  ) {}

  list(db: Queryable): Promise<Tenant[]> {
    return store.listTenants(db)
  }

  get(db: Queryable, code: string): Promise<Tenant | null> {
    return store.findTenant(db, code)
  }

  /** The tenant with its lineage (itself up to its province), for access checks; null if unknown. */
  async info(code: string): Promise<TenantInfo | null> {
    const cached = this.cache.get(code)
    if (cached && cached.until > Date.now()) return cached.info
    const lineage: TenantInfo['lineage'] = []
    let row = await store.findTenant(this.db(), code)
    const self = row
    while (row) {
      lineage.push(row.code)
      row = row.parent ? await store.findTenant(this.db(), row.parent) : null
    }
    if (!self) return null
    const info: TenantInfo = { code: self.code, name: self.name, kind: self.kind, parent: self.parent, timezone: self.timezone, lineage }
    this.cache.set(code, { info, until: Date.now() + CACHE_MS })
    return info
  }

  async create(db: Database, actor: string, input: CreateTenant): Promise<Tenant> {
    const parent = input.parent ?? null
    if (input.timeZone && input.timezone && input.timeZone !== input.timezone) {
      throw new Invalid('timeZone and timezone disagree; send timeZone only', { field: 'timeZone' })
    }
    if (input.kind === 'provinsi' && (parent || input.code.includes('.'))) {
      throw new Invalid('A provinsi has a two-digit code and no parent', { field: input.parent ? 'parent' : 'code' })
    }
    if (input.kind !== 'provinsi') {
      if (!parent) throw new Invalid('A kota or kabupaten needs its provinsi as parent', { field: 'parent' })
      if (!input.code.startsWith(`${parent}.`)) throw new Invalid(`Code ${input.code} does not lie in provinsi ${parent}`, { field: 'code' })
    }
    return db.transaction(async (tx) => {
      if (parent && !(await store.findTenant(tx, parent))) throw new Invalid(`There is no tenant ${parent} to be the parent`, { field: 'parent' })
      const inserted = await store.insertTenant(tx, {
        code: input.code,
        name: input.name,
        kind: input.kind,
        parent,
        timezone: input.timeZone ?? input.timezone ?? 'Asia/Jakarta',
      })
      if (!inserted) throw new Conflict(`Tenant ${input.code} exists already`, { field: 'code' })
      await recordTenancyEvent(this.events, tx, input.code, actor, {
        topic: 'access',
        type: 'tenant.created',
        entity: input.code,
        data: { name: input.name, kind: input.kind },
      })
      const tenant = await store.findTenant(tx, input.code)
      if (!tenant) throw new Error('tenant vanished inside its own transaction')
      return tenant
    })
  }
}
