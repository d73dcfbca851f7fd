import type { IncidentStatus, Targets } from './catalogue.ts'

export interface IncidentTimes {
  status: IncidentStatus
  createdAt: string
  dispatchedAt: string | null
  onSceneAt: string | null
  hospitalAt: string | null
  closedAt: string | null
}

export interface Timers {
  /** Seconds from the call to the first dispatch; null until then. */
  callToDispatch: number | null
  dispatchToOnScene: number | null
  onSceneToHospital: number | null
  /** Seconds from the call to closing; null while open. */
  total: number | null
  /** When the current stage (dispatch, then arrival on scene) passes its target; null once both are met. */
  dueAt: string | null
  overdue: boolean
}

const seconds = (from: string | null, to: string | null) => (from && to ? Math.round((Date.parse(to) - Date.parse(from)) / 1000) : null)

/** The intervals of an incident and whether it is late against its priority's targets at `now`. */
export function timersOf(i: IncidentTimes, target: Targets, now: Date): Timers {
  const created = Date.parse(i.createdAt)
  const open = i.status === 'new' || i.status === 'dispatched' || i.status === 'on_scene'
  let due: number | null = null
  if (open && !i.dispatchedAt) due = created + target.dispatchSeconds * 1000
  else if (open && !i.onSceneAt) due = created + target.onSceneSeconds * 1000
  return {
    callToDispatch: seconds(i.createdAt, i.dispatchedAt),
    dispatchToOnScene: seconds(i.dispatchedAt, i.onSceneAt),
    onSceneToHospital: seconds(i.onSceneAt, i.hospitalAt),
    total: i.status === 'closed' ? seconds(i.createdAt, i.closedAt) : null,
    dueAt: due === null ? null : new Date(due).toISOString(),
    overdue: due !== null && now.getTime() > due,
  }
}
