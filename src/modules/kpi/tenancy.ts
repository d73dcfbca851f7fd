import type { CoreContext } from '../../core/module.ts'
import type { TenancyPort } from './service.ts'

/** Whether a tenant exists on this install. */
export function tenantExists(ctx: CoreContext): (code: string) => Promise<boolean> {
  return async (code) => (await ctx.tenancy.tenant(code)) !== null
}

/** The tenancy module's services, as this module needs them. */
export function tenancyPort(ctx: CoreContext): TenancyPort {
  const s = ctx.tenancy
  return {
    timezone: (tenant) => s.timeZone(tenant),
    regionsOf: async (db, province) => (await s.tenants(db)).filter((t) => t.parent === province).map((t) => ({ code: t.code, name: t.name })),
    cities: async (db) => (await s.tenants(db)).filter((t) => t.kind !== 'provinsi').map((t) => t.code),
    agencyExists: (db, tenant, id) => s.hasAgency(db, tenant, id),
  }
}
