import type { Queryable } from '../../core/db/database.ts'
import type { Dimension } from '../../core/indicators.ts'
import { monthsBetween, periodAt, periodOf, reportPeriod, shiftReportPeriod } from './periods.ts'
import type { IncidentFact, OverviewSources } from './ports.ts'
import type { KpiService } from './service.ts'
import * as store from './store.ts'

/** How a quarter's or a year's score is made from the months', shown beside it. */
export const PERIOD_SCORE_FORMULA = {
  id: 'Skor kuartal atau tahun = rata-rata skor bulanannya (bulan tanpa skor tidak dihitung). Nilai indikator: bulan terakhir periode yang sudah berjalan.',
  en: "A quarter's or a year's score = the mean of its monthly scores (months without a score are left out). Indicator values: the period's latest month that has started.",
}

const TREND = 12
const ATTENTION = 5
const round1 = (n: number) => Math.round(n * 10) / 10
const mean = (xs: number[]) => (xs.length === 0 ? null : round1(xs.reduce((s, x) => s + x, 0) / xs.length))

/** PostgreSQL's percentile_cont over minutes: the median the response-time indicators use. */
function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const at = 0.5 * (sorted.length - 1)
  const low = Math.floor(at)
  return round1(sorted[low] + (sorted[Math.min(low + 1, sorted.length - 1)] - sorted[low]) * (at - low))
}

const responseMinutes = (i: IncidentFact) => (i.onSceneAt ? (Date.parse(i.onSceneAt) - Date.parse(i.createdAt)) / 60_000 : null)

/** Counts and the median response of a group of incidents. */
function tally(incidents: IncidentFact[]) {
  const minutes = incidents.map(responseMinutes).filter((m): m is number => m !== null)
  return { count: incidents.length, responded: minutes.length, responseP50: median(minutes) }
}

