import { api, type Page } from '../../app/api.ts'

export type Point = { type: 'Point'; coordinates: [number, number] }

export interface Patrol {
  id: string
  name: string
  startsAt: string
  endsAt: string
  team: string[]
  status: 'planned' | 'active' | 'finished'
  checkpoints: { id: string; name: string; location: Point; radiusM: number }[]
}

export interface FindingType {
  code: string
  label: { id: string; en: string }
  kind: 'asn' | 'city' | 'other'
  reportCategory: string | null
  incidentType: string | null
  retired: boolean
}

export interface PatrolDetail extends Patrol {
  checkins: {
    id: string
    actor: string
    location: Point
    at: string
    withinCheckpoint: boolean
    checkpoint: { id: string; name: string } | null
    kelurahan: { code: string; name: string } | null
  }[]
}

export interface FollowUpSettings {
  followUpDays: number
  escalationDays: number[]
  /** The OPD whose people close and reopen findings. */
  inspectorateAgencyId: string | null
}

export interface PersonMonth {
  staffId: string
  nip: string
  name: string
  agency: string
  position: string | null
  days: {
    date: string
    checkIn: string | null
    checkOut: string | null
    remark: string | null
    codes: string[]
    lateMinutes: number
    earlyMinutes: number
    isWorkday: boolean
    isOnTime: boolean
    isAbsent: boolean
  }[]
  activities: { day: string; starts: string; ends: string; activity: string; output: string | null }[]
}

export const fetchOfficers = (tenant: string) => api<{ items: string[] }>(`/api/t/${tenant}/patrols/officers`)
export const fetchPatrols = (tenant: string, from: string) => api<Page<Patrol>>(`/api/t/${tenant}/patrols?limit=100&from=${encodeURIComponent(from)}`)
export const fetchPatrol = (tenant: string, id: string) => api<PatrolDetail>(`/api/t/${tenant}/patrols/${id}`)
export const planPatrol = (tenant: string, body: Record<string, unknown>) => api<Patrol>(`/api/t/${tenant}/patrols`, { method: 'POST', body })
export const fetchAllTypes = (tenant: string) => api<Page<FindingType>>(`/api/t/${tenant}/finding-types?all=true`)
export const addType = (tenant: string, body: Record<string, unknown>) => api<FindingType>(`/api/t/${tenant}/finding-types`, { method: 'POST', body })
export const changeType = (tenant: string, code: string, body: Record<string, unknown>) =>
  api<FindingType>(`/api/t/${tenant}/finding-types/${code}`, { method: 'PATCH', body })
export const fetchSettings = (tenant: string) => api<FollowUpSettings>(`/api/t/${tenant}/patrol-settings`)
export const putSettings = (tenant: string, body: FollowUpSettings) => api<FollowUpSettings>(`/api/t/${tenant}/patrol-settings`, { method: 'PUT', body })
/** A person's month by their opaque id, so those who see NIPs masked open it too (the NIP stays masked for them). */
export const fetchPerson = (tenant: string, staffId: string, month: string) => api<PersonMonth>(`/api/t/${tenant}/asn/people/${staffId}?month=${month}`)

export interface Finding {
  id: string
  number: string
  clientId: string
  patrolId: string
  type: string
  kind: 'asn' | 'city' | 'other'
  location: Point
  at: string
  description: string
  kelurahan: { code: string; name: string } | null
  nip: string | null
  asnName: string | null
  agencyId: string | null
  status: 'open' | 'responded' | 'closed' | 'handed_off' | 'recorded'
  dueAt: string | null
  overdue: boolean
  /** What the caller may do with it now (the server decides by role and by the OPDs they work for). */
  mayRespond: boolean
  mayClose: boolean
  mayReopen: boolean
  escalationLevel: number
  response: { action: string; note: string | null; by: string; at: string } | null
  reportId: string | null
  reportNumber: string | null
  incidentId: string | null
  incidentNumber: string | null
  photos: { id: string; url: string }[]
}

export interface Agency {
  id: string
  code: string
  name: string
}

export interface LivePatrol {
  patrolId: string
  name: string
  actor: string
  location: Point
  at: string
  isWithin: boolean
  kelurahan: string | null
}

export interface FollowUp {
  agencyId: string
  agency: string | null
  open: number
  overdue: number
  responded: number
  closed: number
}

