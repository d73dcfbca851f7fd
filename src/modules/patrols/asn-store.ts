import type { Queryable } from '../../core/db/database.ts'
import type { LadderStep, WorkSchedule } from './attendance.ts'

// The SQL of ASN attendance and activity, and nothing else. Imports upsert in batches of validated rows.

const iso = (column: string) => `to_json(${column}) #>> '{}'`

export interface StaffRow {
  nip: string
  name: string
  agencyId: string
  position: string | null
}

export interface AttendanceRow {
  nip: string
  day: string
  checkIn: string | null
  checkOut: string | null
  remark: string | null
}

export interface ActivityRow {
  nip: string
  day: string
  starts: string
  ends: string
  activity: string
  output: string | null
}

/** Counts what the upsert inserted and what it changed (xmax is 0 only on a fresh row). */
async function upsert(db: Queryable, sql: string, params: unknown[]): Promise<{ inserted: number; updated: number }> {
  const rows = await db.query<{ inserted: boolean }>(`${sql} RETURNING (xmax = 0) AS inserted`, params)
  const inserted = rows.filter((r) => r.inserted).length
  return { inserted, updated: rows.length - inserted }
}

export function upsertStaff(db: Queryable, tenant: string, rows: StaffRow[]) {
  return upsert(
    db,
    `INSERT INTO asn_staff (tenant, nip, name, agency_id, position)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[])
     ON CONFLICT (tenant, nip) DO UPDATE SET name = EXCLUDED.name, agency_id = EXCLUDED.agency_id, position = EXCLUDED.position, updated_at = now()`,
    [tenant, rows.map((r) => r.nip), rows.map((r) => r.name), rows.map((r) => r.agencyId), rows.map((r) => r.position)],
  )
}

/** Saves staff rows and answers each with its opaque id and whether it is new. */
export function saveStaff(db: Queryable, tenant: string, rows: StaffRow[]): Promise<{ id: string; nip: string; isCreated: boolean }[]> {
  return db.query(
    `INSERT INTO asn_staff (tenant, nip, name, agency_id, position)
     SELECT $1, * FROM unnest($2::text[], $3::text[], $4::uuid[], $5::text[])
     ON CONFLICT (tenant, nip) DO UPDATE SET name = EXCLUDED.name, agency_id = EXCLUDED.agency_id, position = EXCLUDED.position, updated_at = now()
     RETURNING id::text, nip, (xmax = 0) AS "isCreated"`,
    [tenant, rows.map((r) => r.nip), rows.map((r) => r.name), rows.map((r) => r.agencyId), rows.map((r) => r.position)],
  )
}

export function upsertAttendance(db: Queryable, tenant: string, rows: AttendanceRow[]) {
  return upsert(
    db,
    `INSERT INTO asn_attendance (tenant, nip, day, check_in, check_out, remark)
     SELECT $1, * FROM unnest($2::text[], $3::date[], $4::time[], $5::time[], $6::text[])
     ON CONFLICT (tenant, nip, day) DO UPDATE SET check_in = EXCLUDED.check_in, check_out = EXCLUDED.check_out, remark = EXCLUDED.remark, updated_at = now()`,
    [tenant, rows.map((r) => r.nip), rows.map((r) => r.day), rows.map((r) => r.checkIn), rows.map((r) => r.checkOut), rows.map((r) => r.remark)],
  )
}

export function upsertActivities(db: Queryable, tenant: string, rows: ActivityRow[]) {
  return upsert(
    db,
    `INSERT INTO asn_activities (tenant, nip, day, starts, ends, activity, output)
     SELECT $1, * FROM unnest($2::text[], $3::date[], $4::time[], $5::time[], $6::text[], $7::text[])
     ON CONFLICT (tenant, nip, day, starts) DO UPDATE SET ends = EXCLUDED.ends, activity = EXCLUDED.activity, output = EXCLUDED.output, updated_at = now()`,
    [
      tenant,
      rows.map((r) => r.nip),
      rows.map((r) => r.day),
      rows.map((r) => r.starts),
      rows.map((r) => r.ends),
      rows.map((r) => r.activity),
      rows.map((r) => r.output),
    ],
  )
}

export async function staffNips(db: Queryable, tenant: string): Promise<Set<string>> {
  const rows = await db.query<{ nip: string }>('SELECT nip FROM asn_staff WHERE tenant = $1', [tenant])
  return new Set(rows.map((r) => r.nip))
}

/** A stored person: the imported row and the opaque id their page is reached by. */
export type Person = StaffRow & { id: string }
const PERSON = `id::text, nip, name, agency_id::text AS "agencyId", position`

