import type { Queryable } from '../../core/db/database.ts'
import type { Breakdown, Dimension, Direction, Frequency } from '../../core/indicators.ts'
import type { IndicatorDefinition } from './catalogue.ts'

export interface IndicatorRow {
  code: string
  nameId: string
  nameEn: string
  dimension: Dimension
  unit: string
  direction: Direction
  frequency: Frequency
  source: 'computed' | 'entered'
  module: string | null
  agencyId: string | null
  breakdowns: Breakdown[]
  formulaId: string
  formulaEn: string
  isActive: boolean
  updatedAt: string
}

export interface ValueRow {
  code: string
  period: string
  breakdownBy: string
  breakdownKey: string
  value: number
  note: string | null
  evidenceUrl: string | null
  version: number
  updatedBy: string | null
  updatedAt: string
  records: number | null
  samples: number | null
}

export interface HistoryRow {
  version: number
  value: number
  note: string | null
  evidenceUrl: string | null
  changedBy: string
  changedAt: string
}

export interface RecomputeRow {
  id: string
  fromPeriod: string
  toPeriod: string
  total: number
  done: number
  status: 'pending' | 'running' | 'done' | 'failed'
  error: string | null
  requestedBy: string
  createdAt: string
  finishedAt: string | null
}

const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`

const INDICATOR = `code, name_id AS "nameId", name_en AS "nameEn", dimension, unit, direction, frequency, source, module,
  agency_id::text AS "agencyId", breakdowns, formula_id AS "formulaId", formula_en AS "formulaEn", is_active AS "isActive",
  ${iso('updated_at')} AS "updatedAt"`

const VALUE = `code, period, breakdown_by AS "breakdownBy", breakdown_key AS "breakdownKey", value, note, evidence_url AS "evidenceUrl",
  version, updated_by AS "updatedBy", ${iso('updated_at')} AS "updatedAt", records, samples`

export function listIndicators(db: Queryable, tenant: string): Promise<IndicatorRow[]> {
  return db.query(`SELECT ${INDICATOR} FROM kpi_indicators WHERE tenant = $1 ORDER BY dimension, code`, [tenant])
}

export async function findIndicator(db: Queryable, tenant: string, code: string): Promise<IndicatorRow | null> {
  const [row] = await db.query<IndicatorRow>(`SELECT ${INDICATOR} FROM kpi_indicators WHERE tenant = $1 AND code = $2`, [tenant, code])
  return row ?? null
}

export async function hasCatalogue(db: Queryable, tenant: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM kpi_indicators WHERE tenant = $1 LIMIT 1', [tenant])
  return rows.length > 0
}

export async function catalogueTenants(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ tenant: string }>('SELECT DISTINCT tenant FROM kpi_indicators ORDER BY tenant')
  return rows.map((r) => r.tenant)
}

/** Adds an indicator; false when the code is taken. */
export async function insertIndicator(db: Queryable, tenant: string, d: IndicatorDefinition & { agencyId?: string | null }): Promise<boolean> {
  const rows = await db.query(
    `INSERT INTO kpi_indicators (tenant, code, name_id, name_en, dimension, unit, direction, frequency, source, module, agency_id, breakdowns, formula_id, formula_en)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING RETURNING code`,
    [
      tenant,
      d.code,
      d.name.id,
      d.name.en,
      d.dimension,
      d.unit,
      d.direction,
      d.frequency,
      d.source,
      d.module ?? null,
      d.agencyId ?? null,
      d.breakdowns,
      d.formula?.id ?? '',
      d.formula?.en ?? '',
    ],
  )
  return rows.length > 0
}

export interface IndicatorChange {
  name?: { id: string; en: string }
  unit?: string
  direction?: Direction
  agencyId?: string | null
  isActive?: boolean
  formula?: { id: string; en: string }
}

export async function updateIndicator(db: Queryable, tenant: string, code: string, c: IndicatorChange): Promise<void> {
  await db.query(
    `UPDATE kpi_indicators SET
       name_id = coalesce($3, name_id), name_en = coalesce($4, name_en), unit = coalesce($5, unit), direction = coalesce($6, direction),
       agency_id = CASE WHEN $7 THEN $8::uuid ELSE agency_id END, is_active = coalesce($9, is_active),
       formula_id = coalesce($10, formula_id), formula_en = coalesce($11, formula_en), updated_at = now()
     WHERE tenant = $1 AND code = $2`,
    [
      tenant,
      code,
      c.name?.id ?? null,
      c.name?.en ?? null,
      c.unit ?? null,
      c.direction ?? null,
      c.agencyId !== undefined,
      c.agencyId ?? null,
      c.isActive ?? null,
      c.formula?.id ?? null,
      c.formula?.en ?? null,
    ],
  )
}

export async function targets(db: Queryable, tenant: string, years: number[]): Promise<Map<string, number>> {
  const rows = await db.query<{ code: string; year: number; target: number }>(
    'SELECT code, year, target FROM kpi_targets WHERE tenant = $1 AND year = ANY($2::int[])',
    [tenant, years],
  )
  return new Map(rows.map((r) => [`${r.code}/${r.year}`, r.target]))
}

/** Every target of a tenant's catalogue, by indicator code. */
export async function allTargets(db: Queryable, tenant: string): Promise<Map<string, { year: number; target: number }[]>> {
  const rows = await db.query<{ code: string; year: number; target: number }>(
    'SELECT code, year, target FROM kpi_targets WHERE tenant = $1 ORDER BY code, year',
    [tenant],
  )
  const out = new Map<string, { year: number; target: number }[]>()
  for (const r of rows) out.set(r.code, [...(out.get(r.code) ?? []), { year: r.year, target: r.target }])
  return out
}

export async function targetsOf(db: Queryable, tenant: string, code: string): Promise<{ year: number; target: number }[]> {
  return db.query('SELECT year, target FROM kpi_targets WHERE tenant = $1 AND code = $2 ORDER BY year', [tenant, code])
}

export async function putTarget(db: Queryable, tenant: string, code: string, year: number, target: number | null): Promise<void> {
  if (target === null) await db.query('DELETE FROM kpi_targets WHERE tenant = $1 AND code = $2 AND year = $3', [tenant, code, year])
  else {
    await db.query(
      `INSERT INTO kpi_targets (tenant, code, year, target) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, code, year) DO UPDATE SET target = excluded.target`,
      [tenant, code, year, target],
    )
  }
}

/** Values of some indicators in a range of period keys (string order is time order within one frequency). */
export function values(db: Queryable, tenant: string, codes: string[], from: string, to: string, breakdownBy: string | null = ''): Promise<ValueRow[]> {
  return db.query(
    `SELECT ${VALUE} FROM kpi_values
     WHERE tenant = $1 AND code = ANY($2::text[]) AND period >= $3 AND period <= $4 AND ($5::text IS NULL OR breakdown_by = $5)
     ORDER BY code, period, breakdown_by, breakdown_key`,
    [tenant, codes, from, to, breakdownBy],
  )
}

/** A whole-city value per month or year with where it comes from (of daily values: their mean, summed records). */
export interface MonthlyValue {
  code: string
  period: string
  value: number
  updatedAt: string
  records: number | null
  samples: number | null
  updatedBy: string | null
  evidenceUrl: string | null
}

/**
 * Whole-city values of some indicators per month (`YYYY-MM`, daily values averaged in SQL) or per year
 * (`YYYY`), from `from` to `to` period keys: what the dashboard reads.
 */
export function monthlyValues(db: Queryable, tenant: string, codes: string[], from: string, to: string): Promise<MonthlyValue[]> {
  return db.query(
    `SELECT code, CASE WHEN length(period) = 10 THEN left(period, 7) ELSE period END AS period, avg(value) AS value,
       ${iso('max(updated_at)')} AS "updatedAt", sum(records)::int AS records, max(samples) AS samples,
       max(updated_by) AS "updatedBy", max(evidence_url) AS "evidenceUrl"
     FROM kpi_values
     WHERE tenant = $1 AND code = ANY($2::text[]) AND period >= $3 AND period <= $4 AND breakdown_by = ''
     GROUP BY 1, 2`,
    [tenant, codes, from, to],
  )
}

/** The values of one indicator for the latest period at or before `period` that has any. */
export async function latestValues(db: Queryable, tenant: string, code: string, period: string): Promise<ValueRow[]> {
  return db.query(
    `SELECT ${VALUE} FROM kpi_values
     WHERE tenant = $1 AND code = $2 AND period = (SELECT max(period) FROM kpi_values WHERE tenant = $1 AND code = $2 AND period <= $3)`,
    [tenant, code, period],
  )
}

export interface ComputedRow {
  by: string
  key: string
  value: number
  records: number | null
  samples?: number | null
}

/** Replaces the computed values of one indicator and period with a fresh set (their updated_at: when computed). */
export async function replaceComputed(db: Queryable, tenant: string, code: string, period: string, rows: ComputedRow[]) {
  await db.query('DELETE FROM kpi_values WHERE tenant = $1 AND code = $2 AND period = $3', [tenant, code, period])
  if (rows.length === 0) return
  await db.query(
    `INSERT INTO kpi_values (tenant, code, period, breakdown_by, breakdown_key, value, records, samples, updated_by)
     SELECT $1, $2, $3, by, key, value, records, samples, 'system:kpi'
     FROM unnest($4::text[], $5::text[], $6::float8[], $7::int[], $8::int[]) AS v(by, key, value, records, samples)`,
    [
      tenant,
      code,
      period,
      rows.map((r) => r.by),
      rows.map((r) => r.key),
      rows.map((r) => r.value),
      rows.map((r) => r.records),
      rows.map((r) => r.samples ?? null),
    ],
  )
}

/**
 * Adds one sample of a snapshot indicator to its period's running sums and answers the period's means so far
 * (every breakdown ever sampled in the period, each over its own samples).
 */
export async function addSample(db: Queryable, tenant: string, code: string, period: string, rows: ComputedRow[], at: Date): Promise<ComputedRow[]> {
  await db.query(
    `INSERT INTO kpi_snapshot_samples (tenant, code, period, breakdown_by, breakdown_key, total, samples, records, first_at, last_at)
     SELECT $1, $2, $3, by, key, value, 1, records, $7, $7 FROM unnest($4::text[], $5::text[], $6::float8[], $8::int[]) AS v(by, key, value, records)
     ON CONFLICT (tenant, code, period, breakdown_by, breakdown_key) DO UPDATE SET
       total = kpi_snapshot_samples.total + excluded.total, samples = kpi_snapshot_samples.samples + 1,
       records = excluded.records, last_at = excluded.last_at`,
    [tenant, code, period, rows.map((r) => r.by), rows.map((r) => r.key), rows.map((r) => r.value), at.toISOString(), rows.map((r) => r.records)],
  )
  return db.query(
    `SELECT breakdown_by AS by, breakdown_key AS key, total / samples AS value, records, samples
     FROM kpi_snapshot_samples WHERE tenant = $1 AND code = $2 AND period = $3 ORDER BY breakdown_by, breakdown_key`,
    [tenant, code, period],
  )
}

export interface Entry {
  code: string
  period: string
  by: string
  key: string
  value: number
  note: string | null
  evidenceUrl: string | null
}

/**
 * Writes entered values as their next versions and keeps each version in the history, in one statement.
 * No two entries may share a key (code, period, breakdown).
 */
export function enterValues(db: Queryable, tenant: string, actor: string, entries: Entry[]): Promise<ValueRow[]> {
  return db.query<ValueRow>(
    `WITH stored AS (
       INSERT INTO kpi_values (tenant, code, period, breakdown_by, breakdown_key, value, note, evidence_url, updated_by)
       SELECT $1, e.* , $9 FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::float8[], $7::text[], $8::text[]) AS e
       ON CONFLICT (tenant, code, period, breakdown_by, breakdown_key) DO UPDATE SET
         value = excluded.value, note = excluded.note, evidence_url = excluded.evidence_url, updated_by = excluded.updated_by,
         updated_at = now(), version = kpi_values.version + 1
       RETURNING *),
     logged AS (
       INSERT INTO kpi_value_history (tenant, code, period, breakdown_by, breakdown_key, version, value, note, evidence_url, changed_by)
       SELECT tenant, code, period, breakdown_by, breakdown_key, version, value, note, evidence_url, updated_by FROM stored)
     SELECT ${VALUE} FROM stored`,
    [
      tenant,
      entries.map((e) => e.code),
      entries.map((e) => e.period),
      entries.map((e) => e.by),
      entries.map((e) => e.key),
      entries.map((e) => e.value),
      entries.map((e) => e.note),
      entries.map((e) => e.evidenceUrl),
      actor,
    ],
  )
}

export function history(db: Queryable, tenant: string, code: string, period: string, by: string, key: string): Promise<HistoryRow[]> {
  return db.query(
    `SELECT version, value, note, evidence_url AS "evidenceUrl", changed_by AS "changedBy", ${iso('changed_at')} AS "changedAt"
     FROM kpi_value_history WHERE tenant = $1 AND code = $2 AND period = $3 AND breakdown_by = $4 AND breakdown_key = $5
     ORDER BY version DESC`,
    [tenant, code, period, by, key],
  )
}

const RECOMPUTE = `id::text, from_period AS "fromPeriod", to_period AS "toPeriod", total, done, status, error,
  requested_by AS "requestedBy", ${iso('created_at')} AS "createdAt", ${iso('finished_at')} AS "finishedAt"`

export async function insertRecompute(db: Queryable, tenant: string, from: string, to: string, total: number, actor: string): Promise<RecomputeRow> {
  const [row] = await db.query<RecomputeRow>(
    `INSERT INTO kpi_recomputes (tenant, from_period, to_period, total, requested_by) VALUES ($1, $2, $3, $4, $5) RETURNING ${RECOMPUTE}`,
    [tenant, from, to, total, actor],
  )
  return row
}

export async function findRecompute(db: Queryable, tenant: string, id: string): Promise<RecomputeRow | null> {
  const [row] = await db.query<RecomputeRow>(`SELECT ${RECOMPUTE} FROM kpi_recomputes WHERE tenant = $1 AND id = $2`, [tenant, id])
  return row ?? null
}

export async function progressRecompute(db: Queryable, tenant: string, id: string, done: number, status: RecomputeRow['status'], error: string | null = null) {
  await db.query(
    `UPDATE kpi_recomputes SET done = $3, status = $4, error = $5, finished_at = CASE WHEN $4 IN ('done', 'failed') THEN now() END
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, done, status, error],
  )
}

