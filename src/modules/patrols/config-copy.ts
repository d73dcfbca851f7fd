import type { Tx } from '../../core/db/database.ts'

/**
 * Onboarding: copies the finding-type catalogue and the follow-up settings of a template tenant. The
 * inspectorate OPD is left empty because OPDs differ between cities. What the tenant already has is kept.
 */
export async function copyPatrolConfig(db: Tx, from: string, to: string): Promise<number> {
  const types = await db.query(
    `INSERT INTO patrol_finding_types (tenant, code, label_id, label_en, kind, report_category, incident_type, position, retired_at)
     SELECT $2, code, label_id, label_en, kind, report_category, incident_type, position, retired_at FROM patrol_finding_types WHERE tenant = $1
     ON CONFLICT (tenant, code) DO NOTHING
     RETURNING code`,
    [from, to],
  )
  const settings = await db.query(
    `INSERT INTO patrol_settings (tenant, follow_up_days, escalation_days)
     SELECT $2, follow_up_days, escalation_days FROM patrol_settings WHERE tenant = $1
     ON CONFLICT (tenant) DO NOTHING
     RETURNING tenant`,
    [from, to],
  )
  return types.length + settings.length
}
