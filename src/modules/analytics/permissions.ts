import { defineActions } from '../../core/http/permissions.ts'

/** Admins connect sources and write the rules; detections are alarms, read and acknowledged as sensor alarms are. */
export const ANALYTICS_ACTIONS = defineActions({
  'analytics.source.read': { roles: ['admin'] },
  'analytics.source.write': { roles: ['admin'] },
  'analytics.rule.read': { roles: ['admin', 'operator'] },
  'analytics.rule.write': { roles: ['admin'] },
  'analytics.detection.read': { roles: 'any', wall: true },
  'analytics.detection.ack': { roles: ['admin', 'operator', 'dispatcher'] },
})
