import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Invalid, NotFound } from '../../core/errors.ts'
import { BulkOutcome, problem } from '../../core/http/bulk.ts'
import type { Importer, ImportRuns, ImportState, RowError } from '../../core/import-runs.ts'
import { dateInZone } from '../../core/time.ts'
import * as store from './asn-store.ts'
import {
  DEFAULT_LADDER,
  DEFAULT_SCHEDULE,
  dayCodes,
  EXCUSED,
  hoursOn,
  isClockTime,
  type LadderStep,
  ladderStep,
  minutesOf,
  REMARKS,
  type Remark,
  type WorkSchedule,
} from './attendance.ts'
import { checkNip, maskNip, type NipPart } from './nip.ts'
import { type PatrolCaller, seesNipOf } from './patrols.ts'
import type { AgencyRef, PatrolPorts } from './ports.ts'

export interface ImportResult {
  imported: number
  updated: number
  rejectedCount: number
  rejected: RowError[]
}

/** An import's state as the synchronous answer shows it. */
export const asnImportResult = (state: ImportState): ImportResult => ({
  imported: state.counts.imported ?? 0,
  updated: state.counts.updated ?? 0,
  rejectedCount: state.errorCount,
  rejected: state.errors,
})

const HEADERS = {
  staff: ['nip', 'nama', 'opd', 'jabatan'],
  attendance: ['nip', 'tanggal', 'jam_masuk', 'jam_pulang', 'keterangan'],
  activities: ['nip', 'tanggal', 'mulai', 'selesai', 'aktivitas', 'output'],
} as const
const OPTIONAL = ['output', 'jabatan', 'keterangan'] as const
export type ImportKind = keyof typeof HEADERS

/** Kept with a queued import: dates after the importer's today (in the tenant's zone) are refused. */
export interface AsnImportOptions {
  today: string
}

class RowProblem extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message)
  }
}

/** What is wrong with a NIP, in Bahasa Indonesia (nip.ts says it in English). */
const NIP_PART_ID: Record<NipPart, string> = {
  length: 'NIP terdiri dari tepat 18 angka',
  birthDate: 'angka 1–8 bukan tanggal lahir TTTTBBHH',
  appointment: 'angka 9–14 bukan bulan pengangkatan TTTTBB',
  sex: 'angka 15 (jenis kelamin) harus 1 atau 2',
  sequence: 'angka 16–18 (nomor urut) mulai dari 001',
}

function isRealDate(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false
  const d = new Date(`${value}T00:00:00Z`)
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value
}

function monthRange(month: string): { from: string; to: string } {
  const m = /^(\d{4})-(\d{2})$/.exec(month)
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Invalid('month must be YYYY-MM', { field: 'month' })
  const last = new Date(Date.UTC(Number(m[1]), Number(m[2]), 0)).getUTCDate()
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` }
}

function monthBounds(month: string): [string, string] {
  const { from, to } = monthRange(month)
  return [from, to]
}

function daysBetween(from: string, to: string): string[] {
  const days: string[] = []
  for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`); t += 86_400_000) days.push(new Date(t).toISOString().slice(0, 10))
  return days
}

/** The working days (with their hours) of whole months, for the monthly summary. */
function workingDaysOf(months: Iterable<string>, schedule: WorkSchedule): store.WorkingDays {
  return [...months].flatMap((month) => {
    const { from, to } = monthRange(month)
    return daysBetween(from, to).flatMap((day) => {
      const hours = hoursOn(day, schedule)
      return hours ? [{ day, start: hours.start, end: hours.end }] : []
    })
  })
}

/** ASN staff, attendance and activity imports, the day codes, the discipline view per OPD and the ladder. */
export class AsnService {
  constructor(private readonly ports: PatrolPorts) {}

  async settings(db: Queryable, tenant: string): Promise<{ schedule: WorkSchedule; ladder: LadderStep[] }> {
    return (await store.findSettings(db, tenant)) ?? { schedule: DEFAULT_SCHEDULE, ladder: DEFAULT_LADDER }
  }

