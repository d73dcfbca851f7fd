import type { ComputedIndicator, IndicatorScope, IndicatorValue } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits
const bounds = (scope: IndicatorScope) => [scope.tenant, scope.period.start.toISOString(), scope.period.end.toISOString()]

/**
 * Minutes from the call (the incident's creation) to the first unit on scene, for incidents created in the
 * period that an ambulance was sent to: p50 and p90, city-wide and per kecamatan.
 */
async function responseTimes(ctx: CoreContext, scope: IndicatorScope, percentile: number): Promise<IndicatorValue[]> {
  const rows = await ctx.db.query<{ kecamatan_code: string | null; is_total: number; n: number; minutes: number | null }>(
    `SELECT i.kecamatan_code, grouping(i.kecamatan_code) AS is_total, count(*)::int AS n,
       percentile_cont($4::float8) WITHIN GROUP (ORDER BY extract(epoch FROM i.on_scene_at - i.created_at) / 60) AS minutes
     FROM incidents i
     WHERE i.tenant = $1 AND i.created_at >= $2 AND i.created_at < $3 AND i.on_scene_at IS NOT NULL
       AND EXISTS (SELECT 1 FROM dispatches d JOIN units u ON u.tenant = d.tenant AND u.id = d.unit_id
                   WHERE d.tenant = i.tenant AND d.incident_id = i.id AND u.kind = 'ambulance')
     GROUP BY GROUPING SETS ((), (i.kecamatan_code))`,
    [...bounds(scope), percentile],
  )
  const out: IndicatorValue[] = []
  for (const row of rows) {
    // The total row of an empty set has no percentile.
    if (row.minutes === null) continue
    if (row.is_total) out.push({ value: round(row.minutes), records: row.n })
    else if (row.kecamatan_code) out.push({ breakdown: { by: 'kecamatan', key: row.kecamatan_code }, value: round(row.minutes), records: row.n })
  }
  return out
}

/**
 * Incidents created in the period (cancelled ones aside) per 10,000 inhabitants of each kelurahan, and of the
 * city: every incident of the city (those outside any mapped kelurahan too) over the sum of the kelurahan
 * populations. Without entered populations there is nothing to judge by.
 */
async function incidentRate(ctx: CoreContext, scope: IndicatorScope): Promise<IndicatorValue[]> {
  const population = new Map<string, number>()
  for (const entry of await scope.entered('population')) {
    if (entry.breakdown?.by === 'kelurahan' && entry.value > 0) population.set(entry.breakdown.key, entry.value)
  }
  if (population.size === 0) return []
  const rows = await ctx.db.query<{ kelurahan_code: string | null; n: number }>(
    `SELECT kelurahan_code, count(*)::int AS n FROM incidents
     WHERE tenant = $1 AND created_at >= $2 AND created_at < $3 AND status <> 'cancelled'
     GROUP BY kelurahan_code`,
    bounds(scope),
  )
  const counts = new Map(rows.map((r) => [r.kelurahan_code, r.n]))
  const out: IndicatorValue[] = []
  let people = 0
  for (const [kelurahan, inhabitants] of population) {
    const n = counts.get(kelurahan) ?? 0
    people += inhabitants
    out.push({ breakdown: { by: 'kelurahan', key: kelurahan }, value: round((n * 10_000) / inhabitants, 2), records: n })
  }
  const incidents = rows.reduce((sum, r) => sum + r.n, 0)
  out.push({ value: round((incidents * 10_000) / people, 2), records: incidents })
  return out
}

const RESPONSE_FORMULA = (p: string) => ({
  id: `Persentil ${p} menit dari panggilan masuk sampai unit pertama tiba di lokasi, atas kejadian pada periode ini yang dilayani ambulans`,
  en: `${p}th percentile of minutes from the call to the first unit on scene, over the period's incidents an ambulance was sent to`,
})

/** Ambulance response times and the incident rate per kelurahan. */
export function incidentIndicators(ctx: CoreContext): ComputedIndicator[] {
  return [
    {
      code: 'ambulance_response_p50',
      name: { id: 'Waktu tanggap ambulans (median)', en: 'Ambulance response time (median)' },
      dimension: 'living',
      unit: 'min',
      direction: 'lower',
      frequency: 'monthly',
      breakdowns: ['kecamatan'],
      records: { id: 'kejadian', en: 'incidents' },
      formula: RESPONSE_FORMULA('50'),
      compute: (scope) => responseTimes(ctx, scope, 0.5),
    },
    {
      code: 'ambulance_response_p90',
      name: { id: 'Waktu tanggap ambulans (p90)', en: 'Ambulance response time (p90)' },
      dimension: 'living',
      unit: 'min',
      direction: 'lower',
      frequency: 'monthly',
      breakdowns: ['kecamatan'],
      records: { id: 'kejadian', en: 'incidents' },
      formula: RESPONSE_FORMULA('90'),
      compute: (scope) => responseTimes(ctx, scope, 0.9),
    },
    {
      code: 'incidents_per_10k',
      name: { id: 'Kejadian per 10.000 penduduk', en: 'Incidents per 10,000 inhabitants' },
      dimension: 'society',
      unit: 'per 10k',
      direction: 'lower',
      frequency: 'monthly',
      breakdowns: ['kelurahan'],
      inputs: ['population'],
      records: { id: 'kejadian', en: 'incidents' },
      formula: {
        id: 'Kejadian kota pada periode ini (tanpa yang dibatalkan) × 10.000 ÷ jumlah penduduk kelurahan yang diisi; per kelurahan: kejadian di kelurahan itu × 10.000 ÷ penduduknya',
        en: "The city's incidents in the period (cancelled aside) × 10,000 ÷ the entered kelurahan populations' sum; per kelurahan: its incidents × 10,000 ÷ its inhabitants",
      },
      compute: (scope) => incidentRate(ctx, scope),
    },
  ]
}
