import type { ComputedIndicator } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

/**
 * The share of the tenant's cameras that answered their last health check. Cameras never checked yet (just
 * added, or a server still starting) say nothing either way: they are left out, and with none checked there
 * is no sample rather than a 0 %.
 */
export function cameraIndicators(ctx: CoreContext): ComputedIndicator[] {
  return [
    {
      code: 'cctv_online_pct',
      name: { id: 'CCTV daring', en: 'CCTV online' },
      dimension: 'governance',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      isSnapshot: true,
      records: { id: 'kamera', en: 'cameras' },
      formula: {
        id: 'Kamera yang menjawab pemeriksaan terakhir ÷ semua kamera aktif yang sudah diperiksa × 100, diambil berkala sepanjang periode lalu dirata-rata',
        en: 'Cameras answering their last health check ÷ all active cameras checked so far × 100, sampled through the period and averaged',
      },
      compute: async (scope) => {
        const rows = await ctx.db.query<{ agency_id: string | null; is_total: number; cameras: number; online: number }>(
          `SELECT agency_id::text, grouping(agency_id) AS is_total, count(*)::int AS cameras,
             count(*) FILTER (WHERE status = 'online')::int AS online
           FROM cameras WHERE tenant = $1 AND archived_at IS NULL AND status <> 'unknown'
           GROUP BY GROUPING SETS ((), (agency_id))`,
          [scope.tenant],
        )
        return rows
          .filter((r) => r.cameras > 0 && (r.is_total || r.agency_id))
          .map((r) => {
            const value = Math.round((1000 * r.online) / r.cameras) / 10
            return r.is_total || !r.agency_id
              ? { value, records: r.cameras }
              : { breakdown: { by: 'agency' as const, key: r.agency_id }, value, records: r.cameras }
          })
      },
    },
  ]
}
