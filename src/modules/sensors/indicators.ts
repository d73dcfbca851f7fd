import type { ComputedIndicator } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

/** Threshold alarms raised by the tenant's sensors in the period. */
export function sensorIndicators(ctx: CoreContext): ComputedIndicator[] {
  return [
    {
      code: 'sensor_alarms',
      name: { id: 'Alarm sensor', en: 'Sensor alarms raised' },
      dimension: 'environment',
      unit: 'count',
      direction: 'lower',
      frequency: 'monthly',
      breakdowns: [],
      formula: {
        id: 'Jumlah alarm ambang batas yang dibangkitkan sensor pada periode ini',
        en: 'Number of threshold alarms the sensors raised in the period',
      },
      compute: async (scope) => {
        const [row] = await ctx.db.query<{ devices: number; alarms: number }>(
          `SELECT (SELECT count(*)::int FROM devices WHERE tenant = $1 AND created_at < $3) AS devices,
             (SELECT count(*)::int FROM alarms WHERE tenant = $1 AND kind = 'threshold' AND raised_at >= $2 AND raised_at < $3) AS alarms`,
          [scope.tenant, scope.period.start.toISOString(), scope.period.end.toISOString()],
        )
        // A city without sensors has no alarm count to show, rather than a reassuring zero.
        return row.devices === 0 ? [] : [{ value: row.alarms }]
      },
    },
  ]
}
