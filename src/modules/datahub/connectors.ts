import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { cursorKey, keysetPage } from '../../core/http/paging.ts'
import type { Job, JobQueue } from '../../core/jobs/jobs.ts'
import type { OutboundPolicy } from '../../core/outbound/policy.ts'
import type { Secrets } from '../../core/secrets.ts'
import { cronMatches, parseCron } from './cron.ts'
import type { DatasetService } from './datasets.ts'
import { announceDatahubEvent, recordDatahubEvent } from './events.ts'
import type { Lookups } from './ports.ts'
import type { Connector, ConnectorAlarm, CreateConnector, Run, UpdateConnector } from './schema.ts'
import * as store from './store.ts'
import { readRecords, tableFromRecords, valueAt } from './tabular.ts'

export const JOB_PULL = 'datahub.pull'
export const JOB_SCHEDULE = 'datahub.schedule'

export interface PullLimits {
  timeoutMs: number
  maxBytes: number
}

export const DEFAULT_LIMITS: PullLimits = { timeoutMs: 30_000, maxBytes: 20 * 1024 * 1024 }

function shape(row: store.ConnectorRow): Connector {
  return {
    id: row.id,
    name: row.name,
    dataset: row.dataset,
    resourceId: row.resource_id,
    url: row.url,
    format: row.format,
    rowsPath: row.rows_path,
    headerNames: Object.keys(row.headers).sort(),
    mapping: row.mapping,
    schedule: row.schedule,
    lastRunAt: row.last_run_at?.toISOString() ?? null,
  }
}

function alarmShape(row: store.AlarmRow): ConnectorAlarm {
  return {
    id: row.id,
    connectorId: row.connector_id,
    connector: row.connector,
    dataset: row.dataset,
    status: row.status,
    error: row.error,
    runId: row.run_id,
    failures: row.failures,
    raisedAt: row.raised_at.toISOString(),
    failedAt: row.failed_at.toISOString(),
    acknowledgedAt: row.acknowledged_at?.toISOString() ?? null,
    acknowledgedBy: row.acknowledged_by,
    clearedAt: row.cleared_at?.toISOString() ?? null,
  }
}

const OPEN = ['active', 'acknowledged']

