import { NotFound } from '../../core/errors.ts'
import type { CoreContext } from '../../core/module.ts'
import { zoneOrDefault } from '../../core/time.ts'
import { tenancyServices } from '../tenancy/index.ts'
import type { TenancyPort } from './service.ts'

/** Whether a tenant exists on this install. */
export function tenantExists(ctx: CoreContext): (code: string) => Promise<boolean> {
  return async (code) => (await tenancyServices(ctx).tenants.info(code)) !== null
}

/** The tenancy module's services, as this module needs them. */
export function tenancyPort(ctx: CoreContext): TenancyPort {
  const s = tenancyServices(ctx)
  return {
    timezone: async (tenant) => zoneOrDefault((await s.tenants.info(tenant))?.timezone),
    regionsOf: async (db, province) => (await s.tenants.list(db)).filter((t) => t.parent === province).map((t) => ({ code: t.code, name: t.name })),
    cities: async (db) => (await s.tenants.list(db)).filter((t) => t.kind !== 'provinsi').map((t) => t.code),
    agencyExists: (db, tenant, id) =>
      s.agencies.get(db, tenant, id).then(
        () => true,
        (err: unknown) => {
          if (err instanceof NotFound) return false
          throw err
        },
      ),
  }
}
