import type { ComputedIndicator } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'

/**
 * Threshold alarms raised by the tenant's sensors in the period, and the share of its devices reporting. A device
 * that has never reported (status unknown) says nothing either way and is left out.
 */
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
      records: { id: 'alarm', en: 'alarms' },
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
        return row.devices === 0 ? [] : [{ value: row.alarms, records: row.alarms }]
      },
    },
    {
      code: 'devices_online_pct',
      name: { id: 'Perangkat sensor daring', en: 'Sensor devices online' },
      dimension: 'environment',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      isSnapshot: true,
      records: { id: 'perangkat', en: 'devices' },
      formula: {
        id: 'Perangkat yang mengirim data dalam dua kali selang laporannya ÷ semua perangkat aktif yang pernah melapor × 100, diambil berkala sepanjang periode lalu dirata-rata',
        en: 'Devices that reported within twice their interval ÷ all active devices that ever reported × 100, sampled through the period and averaged',
      },
      compute: async (scope) => {
        const rows = await ctx.db.query<{ agency_id: string | null; is_total: number; devices: number; online: number }>(
          `SELECT agency_id::text, grouping(agency_id) AS is_total, count(*)::int AS devices,
             count(*) FILTER (WHERE status = 'online')::int AS online
           FROM devices WHERE tenant = $1 AND archived_at IS NULL AND status <> 'unknown'
           GROUP BY GROUPING SETS ((), (agency_id))`,
          [scope.tenant],
        )
        return rows
          .filter((r) => r.devices > 0 && (r.is_total || r.agency_id))
          .map((r) => {
            const value = Math.round((1000 * r.online) / r.devices) / 10
            return r.is_total || !r.agency_id
              ? { value, records: r.devices }
              : { breakdown: { by: 'agency' as const, key: r.agency_id }, value, records: r.devices }
          })
      },
    },
  ]
}