export function listStaff(db: Queryable, tenant: string, agencyIds: string[] | null): Promise<Person[]> {
  return db.query<Person>(`SELECT ${PERSON} FROM asn_staff WHERE tenant = $1 AND ($2::uuid[] IS NULL OR agency_id = ANY($2)) ORDER BY nip`, [tenant, agencyIds])
}

/** One person by NIP or by opaque id. */
export async function findStaff(db: Queryable, tenant: string, key: { nip: string } | { id: string }): Promise<Person | null> {
  const [row] =
    'nip' in key
      ? await db.query<Person>(`SELECT ${PERSON} FROM asn_staff WHERE tenant = $1 AND nip = $2`, [tenant, key.nip])
      : await db.query<Person>(`SELECT ${PERSON} FROM asn_staff WHERE tenant = $1 AND id = $2`, [tenant, key.id])
  return row ?? null
}

/** Attendance rows in [from, to], of some people or all. */
export function attendanceBetween(db: Queryable, tenant: string, from: string, to: string, nip: string | null = null): Promise<AttendanceRow[]> {
  return db.query<AttendanceRow>(
    `SELECT nip, ${iso('day')} AS day, to_char(check_in, 'HH24:MI') AS "checkIn", to_char(check_out, 'HH24:MI') AS "checkOut", remark
     FROM asn_attendance WHERE tenant = $1 AND day BETWEEN $2 AND $3 AND ($4::text IS NULL OR nip = $4)`,
    [tenant, from, to, nip],
  )
}

/** The days the imports cover: a working day in them without a row for a person is that person's TK. */
export async function coveredDays(db: Queryable, tenant: string, from: string, to: string): Promise<Set<string>> {
  const rows = await db.query<{ day: string }>(`SELECT ${iso('day')} AS day FROM asn_attendance_days WHERE tenant = $1 AND day BETWEEN $2 AND $3`, [
    tenant,
    from,
    to,
  ])
  return new Set(rows.map((r) => r.day))
}

/** Keeps the covered days (asn_attendance_days) up to date with a batch of attendance rows. */
export async function coverDays(db: Queryable, tenant: string, days: string[]): Promise<void> {
  await db.query('INSERT INTO asn_attendance_days (tenant, day) SELECT $1, unnest($2::date[]) ON CONFLICT DO NOTHING', [tenant, days])
}

/** Working days (with hours) as the arrays the summary and tally statements unnest. */
export type WorkingDays = { day: string; start: string; end: string }[]

// One person's month from their rows on working days, by the rules of `dayCodes` (attendance.ts), as tallyByAgency.
const MONTH_SUMS = `WITH days AS (SELECT * FROM unnest($2::date[], $3::time[], $4::time[]) AS d(day, starts, ends)),
  person_days AS (
    SELECT k.nip, k.month, a.check_in, a.check_out,
      CASE WHEN a.nip IS NULL THEN NULL
        WHEN a.remark = ANY($5::text[]) THEN 'excused'
        WHEN a.remark = 'TK' OR (a.check_in IS NULL AND a.check_out IS NULL) THEN 'tk'
        ELSE 'present' END AS kind,
      COALESCE(GREATEST(0, extract(epoch FROM a.check_in - d.starts) / 60), 0)::int AS late,
      COALESCE(GREATEST(0, extract(epoch FROM d.ends - a.check_out) / 60), 0)::int AS early
    FROM keys k LEFT JOIN (asn_attendance a JOIN days d ON d.day = a.day)
      ON a.tenant = $1 AND a.nip = k.nip AND a.day >= k.month AND a.day < k.month + interval '1 month')
  INSERT INTO asn_attendance_months (tenant, nip, month, present, excused, on_time, late_minutes, early_minutes)
  SELECT $1, nip, month, count(*) FILTER (WHERE kind = 'present'), count(*) FILTER (WHERE kind = 'excused'),
    count(*) FILTER (WHERE kind = 'present' AND check_in IS NOT NULL AND check_out IS NOT NULL AND late = 0 AND early = 0),
    COALESCE(sum(late) FILTER (WHERE kind = 'present'), 0), COALESCE(sum(early) FILTER (WHERE kind = 'present'), 0)
  FROM person_days GROUP BY nip, month
  ON CONFLICT (tenant, month, nip) DO UPDATE SET present = EXCLUDED.present, excused = EXCLUDED.excused, on_time = EXCLUDED.on_time,
    late_minutes = EXCLUDED.late_minutes, early_minutes = EXCLUDED.early_minutes`
const dayParams = (days: WorkingDays) => [days.map((d) => d.day), days.map((d) => d.start), days.map((d) => d.end)]

