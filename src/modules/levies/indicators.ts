import type { ComputedIndicator, IndicatorValue } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

type Row = { agency_id: string | null; is_total: number; part: number; whole: number }

/** The city-wide value and one per OPD managing markets; nothing where there is nothing to judge by. */
function values(rows: Row[], of: (r: Row) => number | null): IndicatorValue[] {
  const out: IndicatorValue[] = []
  for (const r of rows) {
    const value = of(r)
    if (value === null) continue
    if (r.is_total) out.push({ value })
    else if (r.agency_id) out.push({ breakdown: { by: 'agency', key: r.agency_id }, value })
  }
  return out
}

const share = (r: Row) => (r.whole > 0 ? Math.round((1000 * r.part) / r.whole) / 10 : null)

/**
 * Levy revenue for the kpi module, per month and per managing OPD: what was received, the cashless share of
 * it, and how much of what the month's SKRD assessed has been paid.
 */
export function levyIndicators(ctx: CoreContext): ComputedIndicator[] {
  /** Payments received in the period: `part` the cashless ones, `whole` all, in rupiah. */
  const received = (tenant: string, start: Date, end: Date) =>
    ctx.db.query<Row>(
      `SELECT m.agency_id::text AS agency_id, grouping(m.agency_id) AS is_total,
         coalesce(sum(p.amount) FILTER (WHERE p.method <> 'cash'), 0)::float8 AS part, coalesce(sum(p.amount), 0)::float8 AS whole
       FROM levy_payments p JOIN levy_bills b ON b.tenant = p.tenant AND b.id = p.bill_id
         JOIN levy_markets m ON m.tenant = b.tenant AND m.id = b.market_id
       WHERE p.tenant = $1 AND p.paid_at >= $2 AND p.paid_at < $3
       GROUP BY GROUPING SETS ((), (m.agency_id))`,
      [tenant, start.toISOString(), end.toISOString()],
    )
  return [
    {
      code: 'levy_realisation_pct',
      name: { id: 'Realisasi retribusi terhadap target', en: 'Levy realisation vs target' },
      dimension: 'economy',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      formula: {
        id: 'Pokok retribusi yang sudah dibayar dari SKRD bulan itu ÷ pokok seluruh SKRD bulan itu × 100 (sanksi tidak dihitung)',
        en: 'Levy paid on the month’s SKRD bills ÷ the levy those bills assessed × 100 (sanctions left out)',
      },
      compute: async (scope) => {
        const rows = await ctx.db.query<Row>(
          `SELECT m.agency_id::text AS agency_id, grouping(m.agency_id) AS is_total,
             sum(least(b.paid, b.amount))::float8 AS part, sum(b.amount)::float8 AS whole
           FROM levy_bills b JOIN levy_markets m ON m.tenant = b.tenant AND m.id = b.market_id
           WHERE b.tenant = $1 AND b.period = $2
           GROUP BY GROUPING SETS ((), (m.agency_id))`,
          [scope.tenant, scope.period.key],
        )
        return values(rows, share)
      },
    },
    {
      code: 'levy_realisation_rp',
      name: { id: 'Realisasi retribusi', en: 'Levy realised' },
      dimension: 'economy',
      unit: 'Rp',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      formula: {
        id: 'Jumlah pembayaran retribusi pasar (pokok dan sanksi) yang diterima dalam bulan itu, semua cara bayar',
        en: 'Market levy payments (levy and sanction) received in the month, by every means of payment',
      },
      compute: async (scope) => values(await received(scope.tenant, scope.period.start, scope.period.end), (r) => (r.whole > 0 ? r.whole : null)),
    },
    {
      code: 'levy_cashless_pct',
      name: { id: 'Pembayaran retribusi nontunai', en: 'Levy paid cashless' },
      dimension: 'economy',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      formula: {
        id: 'Rupiah diterima lewat kartu, QRIS dan transfer/VA ÷ seluruh rupiah diterima dalam bulan itu × 100',
        en: 'Rupiah received by card, QRIS and transfer/VA ÷ all rupiah received in the month × 100',
      },
      compute: async (scope) => values(await received(scope.tenant, scope.period.start, scope.period.end), share),
    },
  ]
}
