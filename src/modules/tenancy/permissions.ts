import { defineActions } from '../../core/http/permissions.ts'

const ADMINS = ['admin'] as const

/** Who may do what in tenancy: a tenant's administrators keep its regions, OPDs, people and API tokens. */
export const TENANCY_ACTIONS = defineActions({
  'tenancy.regions.import': { roles: ADMINS },
  'tenancy.agency.write': { roles: ADMINS },
  'tenancy.user.read': { roles: ADMINS },
  'tenancy.user.write': { roles: ADMINS },
  'tenancy.token.read': { roles: ADMINS },
  'tenancy.token.write': { roles: ADMINS },
})