  async putSettings(db: Database, tenant: string, input: { schedule: WorkSchedule; ladder: LadderStep[] }) {
    for (const hours of [input.schedule.weekdays, ...input.schedule.overrides.map((o) => o.weekdays)].flatMap((w) => Object.values(w))) {
      if (minutesOf(hours.end) <= minutesOf(hours.start)) throw new Invalid('Working hours must end after they start', { field: 'schedule' })
    }
    await db.transaction(async (tx) => {
      await store.lockSummary(tx, tenant)
      await store.putSettings(tx, tenant, input.schedule, input.ladder)
      await store.forgetSummaries(tx, tenant)
    })
    return input
  }

  /**
   * The importers of staff, attendance and activities (ImportRuns reads the file, writes it in batches and queues a
   * large one as a job): a file that cannot be read at all (wrong header, broken CSV, too many rows) stores nothing;
   * a bad row is reported and skipped, the others stored.
   */
  readonly importers: Record<ImportKind, Importer<AsnImportOptions>> = {
    staff: this.importer('staff'),
    attendance: this.importer('attendance'),
    activities: this.importer('activities'),
  }

  private importer(kind: ImportKind): Importer<AsnImportOptions> {
    return {
      module: 'patrols',
      kind: `asn_${kind}`,
      topic: 'asn',
      checkHeader: (columns) => {
        const missing = HEADERS[kind].filter((h) => !(OPTIONAL as readonly string[]).includes(h) && !columns.includes(h))
        if (missing.length > 0) throw new Invalid(`The CSV lacks the columns ${missing.join(', ')} (expected ${HEADERS[kind].join(',')})`, { field: 'header' })
      },
      open: async (db, tenant, _actor, { today }) => {
        const byName = new Map<string, AgencyRef>()
        for (const a of (await this.ports.agencies(db, tenant)).values()) {
          byName.set(a.code.toLowerCase(), a)
          byName.set(a.name.toLowerCase(), a)
        }
        const known = kind === 'staff' ? null : await store.staffNips(db, tenant)
        const { schedule } = await this.settings(db, tenant)
        return async (tx, records) => {
          const errors: RowError[] = []
          // One statement cannot change a row twice: later rows of the same key win within a batch (a file may correct itself).
          const batch = new Map<string, store.StaffRow | store.AttendanceRow | store.ActivityRow>()
          for (const { row, record } of records) {
            try {
              const { key, value } = this.parseRow(kind, record, { today, known, byName })
              batch.set(key, value)
            } catch (err) {
              if (!(err instanceof RowProblem)) throw err
              errors.push({ row, field: err.field, message: err.message })
            }
          }
          const counts = batch.size === 0 ? { inserted: 0, updated: 0 } : await this.store(tx, tenant, kind, [...batch.values()])
          if (kind === 'attendance' && batch.size > 0) await this.summarise(tx, tenant, [...batch.values()] as store.AttendanceRow[], schedule)
          return { counts: { imported: counts.inserted, updated: counts.updated }, errors }
        }
      },
    }
  }

  /** Creates or updates staff by NIP (the API twin of the staff CSV), each item answered on its own. */
  async bulkSaveStaff(db: Database, tenant: string, items: { nip: string; name: string; agencyId: string; position?: string | null }[]) {
    const out = new BulkOutcome()
    const agencies = await this.ports.agencies(db, tenant)
    items.forEach((item, index) => {
      const check = checkNip(item.nip)
      if (!check.isValid) out.fail(index, problem('invalid', 'nip', `NIP ${item.nip} tidak sah (${NIP_PART_ID[check.part]})`, check.message))
      else if (!agencies.has(item.agencyId))
        out.fail(index, problem('invalid', 'agencyId', `OPD ${item.agencyId} tidak ada di ${tenant}`, `There is no agency ${item.agencyId} in ${tenant}`))
    })
    out.firstOfEach(
      items.map((i) => i.nip),
      'nip',
      { id: 'NIP', en: 'NIP' },
    )
    const rows = items.flatMap((item, index) => (out.isFailed(index) ? [] : [{ index, item }]))
    if (rows.length === 0) return out.answer(items.length)
    const saved = await db.transaction((tx) =>
      store.saveStaff(
        tx,
        tenant,
        rows.map(({ item }) => ({ nip: item.nip, name: item.name, agencyId: item.agencyId, position: item.position ?? null })),
      ),
    )
    const byNip = new Map(saved.map((r) => [r.nip, r]))
    for (const { index, item } of rows) {
      const row = byNip.get(item.nip)
      if (row) out.stored(index, row.id, row.isCreated)
    }
    return out.answer(items.length)
  }