export const RESPONSE_ACTIONS = ['teguran_lisan', 'teguran_tertulis', 'pembinaan', 'pernyataan_tidak_puas', 'lainnya'] as const

export const fetchMyPatrols = (tenant: string) => api<Page<Patrol>>(`/api/t/${tenant}/patrols?mine=true&limit=20`)
export const fetchTypes = (tenant: string) => api<Page<FindingType>>(`/api/t/${tenant}/finding-types`)
export const fetchAgencies = (tenant: string) => api<Page<Agency>>(`/api/t/${tenant}/agencies?limit=1000`)
export const fetchLive = (tenant: string) => api<{ items: LivePatrol[] }>(`/api/t/${tenant}/patrols/live`)
export const fetchFollowUps = (tenant: string) => api<{ items: FollowUp[] }>(`/api/t/${tenant}/findings/follow-ups`)
export const fetchFindings = (tenant: string, status: string) => api<Page<Finding>>(`/api/t/${tenant}/findings?limit=200${status ? `&status=${status}` : ''}`)
export const fetchFinding = (tenant: string, id: string) => api<Finding>(`/api/t/${tenant}/findings/${id}`)
export const movePatrol = (tenant: string, id: string, step: 'start' | 'finish') => api<Patrol>(`/api/t/${tenant}/patrols/${id}/${step}`, { method: 'POST' })
export const actOnFinding = (tenant: string, id: string, step: 'respond' | 'close' | 'reopen', body: Record<string, unknown> = {}) =>
  api<Finding>(`/api/t/${tenant}/findings/${id}/${step}`, { method: 'POST', body })

export interface DisciplineRow {
  agencyId: string
  agency: string
  staff: number
  workdays: number
  onTimePct: number | null
  tkDays: number
  tlMinutes: number
  pswMinutes: number
  activityHours: number
  openFindings: number
  overdueFindings: number
}

export interface LadderRow {
  staffId: string
  nip: string
  name: string
  agency: string
  tkDays: number
  tkDates: string[]
  step: string
  findings: number
}

export interface ImportResult {
  imported: number
  updated: number
  rejectedCount: number
  rejected: { row: number; field: string; message: string }[]
}

export const fetchDiscipline = (tenant: string, month: string) => api<{ items: DisciplineRow[] }>(`/api/t/${tenant}/asn/discipline?month=${month}`)
export const fetchLadder = (tenant: string, year: number) => api<{ items: LadderRow[] }>(`/api/t/${tenant}/asn/ladder?year=${year}`)

/** A large import the server writes in a job (answered 202): its progress is asked for by id. */
export interface ImportState {
  id: string
  state: 'queued' | 'running' | 'done' | 'failed'
  total: number
  done: number
  counts: Record<string, number>
  errorCount: number
  errors: ImportResult['rejected']
  failure: string | null
}

export const fetchImport = (tenant: string, id: string) => api<ImportState>(`/api/t/${tenant}/imports/${id}`)

/** What a finished job wrote, as a small import answers it at once. */
export const resultOf = (state: ImportState): ImportResult => ({
  imported: state.counts.imported ?? 0,
  updated: state.counts.updated ?? 0,
  rejectedCount: state.errorCount,
  rejected: state.errors,
})

/**
 * Sends a CSV export as it is read from disk, reporting the upload's progress (0–1). A small file answers what it
 * stored; a large one (202) answers the queued import, whose job writes it.
 */
export function uploadCsv(
  tenant: string,
  kind: 'staff' | 'attendance' | 'activities',
  file: File,
  onProgress: (share: number) => void,
): Promise<{ result: ImportResult } | { queued: ImportState }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('POST', `/api/t/${tenant}/asn/${kind}/import`)
    xhr.setRequestHeader('content-type', 'text/csv')
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total)
    xhr.onload = () => {
      const body = JSON.parse(xhr.responseText || '{}') as ImportResult & ImportState & { error?: { message: string } }
      if (xhr.status === 200) resolve({ result: body })
      else if (xhr.status === 202) resolve({ queued: body })
      else reject(new Error(body.error?.message ?? xhr.statusText))
    }
    xhr.onerror = () => reject(new Error('network'))
    xhr.send(file)
  })
}
