import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { recordTenancyEvent } from './events.ts'
import type { Agency, CreateAgency, UpdateAgency } from './schema.ts'
import * as store from './store.ts'

/** Agencies (OPD, organisasi perangkat daerah) of a tenant. */
export class AgencyService {
  constructor(private readonly events: EventLog) {}

  async list(db: Queryable, tenant: string, limit: number, cursor?: string) {
    const items = await store.listAgencies(db, tenant, limit, cursorKey(cursor))
    return keysetPage(items, await store.countAgencies(db, tenant), limit, (a) => a.code)
  }

  async exists(db: Queryable, tenant: string, id: string): Promise<boolean> {
    return (await store.findAgency(db, tenant, id)) !== null
  }

  async get(db: Queryable, tenant: string, id: string): Promise<Agency> {
    const agency = await store.findAgency(db, tenant, id)
    if (!agency) throw new NotFound(`There is no agency ${id} in ${tenant}`)
    return agency
  }

  async create(db: Database, tenant: string, actor: string | null, input: CreateAgency): Promise<Agency> {
    return db.transaction(async (tx) => {
      if (await store.agencyCodeTaken(tx, tenant, input.code, null)) throw new Conflict(`Agency code ${input.code} is taken`, { field: 'code' })
      const agency = await store.insertAgency(tx, tenant, { code: input.code, name: input.name, shortName: input.shortName ?? null })
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'agencies',
        type: 'agency.created',
        entity: agency.id,
        data: { code: agency.code, name: agency.name },
      })
      return agency
    })
  }

  async update(db: Database, tenant: string, actor: string | null, id: string, input: UpdateAgency): Promise<Agency> {
    return db.transaction(async (tx) => {
      const current = await this.get(tx, tenant, id)
      const code = input.code ?? current.code
      if (code !== current.code && (await store.agencyCodeTaken(tx, tenant, code, id))) throw new Conflict(`Agency code ${code} is taken`, { field: 'code' })
      const agency = await store.updateAgency(tx, tenant, id, {
        code,
        name: input.name ?? current.name,
        shortName: input.shortName === undefined ? current.shortName : input.shortName,
      })
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'agencies',
        type: 'agency.updated',
        entity: id,
        data: { code: agency.code, name: agency.name },
      })
      return agency
    })
  }

  async archive(db: Database, tenant: string, actor: string | null, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const current = await this.get(tx, tenant, id)
      await store.archiveAgency(tx, tenant, id)
      await recordTenancyEvent(this.events, tx, tenant, actor, {
        topic: 'agencies',
        type: 'agency.archived',
        entity: id,
        data: { code: current.code, name: current.name },
      })
    })
  }
}
