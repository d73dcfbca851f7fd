import type { ComputedIndicator, IndicatorValue } from '../../core/indicators.ts'
import type { CoreContext } from '../../core/module.ts'
import type { PatrolsServices } from './index.ts'

const pct = (part: number, whole: number) => Math.round((1000 * part) / whole) / 10

/** Whole-city value first, then one per OPD; nothing when there is nothing to judge by. */
function values(rows: { agencyId: string; part: number; whole: number }[]): IndicatorValue[] {
  const counted = rows.filter((r) => r.whole > 0)
  if (counted.length === 0) return []
  const part = counted.reduce((sum, r) => sum + r.part, 0)
  const whole = counted.reduce((sum, r) => sum + r.whole, 0)
  return [
    { value: pct(part, whole), records: whole },
    ...counted.map((r) => ({ breakdown: { by: 'agency' as const, key: r.agencyId }, value: pct(r.part, r.whole), records: r.whole })),
  ]
}

/** ASN on-time attendance and Rojak follow-ups closed on time, per month and OPD. */
export function patrolIndicators(ctx: CoreContext, s: () => PatrolsServices): ComputedIndicator[] {
  return [
    {
      code: 'asn_on_time_pct',
      name: { id: 'Kehadiran ASN tepat waktu', en: 'ASN on-time attendance' },
      dimension: 'governance',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      records: { id: 'hari kerja ASN', en: 'ASN working days' },
      formula: {
        id: 'Hari kerja ASN yang hadir tepat waktu (tanpa TL, PSW, TK) ÷ semua hari kerja ASN pada hari yang tercakup impor presensi × 100',
        en: 'ASN working days on time (no TL, PSW or TK) ÷ all ASN working days on days the attendance imports cover × 100',
      },
      compute: async (scope) => {
        const { per } = await s().asn.tally(ctx.db, scope.tenant, null, scope.period.key)
        return values([...per.entries()].map(([agencyId, a]) => ({ agencyId, part: a.onTime, whole: a.counted })))
      },
    },
    {
      code: 'findings_closed_on_time_pct',
      name: { id: 'Temuan Rojak selesai tepat waktu', en: 'Rojak findings closed on time' },
      dimension: 'governance',
      unit: '%',
      direction: 'higher',
      frequency: 'monthly',
      breakdowns: ['agency'],
      records: { id: 'temuan jatuh tempo', en: 'findings due' },
      formula: {
        id: 'Temuan ASN yang jatuh tempo pada bulan itu, dijawab kepala OPD sebelum jatuh tempo dan ditutup inspektorat ÷ semua temuan ASN yang jatuh tempo pada bulan itu × 100',
        en: 'ASN findings due in the month that the OPD head answered by the due date and the inspectorate closed ÷ all ASN findings due in the month × 100',
      },
      compute: async (scope) => {
        const rows = await s().findings.dueIn(ctx.db, scope.tenant, scope.period.start, scope.period.end)
        return values(rows.map((r) => ({ agencyId: r.agencyId, part: r.closedOnTime, whole: r.due })))
      },
    },
  ]
}
