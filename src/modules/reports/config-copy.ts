import type { Tx } from '../../core/db/database.ts'

/**
 * Onboarding: copies the report categories of a template tenant with their SLA; the handling OPD is left empty
 * because OPDs differ between cities. Categories the tenant already has are kept as they are.
 */
export async function copyReportCategories(db: Tx, from: string, to: string): Promise<number> {
  const rows = await db.query(
    `INSERT INTO report_categories (tenant, code, service_code, label_id, label_en, description, group_code, keywords,
                                    is_public, is_active, sla_hours, total_sla_hours, calendar, notice)
     SELECT $2, code, service_code, label_id, label_en, description, group_code, keywords,
            is_public, is_active, sla_hours, total_sla_hours, calendar, notice
       FROM report_categories WHERE tenant = $1
     ON CONFLICT DO NOTHING
     RETURNING code`,
    [from, to],
  )
  return rows.length
}