  /** Imports a CSV export: written now when the file is small, else queued as a job (see ImportRuns). */
  async importCsv(imports: ImportRuns, db: Database, tenant: string, actor: string, kind: ImportKind, csv: string, now = new Date()): Promise<ImportState> {
    return imports.run(db, tenant, actor, this.importers[kind], csv, { today: await this.todayIn(db, tenant, now) })
  }

  /** Imports a CSV export within the caller however large (the demo's month of attendance). */
  async importNow(imports: ImportRuns, db: Database, tenant: string, actor: string, kind: ImportKind, csv: string, now = new Date()): Promise<ImportResult> {
    return asnImportResult(await imports.runNow(db, tenant, actor, this.importers[kind], csv, { today: await this.todayIn(db, tenant, now) }))
  }

  private async todayIn(db: Queryable, tenant: string, now: Date): Promise<string> {
    return dateInZone(now, await this.ports.timezone(db, tenant))
  }

  /** Keeps the covered days and the summarised months up to date with a batch of attendance rows. */
  private async summarise(tx: Tx, tenant: string, rows: store.AttendanceRow[], schedule: WorkSchedule): Promise<void> {
    await store.coverDays(tx, tenant, [...new Set(rows.map((r) => r.day))])
    const keys = rows.map((r) => ({ nip: r.nip, month: `${r.day.slice(0, 7)}-01` }))
    await store.lockSummary(tx, tenant)
    await store.resumMonths(tx, tenant, workingDaysOf(new Set(rows.map((r) => r.day.slice(0, 7))), schedule), keys, EXCUSED)
  }

  private store(tx: Tx, tenant: string, kind: ImportKind, rows: (store.StaffRow | store.AttendanceRow | store.ActivityRow)[]) {
    if (kind === 'staff') return store.upsertStaff(tx, tenant, rows as store.StaffRow[])
    if (kind === 'attendance') return store.upsertAttendance(tx, tenant, rows as store.AttendanceRow[])
    return store.upsertActivities(tx, tenant, rows as store.ActivityRow[])
  }

  private parseRow(
    kind: ImportKind,
    r: Record<string, string>,
    ctx: { today: string; known: Set<string> | null; byName: Map<string, AgencyRef> },
  ): { key: string; value: store.StaffRow | store.AttendanceRow | store.ActivityRow } {
    const nip = (r.nip ?? '').replace(/\s/g, '')
    const check = checkNip(nip)
    if (!check.isValid) throw new RowProblem('nip', check.message)
    if (ctx.known && !ctx.known.has(nip)) throw new RowProblem('nip', `NIP ${nip} is not in the staff list (import it first)`)
    if (kind === 'staff') {
      if (!r.nama) throw new RowProblem('nama', 'The name is empty')
      const agency = ctx.byName.get((r.opd ?? '').toLowerCase())
      if (!agency) throw new RowProblem('opd', `There is no OPD ${r.opd ?? ''}`)
      return { key: nip, value: { nip, name: r.nama, agencyId: agency.id, position: r.jabatan || null } }
    }
    const day = r.tanggal ?? ''
    if (!isRealDate(day)) throw new RowProblem('tanggal', `${day} is not a date YYYY-MM-DD`)
    if (day > ctx.today) throw new RowProblem('tanggal', `${day} lies in the future`)
    const time = (field: string, isRequired: boolean): string | null => {
      const value = r[field] ?? ''
      if (!value) {
        if (isRequired) throw new RowProblem(field, 'The time is empty')
        return null
      }
      if (!isClockTime(value)) throw new RowProblem(field, `${value} is not a time HH:MM`)
      return value.slice(0, 5)
    }
    if (kind === 'attendance') {
      const checkIn = time('jam_masuk', false)
      const checkOut = time('jam_pulang', false)
      if (checkIn && checkOut && checkOut < checkIn) throw new RowProblem('jam_pulang', `Leaving at ${checkOut} before arriving at ${checkIn} is impossible`)
      const remark = (r.keterangan ?? '').toUpperCase()
      if (remark && !(REMARKS as readonly string[]).includes(remark)) throw new RowProblem('keterangan', `${r.keterangan} is not one of ${REMARKS.join(', ')}`)
      return { key: `${nip}|${day}`, value: { nip, day, checkIn, checkOut, remark: (remark || null) as Remark | null } }
    }
    const starts = time('mulai', true) ?? ''
    const ends = time('selesai', true) ?? ''
    if (ends <= starts) throw new RowProblem('selesai', `An activity cannot end at ${ends} when it starts at ${starts}`)
    if (!r.aktivitas) throw new RowProblem('aktivitas', 'The activity is empty')
    return { key: `${nip}|${day}|${starts}`, value: { nip, day, starts, ends, activity: r.aktivitas, output: r.output || null } }
  }

