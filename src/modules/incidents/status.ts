import type { IncidentStatus, UnitStatus } from './catalogue.ts'

// The allowed moves of incidents and units; everything else is refused. Pure rules, tested on their own.

const INCIDENT_MOVES: Record<IncidentStatus, readonly IncidentStatus[]> = {
  // `dispatched` also reads "ditangani": handled, by units or by an agency.
  new: ['dispatched', 'cancelled'],
  dispatched: ['on_scene', 'cancelled'],
  on_scene: ['closed'],
  // Reopening (operators only) starts the incident over as new.
  closed: ['new'],
  cancelled: ['new'],
}

export function incidentMoves(from: IncidentStatus): readonly IncidentStatus[] {
  return INCIDENT_MOVES[from]
}

export function canMoveIncident(from: IncidentStatus, to: IncidentStatus): boolean {
  return INCIDENT_MOVES[from].includes(to)
}

export const isReopening = (from: IncidentStatus, to: IncidentStatus) => to === 'new' && (from === 'closed' || from === 'cancelled')

// `dispatched` is reached only through a dispatch (which checks the race); the crew moves the rest.
const UNIT_MOVES: Record<UnitStatus, readonly UnitStatus[]> = {
  available: ['out_of_service'],
  dispatched: ['en_route', 'on_scene', 'available'],
  en_route: ['on_scene', 'available'],
  on_scene: ['transporting', 'returning', 'available'],
  transporting: ['at_hospital', 'returning'],
  at_hospital: ['returning', 'available'],
  returning: ['available', 'out_of_service'],
  out_of_service: ['available'],
}

/** Statuses in which a unit serves an incident. */
export const ASSIGNED_UNIT_STATUSES: readonly UnitStatus[] = ['dispatched', 'en_route', 'on_scene', 'transporting', 'at_hospital']

export function unitMoves(from: UnitStatus): readonly UnitStatus[] {
  return UNIT_MOVES[from]
}

export function canMoveUnit(from: UnitStatus, to: UnitStatus): boolean {
  return UNIT_MOVES[from].includes(to)
}

/** A unit leaving the assigned statuses is done with its incident. */
export const releasesIncident = (to: UnitStatus) => !ASSIGNED_UNIT_STATUSES.includes(to)
