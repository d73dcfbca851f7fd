import type { Queryable } from '../../core/db/database.ts'

export interface SharingRow {
  module: string
  isShared: boolean
  updatedBy: string
  updatedAt: Date
}

/** The modules a city has decided about; a module without a row is shared. */
export function sharing(db: Queryable, tenant: string): Promise<SharingRow[]> {
  return db.query<SharingRow>(
    `SELECT module, is_shared AS "isShared", updated_by AS "updatedBy", updated_at AS "updatedAt"
     FROM province_sharing WHERE tenant = $1 ORDER BY module`,
    [tenant],
  )
}

export async function putSharing(db: Queryable, tenant: string, actor: string, module: string, isShared: boolean): Promise<void> {
  await db.query(
    `INSERT INTO province_sharing (tenant, module, is_shared, updated_by) VALUES ($1, $2, $3, $4)
     ON CONFLICT (tenant, module) DO UPDATE SET is_shared = EXCLUDED.is_shared, updated_by = EXCLUDED.updated_by, updated_at = now()
     WHERE province_sharing.is_shared <> EXCLUDED.is_shared`,
    [tenant, module, isShared, actor],
  )
}