/** The executive dashboard of a period: six dimensions with their trend, what needs attention, the summaries. */
export class OverviewService {
  constructor(
    private readonly kpi: KpiService,
    private readonly sources: OverviewSources,
    private readonly timezone: (tenant: string) => Promise<string>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async overview(db: Queryable, tenant: string, key: string) {
    const period = reportPeriod(key)
    const timezone = await this.timezone(tenant)
    const now = this.clock()
    const current = periodAt(now, 'monthly', timezone)
    const periods = Array.from({ length: TREND }, (_, i) => shiftReportPeriod(key, i - TREND + 1))
    const lastYear = shiftReportPeriod(key, period.kind === 'month' ? -12 : period.kind === 'quarter' ? -4 : -1)
    // Every month the trend and last year's period span, to the period's latest started month.
    const first = [periods[0], lastYear].map((p) => reportPeriod(p).months[0]).sort()[0]
    const started = period.months.filter((m) => m <= current)
    const latest = started.at(-1) ?? period.months[0]
    const span = monthsBetween(first, latest)
    const summary = await this.kpi.summary(db, tenant, latest, span.length)
    const scoreOf = (d: (typeof summary.dimensions)[number], p: string) =>
      mean(
        reportPeriod(p)
          .months.map((m) => d.trend.find((t) => t.period === m)?.score ?? null)
          .filter((s): s is number => s !== null),
      )
    const dimensions = summary.dimensions.map((d) => {
      const trend = periods.map((p) => ({ period: p, score: scoreOf(d, p) }))
      return {
        dimension: d.dimension,
        score: trend[trend.length - 1].score,
        previousScore: trend[trend.length - 2].score,
        lastYearScore: scoreOf(d, lastYear),
        trend,
        indicators: d.indicators,
      }
    })

    const start = periodOf(period.months[0], timezone).start
    const end = periodOf(period.months[period.months.length - 1], timezone).end
    const lastYearRange = reportPeriod(lastYear).months
    const [incidents, incidentsLastYear, types, agencies] = await Promise.all([
      this.sources.incidents(db, tenant, start, end),
      this.sources.incidents(db, tenant, periodOf(lastYearRange[0], timezone).start, periodOf(lastYearRange[lastYearRange.length - 1], timezone).end),
      this.sources.incidentTypes(db, tenant),
      this.sources.agencies(db, tenant),
    ])
    const agencyName = (id: string | null) => (id === null ? null : (agencies.get(id) ?? null))
    return {
      period: {
        key,
        kind: period.kind,
        months: period.months,
        latestMonth: latest,
        provisional: end > now,
        lastYear,
        start: start.toISOString(),
        end: end.toISOString(),
      },
      computedAt: now.toISOString(),
      formula: { score: summary.formula, period: PERIOD_SCORE_FORMULA },
      dimensions,
      attention: await this.attention(db, tenant, dimensions, agencyName, types),
      incidents: this.incidentSummary(incidents, incidentsLastYear, types),
      complaints: await this.complaints(db, tenant, period.months, agencyName),
      levies: await this.levies(db, tenant, period.months, lastYearRange),
      findings: [...(await this.sources.findings(db, tenant)).entries()]
        .map(([agencyId, n]) => ({ agencyId, agency: agencyName(agencyId), ...n }))
        .sort((a, b) => b.overdue - a.overdue || b.open - a.open),
    }
  }

  private async attention<I extends { code: string; achievement: number | null; provenance: { stale: boolean } | null }>(
    db: Queryable,
    tenant: string,
    dimensions: { dimension: Dimension; indicators: I[] }[],
    agencyName: (id: string | null) => string | null,
    types: Map<string, { id: string; en: string }>,
  ) {
    const [overdue, p1, warnings, cameras, devices] = await Promise.all([
      this.sources.overdueComplaints(db, tenant),
      this.sources.openP1(db, tenant),
      this.sources.activeWarnings(db, tenant),
      this.kpi.snapshotNow(db, tenant, 'cctv_online_pct'),
      this.kpi.snapshotNow(db, tenant, 'devices_online_pct'),
    ])
    // Indicators furthest below their target: scored ones (not stale) under 100 %.
    const below = dimensions
      .flatMap((d) => d.indicators.map((i) => ({ ...i, dimension: d.dimension })))
      .filter((i) => i.achievement !== null && i.achievement < 100 && !i.provenance?.stale)
      .sort((a, b) => (a.achievement ?? 0) - (b.achievement ?? 0))
      .slice(0, ATTENTION)
    const offline = (s: { value: number; records: number } | null) =>
      s === null ? null : { total: s.records, offline: Math.round((s.records * (100 - s.value)) / 100) }
    return {
      indicators: below,
      overdueComplaints: [...overdue.entries()]
        .map(([agencyId, count]) => ({ agencyId, agency: agencyName(agencyId), count }))
        .sort((a, b) => b.count - a.count),
      openP1: { count: p1.count, items: p1.items.map((i) => ({ ...i, typeName: types.get(i.type) ?? { id: i.type, en: i.type } })) },
      warnings,
      cameras: offline(cameras),
      devices: offline(devices),
    }
  }

  private incidentSummary(incidents: IncidentFact[], lastYear: IncidentFact[], types: Map<string, { id: string; en: string }>) {
    const group = (key: (i: IncidentFact) => string) => {
      const out = new Map<string, IncidentFact[]>()
      for (const i of incidents) out.set(key(i), [...(out.get(key(i)) ?? []), i])
      return out
    }
    const counted = incidents.filter((i) => i.status !== 'cancelled')
    return {
      ...tally(counted),
      lastYearCount: lastYear.filter((i) => i.status !== 'cancelled').length,
      cancelled: incidents.length - counted.length,
      byType: [...group((i) => i.type).entries()]
        .map(([type, rows]) => ({ type, name: types.get(type) ?? { id: type, en: type }, ...tally(rows.filter((i) => i.status !== 'cancelled')) }))
        .sort((a, b) => b.count - a.count),
      byKecamatan: [...group((i) => i.kecamatan?.code ?? '').entries()]
        .map(([code, rows]) => ({ code: code || null, name: rows[0].kecamatan?.name ?? null, ...tally(rows.filter((i) => i.status !== 'cancelled')) }))
        .sort((a, b) => b.count - a.count),
    }
  }

  /** Complaints resolved within SLA per OPD over the period's months (the indicator's own breakdown, weighted by its records). */
  private async complaints(db: Queryable, tenant: string, months: string[], agencyName: (id: string | null) => string | null) {
    const rows = await store.values(db, tenant, ['report_sla_pct'], months[0], months[months.length - 1], null)
    const byAgency = new Map<string, { onTime: number; resolved: number }>()
    for (const r of rows) {
      if (r.period.length !== 7 || r.records === null) continue
      const key = r.breakdownBy === 'agency' ? r.breakdownKey : ''
      if (r.breakdownBy !== '' && r.breakdownBy !== 'agency') continue
      const own = byAgency.get(key) ?? { onTime: 0, resolved: 0 }
      own.onTime += (r.value * r.records) / 100
      own.resolved += r.records
      byAgency.set(key, own)
    }
    const share = (n: { onTime: number; resolved: number } | undefined) => (n && n.resolved > 0 ? round1((100 * n.onTime) / n.resolved) : null)
    const city = byAgency.get('')
    return {
      slaPct: share(city),
      resolved: city?.resolved ?? 0,
      byAgency: [...byAgency.entries()]
        .filter(([key]) => key !== '')
        .map(([agencyId, n]) => ({ agencyId, agency: agencyName(agencyId), resolved: Math.round(n.resolved), slaPct: share(n) }))
        .sort((a, b) => (a.slaPct ?? 0) - (b.slaPct ?? 0)),
    }
  }

  /** Levies realised in the period (the indicator's monthly values) against the markets' yearly targets pro rata. */
  private async levies(db: Queryable, tenant: string, months: string[], lastYear: string[]) {
    const realised = async (range: string[]) => {
      const rows = await store.values(db, tenant, ['levy_realisation_rp'], range[0], range[range.length - 1])
      return { rupiah: rows.reduce((s, r) => s + r.value, 0), payments: rows.reduce((s, r) => s + (r.records ?? 0), 0) }
    }
    const years = [...new Set(months.map((m) => Number(m.slice(0, 4))))]
    const markets = await this.sources.levyTargets(db, tenant, years[0])
    const yearly = markets.reduce((s, m) => s + (m.amount ?? 0), 0)
    const target = markets.some((m) => m.amount !== null) ? Math.round((yearly * months.length) / 12) : null
    const [now, before] = await Promise.all([realised(months), realised(lastYear)])
    return {
      realised: now.rupiah,
      payments: now.payments,
      target,
      pct: target ? round1((100 * now.rupiah) / target) : null,
      lastYearRealised: before.rupiah,
      markets,
    }
  }
}

export type Overview = Awaited<ReturnType<OverviewService['overview']>>
