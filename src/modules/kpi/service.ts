import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { Importer, ImportRuns, ImportState, RowError } from '../../core/import-runs.ts'
import {
  type Breakdown,
  DIMENSIONS,
  type Dimension,
  type IndicatorPeriod,
  type IndicatorRegistry,
  type IndicatorScope,
  type IndicatorValue,
} from '../../core/indicators.ts'
import type { JobQueue } from '../../core/jobs/jobs.ts'
import { DEFAULT_CATALOGUE, type IndicatorDefinition } from './catalogue.ts'
import { recordKpiEvent } from './events.ts'
import { frequencyOf, monthsBetween, periodAt, periodOf, periodsInMonth, previousMonth } from './periods.ts'
import { achievement, SCORE_FORMULA, score } from './scores.ts'
import * as store from './store.ts'

export const JOB_RECOMPUTE = 'kpi.recompute'

/** What this module asks of the tenancy module, through its services. */
export interface TenancyPort {
  timezone(tenant: string): Promise<string>
  /** The kota and kabupaten under a province, with their names. */
  regionsOf(db: Queryable, province: string): Promise<{ code: string; name: string }[]>
  /** Every kota and kabupaten of the install. */
  cities(db: Queryable): Promise<string[]>
  /** Whether an OPD (agency) of the tenant has this id and is not archived. */
  agencyExists(db: Queryable, tenant: string, id: string): Promise<boolean>
}

/** An import written within its request as the values import answers it (the first 1,000 refused rows listed). */
export const valuesImportResult = (state: ImportState) => ({
  accepted: state.counts.accepted ?? 0,
  rejectedCount: state.errorCount,
  rejected: state.errors,
})

/** Who enters values: the actor written into the history, and the OPDs they act for (`all` for admins). */
export interface KpiCaller {
  actor: string
  agencies: 'all' | readonly string[]
}

/** Whether an indicator can have values here: a computed one needs its module installed. */
export type Availability = 'available' | 'not_available'
export type ValueStatus = 'ok' | 'missing' | 'not_available'

export interface Indicator {
  code: string
  name: { id: string; en: string }
  dimension: Dimension
  unit: string
  direction: 'higher' | 'lower'
  frequency: 'daily' | 'monthly' | 'yearly'
  source: 'computed' | 'entered'
  module: string | null
  agencyId: string | null
  breakdowns: Breakdown[]
  formula: { id: string; en: string }
  isActive: boolean
  availability: Availability
  targets: { year: number; target: number }[]
}

export interface SeriesPoint {
  period: string
  status: ValueStatus
  value: number | null
  target: number | null
  achievement: number | null
  breakdowns?: { key: string; value: number }[]
  note?: string | null
  evidenceUrl?: string | null
  version?: number
  updatedBy?: string | null
  updatedAt?: string
  provenance: Provenance | null
}

/**
 * Where a shown value comes from: the period it is of (earlier than asked when an entered value is stale), whether
 * that period is still running (provisional), when it was computed or entered, from how many records (computed)
 * or by whom with which evidence (entered).
 */
export interface Provenance {
  period: string
  provisional: boolean
  stale: boolean
  computedAt: string
  records: number | null
  recordsLabel: { id: string; en: string } | null
  samples: number | null
  enteredBy: string | null
  evidenceUrl: string | null
}

export interface NewValue {
  period: string
  value: number
  breakdown?: { by: Breakdown; key: string }
  note?: string
  evidenceUrl?: string
}

const toEntry = (code: string, v: NewValue): store.Entry => ({
  code,
  period: v.period,
  by: v.breakdown?.by ?? '',
  key: v.breakdown?.key ?? '',
  value: v.value,
  note: v.note ?? null,
  evidenceUrl: v.evidenceUrl ?? null,
})

const yearOf = (period: string) => Number(period.slice(0, 4))

/** Whether a caller may enter values of an indicator: an entered one, owned by an OPD they act for (admins: any). */
export function mayEnter(caller: KpiCaller, indicator: Pick<Indicator, 'source' | 'agencyId'>): boolean {
  if (indicator.source !== 'entered') return false
  return caller.agencies === 'all' || (indicator.agencyId !== null && caller.agencies.includes(indicator.agencyId))
}

