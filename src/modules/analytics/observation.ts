// One detection event as every source reports it, whatever its wire format: a Frigate `frigate/events` message or
// a vendor's signed webhook body are both read into this before any rule sees them.

export const OBSERVATION_TYPES = ['new', 'update', 'end'] as const
export type ObservationType = (typeof OBSERVATION_TYPES)[number]

export interface Observation {
  /** The source's own id of the tracked object; one alarm at most per id and source. */
  eventId: string
  type: ObservationType
  /** The source's name of the camera (mapped to a Kendali camera by the admin). */
  camera: string
  label: string
  /** The best confidence seen so far, 0..1. */
  score: number
  /** Zones the object is in or has entered. */
  zones: string[]
  startedAt: Date
  endedAt: Date | null
  /** Where to fetch the picture from, or null when the source has none (yet). */
  snapshotUrl: string | null
}

const MAX_TEXT = 200

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' && v.length <= MAX_TEXT ? v : null)
const finite = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null)
const texts = (v: unknown): string[] => (Array.isArray(v) ? v.filter((z): z is string => text(z) !== null) : [])

/**
 * A Frigate `frigate/events` message (documented at docs.frigate.video/integrations/mqtt): `type` new/update/end
 * and the tracked object `before` and `after` the change. Null for anything else, and for an object Frigate still
 * thinks a false positive. The snapshot is Frigate's `/api/events/{id}/snapshot.jpg` once `has_snapshot` is true.
 */
export function readFrigateEvent(message: unknown, apiUrl: string | null): Observation | null {
  if (typeof message !== 'object' || message === null) return null
  const m = message as Record<string, unknown>
  const type = OBSERVATION_TYPES.find((t) => t === m.type)
  const after = m.after
  if (!type || typeof after !== 'object' || after === null) return null
  const a = after as Record<string, unknown>
  const eventId = text(a.id)
  const camera = text(a.camera)
  const label = text(a.label)
  const start = finite(a.start_time)
  if (!eventId || !camera || !label || start === null || a.false_positive === true) return null
  const end = finite(a.end_time)
  const score = finite(a.top_score) ?? finite(a.score) ?? 0
  const snapshotUrl = a.has_snapshot === true && apiUrl ? `${apiUrl.replace(/\/$/, '')}/api/events/${encodeURIComponent(eventId)}/snapshot.jpg` : null
  return {
    eventId,
    type,
    camera,
    label,
    score: Math.min(1, Math.max(0, score)),
    zones: [...new Set([...texts(a.current_zones), ...texts(a.entered_zones)])],
    startedAt: new Date(start * 1000),
    endedAt: end === null ? null : new Date(end * 1000),
    snapshotUrl,
  }
}
