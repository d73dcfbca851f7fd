import type { Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'
import { tenancyServices } from '../tenancy/index.ts'

// What this module asks of tenancy, through its services (never its tables).

export interface AgencyRef {
  id: string
  code: string
  name: string
  shortName: string | null
}

export interface AgencyDirectory {
  /** The tenant's active agencies (OPD) by id. */
  agencies(db: Queryable, tenant: string): Promise<Map<string, AgencyRef>>
}

export function agencyDirectory(ctx: CoreContext): AgencyDirectory {
  const { agencies } = tenancyServices(ctx)
  return {
    agencies: async (db, tenant) => {
      const page = await agencies.list(db, tenant, 1000)
      return new Map(page.items.map((a) => [a.id, { id: a.id, code: a.code, name: a.name, shortName: a.shortName }]))
    },
  }
}
