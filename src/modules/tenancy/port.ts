import { everyPage } from '../../core/http/paging.ts'
import type { TenancyPort } from '../../core/tenancy.ts'
import { zoneOrDefault } from '../../core/time.ts'
import type { TenancyServices } from './index.ts'

// A page of a list at a time: the port answers whole lists, never a silent first thousand.
const PAGE = 500

/** What other modules read of tenancy (see core/tenancy.ts), over this module's services. */
export function tenancyPortOf(s: TenancyServices): TenancyPort {
  return {
    tenant: (code) => s.tenants.info(code),
    tenantOn: (db, code) => s.tenants.get(db, code),
    tenants: (db) => s.tenants.list(db),
    timeZone: async (tenant, db) => zoneOrDefault((db ? await s.tenants.get(db, tenant) : await s.tenants.info(tenant))?.timezone),
    regionAt: async (db, tenant, lon, lat) => {
      const found = await s.regions.at(db, tenant, lon, lat)
      return found && { kelurahan: found.kelurahan, kecamatan: found.kecamatan }
    },
    regions: async (db, tenant, level) => (await s.regions.features(db, tenant, level)).features,
    agencies: async (db, tenant) =>
      (await everyPage((cursor) => s.agencies.list(db, tenant, PAGE, cursor))).map((a) => ({
        id: a.id,
        code: a.code,
        name: a.name,
        shortName: a.shortName,
        createdAt: a.createdAt,
      })),
    hasAgency: (db, tenant, id) => s.agencies.exists(db, tenant, id),
    usersWithRole: async (db, tenant, role) =>
      new Set(
        (await everyPage((cursor) => s.accounts.listUsers(db, tenant, PAGE, cursor)))
          .filter((u) => !u.disabled && u.roles.includes(role))
          .map((u) => u.username),
      ),
    principalFromApiToken: (db, token) => s.accounts.principalFromApiToken(db, token),
    addPerson: async (db, tenant, actor, person) => {
      await s.accounts.createUser(db, tenant, actor, person)
    },
  }
}