  /** The OPDs the caller may look into: all for readers of the tenant, their own for OPD heads. */
  private scope(caller: PatrolCaller): string[] | null {
    return caller.seesAllFindings ? null : caller.officerOf
  }

  /** Per OPD for a month: staff, working days, on-time %, TK days, TL/PSW minutes, activity hours, Rojak findings. */
  async discipline(db: Database, tenant: string, caller: PatrolCaller, month: string, now = new Date()) {
    const { per, workdays } = await this.tally(db, tenant, this.scope(caller), month, now)
    const hours = new Map((await store.activityHoursByAgency(db, tenant, ...monthBounds(month))).map((r) => [r.agencyId, r.hours]))
    const findings = new Map((await store.findingsByAgency(db, tenant, now)).map((f) => [f.agencyId, f]))
    const agencies = await this.ports.agencies(db, tenant)
    const items = [...per.entries()].map(([agencyId, a]) => ({
      agencyId,
      agency: agencies.get(agencyId)?.name ?? agencyId,
      staff: a.staff,
      workdays,
      onTimePct: a.counted === 0 ? null : Math.round((a.onTime / a.counted) * 1000) / 10,
      tkDays: a.tkDays,
      tlMinutes: a.tlMinutes,
      pswMinutes: a.pswMinutes,
      activityHours: Math.round((hours.get(agencyId) ?? 0) * 10) / 10,
      openFindings: findings.get(agencyId)?.open ?? 0,
      overdueFindings: findings.get(agencyId)?.overdue ?? 0,
    }))
    return { month, items: items.sort((x, y) => x.agency.localeCompare(y.agency)) }
  }

  /**
   * Per OPD of a month up to today: staff, and over the working days the imports cover, the person-days counted,
   * on time, TK, and TL/PSW minutes (the discipline view and the `asn_on_time_pct` indicator). The sums run in
   * SQL: a month of 5,000 staff is 100,000 person-days.
   */
  async tally(db: Database, tenant: string, agencyIds: string[] | null, month: string, now = new Date()) {
    const { from, to: monthEnd } = monthRange(month)
    const today = await this.todayIn(db, tenant, now)
    const to = monthEnd < today ? monthEnd : today
    const { schedule } = await this.settings(db, tenant)
    const covered = await store.coveredDays(db, tenant, from, monthEnd)
    const days = daysBetween(from, to).flatMap((day) => {
      const hours = covered.has(day) ? hoursOn(day, schedule) : null
      return hours ? [{ day, start: hours.start, end: hours.end }] : []
    })
    // The summary holds whole months; rows dated after "today" (a clock set back) need the day-by-day tally.
    const isWhole = ![...covered].some((day) => day > to)
    if (!isWhole) {
      const rows = await store.tallyByAgency(db, tenant, agencyIds, days, EXCUSED)
      return { per: new Map(rows.map(({ agencyId, ...r }) => [agencyId, r])), workdays: days.length }
    }
    const monthStart = `${month}-01`
    if (!(await store.isMonthSummarised(db, tenant, monthStart))) {
      await db.transaction(async (tx) => {
        await store.lockSummary(tx, tenant)
        if (!(await store.isMonthSummarised(tx, tenant, monthStart)))
          await store.summariseMonth(tx, tenant, monthStart, workingDaysOf([month], schedule), EXCUSED)
      })
    }
    const rows = await store.summaryByAgency(db, tenant, agencyIds, monthStart)
    const per = rows.map(({ agencyId, staff, present, excused, onTime, tlMinutes, pswMinutes }) => {
      const counted = staff * days.length
      return [agencyId, { staff, counted, onTime, tkDays: counted - present - excused, tlMinutes, pswMinutes }] as const
    })
    return { per: new Map(per), workdays: days.length }
  }

