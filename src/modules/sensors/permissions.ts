import { defineActions } from '../../core/http/permissions.ts'

const ADMINS = ['admin'] as const

/** Every role of the city reads devices, their kinds and alarms; admins keep devices, kinds and rules; the command center acknowledges. */
export const SENSOR_ACTIONS = defineActions({
  'sensors.device.read': { roles: 'any', wall: true },
  'sensors.device.write': { roles: ADMINS },
  'sensors.kind.read': { roles: 'any', wall: true },
  'sensors.kind.write': { roles: ADMINS },
  'sensors.rule.read': { roles: 'any' },
  'sensors.rule.write': { roles: ADMINS },
  'sensors.alarm.read': { roles: 'any', wall: true },
  'sensors.alarm.ack': { roles: ['admin', 'operator', 'dispatcher'] },
})
