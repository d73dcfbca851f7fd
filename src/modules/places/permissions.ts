import { defineActions } from '../../core/http/permissions.ts'

// Searching places is public (the citizen's report form needs it); the city's own named places are kept by admins.
export const PLACE_ACTIONS = defineActions({
  'places.named.read': { roles: ['admin', 'operator', 'dispatcher'] },
  'places.named.write': { roles: ['admin'] },
  'places.index.refresh': { roles: ['admin'] },
})
