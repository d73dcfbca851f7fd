import type { ComputedIndicator } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

/** Public warnings issued: new CAP alerts published in the period (updates and cancels are not new warnings). */
export function alertIndicators(ctx: CoreContext): ComputedIndicator[] {
  return [
    {
      code: 'alerts_issued',
      name: { id: 'Peringatan dini diterbitkan', en: 'Public alerts issued' },
      dimension: 'society',
      unit: 'count',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: [],
      records: { id: 'peringatan', en: 'warnings' },
      formula: {
        id: 'Jumlah peringatan baru (CAP msgType Alert) yang disetujui dan diterbitkan pada periode ini; pembaruan dan pembatalan tidak dihitung',
        en: 'Number of new warnings (CAP msgType Alert) approved and published in the period; updates and cancels are not counted',
      },
      compute: async (scope) => {
        const [row] = await ctx.db.query<{ authored: number; issued: number }>(
          `SELECT (SELECT count(*)::int FROM alerts WHERE tenant = $1 AND created_at < $3) AS authored,
             (SELECT count(*)::int FROM alerts
              WHERE tenant = $1 AND msg_type = 'Alert' AND sent_at >= $2 AND sent_at < $3) AS issued`,
          [scope.tenant, scope.period.start.toISOString(), scope.period.end.toISOString()],
        )
        // A city that has never written a warning has not started using alerts: no count rather than a zero.
        return row.authored === 0 ? [] : [{ value: row.issued, records: row.issued }]
      },
    },
  ]
}