/** The letterhead and signature block of a tenant's report; null before an admin sets them. */
export interface ReportSettingsRow {
  heading: string[]
  address: string | null
  signerName: string | null
  signerTitle: string | null
  signerNip: string | null
  hasLogo: boolean
  updatedBy: string
  updatedAt: string
}

export async function reportSettings(db: Queryable, tenant: string): Promise<ReportSettingsRow | null> {
  const [row] = await db.query<ReportSettingsRow>(
    `SELECT heading, address, signer_name AS "signerName", signer_title AS "signerTitle", signer_nip AS "signerNip",
       logo IS NOT NULL AS "hasLogo", updated_by AS "updatedBy", ${iso('updated_at')} AS "updatedAt"
     FROM kpi_report_settings WHERE tenant = $1`,
    [tenant],
  )
  return row ?? null
}

export async function putReportSettings(
  db: Queryable,
  tenant: string,
  actor: string,
  s: Pick<ReportSettingsRow, 'heading' | 'address' | 'signerName' | 'signerTitle' | 'signerNip'>,
): Promise<void> {
  await db.query(
    `INSERT INTO kpi_report_settings (tenant, heading, address, signer_name, signer_title, signer_nip, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (tenant) DO UPDATE SET heading = $2, address = $3, signer_name = $4, signer_title = $5, signer_nip = $6,
       updated_by = $7, updated_at = now()`,
    [tenant, s.heading, s.address, s.signerName, s.signerTitle, s.signerNip, actor],
  )
}

export async function putReportLogo(db: Queryable, tenant: string, actor: string, logo: Buffer | null): Promise<void> {
  await db.query(
    `INSERT INTO kpi_report_settings (tenant, logo, updated_by) VALUES ($1, $2, $3)
     ON CONFLICT (tenant) DO UPDATE SET logo = $2, updated_by = $3, updated_at = now()`,
    [tenant, logo, actor],
  )
}

export async function reportLogo(db: Queryable, tenant: string): Promise<Buffer | null> {
  const [row] = await db.query<{ logo: Buffer | Uint8Array | null }>('SELECT logo FROM kpi_report_settings WHERE tenant = $1', [tenant])
  return row?.logo ? Buffer.from(row.logo) : null
}
