import type { ComputedIndicator, IndicatorScope, IndicatorValue } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

interface Resolution {
  agency_id: string | null
  resolved: number
  within_sla: number
  median_hours: number
}

/** Reports resolved in the period, city-wide (agency_id null, grouping()=1) and per OPD. */
async function resolutions(ctx: CoreContext, scope: IndicatorScope): Promise<(Resolution & { is_total: number })[]> {
  return ctx.db.query(
    `SELECT agency_id::text, grouping(agency_id) AS is_total, count(*)::int AS resolved,
       count(*) FILTER (WHERE due_at IS NULL OR resolved_at <= due_at)::int AS within_sla,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - created_at) / 3600) AS median_hours
     FROM reports
     WHERE tenant = $1 AND resolved_at >= $2 AND resolved_at < $3 AND status IN ('resolved', 'closed')
     GROUP BY GROUPING SETS ((), (agency_id))`,
    [scope.tenant, scope.period.start.toISOString(), scope.period.end.toISOString()],
  )
}

function values(rows: (Resolution & { is_total: number })[], pick: (r: Resolution) => number): IndicatorValue[] {
  const out: IndicatorValue[] = []
  for (const row of rows) {
    if (row.resolved === 0) continue
    if (row.is_total) out.push({ value: pick(row), records: row.resolved })
    else if (row.agency_id) out.push({ breakdown: { by: 'agency', key: row.agency_id }, value: pick(row), records: row.resolved })
  }
  return out
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits

/** Complaints resolved within their SLA, and how long resolving takes, per OPD. */
export function reportIndicators(ctx: CoreContext): ComputedIndicator[] {
  return [
    {
      code: 'report_sla_pct',
      name: { id: 'Aduan selesai tepat SLA', en: 'Complaints resolved within SLA' },
      dimension: 'governance',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      records: { id: 'aduan selesai', en: 'complaints resolved' },
      formula: {
        id: 'Aduan yang diselesaikan pada periode ini sebelum batas SLA ÷ semua aduan yang diselesaikan pada periode ini × 100',
        en: 'Complaints resolved in the period before their SLA deadline ÷ all complaints resolved in the period × 100',
      },
      compute: async (scope) => values(await resolutions(ctx, scope), (r) => round((100 * r.within_sla) / r.resolved)),
    },
    {
      code: 'report_resolve_hours',
      name: { id: 'Median waktu penyelesaian aduan', en: 'Median time to resolve complaints' },
      dimension: 'governance',
      unit: 'h',
      direction: 'lower',
      frequency: 'monthly',
      breakdowns: ['agency'],
      records: { id: 'aduan selesai', en: 'complaints resolved' },
      formula: {
        id: 'Median jam dari aduan masuk sampai selesai, atas aduan yang diselesaikan pada periode ini',
        en: 'Median hours from submission to resolution of the complaints resolved in the period',
      },
      compute: async (scope) => values(await resolutions(ctx, scope), (r) => round(r.median_hours)),
    },
  ]
}
