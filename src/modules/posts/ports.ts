import type { Queryable } from '../../core/db/database.ts'
import type { CoreContext } from '../../core/module.ts'

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
  return {
    agencies: async (db, tenant) =>
      new Map((await ctx.tenancy.agencies(db, tenant)).map((a) => [a.id, { id: a.id, code: a.code, name: a.name, shortName: a.shortName }])),
  }
}
