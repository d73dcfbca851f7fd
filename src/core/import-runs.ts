import type { Database, Queryable, Tx } from './db/database.ts'
import { NotFound } from './errors.ts'
import type { EventLog } from './events/log.ts'
import { type CsvRecord, csvRecords, csvRows, IMPORT_BATCH } from './imports.ts'
import type { Job, JobQueue } from './jobs/jobs.ts'

/** Files of more data rows than this are written by a durable job: the request answers 202 at once. */
export const SYNC_IMPORT_ROWS = 2000

/** Row errors an import lists (the count covers them all). */
export const MAX_ERRORS_LISTED = 1000

export const JOB_IMPORT = 'import.run'

export interface RowError {
  /** The row number in the file as a spreadsheet shows it (the header is row 1). */
  row: number
  field: string
  message: string
}

/** What one batch wrote (counts by name, e.g. `accepted`, `imported`, `updated`) and which of its rows it refused. */
export interface BatchOutcome {
  counts: Record<string, number>
  errors: RowError[]
}

/** Writes one batch of records in the caller's transaction: it commits with the import's progress. */
export type BatchWriter = (tx: Tx, records: CsvRecord[]) => Promise<BatchOutcome>

/** What a module does with the rows of one kind of import. */
export interface Importer<O> {
  module: string
  kind: string
  /** The live topic progress is announced on: its readers see counts, never rows. */
  topic: string
  /** Throws Invalid when the header lacks a column, before anything is written. */
  checkHeader?(columns: string[]): void
  /** Looks up once per run what every batch needs (a zone, the OPDs, known NIPs) and returns the batch writer. */
  open(db: Database, tenant: string, actor: string, options: O): Promise<BatchWriter>
}

export interface ImportState {
  id: string | null
  module: string
  kind: string
  actor: string
  state: 'queued' | 'running' | 'done' | 'failed'
  total: number
  done: number
  counts: Record<string, number>
  errorCount: number
  errors: RowError[]
  failure: string | null
  createdAt: string
  finishedAt: string | null
}

type ImportRow = ImportState & { id: string; tenant: string; options: unknown; source: string | null }

const COLUMNS = `tenant, id::text, module, kind, actor, state, total, done, counts, error_count AS "errorCount", errors, failure,
  to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
  to_char(finished_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "finishedAt"`

/** Adds one batch's outcome to the state: counts summed, errors listed up to MAX_ERRORS_LISTED. */
function tally(state: ImportState, outcome: BatchOutcome, rows: number): void {
  state.done += rows
  for (const [name, n] of Object.entries(outcome.counts)) state.counts[name] = (state.counts[name] ?? 0) + n
  state.errorCount += outcome.errors.length
  state.errors.push(...outcome.errors.slice(0, Math.max(0, MAX_ERRORS_LISTED - state.errors.length)))
}

const view = ({ tenant: _t, options: _o, source: _s, ...state }: ImportRow): ImportState => state

/**
 * CSV imports of every module: a small file is written within its request; a large one is kept in the `imports`
 * table and written by a durable job in batches, each committing with the progress it makes, so a restarted job
 * resumes after the last committed batch and writes no row twice.
 */
export class ImportRuns {
  private readonly importers = new Map<string, Importer<unknown>>()

  constructor(
    private readonly db: () => Database,
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
  ) {
    jobs.handle(JOB_IMPORT, (job) => this.runJob(job))
  }

  register<O>(importer: Importer<O>): void {
    const key = `${importer.module}.${importer.kind}`
    if (this.importers.has(key)) throw new Error(`Import ${key} is registered twice`)
    // Options are stored as JSON by `run` from the importer's own type and handed back to that importer only.
    this.importers.set(key, importer as Importer<unknown>)
  }

  /**
   * Reads the file once (CSV errors, the header and the row limit refused before anything is written), then writes
   * it now when small, or queues it as a job when it holds more than SYNC_IMPORT_ROWS rows (state `queued`).
   */
  async run<O>(db: Database, tenant: string, actor: string, importer: Importer<O>, source: string, options: O): Promise<ImportState> {
    const total = await this.count(importer, source)
    if (total > SYNC_IMPORT_ROWS) return this.queue(db, tenant, actor, importer, source, options, total)
    return this.writeNow(db, tenant, actor, importer, source, options, total)
  }

  /** Like `run`, but writes the whole file within the caller however large it is (seeding a demo, tests). */
  async runNow<O>(db: Database, tenant: string, actor: string, importer: Importer<O>, source: string, options: O): Promise<ImportState> {
    return this.writeNow(db, tenant, actor, importer, source, options, await this.count(importer, source))
  }

  /** The data rows of a file, its header checked by the importer; a broken file or too many rows throw. */
  private async count<O>(importer: Importer<O>, source: string): Promise<number> {
    let total = -1
    for await (const cells of csvRows(source)) {
      if (total === -1) importer.checkHeader?.(cells.map((c) => c.trim().toLowerCase()))
      total += 1
    }
    return Math.max(total, 0)
  }

