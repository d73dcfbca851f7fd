import { defineActions } from '../../core/http/permissions.ts'

// Admins schedule the reports and send a test; leaders and the command center see what is scheduled and sent.
export const BRIEFING_ACTIONS = defineActions({
  'briefings.schedule.read': { roles: ['admin', 'executive', 'operator'] },
  'briefings.schedule.write': { roles: ['admin'] },
})