/** Pull connectors: an OPD's HTTP endpoint fetched on a schedule into a new version of a resource. */
export class ConnectorService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly datasets: DatasetService,
    private readonly policy: OutboundPolicy,
    private readonly lookups: Lookups,
    private readonly secrets: Secrets,
    private readonly limits: PullLimits = DEFAULT_LIMITS,
  ) {}

  /** The URL the guard allows and the schedule as stored ("manual" or a cron that parses); a 400 names the field. */
  private checked(url: string, schedule: string | undefined): string {
    this.policy.checkUrl(url, 'url')
    const trimmed = schedule?.trim() || 'manual'
    if (trimmed !== 'manual') parseCron(trimmed)
    return trimmed
  }

  async create(db: Database, tenant: string, actor: string, input: CreateConnector): Promise<Connector> {
    const schedule = this.checked(input.url, input.schedule)
    return db.transaction(async (tx) => {
      const dataset = await this.datasets.row(tx, tenant, input.dataset, 'all')
      const resourceId = await store.insertResource(tx, tenant, dataset.id, {
        name: input.name,
        kind: 'connector',
        url: null,
        format: input.format,
        columns: [],
      })
      const id = await store.insertConnector(tx, this.secrets, tenant, {
        name: input.name,
        datasetId: dataset.id,
        resourceId,
        url: input.url,
        format: input.format,
        rowsPath: input.rowsPath ?? null,
        headers: input.headers ?? {},
        mapping: input.mapping ?? null,
        schedule,
      })
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'connector.created',
        entity: id,
        data: { name: input.name, dataset: input.dataset },
      })
      return this.get(tx, tenant, id)
    })
  }

  /**
   * Changes a connector; a header sent as null keeps its stored value, so tokens need not be typed again, as long
   * as the URL stays at the same scheme, host and port.
   */
  async update(db: Database, tenant: string, actor: string, id: string, input: UpdateConnector): Promise<Connector> {
    return db.transaction(async (tx) => {
      const current = await store.findConnector(tx, this.secrets, tenant, id)
      if (!current) throw new NotFound(`There is no connector ${id} in ${tenant}`)
      const url = input.url ?? current.url
      const schedule = this.checked(url, input.schedule ?? current.schedule)
      // Stored values were given for the old address: pointing the connector elsewhere must not carry them there.
      if (new URL(url).origin !== new URL(current.url).origin && Object.keys(current.headers).length > 0) {
        const withheld = input.headers ? Object.entries(input.headers).filter(([, value]) => value === null) : Object.entries(current.headers)
        if (withheld.length > 0) {
          throw new Invalid(`The URL moved to another host: send the header values again (${withheld.map(([name]) => name).join(', ')})`, { field: 'headers' })
        }
      }
      const headers = input.headers
        ? Object.fromEntries(
            Object.entries(input.headers).map(([name, value]) => {
              const kept = value ?? current.headers[name]
              if (kept === undefined) throw new Invalid(`Header ${name} has no stored value; send one`, { field: 'headers' })
              return [name, kept]
            }),
          )
        : current.headers
      await store.updateConnector(tx, this.secrets, tenant, id, {
        name: input.name ?? current.name,
        url,
        format: input.format ?? current.format,
        rowsPath: input.rowsPath === undefined ? current.rows_path : input.rowsPath || null,
        headers,
        mapping: input.mapping === undefined ? current.mapping : input.mapping,
        schedule,
      })
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'connector.updated',
        entity: id,
        data: { name: input.name ?? current.name, dataset: current.dataset },
      })
      return this.get(tx, tenant, id)
    })
  }

  async get(db: Queryable, tenant: string, id: string): Promise<Connector> {
    const row = await store.findConnector(db, this.secrets, tenant, id)
    if (!row) throw new NotFound(`There is no connector ${id} in ${tenant}`)
    return shape(row)
  }

  async list(db: Queryable, tenant: string): Promise<Connector[]> {
    return (await store.listConnectors(db, this.secrets, tenant)).map(shape)
  }

  async runs(db: Queryable, tenant: string, id: string, limit: number): Promise<Run[]> {
    await this.get(db, tenant, id)
    return store.listRuns(db, tenant, id, limit)
  }

  /** Starts a run now: recorded as running, carried out by a durable job. */
  async start(db: Database, tenant: string, id: string, at: Date | null = null): Promise<Run> {
    await this.get(db, tenant, id)
    const runId = await db.transaction(async (tx) => {
      const runId = await store.startRun(tx, tenant, id, at)
      await this.jobs.enqueue(tx, tenant, JOB_PULL, { connectorId: id, runId }, { maxAttempts: 1 })
      this.announceRun(tx, tenant, id, { runId, status: 'running', bytes: 0 })
      return runId
    })
    const [run] = (await store.listRuns(db, tenant, id, 50)).filter((r) => r.id === runId)
    return run
  }

  /** Tells live consoles how a run goes (started, bytes so far, finished); announced, not logged. */
  private announceRun(tx: Tx, tenant: string, connectorId: string, data: { runId: string; status: Run['status']; bytes: number; rows?: number }) {
    announceDatahubEvent(this.events, tx, tenant, null, { topic: 'datahub', type: 'connector.run', entity: connectorId, data })
  }

  onPullJob(db: Database, job: Job): Promise<Run> {
    return this.pull(db, job.tenant, String(job.payload.connectorId), String(job.payload.runId))
  }

  /**
   * Fetches, maps and stores one run. A failed run records its error, raises `connector.failed` and opens the
   * connector's alarm (or counts the failure on the open one); the resource keeps its last good version. A
   * good run clears the alarm.
   */
  async pull(db: Database, tenant: string, connectorId: string, runId: string): Promise<Run> {
    const connector = await store.findConnector(db, this.secrets, tenant, connectorId)
    if (!connector) throw new NotFound(`There is no connector ${connectorId} in ${tenant}`)
    let bytes = 0
    let lastProgress = 0
    // Progress writes go one after another, and all before the run's end, so no late one says it is still running.
    let progressWritten = Promise.resolve()
    try {
      const res = await this.policy.fetch(connector.url, {
        headers: connector.headers,
        timeoutMs: this.limits.timeoutMs,
        maxBytes: this.limits.maxBytes,
        onProgress: (n) => {
          bytes = n
          // Progress is written at most every megabyte so a large download does not become many writes.
          if (n - lastProgress >= 1024 * 1024) {
            lastProgress = n
            progressWritten = progressWritten.then(() =>
              db.transaction(async (tx) => {
                await store.progressRun(tx, tenant, runId, n)
                this.announceRun(tx, tenant, connectorId, { runId, status: 'running', bytes: n })
              }),
            )
          }
        },
      })
      bytes = res.body.length
      await progressWritten
      const { records, points } = await readRecords(connector.format, res.body, connector.rows_path)
      const mapped = connector.mapping ? records.map((r) => mapRecord(r, connector.mapping ?? {})) : records
      if (mapped.length === 0) throw new Error('The answer holds no rows')
      const table = tableFromRecords(connector.format, mapped)
      if (points) table.points = points
      const filename = new URL(connector.url).pathname.split('/').pop() || `${connector.name}.${connector.format}`
      await db.transaction(async (tx) => {
        const dataset = await store.findDatasetById(tx, tenant, connector.dataset_id)
        if (!dataset) throw new Error('The dataset was deleted')
        const version = await this.datasets.storeVersion(tx, tenant, `connector:${connector.name}`, dataset, connector.resource_id, filename, res.body, table)
        await store.finishRun(tx, tenant, runId, { status: 'ok', rows: table.rows.length, bytes, version, error: null })
        this.announceRun(tx, tenant, connectorId, { runId, status: 'ok', bytes, rows: table.rows.length })
        const cleared = await store.clearAlarm(tx, tenant, connectorId)
        if (cleared)
          await recordDatahubEvent(this.events, tx, tenant, null, {
            topic: 'datahub',
            type: 'connector.recovered',
            entity: connectorId,
            data: { name: connector.name, dataset: connector.dataset, runId, alarm: cleared },
          })
      })
    } catch (err) {
      // The run fails with the first error; a progress write that failed too adds nothing to it.
      await progressWritten.catch(() => undefined)
      const message = (err instanceof Error ? err.message : String(err)).slice(0, 1000)
      await db.transaction(async (tx) => {
        await store.finishRun(tx, tenant, runId, { status: 'failed', rows: 0, bytes, version: null, error: message })
        this.announceRun(tx, tenant, connectorId, { runId, status: 'failed', bytes })
        const alarm = await store.raiseAlarm(tx, tenant, connectorId, runId, message)
        await recordDatahubEvent(this.events, tx, tenant, null, {
          topic: 'datahub',
          type: 'connector.failed',
          entity: connectorId,
          data: { name: connector.name, dataset: connector.dataset, runId, error: message, alarm: alarm.id, raised: alarm.raised, severity: 'warning' },
        })
      })
    }
    const [run] = (await store.listRuns(db, tenant, connectorId, 50)).filter((r) => r.id === runId)
    return run
  }

  /** Alarms of failed connectors, newest first (default: the open ones, active or acknowledged). */
  async alarms(db: Queryable, tenant: string, status: 'open' | ConnectorAlarm['status'], limit: number, cursor?: string) {
    const statuses = status === 'open' ? OPEN : [status]
    const rows = await store.listAlarms(db, tenant, statuses, limit, cursorKey(cursor))
    const page = keysetPage(rows, await store.countAlarms(db, tenant, statuses), limit, (row) => row.key)
    return { ...page, items: rows.map(alarmShape) }
  }

  async acknowledge(db: Database, tenant: string, actor: string, id: string): Promise<ConnectorAlarm> {
    return db.transaction(async (tx) => {
      const outcome = await store.acknowledgeAlarm(tx, tenant, id, actor)
      if (outcome === 'missing') throw new NotFound(`There is no alarm ${id} in ${tenant}`)
      if (outcome === 'not_active') throw new Conflict('Only an active alarm can be acknowledged')
      const row = await store.findAlarm(tx, tenant, id)
      if (!row) throw new NotFound(`There is no alarm ${id} in ${tenant}`)
      await recordDatahubEvent(this.events, tx, tenant, actor, {
        topic: 'datahub',
        type: 'connector.alarm_acknowledged',
        entity: id,
        data: { name: row.connector, dataset: row.dataset },
      })
      return alarmShape(row)
    })
  }

  /** The recurring tick: starts the runs of every connector whose cron fires this minute (once per minute). */
  async schedule(db: Database, now = new Date()): Promise<number> {
    const minute = new Date(Math.floor(now.getTime() / 60_000) * 60_000)
    let started = 0
    for (const c of await store.scheduledConnectors(db, this.secrets)) {
      if (c.last_run_at && c.last_run_at >= minute) continue
      const zone = await this.lookups.timezone(c.tenant)
      if (!cronMatches(parseCron(c.schedule), now, zone)) continue
      await this.start(db, c.tenant, c.id, now)
      started += 1
    }
    return started
  }
}

/** A row of the target's columns, each taken from a dotted path of the source record. */
function mapRecord(record: Record<string, unknown>, mapping: Record<string, string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(mapping).map(([column, path]) => [column, valueAt(record, path) ?? null]))
}
