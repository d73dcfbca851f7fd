import { defineActions } from '../../core/http/permissions.ts'

const OPERATORS = ['admin', 'operator'] as const
const WORKERS = ['admin', 'operator', 'agency_officer'] as const
const READERS = ['admin', 'operator', 'agency_officer', 'executive'] as const

// Anyone reports, tracks and supports; the command center (operators) verifies, routes, rejects, merges and
// closes; OPD officers work on their reports; executives read; admins configure.
export const REPORT_ACTIONS = defineActions({
  'reports.category.write': { roles: ['admin'] },
  'reports.settings.read': { roles: OPERATORS },
  'reports.settings.write': { roles: ['admin'] },
  'reports.report.read': { roles: READERS },
  /** The list alone (no report's detail): the wall counts the open reports of each OPD with it. */
  'reports.report.list': { roles: READERS, wall: true },
  /** Verify, reject, assign to an OPD, merge, close. */
  'reports.report.triage': { roles: OPERATORS },
  /** Start, hand back, resolve: the OPD the report is assigned to (checked by the workflow). */
  'reports.report.work': { roles: ['admin', 'agency_officer'], opd: 'the report is assigned to' },
  'reports.report.incident': { roles: OPERATORS },
  'reports.report.support': { roles: WORKERS },
  'reports.note.write': { roles: WORKERS },
})