/** Serialises a tenant's summary writers, so a month being built sees every import that committed before it. */
export async function lockSummary(tx: Queryable, tenant: string): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`asn-summary:${tenant}`])
}

/** Re-sums the given people's months that are already summarised (the others are built when first read). */
export async function resumMonths(db: Queryable, tenant: string, days: WorkingDays, keys: { nip: string; month: string }[], excused: readonly string[]) {
  await db.query(
    `WITH keys AS (SELECT DISTINCT k.nip, k.month FROM unnest($6::text[], $7::date[]) AS k(nip, month)
       JOIN asn_summary_months s ON s.tenant = $1 AND s.month = k.month), ${MONTH_SUMS.slice(5)}`,
    [tenant, ...dayParams(days), excused, keys.map((k) => k.nip), keys.map((k) => k.month)],
  )
}

/** Whether a month's summary is complete. */
export async function isMonthSummarised(db: Queryable, tenant: string, month: string): Promise<boolean> {
  return (await db.query('SELECT 1 FROM asn_summary_months WHERE tenant = $1 AND month = $2', [tenant, month])).length > 0
}

/** Sums every person with rows in a month and marks the month summarised. */
export async function summariseMonth(db: Queryable, tenant: string, month: string, days: WorkingDays, excused: readonly string[]): Promise<void> {
  await db.query(
    `WITH keys AS (SELECT DISTINCT nip, $6::date AS month FROM asn_attendance WHERE tenant = $1 AND day >= $6::date AND day < $6::date + interval '1 month'),
     ${MONTH_SUMS.slice(5)}`,
    [tenant, ...dayParams(days), excused, month],
  )
  await db.query('INSERT INTO asn_summary_months (tenant, month) VALUES ($1, $2) ON CONFLICT DO NOTHING', [tenant, month])
  // A month's thousands of new rows, told to the planner now: PGlite runs no autovacuum, and with the table's
  // empty statistics it joined staff and summaries pair by pair (5 s for 5,000 staff instead of 13 ms).
  await db.query('ANALYZE asn_attendance_months')
}

/** New working hours change every sum: the months are rebuilt when next read. */
export async function forgetSummaries(db: Queryable, tenant: string): Promise<void> {
  await db.query('DELETE FROM asn_summary_months WHERE tenant = $1', [tenant])
  await db.query('DELETE FROM asn_attendance_months WHERE tenant = $1', [tenant])
}

/**
 * Per OPD from a month's summary: staff, and the sums of present, excused, on-time days and late/early minutes
 * (a person without a row was absent on every covered working day).
 */
export function summaryByAgency(db: Queryable, tenant: string, agencyIds: string[] | null, month: string) {
  return db.query<{ agencyId: string; staff: number; present: number; excused: number; onTime: number; tlMinutes: number; pswMinutes: number }>(
    `SELECT s.agency_id::text AS "agencyId", count(*)::int AS staff, COALESCE(sum(m.present), 0)::int AS present,
       COALESCE(sum(m.excused), 0)::int AS excused, COALESCE(sum(m.on_time), 0)::int AS "onTime",
       COALESCE(sum(m.late_minutes), 0)::int AS "tlMinutes", COALESCE(sum(m.early_minutes), 0)::int AS "pswMinutes"
     FROM asn_staff s LEFT JOIN asn_attendance_months m ON m.tenant = s.tenant AND m.month = $2 AND m.nip = s.nip
     WHERE s.tenant = $1 AND ($3::uuid[] IS NULL OR s.agency_id = ANY($3)) GROUP BY s.agency_id`,
    [tenant, month, agencyIds],
  )
}

/**
 * Per OPD over the given working days (with their hours): staff, person-days counted, on time, TK, and TL/PSW
 * minutes, by the rules of `dayCodes` (attendance.ts): an excused remark counts neither way; no row, TK or no
 * clock at all is TK; a missing check-in or check-out is TL4/PSW4 without minutes.
 */
