import { defineActions } from '../../core/http/permissions.ts'

// Anyone with a role in a province reads its picture of the cities (a province grant only ever reads a city).
// A city's leaders and command center see what the city shares; only its admins change it.
export const PROVINCE_ACTIONS = defineActions({
  'province.picture.read': { roles: 'any' },
  'province.sharing.read': { roles: ['admin', 'operator', 'executive'] },
  'province.sharing.write': { roles: ['admin'] },
})