  /** One person's month (by NIP, or by opaque id for those who see NIPs masked): each day with its codes and activities. */
  async person(db: Queryable, tenant: string, caller: PatrolCaller, key: { nip: string } | { id: string }, month: string, now = new Date()) {
    const person = await store.findStaff(db, tenant, key)
    // Found by NIP only for those who may see it: to the others a guessed NIP is no more found than a wrong one.
    const readable = person && ('nip' in key ? seesNipOf(caller, person.agencyId) : caller.seesAllFindings || caller.officerOf.includes(person.agencyId))
    if (!person || !readable) {
      throw new NotFound(`There is no ASN ${'nip' in key ? maskNip(key.nip) : key.id} in ${tenant}`)
    }
    const { nip } = person
    const { from, to: monthEnd } = monthRange(month)
    const today = await this.todayIn(db, tenant, now)
    const to = monthEnd < today ? monthEnd : today
    const { schedule } = await this.settings(db, tenant)
    const covered = await store.coveredDays(db, tenant, from, to)
    const byDay = new Map((await store.attendanceBetween(db, tenant, from, to, nip)).map((r) => [r.day, r]))
    const agencies = await this.ports.agencies(db, tenant)
    return {
      staffId: person.id,
      nip: seesNipOf(caller, person.agencyId) ? nip : maskNip(nip),
      name: person.name,
      agency: agencies.get(person.agencyId)?.name ?? person.agencyId,
      position: person.position,
      days: daysBetween(from, to)
        .filter((d) => covered.has(d) || byDay.has(d))
        .map((day) => {
          const r = byDay.get(day) ?? null
          const codes = dayCodes(day, r ? { ...r, remark: r.remark as Remark | null } : null, schedule)
          return { date: day, checkIn: r?.checkIn ?? null, checkOut: r?.checkOut ?? null, remark: r?.remark ?? null, ...codes }
        }),
      activities: await store.activitiesOf(db, tenant, nip, from, to),
    }
  }

  /** Who has reached which step of the ladder in a year, with the TK days behind it and their Rojak findings. */
  async ladder(db: Queryable, tenant: string, caller: PatrolCaller, year: number, now = new Date()) {
    const from = `${year}-01-01`
    const today = await this.todayIn(db, tenant, now)
    const to = `${year}-12-31` < today ? `${year}-12-31` : today
    const { schedule, ladder } = await this.settings(db, tenant)
    const staff = await store.listStaff(db, tenant, this.scope(caller))
    const covered = [...(await store.coveredDays(db, tenant, from, to))].filter((d) => hoursOn(d, schedule) !== null)
    const rows = await store.attendanceBetween(db, tenant, from, to)
    const byKey = new Map(rows.map((r) => [`${r.nip}|${r.day}`, r]))
    const findings = new Map((await store.findingsByNip(db, tenant, from, to)).map((f) => [f.nip, f.findings]))
    const agencies = await this.ports.agencies(db, tenant)
    const items = []
    for (const person of staff) {
      const tkDates = covered.filter((day) => {
        const r = byKey.get(`${person.nip}|${day}`)
        return dayCodes(day, r ? { ...r, remark: r.remark as Remark | null } : null, schedule).isAbsent
      })
      const step = ladderStep(tkDates.length, ladder)
      if (!step) continue
      items.push({
        staffId: person.id,
        nip: seesNipOf(caller, person.agencyId) ? person.nip : maskNip(person.nip),
        name: person.name,
        agency: agencies.get(person.agencyId)?.name ?? person.agencyId,
        tkDays: tkDates.length,
        tkDates: tkDates.sort(),
        step,
        findings: findings.get(person.nip) ?? 0,
      })
    }
    return { year, items: items.sort((a, b) => b.tkDays - a.tkDays) }
  }
}
