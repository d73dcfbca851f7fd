import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { FACILITY_KINDS } from './catalogue.ts'
import { recordIncidentEvent } from './events.ts'
import type { CreateFacility, Facility } from './schema.ts'
import * as store from './store.ts'
import type { TenancyLookups } from './tenancy.ts'

/** Hospitals, puskesmas, fire and BPBD stations, evacuation points, with emergency capacity. */
export class FacilityService {
  constructor(
    private readonly events: EventLog,
    private readonly tenancy: TenancyLookups,
  ) {}

  async list(db: Queryable, tenant: string, q: { kind?: string; limit?: number; cursor?: string }) {
    const limit = q.limit ?? 50
    const kinds = q.kind ? [...new Set(q.kind.split(','))] : null
    for (const kind of kinds ?? []) {
      if (!(FACILITY_KINDS as readonly string[]).includes(kind)) throw new Invalid(`${kind} is not one of ${FACILITY_KINDS.join(', ')}`, { field: 'kind' })
    }
    const items = await store.listFacilities(db, tenant, kinds, limit, cursorKey(q.cursor))
    return keysetPage(items, await store.countFacilities(db, tenant, kinds), limit, (f) => f.code)
  }

  async get(db: Queryable, tenant: string, id: string): Promise<Facility> {
    const facility = await store.findFacility(db, tenant, id)
    if (!facility) throw new NotFound(`There is no facility ${id} in ${tenant}`)
    return facility
  }

  async create(db: Database, tenant: string, actor: string, input: CreateFacility): Promise<Facility> {
    if (input.agencyId && !(await this.tenancy.agencyExists(db, tenant, input.agencyId))) {
      throw new Invalid(`There is no agency ${input.agencyId} in ${tenant}`, { field: 'agencyId' })
    }
    return db.transaction(async (tx) => {
      const facility = await store.insertFacility(tx, tenant, input)
      if (!facility) throw new Conflict(`Facility code ${input.code} is taken`, { field: 'code' })
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'facilities',
        type: 'facility.created',
        entity: facility.id,
        data: { code: facility.code, name: facility.name, kind: facility.kind, erBedsAvailable: facility.erBedsAvailable },
      })
      return facility
    })
  }

  /** The emergency room's free beds, as the hospital reports them. */
  async updateCapacity(db: Database, tenant: string, actor: string, id: string, input: { erBeds?: number; erBedsAvailable: number }): Promise<Facility> {
    return db.transaction(async (tx) => {
      const current = await this.get(tx, tenant, id)
      const beds = input.erBeds ?? current.erBeds
      if (beds !== null && input.erBedsAvailable > beds) throw new Invalid(`Only ${beds} emergency beds exist`, { field: 'erBedsAvailable' })
      const facility = await store.updateCapacity(tx, tenant, id, input.erBeds ?? null, input.erBedsAvailable)
      if (!facility) throw new NotFound(`There is no facility ${id} in ${tenant}`)
      await recordIncidentEvent(this.events, tx, tenant, actor, {
        topic: 'facilities',
        type: 'facility.capacity_changed',
        entity: id,
        data: { code: facility.code, name: facility.name, kind: facility.kind, erBedsAvailable: facility.erBedsAvailable },
      })
      return facility
    })
  }
}
