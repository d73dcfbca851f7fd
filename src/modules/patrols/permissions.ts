import { defineActions } from '../../core/http/permissions.ts'

const ADMINS = ['admin'] as const
const PLANNERS = ['admin', 'operator', 'patrol_officer'] as const
const PATROL_READERS = ['admin', 'operator', 'patrol_officer', 'executive'] as const
const FIELD = ['admin', 'patrol_officer'] as const
const FINDING_READERS = ['admin', 'operator', 'patrol_officer', 'agency_officer', 'executive'] as const

// The command center and Rojak teams plan; the team starts, checks in and records; OPD officers answer ASN
// findings of their OPD; the inspectorate (people of the OPD named in the settings) and admins close or reopen;
// executives read.
export const PATROL_ACTIONS = defineActions({
  'patrols.settings.read': { roles: PATROL_READERS },
  'patrols.settings.write': { roles: ADMINS },
  'patrols.finding_type.read': { roles: 'any' },
  'patrols.finding_type.write': { roles: ADMINS },
  'patrols.patrol.read': { roles: PATROL_READERS },
  'patrols.patrol.plan': { roles: PLANNERS },
  /** Start, finish, check in: the team on patrol. */
  'patrols.patrol.field': { roles: FIELD },
  'patrols.finding.read': { roles: FINDING_READERS },
  'patrols.finding.record': { roles: FIELD },
  'patrols.finding.respond': { roles: ['admin', 'agency_officer'], opd: 'the finding is addressed to' },
  /** Close or reopen: admins, and the people (of any role) of the inspectorate OPD, not the operators. */
  'patrols.finding.close': { roles: 'any', opd: 'is the inspectorate named in the patrol settings', everyOpd: ['admin'] },
  'patrols.followup.read': { roles: PATROL_READERS },
  'patrols.asn.read': { roles: FINDING_READERS },
  'patrols.asn.import': { roles: ADMINS },
  'patrols.asn.settings.write': { roles: ADMINS },
})
