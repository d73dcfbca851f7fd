import { defineActions } from '../../core/http/permissions.ts'

const AUTHORS = ['admin', 'operator'] as const

// Operators draft, a second operator or admin (one who did not edit the draft) approves; the command center reads.
export const ALERT_ACTIONS = defineActions({
  'alerts.alert.read': { roles: ['admin', 'operator', 'dispatcher', 'agency_officer', 'executive'] },
  'alerts.alert.write': { roles: AUTHORS },
  'alerts.alert.approve': { roles: AUTHORS },
  'alerts.template.read': { roles: AUTHORS },
  'alerts.template.write': { roles: ['admin'] },
  'alerts.subscription.read': { roles: ['admin'] },
  'alerts.subscription.write': { roles: ['admin'] },
})
