import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import { recordAlertEvent } from './events.ts'
import type { AlertTemplate, SaveTemplate } from './schema.ts'
import * as store from './store.ts'

/** A tenant's ready-made warnings: an admin keeps them, an operator starts a draft from one. */
export class TemplateService {
  constructor(private readonly events: EventLog) {}

  async list(db: Queryable, tenant: string, q: { limit?: number; cursor?: string }) {
    const limit = q.limit ?? 100
    const rows = await store.listTemplates(db, tenant, limit, cursorKey(q.cursor))
    return keysetPage(rows.map(view), await store.countTemplates(db, tenant), limit, (t) => t.name.toLowerCase())
  }

  async create(db: Database, tenant: string, actor: string, input: SaveTemplate): Promise<AlertTemplate> {
    return db.transaction(async (tx) => {
      const row = await store.insertTemplate(tx, tenant, actor, writeOf(input))
      if (!row) throw new Conflict(`There is a template named ${input.name} already`, { field: 'name' })
      await this.record(tx, tenant, actor, 'alert.template_saved', row)
      return view(row)
    })
  }

  /** Replaces every field of a template. */
  async replace(db: Database, tenant: string, actor: string, id: string, input: SaveTemplate): Promise<AlertTemplate> {
    return db.transaction(async (tx) => {
      if (await store.templateNamed(tx, tenant, input.name, id)) throw new Conflict(`There is a template named ${input.name} already`, { field: 'name' })
      const row = await store.updateTemplate(tx, tenant, id, actor, writeOf(input))
      if (!row) throw new NotFound('No such template')
      await this.record(tx, tenant, actor, 'alert.template_saved', row)
      return view(row)
    })
  }

  async remove(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const row = await store.findTemplate(tx, tenant, id)
      if (!row || !(await store.deleteTemplate(tx, tenant, id))) throw new NotFound('No such template')
      await this.record(tx, tenant, actor, 'alert.template_removed', row)
    })
  }

  /** Seeds templates a tenant has no namesake of (demo). */
  async seed(db: Database, tenant: string, actor: string, templates: SaveTemplate[]): Promise<void> {
    await db.transaction(async (tx) => {
      for (const t of templates) await store.insertTemplate(tx, tenant, actor, writeOf(t))
    })
  }

  private record(tx: Tx, tenant: string, actor: string, type: 'alert.template_saved' | 'alert.template_removed', row: store.TemplateRow) {
    return recordAlertEvent(this.events, tx, tenant, actor, { topic: 'alerts', type, entity: row.id, data: { name: row.name } })
  }
}

const view = (row: store.TemplateRow): AlertTemplate => ({ ...row, updatedAt: row.updatedAt.toISOString() })

function writeOf(input: SaveTemplate): store.TemplateWrite {
  return {
    name: input.name.trim(),
    event: input.event,
    category: input.category,
    urgency: input.urgency,
    severity: input.severity,
    certainty: input.certainty,
    headline: input.headline ?? null,
    description: input.description ?? null,
    instruction: input.instruction ?? null,
    english: input.english ?? null,
  }
}