/** Smart-city KPIs: catalogue, entered and computed values, dimension scores, province roll-up. */
export class KpiService {
  constructor(
    private readonly events: EventLog,
    private readonly jobs: JobQueue,
    private readonly registry: IndicatorRegistry,
    private readonly tenancy: TenancyPort,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private availability(row: { source: string; code: string }): Availability {
    return row.source === 'entered' || this.registry.get(row.code) ? 'available' : 'not_available'
  }

  private toIndicator(row: store.IndicatorRow, targets: { year: number; target: number }[]): Indicator {
    return {
      code: row.code,
      name: { id: row.nameId, en: row.nameEn },
      dimension: row.dimension,
      unit: row.unit,
      direction: row.direction,
      frequency: row.frequency,
      source: row.source,
      module: row.module,
      agencyId: row.agencyId,
      breakdowns: row.breakdowns,
      // A computed indicator is explained by the module that computes it (its words follow its code); an entered
      // one by what the catalogue says.
      formula:
        row.source === 'computed' && this.registry.get(row.code)
          ? (this.registry.get(row.code)?.formula ?? { id: '', en: '' })
          : { id: row.formulaId, en: row.formulaEn },
      isActive: row.isActive,
      availability: this.availability(row),
      targets,
    }
  }

  /**
   * Gives a city without a catalogue the default one, with this year's targets; a city that has one gets the
   * default computed indicators it lacks whose module is installed (a module that learnt a new indicator).
   */
  async ensureCatalogue(db: Database, tenant: string): Promise<void> {
    const present = new Set((await store.listIndicators(db, tenant)).map((r) => r.code))
    const missing = DEFAULT_CATALOGUE.filter((d) => !present.has(d.code) && (present.size === 0 || (d.source === 'computed' && this.registry.get(d.code))))
    if (missing.length === 0) return
    const year = yearOf(periodAt(this.clock(), 'yearly', await this.tenancy.timezone(tenant)))
    await db.transaction(async (tx) => {
      for (const definition of missing) {
        const formula = this.registry.get(definition.code)?.formula ?? definition.formula
        if (!(await store.insertIndicator(tx, tenant, { ...definition, formula }))) continue
        if (definition.target !== undefined) {
          for (const y of [year - 1, year]) await store.putTarget(tx, tenant, definition.code, y, definition.target)
        }
      }
    })
  }

  async list(db: Queryable, tenant: string): Promise<Indicator[]> {
    const [rows, targets] = await Promise.all([store.listIndicators(db, tenant), store.allTargets(db, tenant)])
    return rows.map((row) => this.toIndicator(row, targets.get(row.code) ?? []))
  }

  async get(db: Queryable, tenant: string, code: string): Promise<Indicator> {
    const row = await store.findIndicator(db, tenant, code)
    if (!row) throw new NotFound(`There is no indicator ${code}`, { code })
    return this.toIndicator(row, await store.targetsOf(db, tenant, code))
  }

  /** An indicator's owner is an OPD of the same tenant. */
  private async checkOwnerExists(db: Queryable, tenant: string, agencyId: string | null | undefined): Promise<void> {
    if (agencyId && !(await this.tenancy.agencyExists(db, tenant, agencyId))) {
      throw new Invalid(`There is no OPD ${agencyId} in ${tenant}`, { field: 'agencyId' })
    }
  }

  /** Adds an indicator: entered by an OPD, or computed by a module that registered its code. */
  async create(db: Database, tenant: string, actor: string, input: IndicatorDefinition & { agencyId?: string | null }): Promise<Indicator> {
    await this.checkOwnerExists(db, tenant, input.agencyId)
    const registered = this.registry.get(input.code)
    if (input.source === 'computed' && !registered) {
      throw new Invalid(`No installed module computes ${input.code}`, { field: 'code' })
    }
    const definition = registered
      ? { ...input, module: this.registry.moduleOf(input.code), frequency: registered.frequency, formula: input.formula ?? registered.formula }
      : input
    const year = yearOf(periodAt(this.clock(), 'yearly', await this.tenancy.timezone(tenant)))
    await db.transaction(async (tx) => {
      if (!(await store.insertIndicator(tx, tenant, definition))) throw new Conflict(`Indicator ${input.code} exists already`, { field: 'code' })
      if (input.target !== undefined) await store.putTarget(tx, tenant, input.code, year, input.target)
      await recordKpiEvent(this.events, tx, tenant, actor, {
        topic: 'kpi',
        type: 'indicator.created',
        entity: input.code,
        data: { code: input.code, name: input.name },
      })
    })
    return this.get(db, tenant, input.code)
  }

  async update(
    db: Database,
    tenant: string,
    actor: string,
    code: string,
    change: store.IndicatorChange & { targets?: { year: number; target: number | null }[] },
  ): Promise<Indicator> {
    await this.checkOwnerExists(db, tenant, change.agencyId)
    await db.transaction(async (tx) => {
      if (!(await store.findIndicator(tx, tenant, code))) throw new NotFound(`There is no indicator ${code}`, { code })
      await store.updateIndicator(tx, tenant, code, change)
      for (const t of change.targets ?? []) await store.putTarget(tx, tenant, code, t.year, t.target)
      const updated = await store.findIndicator(tx, tenant, code)
      const name = { id: updated?.nameId ?? code, en: updated?.nameEn ?? code }
      await recordKpiEvent(this.events, tx, tenant, actor, { topic: 'kpi', type: 'indicator.updated', entity: code, data: { code, name } })
    })
    return this.get(db, tenant, code)
  }

  /** Copies the catalogue and targets of a template tenant inside the caller's transaction (never its values). */
  async copyCatalogue(tx: Tx, from: string, to: string): Promise<number> {
    let copied = 0
    for (const row of await store.listIndicators(tx, from)) {
      const definition: IndicatorDefinition = {
        code: row.code,
        name: { id: row.nameId, en: row.nameEn },
        dimension: row.dimension,
        unit: row.unit,
        direction: row.direction,
        frequency: row.frequency,
        source: row.source,
        module: row.module ?? undefined,
        breakdowns: row.breakdowns,
        formula: { id: row.formulaId, en: row.formulaEn },
      }
      // OPDs differ between cities: the owner is left for the new city to set.
      if (!(await store.insertIndicator(tx, to, definition))) continue
      for (const t of await store.targetsOf(tx, from, row.code)) await store.putTarget(tx, to, row.code, t.year, t.target)
      copied++
    }
    return copied
  }

  // Values

  /**
   * Checks an entered value against its indicator: the caller acts for the OPD that owns it (admins for any),
   * the right period shape, a supported breakdown, not in the future (in the tenant's timezone).
   */
  private checkEntry(caller: KpiCaller, indicator: Indicator, v: NewValue, timezone: string): void {
    if (indicator.source !== 'entered') throw new Conflict(`${indicator.code} is computed from the platform's data; it cannot be entered`, { field: 'code' })
    if (!mayEnter(caller, indicator)) {
      throw new Forbidden(
        indicator.agencyId === null
          ? `No OPD owns ${indicator.code} yet: only an admin enters its values`
          : `${indicator.code} belongs to an OPD you do not work for: its own officers or an admin enter its values`,
        { field: 'indicator' },
      )
    }
    if (frequencyOf(v.period) !== indicator.frequency) {
      throw new Invalid(`${indicator.code} is ${indicator.frequency}: ${v.period} is not such a period`, { field: 'period' })
    }
    const period = periodOf(v.period, timezone)
    if (period.start > this.clock()) throw new Invalid(`${v.period} has not started yet`, { field: 'period' })
    if (v.breakdown && !indicator.breakdowns.includes(v.breakdown.by)) {
      throw new Invalid(`${indicator.code} has no breakdown by ${v.breakdown.by}`, { field: 'breakdown.by' })
    }
    if (!Number.isFinite(v.value)) throw new Invalid('value is not a number', { field: 'value' })
  }

  async enter(db: Database, tenant: string, caller: KpiCaller, code: string, v: NewValue): Promise<store.ValueRow> {
    const indicator = await this.get(db, tenant, code)
    this.checkEntry(caller, indicator, v, await this.tenancy.timezone(tenant))
    const { actor } = caller
    return db.transaction(async (tx) => {
      const [row] = await store.enterValues(tx, tenant, actor, [toEntry(code, v)])
      await recordKpiEvent(this.events, tx, tenant, actor, {
        topic: 'kpi',
        type: 'value.entered',
        entity: code,
        data: {
          code,
          name: indicator.name,
          period: v.period,
          breakdown: v.breakdown ? `${v.breakdown.by}:${v.breakdown.key}` : '',
          value: v.value,
          version: row.version,
        },
      })
      return row
    })
  }

  /**
   * Imports entered values from CSV with a header row: `indicator,period,value[,breakdown_by,breakdown_key,note,evidence_url]`.
   * Every good row is stored; bad rows, and rows of indicators the caller may not enter, are reported by row
   * number (the header is row 1). The whole file is read and checked first (at most MAX_IMPORT_ROWS rows), then
   * written in batches of IMPORT_BATCH rows, one transaction and one event each, so other requests keep their turn.
   */
  /**
   * Entered values from CSV (`indicator,period,value[,breakdown_by,breakdown_key,note,evidence_url]`): each batch
   * checked against the catalogue and the caller's OPDs, its good rows written in one transaction with one
   * `values.imported` event; bad rows are refused by line.
   */
  readonly valuesImporter: Importer<Pick<KpiCaller, 'agencies'>> = {
    module: 'kpi',
    kind: 'values',
    topic: 'kpi',
    open: async (_db, tenant, actor, { agencies }) => {
      const caller: KpiCaller = { actor, agencies }
      const timezone = await this.tenancy.timezone(tenant)
      const indicators = new Map<string, Promise<Indicator>>()
      // Looked up in the batch's transaction: PGlite has one connection, held by that transaction.
      const indicatorOf = (tx: Queryable, code: string) => {
        let found = indicators.get(code)
        if (!found) {
          found = this.get(tx, tenant, code)
          // Settled here too, so a code nobody asks for again leaves no unhandled rejection behind.
          found.catch(() => undefined)
          indicators.set(code, found)
        }
        return found
      }
      return async (tx, records) => {
        const errors: RowError[] = []
        // A key twice in one batch: the later row is the next version, written by the next statement.
        const statements: store.Entry[][] = [[]]
        let keysOfStatement = new Set<string>()
        for (const { row, record } of records) {
          const field = ['indicator', 'period', 'value'].find((f) => !record[f])
          if (field) {
            errors.push({ row, field, message: `${field} is empty` })
            continue
          }
          const value = Number(record.value)
          if (!Number.isFinite(value)) {
            errors.push({ row, field: 'value', message: `${record.value} is not a number` })
            continue
          }
          const by = record.breakdown_by
          const v: NewValue = {
            period: record.period,
            value,
            breakdown: by ? { by: by as Breakdown, key: record.breakdown_key ?? '' } : undefined,
            note: record.note || undefined,
            evidenceUrl: record.evidence_url || undefined,
          }
          try {
            this.checkEntry(caller, await indicatorOf(tx, record.indicator), v, timezone)
          } catch (err) {
            if (!(err instanceof Invalid || err instanceof NotFound || err instanceof Conflict || err instanceof Forbidden)) throw err
            const f = typeof err.details?.field === 'string' ? err.details.field : 'indicator'
            errors.push({ row, field: f, message: err.message })
            continue
          }
          const entry = toEntry(record.indicator, v)
          const key = JSON.stringify([entry.code, entry.period, entry.by, entry.key])
          if (keysOfStatement.has(key)) {
            statements.push([])
            keysOfStatement = new Set()
          }
          statements[statements.length - 1].push(entry)
          keysOfStatement.add(key)
        }
        const entries = statements.flat()
        for (const statement of statements.filter((s) => s.length > 0)) await store.enterValues(tx, tenant, actor, statement)
        if (entries.length > 0) {
          await recordKpiEvent(this.events, tx, tenant, actor, {
            topic: 'kpi',
            type: 'values.imported',
            entity: null,
            data: { codes: [...new Set(entries.map((e) => e.code))], count: entries.length },
          })
        }
        return { counts: { accepted: entries.length }, errors }
      }
    },
  }

  /** Imports values from CSV: written now when the file is small, else queued as a job (see ImportRuns). */
  importCsv(imports: ImportRuns, db: Database, tenant: string, caller: KpiCaller, text: string): Promise<ImportState> {
    return imports.run(db, tenant, caller.actor, this.valuesImporter, text, { agencies: caller.agencies })
  }

  history(db: Queryable, tenant: string, code: string, period: string, breakdown?: { by: string; key: string }) {
    return store.history(db, tenant, code, period, breakdown?.by ?? '', breakdown?.key ?? '')
  }

  /**
   * The series of an indicator from one period to another (both in its frequency): every period appears,
   * those nobody entered or computed as `missing` (never as zero). With `by`, each point lists its breakdown.
   */
  async series(db: Queryable, tenant: string, code: string, from: string, to: string, by?: Breakdown): Promise<{ indicator: Indicator; items: SeriesPoint[] }> {
    const indicator = await this.get(db, tenant, code)
    for (const [field, key] of [
      ['from', from],
      ['to', to],
    ]) {
      if (frequencyOf(key) !== indicator.frequency) throw new Invalid(`${code} is ${indicator.frequency}: ${key} is not such a period`, { field })
    }
    if (from > to) throw new Invalid('from comes after to', { field: 'from' })
    if (by && !indicator.breakdowns.includes(by)) throw new Invalid(`${code} has no breakdown by ${by}`, { field: 'by' })
    const keys = periodKeys(from, to, indicator.frequency)
    if (keys.length > 1000) throw new Invalid('Ask for at most 1,000 periods at a time', { field: 'from' })
    const rows = await store.values(db, tenant, [code], from, to, null)
    const years = [...new Set(keys.map(yearOf))]
    const targets = await store.targets(db, tenant, years)
    const timezone = await this.tenancy.timezone(tenant)
    const now = periodAt(this.clock(), indicator.frequency, timezone)
    const items = keys
      .filter((key) => key <= now)
      .map((period): SeriesPoint => {
        const whole = rows.find((r) => r.period === period && r.breakdownBy === '')
        const target = targets.get(`${code}/${yearOf(period)}`) ?? null
        const value = whole?.value ?? null
        const point: SeriesPoint = {
          period,
          status: indicator.availability === 'not_available' ? 'not_available' : whole ? 'ok' : 'missing',
          value,
          target,
          achievement: achievement(value, target, indicator.direction),
          provenance: whole ? this.provenanceOf(indicator, whole, timezone, false) : null,
        }
        if (whole && indicator.source === 'entered') {
          Object.assign(point, {
            note: whole.note,
            evidenceUrl: whole.evidenceUrl,
            version: whole.version,
            updatedBy: whole.updatedBy,
            updatedAt: whole.updatedAt,
          })
        }
        if (by) {
          point.breakdowns = rows
            .filter((r) => r.period === period && r.breakdownBy === by)
            .map((r) => ({ key: r.breakdownKey, value: r.value }))
            .sort((a, b) => (indicator.direction === 'higher' ? b.value - a.value : a.value - b.value))
        }
        return point
      })
    return { indicator, items }
  }

  private provenanceOf(
    indicator: Pick<Indicator, 'code' | 'source'>,
    row: Pick<store.MonthlyValue, 'period' | 'updatedAt' | 'records' | 'samples' | 'updatedBy' | 'evidenceUrl'>,
    timezone: string,
    stale: boolean,
  ): Provenance {
    const computed = indicator.source === 'computed'
    return {
      period: row.period,
      provisional: periodOf(row.period, timezone).end > this.clock(),
      stale,
      computedAt: row.updatedAt,
      records: computed ? row.records : null,
      recordsLabel: computed ? (this.registry.get(indicator.code)?.records ?? null) : null,
      samples: row.samples,
      enteredBy: computed ? null : row.updatedBy,
      evidenceUrl: computed ? null : row.evidenceUrl,
    }
  }

  // Computation

  /** Computes every available computed indicator of a tenant for the periods of one month. */
  async computeMonth(db: Database, tenant: string, month: string): Promise<number> {
    const timezone = await this.tenancy.timezone(tenant)
    const now = this.clock()
    let computed = 0
    for (const row of await store.listIndicators(db, tenant)) {
      const indicator = row.source === 'computed' && row.isActive ? this.registry.get(row.code) : undefined
      if (!indicator) continue
      for (const key of periodsInMonth(month, indicator.frequency)) {
        const period = periodOf(key, timezone)
        if (period.start > now) continue
        // A snapshot of the present is sampled by sampleSnapshots while its period runs, never recomputed.
        if (indicator.isSnapshot) continue
        const values = await indicator.compute(this.scopeOf(db, tenant, period))
        await db.transaction((tx) => store.replaceComputed(tx, tenant, row.code, key, values.map(toComputedRow)))
        computed++
      }
    }
    return computed
  }

  private scopeOf(db: Queryable, tenant: string, period: IndicatorPeriod): IndicatorScope {
    return {
      tenant,
      period,
      entered: async (code: string): Promise<IndicatorValue[]> =>
        (await store.latestValues(db, tenant, code, period.key)).map((v) =>
          v.breakdownBy ? { breakdown: { by: v.breakdownBy as Breakdown, key: v.breakdownKey }, value: v.value } : { value: v.value },
        ),
    }
  }

  /**
   * One sample of every snapshot indicator of every city, for the period running now: added to the period's
   * running sums, the period's value becomes the mean of its samples. A sample with nothing to judge by is skipped.
   */
  async sampleSnapshots(db: Database): Promise<number> {
    const now = this.clock()
    let sampled = 0
    for (const tenant of await this.tenancy.cities(db)) {
      await this.ensureCatalogue(db, tenant)
      const timezone = await this.tenancy.timezone(tenant)
      for (const row of await store.listIndicators(db, tenant)) {
        const indicator = row.source === 'computed' && row.isActive ? this.registry.get(row.code) : undefined
        if (!indicator?.isSnapshot) continue
        const period = periodOf(periodAt(now, indicator.frequency, timezone), timezone)
        const values = await indicator.compute(this.scopeOf(db, tenant, period))
        if (values.length === 0) continue
        await db.transaction(async (tx) => {
          const means = await store.addSample(tx, tenant, row.code, period.key, values.map(toComputedRow), now)
          await store.replaceComputed(
            tx,
            tenant,
            row.code,
            period.key,
            means.map((m) => ({ ...m, value: Math.round(m.value * 10) / 10 })),
          )
        })
        sampled++
      }
    }
    return sampled
  }

  /**
   * A snapshot indicator's whole-city value now (cameras online of those checked, and how many were checked),
   * asked of the module that computes it; null when it is not installed or has nothing to judge by.
   */
  async snapshotNow(db: Queryable, tenant: string, code: string): Promise<{ value: number; records: number } | null> {
    const indicator = this.registry.get(code)
    if (!indicator?.isSnapshot) return null
    const timezone = await this.tenancy.timezone(tenant)
    const period = periodOf(periodAt(this.clock(), indicator.frequency, timezone), timezone)
    const whole = (await indicator.compute(this.scopeOf(db, tenant, period))).find((v) => !v.breakdown)
    return whole ? { value: whole.value, records: whole.records ?? 0 } : null
  }

  /** The periodic run: every city's current month, and the month before for late data. */
  async computeCurrent(db: Database): Promise<void> {
    for (const tenant of await this.tenancy.cities(db)) {
      await this.ensureCatalogue(db, tenant)
      const month = periodAt(this.clock(), 'monthly', await this.tenancy.timezone(tenant))
      await this.computeMonth(db, tenant, previousMonth(month))
      await this.computeMonth(db, tenant, month)
    }
  }

  /** Starts a recompute of past months as a durable job whose progress can be followed. */
  async requestRecompute(db: Database, tenant: string, actor: string, from: string, to: string): Promise<store.RecomputeRow> {
    const months = monthsBetween(from, to)
    if (months.length > 36) throw new Invalid('Recompute at most 36 months at a time', { field: 'from' })
    const current = periodAt(this.clock(), 'monthly', await this.tenancy.timezone(tenant))
    if (to > current) throw new Invalid(`${to} has not started yet`, { field: 'to' })
    return db.transaction(async (tx) => {
      const run = await store.insertRecompute(tx, tenant, from, to, months.length, actor)
      await this.jobs.enqueue(tx, tenant, JOB_RECOMPUTE, { id: run.id })
      await recordKpiEvent(this.events, tx, tenant, actor, {
        topic: 'kpi',
        type: 'recompute.requested',
        entity: run.id,
        data: { done: 0, total: run.total, status: run.status },
      })
      return run
    })
  }

  async recompute(db: Queryable, tenant: string, id: string): Promise<store.RecomputeRow> {
    const run = await store.findRecompute(db, tenant, id)
    if (!run) throw new NotFound(`There is no recompute ${id}`, { id })
    return run
  }

  /** The job: one month after the other, progress written after each. */
  async runRecompute(db: Database, tenant: string, id: string): Promise<void> {
    const run = await this.recompute(db, tenant, id)
    if (run.status === 'done') return
    const months = monthsBetween(run.fromPeriod, run.toPeriod)
    try {
      for (const [index, month] of months.entries()) {
        if (index < run.done) continue
        await this.computeMonth(db, tenant, month)
        const status = index + 1 === months.length ? 'done' : 'running'
        await db.transaction(async (tx) => {
          await store.progressRecompute(tx, tenant, id, index + 1, status)
          await recordKpiEvent(this.events, tx, tenant, run.requestedBy, {
            topic: 'kpi',
            type: 'recompute.progressed',
            entity: id,
            data: { done: index + 1, total: months.length, status },
          })
        })
      }
    } catch (err) {
      const current = await this.recompute(db, tenant, id)
      await store.progressRecompute(db, tenant, id, current.done, 'failed', err instanceof Error ? err.message : String(err))
      throw err
    }
  }

  // Scores

  /** The value of an indicator for a month: its month, its year, or the mean of its days (averaged by the store). */
  private static valueIn(rows: { period: string; value: number }[], frequency: Indicator['frequency'], month: string): number | null {
    const key = frequency === 'yearly' ? month.slice(0, 4) : month
    return rows.find((r) => r.period === key)?.value ?? null
  }

  /** The six dimensions of one month: each indicator's value, target and achievement, the scores and their trend. */
  async summary(db: Queryable, tenant: string, month: string, trendLength = 12) {
    monthsBetween(month, month)
    const months = [month]
    while (months.length < trendLength) months.unshift(previousMonth(months[0]))
    const indicators = (await this.list(db, tenant)).filter((i) => i.isActive)
    const timezone = await this.tenancy.timezone(tenant)
    // A year further back than the trend: an entered value may be carried (as stale) from a year before.
    const rows = await store.monthlyValues(
      db,
      tenant,
      indicators.map((i) => i.code),
      String(yearOf(months[0]) - 1),
      `${month}-99`,
    )
    const targets = await store.targets(db, tenant, [...new Set(months.map(yearOf))])
    const byCode = new Map<string, store.MonthlyValue[]>()
    for (const row of rows) byCode.set(row.code, [...(byCode.get(row.code) ?? []), row])
    const assess = (indicator: Indicator, m: string) => {
      const own = byCode.get(indicator.code) ?? []
      const key = indicator.frequency === 'yearly' ? m.slice(0, 4) : m
      let row = indicator.availability === 'available' ? own.find((r) => r.period === key) : undefined
      // An entered value not yet in for this period: the latest earlier one is shown, marked stale, and not scored.
      const stale = !row && indicator.availability === 'available' && indicator.source === 'entered'
      if (stale) row = own.filter((r) => r.period < key).sort((a, b) => b.period.localeCompare(a.period))[0]
      const value = row?.value ?? null
      const target = targets.get(`${indicator.code}/${yearOf(m)}`) ?? null
      const status: ValueStatus = indicator.availability === 'not_available' ? 'not_available' : value === null ? 'missing' : 'ok'
      const provenance = row ? this.provenanceOf(indicator, row, timezone, Boolean(stale)) : null
      const reached = achievement(value, target, indicator.direction)
      return { value, target, status, achievement: reached, scored: stale ? null : reached, provenance }
    }
    const dimensions = DIMENSIONS.map((dimension) => {
      const own = indicators.filter((i) => i.dimension === dimension)
      const trend = months.map((m) => ({ period: m, score: score(own.map((i) => assess(i, m).scored)) }))
      return {
        dimension,
        score: trend[trend.length - 1].score,
        previousScore: trend.length > 1 ? trend[trend.length - 2].score : null,
        trend,
        indicators: own.map((i) => ({
          code: i.code,
          name: i.name,
          unit: i.unit,
          direction: i.direction,
          frequency: i.frequency,
          source: i.source,
          module: i.module,
          formula: i.formula,
          ...withoutScored(assess(i, month)),
        })),
      }
    })
    return { period: month, provisional: periodOf(month, timezone).end > this.clock(), formula: SCORE_FORMULA, dimensions }
  }

  /** One indicator for every city and regency of a province, ranked by achievement. */
  async rollup(db: Queryable, province: string, code: string, month: string) {
    monthsBetween(month, month)
    const regions = await this.tenancy.regionsOf(db, province)
    const items = []
    for (const region of regions) {
      const row = await store.findIndicator(db, region.code, code)
      if (!row) {
        items.push({ tenant: region.code, name: region.name, status: 'not_in_catalogue' as const, value: null, target: null, achievement: null, unit: null })
        continue
      }
      const key = row.frequency === 'yearly' ? month.slice(0, 4) : month
      const rows = await store.monthlyValues(db, region.code, [code], key, `${key}-99`)
      const value = KpiService.valueIn(rows, row.frequency, month)
      const target = (await store.targets(db, region.code, [yearOf(month)])).get(`${code}/${yearOf(month)}`) ?? null
      const available = this.availability(row) === 'available'
      items.push({
        tenant: region.code,
        name: region.name,
        status: !available ? ('not_available' as const) : value === null ? ('missing' as const) : ('ok' as const),
        value: available ? value : null,
        target,
        achievement: achievement(available ? value : null, target, row.direction),
        unit: row.unit,
      })
    }
    items.sort((a, b) => (b.achievement ?? -1) - (a.achievement ?? -1) || a.tenant.localeCompare(b.tenant))
    return { indicator: code, period: month, items }
  }
}

const withoutScored = <T extends { scored: unknown }>({ scored: _, ...rest }: T) => rest

const toComputedRow = (v: IndicatorValue): store.ComputedRow => ({
  by: v.breakdown?.by ?? '',
  key: v.breakdown?.key ?? '',
  value: v.value,
  records: v.records ?? null,
})

/** Every period key of a frequency from one to another. */
function periodKeys(from: string, to: string, frequency: Indicator['frequency']): string[] {
  if (frequency === 'monthly') return monthsBetween(from, to)
  if (frequency === 'yearly') return Array.from({ length: Number(to) - Number(from) + 1 }, (_, i) => String(Number(from) + i))
  const out: string[] = []
  const end = Date.parse(`${to}T00:00:00Z`)
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= end && out.length <= 1000; t += 86_400_000) out.push(new Date(t).toISOString().slice(0, 10))
  return out
}
