import i18n from 'i18next'
import { csvText } from '../../../../src/core/csv.ts'
export type Dimension = 'governance' | 'branding' | 'economy' | 'living' | 'society' | 'environment'
export type ValueStatus = 'ok' | 'missing' | 'not_available'
export interface Label {
  id: string
  en: string
}

/** Where a shown value comes from (see the server's Provenance). */
export interface Provenance {
  period: string
  provisional: boolean
  stale: boolean
  computedAt: string
  records: number | null
  recordsLabel: Label | null
  samples: number | null
  enteredBy: string | null
  evidenceUrl: string | null
}

export interface AssessedIndicator {
  code: string
  name: Label
  unit: string
  direction: 'higher' | 'lower'
  frequency: 'daily' | 'monthly' | 'yearly'
  source: 'computed' | 'entered'
  module: string | null
  formula: Label
  value: number | null
  target: number | null
  status: ValueStatus
  achievement: number | null
  provenance: Provenance | null
}

export interface Summary {
  period: string
  /** The month is not over: its figures may still change. */
  provisional: boolean
  formula: Label
  dimensions: {
    dimension: Dimension
    score: number | null
    previousScore: number | null
    trend: { period: string; score: number | null }[]
    indicators: AssessedIndicator[]
  }[]
}

export type PeriodKind = 'month' | 'quarter' | 'year'
type Tally = { count: number; responded: number; responseP50: number | null }
interface IncidentFact {
  id: string
  number: string
  type: string
  priority: string
  status: string
  kecamatan: { code: string; name: string } | null
  createdAt: string
  onSceneAt: string | null
}

/** The executive dashboard of a month, quarter or year (GET /kpi/overview). */
export interface Overview {
  period: { key: string; kind: PeriodKind; months: string[]; latestMonth: string; provisional: boolean; lastYear: string; start: string; end: string }
  computedAt: string
  formula: { score: Label; period: Label }
  dimensions: (Summary['dimensions'][number] & { lastYearScore: number | null })[]
  attention: {
    indicators: (AssessedIndicator & { dimension: Dimension })[]
    overdueComplaints: { agencyId: string | null; agency: string | null; count: number }[]
    openP1: { count: number; items: (IncidentFact & { typeName: Label })[] }
    warnings: { id: string; headline: string; severity: string; expires: string }[]
    cameras: { total: number; offline: number } | null
    devices: { total: number; offline: number } | null
  }
  incidents: Tally & {
    lastYearCount: number
    cancelled: number
    byType: (Tally & { type: string; name: Label })[]
    byKecamatan: (Tally & { code: string | null; name: string | null })[]
  }
  complaints: {
    slaPct: number | null
    resolved: number
    byAgency: { agencyId: string | null; agency: string | null; resolved: number; slaPct: number | null }[]
  }
  levies: {
    realised: number
    payments: number
    target: number | null
    pct: number | null
    lastYearRealised: number
    markets: { market: string; amount: number | null }[]
  }
  findings: { agencyId: string | null; agency: string | null; open: number; overdue: number }[]
}

/** The report's letterhead and signature block. */
export interface ReportSettings {
  heading: string[]
  address: string | null
  signerName: string | null
  signerTitle: string | null
  signerNip: string | null
  hasLogo: boolean
  updatedBy: string | null
  updatedAt: string | null
}

/** The dashboard period of a kind that holds a month: `2026-12`, `2026-Q4`, `2026`. */
export function periodOfKind(month: string, kind: PeriodKind): string {
  if (kind === 'month') return month
  if (kind === 'year') return month.slice(0, 4)
  return `${month.slice(0, 4)}-Q${Math.ceil(Number(month.slice(5, 7)) / 3)}`
}

export interface Indicator {
  code: string
  name: Label
  dimension: Dimension
  unit: string
  direction: 'higher' | 'lower'
  frequency: 'daily' | 'monthly' | 'yearly'
  source: 'computed' | 'entered'
  module: string | null
  /** The OPD that owns it and enters its values. */
  agencyId: string | null
  breakdowns: ('agency' | 'kecamatan' | 'kelurahan')[]
  formula: Label
  availability: 'available' | 'not_available'
  targets: { year: number; target: number }[]
  /** Whether this person may enter its values (an entered indicator of an OPD they work for; admins: any). */
  mayEnter: boolean
}

export interface Series {
  indicator: Indicator
  items: {
    period: string
    status: ValueStatus
    value: number | null
    target: number | null
    achievement: number | null
    breakdowns?: { key: string; value: number }[]
    note?: string | null
    evidenceUrl?: string | null
    version?: number
    updatedBy?: string | null
    provenance?: Provenance | null
  }[]
}

export interface Recompute {
  id: string
  total: number
  done: number
  status: 'pending' | 'running' | 'done' | 'failed'
  error: string | null
}

export interface Rollup {
  indicator: string
  period: string
  items: {
    tenant: string
    name: string
    status: ValueStatus | 'not_in_catalogue'
    value: number | null
    target: number | null
    achievement: number | null
    unit: string | null
  }[]
}

/** The label in the reader's language. */
export const labelOf = (label: Label, language: string) => (language === 'en' ? label.en : label.id)

/** The current month in the tenant's zone, YYYY-MM. */
export function currentMonth(timeZone: string, at = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(at).slice(0, 7)
}

export function previousMonth(month: string): string {
  const [y, m] = month.split('-').map(Number)
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`
}

/** A period key as people read it: `Desember 2026`, `Triwulan IV 2026`, `2026`, `7 Des 2026`. */
export function formatPeriod(key: string, language: string): string {
  const locale = language === 'en' ? 'en-GB' : 'id-ID'
  const quarter = /^(\d{4})-Q([1-4])$/.exec(key)
  if (quarter) return language === 'en' ? `Q${quarter[2]} ${quarter[1]}` : `Triwulan ${['I', 'II', 'III', 'IV'][Number(quarter[2]) - 1]} ${quarter[1]}`
  const [y, m, d] = key.split('-').map(Number)
  if (!m) return String(y)
  const at = new Date(Date.UTC(y, m - 1, d ?? 1, 12))
  return new Intl.DateTimeFormat(locale, { timeZone: 'UTC', ...(d ? { day: 'numeric', month: 'short' } : { month: 'long' }), year: 'numeric' }).format(at)
}

/** A number as people read it here (id: 1.234,5). */
export function formatValue(value: number | null, unit: string, language: string): string {
  if (value === null) return '—'
  const n = new Intl.NumberFormat(language === 'en' ? 'en-GB' : 'id-ID', { maximumFractionDigits: 1 }).format(value)
  // A unit code of the catalogue ("count", "visits") in the page's language; a unit typed in by an admin as it is.
  return unit === 'Rp' ? `Rp ${n}` : unit === '%' ? `${n} %` : `${n} ${i18n.t(`kpi.unit.${unit}`, { lng: language, defaultValue: unit })}`
}

/** Downloads rows as a CSV file (RFC 4180 quoting, formula-like text neutralised). */
export function downloadCsv(name: string, rows: (string | number | null)[][]): void {
  const blob = new Blob([csvText(rows)], { type: 'text/csv;charset=utf-8' })
  const link = document.createElement('a')
  link.href = URL.createObjectURL(blob)
  link.download = name
  link.click()
  URL.revokeObjectURL(link.href)
}
