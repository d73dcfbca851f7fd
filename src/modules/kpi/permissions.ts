import { defineActions } from '../../core/http/permissions.ts'

const READERS = ['admin', 'executive', 'operator', 'agency_officer'] as const
const ADMINS = ['admin'] as const

// Leaders and the command center read the dashboard; OPD officers enter their values; admins keep the
// catalogue, run recomputes and issue wall tokens. A province grant reads its cities (inherited grants only read).
// A wall screen passes only the actions marked `wall` here and in the modules whose data its panels show.
export const KPI_ACTIONS = defineActions({
  'kpi.indicator.read': { roles: READERS },
  /** The six dimensions' scores and figures; a wall screen reads them too (not the entered values behind them). */
  'kpi.summary.read': { roles: READERS, wall: true },
  /** The executive dashboard: the scores and what the other modules count (incidents, complaints, levies, findings). */
  'kpi.overview.read': { roles: READERS },
  'kpi.indicator.write': { roles: ADMINS },
  'kpi.value.enter': { roles: ['admin', 'agency_officer'], opd: 'the indicator belongs to' },
  'kpi.recompute': { roles: ADMINS },
  'kpi.wall_token.read': { roles: ADMINS },
  'kpi.wall_token.write': { roles: ADMINS },
  /** Whoever reads the dashboard (and so the wall) reads its schedule; the command center sets it. */
  'kpi.wall.settings.read': { roles: READERS, wall: true },
  'kpi.wall.settings.write': { roles: ['admin', 'operator'] },
})