export function tallyByAgency(
  db: Queryable,
  tenant: string,
  agencyIds: string[] | null,
  days: { day: string; start: string; end: string }[],
  excused: readonly string[],
) {
  return db.query<{ agencyId: string; staff: number; counted: number; onTime: number; tkDays: number; tlMinutes: number; pswMinutes: number }>(
    `WITH days AS (SELECT * FROM unnest($2::date[], $3::time[], $4::time[]) AS d(day, starts, ends)),
     staff AS (SELECT nip, agency_id FROM asn_staff WHERE tenant = $1 AND ($5::uuid[] IS NULL OR agency_id = ANY($5))),
     person_days AS (
       SELECT s.nip, s.agency_id, d.day, a.check_in, a.check_out,
         CASE WHEN d.day IS NULL THEN NULL
           WHEN a.remark = ANY($6::text[]) THEN 'excused'
           WHEN a.nip IS NULL OR a.remark = 'TK' OR (a.check_in IS NULL AND a.check_out IS NULL) THEN 'tk'
           ELSE 'present' END AS kind,
         COALESCE(GREATEST(0, extract(epoch FROM a.check_in - d.starts) / 60), 0)::int AS late,
         COALESCE(GREATEST(0, extract(epoch FROM d.ends - a.check_out) / 60), 0)::int AS early
       FROM staff s LEFT JOIN days d ON true
       LEFT JOIN asn_attendance a ON a.tenant = $1 AND a.nip = s.nip AND a.day = d.day)
     SELECT agency_id::text AS "agencyId", count(DISTINCT nip)::int AS staff, count(day)::int AS counted,
       count(*) FILTER (WHERE kind = 'present' AND check_in IS NOT NULL AND check_out IS NOT NULL AND late = 0 AND early = 0)::int AS "onTime",
       count(*) FILTER (WHERE kind = 'tk')::int AS "tkDays",
       COALESCE(sum(late) FILTER (WHERE kind = 'present'), 0)::int AS "tlMinutes",
       COALESCE(sum(early) FILTER (WHERE kind = 'present'), 0)::int AS "pswMinutes"
     FROM person_days GROUP BY agency_id`,
    [tenant, days.map((d) => d.day), days.map((d) => d.start), days.map((d) => d.end), agencyIds, excused],
  )
}

/** Hours of activity logged per OPD in [from, to]. */
export function activityHoursByAgency(db: Queryable, tenant: string, from: string, to: string): Promise<{ agencyId: string; hours: number }[]> {
  return db.query<{ agencyId: string; hours: number }>(
    `SELECT s.agency_id::text AS "agencyId", (sum(extract(epoch FROM a.ends - a.starts)) / 3600)::float8 AS hours
     FROM asn_activities a JOIN asn_staff s ON s.tenant = a.tenant AND s.nip = a.nip
     WHERE a.tenant = $1 AND a.day BETWEEN $2 AND $3 GROUP BY s.agency_id`,
    [tenant, from, to],
  )
}

export function activitiesOf(db: Queryable, tenant: string, nip: string, from: string, to: string): Promise<ActivityRow[]> {
  return db.query<ActivityRow>(
    `SELECT nip, ${iso('day')} AS day, to_char(starts, 'HH24:MI') AS starts, to_char(ends, 'HH24:MI') AS ends, activity, output
     FROM asn_activities WHERE tenant = $1 AND nip = $2 AND day BETWEEN $3 AND $4 ORDER BY day, starts`,
    [tenant, nip, from, to],
  )
}

/** Rojak findings per OPD (open, overdue) and per NIP, from this module's own findings. */
export function findingsByAgency(db: Queryable, tenant: string, now: Date): Promise<{ agencyId: string; open: number; overdue: number }[]> {
  return db.query(
    `SELECT agency_id::text AS "agencyId", count(*) FILTER (WHERE status = 'open')::int AS open,
       count(*) FILTER (WHERE status = 'open' AND due_at < $2)::int AS overdue
     FROM patrol_findings WHERE tenant = $1 AND kind = 'asn' AND agency_id IS NOT NULL GROUP BY agency_id`,
    [tenant, now],
  )
}

export function findingsByNip(db: Queryable, tenant: string, from: string, to: string): Promise<{ nip: string; findings: number }[]> {
  return db.query(
    `SELECT nip, count(*)::int AS findings FROM patrol_findings WHERE tenant = $1 AND nip IS NOT NULL AND at >= $2::date AND at < $3::date + 1 GROUP BY nip`,
    [tenant, from, to],
  )
}

export async function findSettings(db: Queryable, tenant: string): Promise<{ schedule: WorkSchedule; ladder: LadderStep[] } | null> {
  const [row] = await db.query<{ schedule: WorkSchedule; ladder: LadderStep[] }>('SELECT schedule, ladder FROM asn_settings WHERE tenant = $1', [tenant])
  return row ?? null
}

export async function putSettings(db: Queryable, tenant: string, schedule: WorkSchedule, ladder: LadderStep[]): Promise<void> {
  await db.query(
    `INSERT INTO asn_settings (tenant, schedule, ladder) VALUES ($1, $2, $3)
     ON CONFLICT (tenant) DO UPDATE SET schedule = EXCLUDED.schedule, ladder = EXCLUDED.ladder, updated_at = now()`,
    [tenant, JSON.stringify(schedule), JSON.stringify(ladder)],
  )
}
