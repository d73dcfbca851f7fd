import type { ComputedIndicator } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

/** Open data published: the city's public datasets, city-wide and per OPD that owns them. */
export function datahubIndicators(ctx: CoreContext): ComputedIndicator[] {
  return [
    {
      code: 'datasets_published',
      name: { id: 'Dataset terbit', en: 'Datasets published' },
      dimension: 'governance',
      unit: 'count',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      isSnapshot: true,
      records: { id: 'dataset', en: 'datasets' },
      formula: {
        id: 'Jumlah dataset publik (terbuka di portal data dan CKAN) yang tidak dihapus, diambil berkala sepanjang periode lalu dirata-rata; per OPD pemilik data',
        en: 'Number of public datasets (open on the data portal and CKAN) not deleted, sampled through the period and averaged; per owning OPD',
      },
      compute: async (scope) => {
        const rows = await ctx.db.query<{ agency_id: string | null; is_total: number; datasets: number; published: number }>(
          `SELECT agency_id::text, grouping(agency_id) AS is_total, count(*)::int AS datasets,
             count(*) FILTER (WHERE is_public)::int AS published
           FROM datahub_datasets WHERE tenant = $1 AND deleted_at IS NULL
           GROUP BY GROUPING SETS ((), (agency_id))`,
          [scope.tenant],
        )
        // A city with no dataset at all has not started using the data hub: no count rather than a zero.
        return rows
          .filter((r) => r.datasets > 0 && (r.is_total || r.agency_id))
          .map((r) =>
            r.is_total || !r.agency_id
              ? { value: r.published, records: r.datasets }
              : { breakdown: { by: 'agency' as const, key: r.agency_id }, value: r.published, records: r.datasets },
          )
      },
    },
  ]
}
