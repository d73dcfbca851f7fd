import type { Tx } from '../../core/db/database.ts'

/** Onboarding: copies the incident types of a template tenant; types the tenant already has are kept as they are. */
export async function copyIncidentTypes(db: Tx, from: string, to: string): Promise<number> {
  const rows = await db.query(
    `INSERT INTO incident_types (tenant, code, label_id, label_en, default_priority, unit_kinds, is_active)
     SELECT $2, code, label_id, label_en, default_priority, unit_kinds, is_active FROM incident_types WHERE tenant = $1
     ON CONFLICT (tenant, code) DO NOTHING
     RETURNING code`,
    [from, to],
  )
  return rows.length
}
