// Device payloads, as JSON `{"ts":…, "values":{…}}` (one object or an array) or a SenML pack (RFC 8428).

export interface Reading {
  metric: string
  at: Date
  value: number
}

export interface Rejection {
  index: number
  field: string
  message: string
  /** What the rejection is counted under when it is not the field's first part (a value outside its range). */
  reason?: 'range'
}

export interface Parsed {
  readings: Reading[]
  rejected: Rejection[]
}

/** Readings further ahead than this are refused: a device clock gone wrong must not write the future. */
export const MAX_FUTURE_MS = 5 * 60 * 1000
// RFC 8428 §4.5.3: times below 2**28 are relative to now.
const SENML_RELATIVE_LIMIT = 2 ** 28
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})$/

/** What a device reports, by metric name: its unit and, from its kind, the range a reading must lie in. */
export interface MetricSpec {
  unit: string
  min?: number | null
  max?: number | null
}
type Metrics = ReadonlyMap<string, MetricSpec>

function outOfRange(value: number, spec: MetricSpec | undefined): string | null {
  if (!spec) return null
  const low = spec.min ?? Number.NEGATIVE_INFINITY
  const high = spec.max ?? Number.POSITIVE_INFINITY
  return value < low || value > high ? `${value} ${spec.unit} is outside the valid range ${spec.min ?? '…'} to ${spec.max ?? '…'} ${spec.unit}` : null
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

function checkTime(at: Date, now: Date): string | null {
  if (Number.isNaN(at.getTime())) return 'is not a valid time'
  if (at.getTime() - now.getTime() > MAX_FUTURE_MS) return 'is more than 5 minutes in the future'
  return null
}

function unknownMetric(metric: string, metrics: Metrics): string {
  return `unknown metric "${metric}" (this device reports ${[...metrics.keys()].join(', ')})`
}

/** `ts` is epoch milliseconds or ISO 8601 with an offset; absent means now. */
function jsonTime(ts: unknown, now: Date): Date | string {
  if (ts === undefined) return now
  if (typeof ts === 'number' && Number.isFinite(ts)) return new Date(ts)
  if (typeof ts === 'string' && ISO_WITH_OFFSET.test(ts)) return new Date(ts)
  return 'must be epoch milliseconds or ISO 8601 with an offset'
}

function parseJsonItem(item: unknown, index: number, metrics: Metrics, now: Date, out: Parsed): void {
  if (!isObject(item) || !isObject(item.values)) {
    out.rejected.push({ index, field: 'values', message: 'expected {"ts":…, "values":{"metric": number}}' })
    return
  }
  const at = jsonTime(item.ts, now)
  if (typeof at === 'string') {
    out.rejected.push({ index, field: 'ts', message: `ts ${at}` })
    return
  }
  const timeProblem = checkTime(at, now)
  if (timeProblem) {
    out.rejected.push({ index, field: 'ts', message: `ts ${timeProblem}` })
    return
  }
  for (const [metric, value] of Object.entries(item.values)) {
    if (!metrics.has(metric)) out.rejected.push({ index, field: `values.${metric}`, message: unknownMetric(metric, metrics) })
    else if (typeof value !== 'number' || !Number.isFinite(value)) out.rejected.push({ index, field: `values.${metric}`, message: 'must be a finite number' })
    else {
      const problem = outOfRange(value, metrics.get(metric))
      if (problem) out.rejected.push({ index, field: `values.${metric}`, message: problem, reason: 'range' })
      else out.readings.push({ metric, at, value })
    }
  }
}

function parseSenml(pack: unknown[], metrics: Metrics, now: Date, out: Parsed): void {
  // Base fields carry over to the records after them (RFC 8428 §4.1).
  let bn = ''
  let bt = 0
  let bu: string | undefined
  let bv = 0
  for (const [index, record] of pack.entries()) {
    if (!isObject(record)) {
      out.rejected.push({ index, field: 'record', message: 'a SenML record must be an object' })
      continue
    }
    // RFC 8428 §12.3.1: an unknown label ending in "_" must be understood, so its record is refused, not read without it.
    const mustUnderstand = Object.keys(record).find((label) => label.endsWith('_'))
    if (mustUnderstand) {
      out.rejected.push({ index, field: mustUnderstand, message: `"${mustUnderstand}" must be understood (RFC 8428), and Kendali does not know it` })
      continue
    }
    if (typeof record.bn === 'string') bn = record.bn
    if (typeof record.bt === 'number') bt = record.bt
    if (typeof record.bu === 'string') bu = record.bu
    if (typeof record.bv === 'number') bv = record.bv
    if (record.n === undefined && record.v === undefined && record.vs === undefined && record.vb === undefined && record.vd === undefined) continue
    const n = typeof record.n === 'string' ? record.n : ''
    const metric = metrics.has(bn + n) ? bn + n : n
    if (!metrics.has(metric)) {
      out.rejected.push({ index, field: 'n', message: unknownMetric(bn + n, metrics) })
      continue
    }
    if (typeof record.v !== 'number' || !Number.isFinite(record.v)) {
      out.rejected.push({ index, field: 'v', message: 'only numeric values (v) are read' })
      continue
    }
    const unit = typeof record.u === 'string' ? record.u : bu
    const expected = metrics.get(metric)?.unit
    if (unit !== undefined && expected && unit !== expected) {
      out.rejected.push({ index, field: 'u', message: `unit "${unit}" is not the metric's unit "${expected}"` })
      continue
    }
    const t = bt + (typeof record.t === 'number' ? record.t : 0)
    const at = t === 0 ? now : t < SENML_RELATIVE_LIMIT ? new Date(now.getTime() + t * 1000) : new Date(t * 1000)
    const timeProblem = checkTime(at, now)
    if (timeProblem) {
      out.rejected.push({ index, field: 't', message: `time ${timeProblem}` })
      continue
    }
    const problem = outOfRange(bv + record.v, metrics.get(metric))
    if (problem) {
      out.rejected.push({ index, field: 'v', message: problem, reason: 'range' })
      continue
    }
    out.readings.push({ metric, at, value: bv + record.v })
  }
}

const looksLikeSenml = (pack: unknown[]) => pack.some((r) => isObject(r) && ('n' in r || 'bn' in r || 'v' in r || 'bt' in r))

/** Reads a payload for a device whose metrics (name → unit and range) are given; every bad item is named, none stored. */
export function parsePayload(body: unknown, metrics: Metrics, now: Date): Parsed {
  const out: Parsed = { readings: [], rejected: [] }
  if (Array.isArray(body)) {
    if (looksLikeSenml(body)) parseSenml(body, metrics, now, out)
    else for (const [index, item] of body.entries()) parseJsonItem(item, index, metrics, now, out)
  } else {
    parseJsonItem(body, 0, metrics, now, out)
  }
  return out
}
