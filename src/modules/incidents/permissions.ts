import { defineActions } from '../../core/http/permissions.ts'

// Dispatchers and operators take calls and send units, field crews move their unit, agency officers follow and
// note, executives read; admins keep the registers.
const READERS = ['admin', 'operator', 'dispatcher', 'agency_officer', 'field_crew', 'executive'] as const
const DISPATCHERS = ['admin', 'operator', 'dispatcher'] as const
const CREWS = [...DISPATCHERS, 'field_crew'] as const
const ADMINS = ['admin'] as const

export const INCIDENT_ACTIONS = defineActions({
  'incidents.type.read': { roles: 'any' },
  'incidents.type.write': { roles: ADMINS },
  'incidents.target.write': { roles: ADMINS },
  'incidents.incident.read': { roles: READERS },
  /** The list and map of incidents; a wall screen reads them too, without callers or descriptions. */
  'incidents.incident.list': { roles: READERS, wall: true },
  'incidents.incident.write': { roles: DISPATCHERS },
  'incidents.incident.reopen': { roles: ['admin', 'operator'] },
  'incidents.metrics.read': { roles: ['admin', 'operator', 'dispatcher', 'executive'] },
  'incidents.note.write': { roles: [...CREWS, 'agency_officer'] },
  'incidents.dispatch': { roles: DISPATCHERS },
  'incidents.unit.read': { roles: READERS },
  /** The list and map of units; a wall screen reads them too (not a unit's track). */
  'incidents.unit.list': { roles: READERS, wall: true },
  'incidents.unit.write': { roles: ADMINS },
  /** A field crew moves its own unit; dispatchers move any. */
  'incidents.unit.crew': { roles: CREWS },
  'incidents.facility.read': { roles: READERS },
  'incidents.facility.write': { roles: ADMINS },
  'incidents.facility.capacity': { roles: DISPATCHERS },
})
