import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { OutboundPolicy } from '../../core/outbound/policy.ts'
import { recordDatahubEvent } from './events.ts'
import type { Lookups, Organization } from './ports.ts'
import { DEFAULT_PROBE_LIMITS, type ProbeLimits, probeEach, probeUrl } from './probe.ts'
import type { App, CreateApp, UpdateApp } from './schema.ts'
import * as store from './store.ts'

export const JOB_PROBE = 'datahub.probe'
/** How often every app is probed. */
export const PROBE_EVERY_SECONDS = 300

function shape(row: store.AppRow, orgs: Organization[]): App {
  const org = row.agency_id ? orgs.find((o) => o.id === row.agency_id) : undefined
  return {
    id: row.id,
    name: row.name,
    organization: org ? { id: org.id, code: org.code, name: org.name } : null,
    description: row.description,
    url: row.url,
    audience: row.audience as App['audience'],
    category: row.category,
    status: row.status,
    responseMs: row.response_ms,
    error: row.last_error,
    checkedAt: row.checked_at?.toISOString() ?? null,
    uptime30d: row.uptime === null ? null : Math.round(Number(row.uptime) * 10000) / 10000,
    archived: row.archived_at !== null,
  }
}

/** The city's app directory, each app checked by a scheduled health probe. */
export class AppService {
  constructor(
    private readonly events: EventLog,
    private readonly policy: OutboundPolicy,
    private readonly lookups: Lookups,
    private readonly limits: ProbeLimits = DEFAULT_PROBE_LIMITS,
  ) {}

  private async organizationId(db: Queryable, tenant: string, code: string | null | undefined): Promise<string | null> {
    if (!code) return null
    const org = (await this.lookups.organizations(db, tenant)).find((o) => o.code === code)
    if (!org) throw new Invalid(`There is no agency ${code} in ${tenant}`, { field: 'organization' })
    return org.id
  }

  async create(db: Database, tenant: string, actor: string, input: CreateApp): Promise<App> {
    this.policy.checkUrl(input.url, 'url')
    return db.transaction(async (tx) => {
      if (await store.findAppByName(tx, tenant, input.name)) throw new Conflict(`App ${input.name} is listed already`, { field: 'name' })
      const id = await store.insertApp(tx, tenant, {
        name: input.name.trim(),
        agencyId: await this.organizationId(tx, tenant, input.organization),
        description: input.description ?? '',
        url: input.url,
        audience: input.audience ?? ['citizen'],
        category: input.category ?? 'lainnya',
      })
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'app.created',
        entity: id,
        data: { name: input.name, url: input.url },
      })
      return this.get(tx, tenant, id)
    })
  }

  async update(db: Database, tenant: string, actor: string, id: string, input: UpdateApp): Promise<App> {
    if (input.url !== undefined) this.policy.checkUrl(input.url, 'url')
    return db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, id)
      if (current.archived_at) throw new Conflict(`App ${current.name} is archived`)
      if (input.name !== undefined && input.name.toLowerCase() !== current.name.toLowerCase() && (await store.findAppByName(tx, tenant, input.name)))
        throw new Conflict(`App ${input.name} is listed already`, { field: 'name' })
      const url = input.url ?? current.url
      await store.updateApp(
        tx,
        tenant,
        id,
        {
          name: input.name?.trim() ?? current.name,
          agencyId: input.organization === undefined ? current.agency_id : await this.organizationId(tx, tenant, input.organization),
          description: input.description ?? current.description,
          url,
          audience: input.audience ?? current.audience,
          category: input.category ?? current.category,
        },
        url !== current.url,
      )
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'app.updated',
        entity: id,
        data: { name: input.name ?? current.name },
      })
      return this.get(tx, tenant, id)
    })
  }

  async archive(db: Database, tenant: string, actor: string, id: string): Promise<App> {
    return db.transaction(async (tx) => {
      const current = await this.row(tx, tenant, id)
      await store.archiveApp(tx, tenant, id)
      await recordDatahubEvent(this.events, tx, tenant, actor, { topic: 'datahub', type: 'app.archived', entity: id, data: { name: current.name } })
      return this.get(tx, tenant, id)
    })
  }

  private async row(db: Queryable, tenant: string, id: string): Promise<store.AppRow> {
    const row = await store.findApp(db, tenant, id)
    if (!row) throw new NotFound(`There is no app ${id} in ${tenant}`)
    return row
  }

  async get(db: Queryable, tenant: string, id: string): Promise<App> {
    return shape(await this.row(db, tenant, id), await this.lookups.organizations(db, tenant))
  }

  async list(db: Queryable, tenant: string, archived = false): Promise<App[]> {
    const orgs = await this.lookups.organizations(db, tenant)
    return (await store.listApps(db, tenant, archived)).map((r) => shape(r, orgs))
  }

  /** Checks one app now (see `probeUrl` for what counts as up). */
  async probe(db: Queryable, tenant: string, id: string): Promise<App> {
    const app = await this.row(db, tenant, id)
    await store.recordAppCheck(db, tenant, id, await probeUrl(this.policy, app.url, this.limits.timeoutMs))
    return this.get(db, tenant, id)
  }

  /** The recurring probe of every listed app of every tenant, a few at a time. */
  async probeAll(db: Database): Promise<number> {
    const apps = await store.probedApps(db)
    await probeEach(apps, this.limits.parallel, (app) => this.probe(db, app.tenant, app.id))
    await store.pruneAppChecks(db)
    return apps.length
  }
}
