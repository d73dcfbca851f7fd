// The statuses of a report and the moves between them; everything else is refused. Pure rules, tested on
// their own. Codes are stable English; the Indonesian words people read travel beside them as labels.

export const REPORT_STATUSES = ['submitted', 'verified', 'assigned', 'in_progress', 'resolved', 'closed', 'rejected', 'reopened', 'merged'] as const
export type ReportStatus = (typeof REPORT_STATUSES)[number]

export const STATUS_LABELS: Record<ReportStatus, { id: string; en: string }> = {
  submitted: { id: 'Diajukan', en: 'Submitted' },
  verified: { id: 'Diverifikasi', en: 'Verified' },
  assigned: { id: 'Didisposisikan', en: 'Assigned to an agency' },
  in_progress: { id: 'Dikerjakan', en: 'In progress' },
  resolved: { id: 'Selesai', en: 'Resolved' },
  closed: { id: 'Ditutup', en: 'Closed' },
  rejected: { id: 'Ditolak', en: 'Rejected' },
  reopened: { id: 'Dibuka kembali', en: 'Reopened' },
  merged: { id: 'Digabung', en: 'Merged' },
}

/** Statuses after which nothing happens any more. */
export const FINAL_STATUSES: readonly ReportStatus[] = ['closed', 'rejected', 'merged']
/** Statuses in which the command center has not vouched for what a citizen sent (or refused it). */
const UNVERIFIED_STATUSES: readonly ReportStatus[] = ['submitted', 'rejected', 'merged']

/**
 * A citizen's description and photos are shown to the public (map, Open311, tracking page) only for a public
 * category and once the command center has verified the report: until then they may hold anything.
 */
export function showsContent(report: { isPublic: boolean; status: ReportStatus }): boolean {
  return report.isPublic && !UNVERIFIED_STATUSES.includes(report.status)
}

/** Statuses in which the problem is still there (duplicates are looked for among these). */
export const OPEN_STATUSES: readonly ReportStatus[] = ['submitted', 'verified', 'assigned', 'in_progress', 'reopened']
/** Statuses an SLA clock runs in. */
export const CLOCKED_STATUSES = ['submitted', 'verified', 'assigned', 'in_progress'] as const
export type ClockedStatus = (typeof CLOCKED_STATUSES)[number]

/** Who moves a report: the command center (operator), the OPD (agency), the reporter, or the system. */
export type Mover = 'operator' | 'agency' | 'reporter' | 'system'

// from → to → who may make that move
const MOVES: Partial<Record<ReportStatus, Partial<Record<ReportStatus, readonly Mover[]>>>> = {
  submitted: { verified: ['operator'], rejected: ['operator'], merged: ['operator'] },
  verified: { assigned: ['operator'], rejected: ['operator'], merged: ['operator'] },
  // Re-routing (assigned → assigned to another OPD) is the operator's; handing back returns it to verified.
  assigned: { assigned: ['operator'], in_progress: ['agency'], verified: ['agency'], merged: ['operator'] },
  in_progress: { assigned: ['operator'], resolved: ['agency'], verified: ['agency'] },
  resolved: { closed: ['operator', 'system'], reopened: ['reporter'] },
  reopened: { assigned: ['operator'], in_progress: ['agency'], verified: ['agency'] },
}

export function canMoveReport(from: ReportStatus, to: ReportStatus, who: Mover): boolean {
  return MOVES[from]?.[to]?.includes(who) ?? false
}

/** The statuses a report can move to from `from`, by anyone. */
export function reportMoves(from: ReportStatus): ReportStatus[] {
  return Object.keys(MOVES[from] ?? {}) as ReportStatus[]
}

/** Open311 knows two statuses: open (reported) and closed (resolved, or otherwise finished). */
export function open311Status(status: ReportStatus): 'open' | 'closed' {
  return status === 'resolved' || FINAL_STATUSES.includes(status) ? 'closed' : 'open'
}

/** The SLA clock of a status (reopened runs on the OPD's `assigned` clock again). */
export function clockOf(status: ReportStatus): ClockedStatus | null {
  if (status === 'reopened') return 'assigned'
  return (CLOCKED_STATUSES as readonly string[]).includes(status) ? (status as ClockedStatus) : null
}