  private async writeNow<O>(
    db: Database,
    tenant: string,
    actor: string,
    importer: Importer<O>,
    source: string,
    options: O,
    total: number,
  ): Promise<ImportState> {
    const state: ImportState = {
      id: null,
      module: importer.module,
      kind: importer.kind,
      actor,
      state: 'running',
      total,
      done: 0,
      counts: {},
      errorCount: 0,
      errors: [],
      failure: null,
      createdAt: new Date().toISOString(),
      finishedAt: null,
    }
    await this.write(db, tenant, importer, options, source, state, async () => undefined)
    return { ...state, state: 'done', finishedAt: new Date().toISOString() }
  }

  private queue<O>(db: Database, tenant: string, actor: string, importer: Importer<O>, source: string, options: O, total: number): Promise<ImportState> {
    return db.transaction(async (tx) => {
      const [row] = await tx.query<ImportRow>(
        `INSERT INTO imports (tenant, module, kind, actor, total, options, source) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
        [tenant, importer.module, importer.kind, actor, total, JSON.stringify(options ?? {}), source],
      )
      await this.jobs.enqueue(tx, tenant, JOB_IMPORT, { id: row.id })
      return view({ ...row, options, source: null })
    })
  }

  /** An import as the API shows it; NotFound unless it exists and `mayRead` its actor. */
  async find(db: Queryable, tenant: string, id: string, mayRead: (actor: string) => boolean): Promise<ImportState> {
    const [row] = /^[0-9a-f-]{36}$/i.test(id) ? await db.query<ImportRow>(`SELECT ${COLUMNS} FROM imports WHERE tenant = $1 AND id = $2`, [tenant, id]) : []
    if (!row || !mayRead(row.actor)) throw new NotFound(`There is no import ${id}`, { id })
    return view({ ...row, options: null, source: null })
  }

  private async runJob(job: Job): Promise<void> {
    const id = typeof job.payload.id === 'string' ? job.payload.id : ''
    try {
      await this.resume(this.db(), job.tenant, id)
    } catch (err) {
      if (job.attempts >= job.maxAttempts) await this.fail(job.tenant, id, err instanceof Error ? err.message : String(err))
      throw err
    }
  }

  /** Writes a queued or interrupted import from the row after the last committed batch to its end. */
  async resume(db: Database, tenant: string, id: string): Promise<void> {
    const [row] = await db.query<ImportRow>(`SELECT ${COLUMNS}, options, source FROM imports WHERE tenant = $1 AND id = $2`, [tenant, id])
    if (!row || row.state === 'done' || row.state === 'failed') return
    const importer = this.importers.get(`${row.module}.${row.kind}`)
    if (!importer) throw new Error(`No importer for ${row.module}.${row.kind}`)
    const state = view(row)
    state.state = 'running'
    await this.write(db, tenant, importer, row.options, row.source ?? '', state, async (tx) => {
      await tx.query(`UPDATE imports SET state = 'running', done = $3, counts = $4, error_count = $5, errors = $6 WHERE tenant = $1 AND id = $2`, [
        tenant,
        id,
        state.done,
        JSON.stringify(state.counts),
        state.errorCount,
        JSON.stringify(state.errors),
      ])
      this.events.announce(tx, tenant, row.actor, {
        topic: importer.topic,
        type: 'import.progressed',
        entity: id,
        data: { module: row.module, kind: row.kind, done: state.done, total: state.total },
      })
    })
    await this.finish(db, tenant, id, importer.topic, 'done', null)
  }

  private async fail(tenant: string, id: string, message: string): Promise<void> {
    const [row] = await this.db().query<{ module: string; kind: string }>('SELECT module, kind FROM imports WHERE tenant = $1 AND id = $2', [tenant, id])
    const importer = row && this.importers.get(`${row.module}.${row.kind}`)
    if (importer) await this.finish(this.db(), tenant, id, importer.topic, 'failed', message.slice(0, 2000))
  }

  private finish(db: Database, tenant: string, id: string, topic: string, state: 'done' | 'failed', failure: string | null): Promise<void> {
    return db.transaction(async (tx) => {
      const [row] = await tx.query<ImportRow>(
        `UPDATE imports SET state = $3, failure = $4, finished_at = now(), source = NULL WHERE tenant = $1 AND id = $2 RETURNING ${COLUMNS}`,
        [tenant, id, state, failure],
      )
      const { errors: _errors, ...summary } = view({ ...row, options: null, source: null })
      await this.events.record(tx, tenant, row.actor, { topic, type: 'import.finished', entity: id, data: summary })
    })
  }

  /** Writes the records after `state.done` in batches, each in one transaction with `progress` (the job's cursor). */
  private async write<O>(
    db: Database,
    tenant: string,
    importer: Importer<O>,
    options: O,
    source: string,
    state: ImportState,
    progress: (tx: Tx) => Promise<void>,
  ): Promise<void> {
    const writeBatch = await importer.open(db, tenant, state.actor, options)
    const skip = state.done
    let index = 0
    let batch: CsvRecord[] = []
    const flush = async () => {
      const records = batch
      batch = []
      await db.transaction(async (tx) => {
        tally(state, await writeBatch(tx, records), records.length)
        await progress(tx)
      })
    }
    for await (const record of csvRecords(source)) {
      index += 1
      if (index <= skip) continue
      batch.push(record)
      if (batch.length >= IMPORT_BATCH) await flush()
    }
    if (batch.length > 0) await flush()
  }
}
