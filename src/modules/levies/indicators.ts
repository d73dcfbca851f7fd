import type { ComputedIndicator, IndicatorValue } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'
import { tenancyLookups } from './ports.ts'

/** `payments`: how many payments the figures are made of. */
type Row = { agency_id: string | null; is_total: number; part: number; whole: number; payments: number }

/** The city-wide value and one per OPD managing markets; nothing where there is nothing to judge by. */
function values(rows: Row[], of: (r: Row) => number | null): IndicatorValue[] {
  const out: IndicatorValue[] = []
  for (const r of rows) {
    const value = of(r)
    if (value === null) continue
    if (r.is_total) out.push({ value, records: r.payments })
    else if (r.agency_id) out.push({ breakdown: { by: 'agency', key: r.agency_id }, value, records: r.payments })
  }
  return out
}

const share = (r: Row) => (r.whole > 0 ? Math.round((1000 * r.part) / r.whole) / 10 : null)

/**
 * Levy revenue for the kpi module, per month and per managing OPD: what was received, the cashless share of
 * it, and how much of the year's targets has been received so far.
 */
export function levyIndicators(ctx: CoreContext): ComputedIndicator[] {
  const tenancy = tenancyLookups(ctx)
  /** Payments received in the period: `part` the cashless ones, `whole` all, in rupiah. */
  const received = (tenant: string, start: Date, end: Date) =>
    ctx.db.query<Row>(
      `SELECT m.agency_id::text AS agency_id, grouping(m.agency_id) AS is_total,
         coalesce(sum(p.amount) FILTER (WHERE p.method <> 'cash'), 0)::float8 AS part, coalesce(sum(p.amount), 0)::float8 AS whole,
         count(p.*)::int AS payments
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
      records: { id: 'pembayaran', en: 'payments' },
      formula: {
        id: 'Retribusi pasar (pokok dan sanksi) yang diterima sejak 1 Januari sampai akhir bulan itu ÷ target tahunan pasar-pasar itu × 100; hanya pasar yang targetnya sudah ditetapkan, tanpa target tidak ada nilai',
        en: 'Market levy (levy and sanction) received from 1 January to the end of the month ÷ those markets’ annual targets × 100; only markets with a target set, no value without one',
      },
      compute: async (scope) => {
        const year = Number(scope.period.key.slice(0, 4))
        const timezone = await tenancy.timezone(ctx.db, scope.tenant)
        const rows = await ctx.db.query<Row>(
          `WITH received AS (
             SELECT b.market_id, sum(p.amount) AS amount, count(*) AS payments
             FROM levy_payments p JOIN levy_bills b ON b.tenant = p.tenant AND b.id = p.bill_id
             WHERE p.tenant = $1 AND p.paid_at >= make_timestamp($2, 1, 1, 0, 0, 0) AT TIME ZONE $3 AND p.paid_at < $4
             GROUP BY b.market_id)
           SELECT m.agency_id::text AS agency_id, grouping(m.agency_id) AS is_total,
             coalesce(sum(r.amount), 0)::float8 AS part, sum(t.amount)::float8 AS whole,
             coalesce(sum(r.payments), 0)::int AS payments
           FROM levy_market_targets t JOIN levy_markets m ON m.tenant = t.tenant AND m.id = t.market_id
             LEFT JOIN received r ON r.market_id = t.market_id
           WHERE t.tenant = $1 AND t.year = $2
           GROUP BY GROUPING SETS ((), (m.agency_id))`,
          [scope.tenant, year, timezone, scope.period.end.toISOString()],
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
      records: { id: 'pembayaran', en: 'payments' },
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
      records: { id: 'pembayaran', en: 'payments' },
      formula: {
        id: 'Rupiah diterima lewat kartu, QRIS dan transfer/VA ÷ seluruh rupiah diterima dalam bulan itu × 100',
        en: 'Rupiah received by card, QRIS and transfer/VA ÷ all rupiah received in the month × 100',
      },
      compute: async (scope) => values(await received(scope.tenant, scope.period.start, scope.period.end), share),
    },
  ]
}
