import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD } from '../../../test/support/fixtures.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { type ImportState, SYNC_IMPORT_ROWS } from '../../core/import-runs.ts'
import { MAX_IMPORT_ROWS } from '../../core/imports.ts'
import { tenancyServices } from '../tenancy/index.ts'
import * as asnStore from './asn-store.ts'
import { EXCUSED, hoursOn } from './attendance.ts'
import { patrolsServices } from './index.ts'

type ImportResult = { imported: number; updated: number; rejectedCount: number; rejected: { row: number; field: string; message: string }[] }
type Discipline = {
  items: {
    agencyId: string
    staff: number
    workdays: number
    onTimePct: number | null
    tkDays: number
    tlMinutes: number
    pswMinutes: number
    activityHours: number
  }[]
}
type Person = { staffId: string; nip: string; name: string; days: { date: string; codes: string[]; lateMinutes: number }[] }
type Ladder = { items: { staffId: string; nip: string; name: string; tkDays: number; step: string }[] }

let server: TestServer
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const upload = (who: string, kind: string, csv: string, tenant = '33.71') =>
  as(who, { method: 'POST', url: `/api/t/${tenant}/asn/${kind}/import`, payload: csv, headers: { 'content-type': 'text/csv' } })

// NIPs no other test of this run uses: a real birth date and appointment, the sequence counting up.
let serial = (process.pid % 400) + 100
const nip = () => {
  serial += 1
  return `19850315201001${1 + (serial % 2)}${String(serial % 1000).padStart(3, '0')}`
}

/** A fresh OPD of the demo city, so a test's numbers are its own. */
async function freshAgency(): Promise<{ id: string; code: string }> {
  const code = unique('opd')
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, 40)
  const agency = await tenancyServices(server.kendali.ctx).agencies.create(server.kendali.ctx.db, '33.71', 'system:test', { code, name: `OPD ${code}` })
  return { id: agency.id, code }
}

async function imported(kind: string, csv: string): Promise<ImportResult> {
  const res = await upload('admin', kind, csv)
  expect(res.statusCode, res.body).toBe(200)
  return json<ImportResult>(res)
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'patrol_officer', 'executive', 'malang_admin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('ASN imports', () => {
  it('imports the staff list once, updates it from a corrected file, and reports bad rows', async () => {
    const opd = await freshAgency()
    const [a, b] = [nip(), nip()]
    const file = `nip,nama,opd,jabatan\n${a},Andi,${opd.code},Analis\n${b},Budi,${opd.code},Pengadministrasi\n198513152010011001,Salah Tanggal,${opd.code},x\n${nip()},Tanpa OPD,opd_tidak_ada,x\n`
    expect(await imported('staff', file)).toMatchObject({
      imported: 2,
      updated: 0,
      rejectedCount: 2,
      rejected: [
        { row: 4, field: 'nip' },
        { row: 5, field: 'opd' },
      ],
    })
    expect(await imported('staff', file)).toMatchObject({ imported: 0, updated: 2 })
    expect(await imported('staff', `nip,nama,opd,jabatan\n${a},Andi Wijaya,${opd.code},Analis\n`)).toMatchObject({ imported: 0, updated: 1 })
    const person = json<Person>(await as('admin', { method: 'GET', url: `/api/t/33.71/asn/staff/${a}?month=2025-03` }))
    expect(person.name).toBe('Andi Wijaya')
  })

  it('imports attendance once per NIP and day, refuses impossible rows and stores nothing of them', async () => {
    const opd = await freshAgency()
    const a = nip()
    await imported('staff', `nip,nama,opd,jabatan\n${a},Citra,${opd.code},\n`)
    const file = [
      'nip,tanggal,jam_masuk,jam_pulang,keterangan',
      `${a},2025-04-01,07:40,16:00,H`,
      `${a},2025-04-02,07:30,16:05,`,
      `${a},2025-04-03,16:00,07:30,H`,
      `${a},2025-04-04,07:30,16:30,X`,
      `${a},2099-01-01,07:30,16:00,H`,
      `${a},2025-02-30,07:30,16:00,H`,
      `${a},2025-04-07,25:00,16:00,H`,
      `${nip()},2025-04-01,07:30,16:00,H`,
    ].join('\n')
    const first = await imported('attendance', file)
    expect(first).toMatchObject({ imported: 2, updated: 0, rejectedCount: 6 })
    expect(first.rejected.map((r) => [r.row, r.field])).toEqual([
      [4, 'jam_pulang'],
      [5, 'keterangan'],
      [6, 'tanggal'],
      [7, 'tanggal'],
      [8, 'jam_masuk'],
      [9, 'nip'],
    ])
    expect(await imported('attendance', file)).toMatchObject({ imported: 0, updated: 2, rejectedCount: 6 })
    // A corrected file: 1 April was 08:10, not 07:40.
    expect(await imported('attendance', `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${a},2025-04-01,08:10,16:00,H\n`)).toMatchObject({
      imported: 0,
      updated: 1,
    })
    const person = json<Person>(await as('admin', { method: 'GET', url: `/api/t/33.71/asn/staff/${a}?month=2025-04` }))
    expect(person.days.map((d) => [d.date, d.codes, d.lateMinutes])).toEqual([
      ['2025-04-01', ['TL2'], 40],
      ['2025-04-02', [], 0],
    ])
  })

  it('refuses a file without the expected columns, and other roles and tenants', async () => {
    const res = await upload('admin', 'attendance', 'nip;tanggal\n198503152010011001;2025-04-01\n')
    expect(res.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string } } }>(res).error.details.field).toBe('header')
    expect((await upload('operator', 'staff', 'nip,nama,opd,jabatan\n')).statusCode).toBe(403)
    expect((await upload('malang_admin', 'staff', 'nip,nama,opd,jabatan\n')).statusCode).toBe(403)
    expect((await as('admin', { method: 'POST', url: '/api/t/33.71/asn/staff/import', payload: { nip: 'x' } })).statusCode).toBe(400)
  })
})

describe('large ASN imports as jobs', () => {
  // Distinct valid NIPs of this run: a birth date per index, appointment month and sequence random per run.
  const run = {
    appointed: `${1990 + Math.floor(Math.random() * 30)}${String(1 + Math.floor(Math.random() * 12)).padStart(2, '0')}`,
    seq: 1 + Math.floor(Math.random() * 998),
  }
  const manyNips = (n: number) =>
    Array.from({ length: n }, (_, i) => {
      const born = new Date(Date.UTC(1960, 0, 1) + i * 86_400_000).toISOString().slice(0, 10).replaceAll('-', '')
      return `${born}${run.appointed}1${String(run.seq).padStart(3, '0')}`
    })
  const staffOf = async (agencyId: string) =>
    (
      await server.kendali.ctx.db.query<{ count: number }>('SELECT count(*)::int AS count FROM asn_staff WHERE tenant = $1 AND agency_id = $2', [
        '33.71',
        agencyId,
      ])
    )[0].count
  const stateOf = async (id: string | null) => {
    const res = await as('admin', { method: 'GET', url: `/api/t/33.71/imports/${id}` })
    expect(res.statusCode, res.body).toBe(200)
    return json<ImportState>(res)
  }

  it('answers a large staff list with 202, writes it in its job and shows its progress and refused rows', async () => {
    const opd = await freshAgency()
    const rows = SYNC_IMPORT_ROWS + 120
    const nips = manyNips(rows)
    // Every 500th row names an OPD that does not exist: refused by its line (row i is line i + 2).
    const file = ['nip,nama,opd,jabatan', ...nips.map((n, i) => `${n},Pegawai ${i},${i % 500 === 7 ? 'opd_tidak_ada' : opd.code},Pelaksana`)].join('\n')
    const res = await upload('admin', 'staff', file)
    expect(res.statusCode, res.body).toBe(202)
    const queued = json<ImportState>(res)
    expect(queued).toMatchObject({ module: 'patrols', kind: 'asn_staff', state: 'queued', total: rows, done: 0, actor: 'admin' })
    expect(await staffOf(opd.id)).toBe(0)
    let ran = 1
    while (ran > 0) ran = await server.kendali.ctx.jobs.runDue()
    const bad = nips.map((_, i) => i).filter((i) => i % 500 === 7)
    const state = await stateOf(queued.id)
    expect(state).toMatchObject({ state: 'done', total: rows, done: rows, counts: { imported: rows - bad.length, updated: 0 }, errorCount: bad.length })
    expect(state.errors.map((e) => [e.row, e.field])).toEqual(bad.map((i) => [i + 2, 'opd']))
    expect(await staffOf(opd.id)).toBe(rows - bad.length)
  })

  it('keeps /api/health answering while the job writes a large attendance file', async () => {
    const opd = await freshAgency()
    const nips = manyNips(SYNC_IMPORT_ROWS + 1).slice(-700)
    await imported('staff', ['nip,nama,opd,jabatan', ...nips.map((n, i) => `${n},Pegawai ${i},${opd.code},`)].join('\n'))
    const days = ['2025-08-04', '2025-08-05', '2025-08-06']
    const file = ['nip,tanggal,jam_masuk,jam_pulang,keterangan', ...days.flatMap((d) => nips.map((n) => `${n},${d},07:30,16:00,H`))].join('\n')
    const res = await upload('admin', 'attendance', file)
    expect(res.statusCode, res.body).toBe(202)
    const { id } = json<ImportState>(res)
    const finished: string[] = []
    const written = server.kendali.ctx.imports.resume(server.kendali.ctx.db, '33.71', id ?? '').then(() => finished.push('import'))
    const health = server.kendali.app.inject({ method: 'GET', url: '/api/health' }).then((r) => {
      finished.push('health')
      return r
    })
    expect((await health).statusCode).toBe(200)
    await written
    expect(finished).toEqual(['health', 'import'])
    expect(await stateOf(id)).toMatchObject({ state: 'done', done: nips.length * 3, counts: { imported: nips.length * 3 }, errorCount: 0 })
    const view = json<Discipline>(await as('admin', { method: 'GET', url: '/api/t/33.71/asn/discipline?month=2025-08' }))
    expect(view.items.find((i) => i.agencyId === opd.id)).toMatchObject({ staff: nips.length, tkDays: 0 })
  })

  it('stores nothing of a file refused as a whole: too many rows, broken CSV past the first batches, a missing column', async () => {
    const opd = await freshAgency()
    const nips = manyNips(MAX_IMPORT_ROWS + 1)
    const tooMany = await upload('admin', 'staff', ['nip,nama,opd,jabatan', ...nips.map((n, i) => `${n},P ${i},${opd.code},`)].join('\n'))
    expect(tooMany.statusCode).toBe(413)
    expect(json<{ error: { code: string; details: { maxRows: number } } }>(tooMany).error).toMatchObject({
      code: 'payload_too_large',
      details: { maxRows: MAX_IMPORT_ROWS },
    })
    // Rows enough for several batches, then an unclosed quote.
    const broken = await upload(
      'admin',
      'staff',
      ['nip,nama,opd,jabatan', ...nips.slice(0, 300).map((n, i) => `${n},P ${i},${opd.code},`), `"${nips[300]},P,${opd.code},`].join('\n'),
    )
    expect(broken.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string; line: number } } }>(broken).error.details).toMatchObject({ field: 'body', line: expect.any(Number) })
    const headless = await upload('admin', 'staff', ['nip,nama', ...nips.slice(0, 300).map((n, i) => `${n},P ${i}`)].join('\n'))
    expect(headless.statusCode).toBe(400)
    expect(await staffOf(opd.id)).toBe(0)
    const [{ count }] = await server.kendali.ctx.db.query<{ count: number }>(
      "SELECT count(*)::int AS count FROM imports WHERE tenant = '33.71' AND kind = 'asn_staff' AND total > $1",
      [MAX_IMPORT_ROWS],
    )
    expect(count).toBe(0)
  })
})

describe('discipline per OPD', () => {
  it('sums on-time days, TK, TL/PSW minutes and activity hours of a month, and masks NIPs per role', async () => {
    const opd = await freshAgency()
    const [a, b] = [nip(), nip()]
    await imported('staff', `nip,nama,opd,jabatan\n${a},Dewi,${opd.code},\n${b},Eko,${opd.code},\n`)
    // Monday 5 and Tuesday 6 May 2025: Dewi on time then 45 minutes late; Eko leaves 20 minutes early, then no record (TK).
    await imported(
      'attendance',
      `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${a},2025-05-05,07:30,16:00,H\n${a},2025-05-06,08:15,16:00,H\n${b},2025-05-05,07:20,15:40,H\n`,
    )
    await imported(
      'activities',
      `nip,tanggal,mulai,selesai,aktivitas,output\n${a},2025-05-05,08:00,10:30,Menyusun laporan,1 laporan\n${a},2025-05-06,09:00,10:00,Rapat,notulen\n`,
    )
    const view = json<Discipline>(await as('executive', { method: 'GET', url: '/api/t/33.71/asn/discipline?month=2025-05' }))
    expect(view.items.find((i) => i.agencyId === opd.id)).toEqual({
      agencyId: opd.id,
      agency: `OPD ${opd.code}`,
      staff: 2,
      workdays: 2,
      onTimePct: 25,
      tkDays: 1,
      tlMinutes: 45,
      pswMinutes: 20,
      activityHours: 3.5,
      openFindings: 0,
      overdueFindings: 0,
    })
    const seen = async (who: string) => json<Person>(await as(who, { method: 'GET', url: `/api/t/33.71/asn/staff/${a}?month=2025-05` })).nip
    expect(await seen('admin')).toBe(a)
    expect(await seen('patrol_officer')).toBe(a)
    // Those who see NIPs masked cannot look a person up by NIP: a real NIP answers as a made-up one does, and
    // neither answer shows the birth date.
    for (const who of ['operator', 'executive']) {
      const real = await as(who, { method: 'GET', url: `/api/t/33.71/asn/staff/${a}?month=2025-05` })
      const made = await as(who, { method: 'GET', url: '/api/t/33.71/asn/staff/199001012015011001?month=2025-05' })
      expect([real.statusCode, made.statusCode]).toEqual([404, 404])
      expect(real.body).not.toContain(a.slice(0, 8))
    }
    // The OPD's own agency officer (tenancy's link) sees it whole; an officer of another OPD does not see the person.
    const officer = async (agency: string) => {
      const username = unique('pejabat')
      const res = await as('admin', {
        method: 'POST',
        url: '/api/t/33.71/users',
        payload: { username, name: 'Kepala OPD', password: PASSWORD, roles: ['agency_officer'], agencies: [agency] },
      })
      expect(res.statusCode, res.body).toBe(201)
      cookies[username] = await loginCookie(server.kendali, username)
      return username
    }
    expect(await seen(await officer(opd.id))).toBe(a)
    const other = await officer((await freshAgency()).id)
    expect((await as(other, { method: 'GET', url: `/api/t/33.71/asn/staff/${a}?month=2025-05` })).statusCode).toBe(404)
    expect(json<Discipline>(await as(other, { method: 'GET', url: '/api/t/33.71/asn/discipline?month=2025-05' })).items.map((i) => i.agencyId)).not.toContain(
      opd.id,
    )
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/35.73/asn/staff/${a}?month=2025-05` })).statusCode).toBe(404)
    expect((await as('malang_admin', { method: 'GET', url: '/api/t/33.71/asn/discipline?month=2025-05' })).statusCode).toBe(403)
  })

  it('puts people on the ladder by their unexcused absence days in the year', async () => {
    const opd = await freshAgency()
    const [a, b] = [nip(), nip()]
    await imported('staff', `nip,nama,opd,jabatan\n${a},Fajar,${opd.code},\n${b},Gita,${opd.code},\n`)
    // Four working days of June 2024 in the export: Fajar absent on all four, Gita absent three times with one sick day.
    const days = ['2024-06-03', '2024-06-04', '2024-06-05', '2024-06-06']
    const rows = days.flatMap((d, i) => [`${a},${d},,,TK`, i === 0 ? `${b},${d},,,S` : `${b},${d},,,TK`])
    await imported('attendance', `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${rows.join('\n')}\n`)
    const ladder = json<Ladder>(await as('admin', { method: 'GET', url: '/api/t/33.71/asn/ladder?year=2024' }))
    expect(ladder.items.filter((i) => i.nip === a || i.nip === b).map((i) => [i.name, i.tkDays, i.step])).toEqual([
      ['Fajar', 4, 'teguran_tertulis'],
      ['Gita', 3, 'teguran_lisan'],
    ])
    // Executives see the NIP masked and open the person by the opaque id, which keeps it masked.
    const seenBy = json<Ladder>(await as('executive', { method: 'GET', url: '/api/t/33.71/asn/ladder?year=2024' }))
    const fajar = seenBy.items.find((i) => i.staffId === ladder.items.find((x) => x.nip === a)?.staffId)
    expect(fajar?.nip).toBe(`**************${a.slice(-4)}`)
    const person = await as('executive', { method: 'GET', url: `/api/t/33.71/asn/people/${fajar?.staffId}?month=2024-06` })
    expect(person.statusCode, person.body).toBe(200)
    expect(json<Person>(person)).toMatchObject({ name: 'Fajar', nip: `**************${a.slice(-4)}`, staffId: fajar?.staffId })
    expect(json<Person>(person).days.filter((d) => d.codes.includes('TK'))).toHaveLength(4)
    expect(json<Person>(await as('admin', { method: 'GET', url: `/api/t/33.71/asn/people/${fajar?.staffId}?month=2024-06` })).nip).toBe(a)
    expect((await as('executive', { method: 'GET', url: `/api/t/33.71/asn/people/${randomUUID()}?month=2024-06` })).statusCode).toBe(404)
    expect((await as('executive', { method: 'GET', url: '/api/t/33.71/asn/people/not-an-id?month=2024-06' })).statusCode).toBe(400)
  })

  it('keeps the monthly summary equal to the day-by-day tally through new rows, corrections and new working hours', async () => {
    const { db } = server.kendali.ctx
    const s = patrolsServices(server.kendali.ctx)
    const opd = await freshAgency()
    const [a, b, c] = [nip(), nip(), nip()]
    await imported('staff', `nip,nama,opd,jabatan\n${a},Joko,${opd.code},\n${b},Kartika,${opd.code},\n${c},Lina,${opd.code},\n`)
    await imported('attendance', `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${a},2022-03-01,07:30,16:00,H\n${b},2022-03-01,07:50,15:00,H\n`)
    const live = async () => {
      const { schedule } = await s.asn.settings(db, '33.71')
      const covered = [...(await asnStore.coveredDays(db, '33.71', '2022-03-01', '2022-03-31'))].sort()
      const days = covered.flatMap((day) => {
        const hours = hoursOn(day, schedule)
        return hours ? [{ day, start: hours.start, end: hours.end }] : []
      })
      const [{ agencyId: _, ...row }] = await asnStore.tallyByAgency(db, '33.71', [opd.id], days, EXCUSED)
      return { ...row, workdays: days.length }
    }
    const summarised = async () => {
      const { per, workdays } = await s.asn.tally(db, '33.71', [opd.id], '2022-03')
      return { ...per.get(opd.id), workdays }
    }
    // The first read builds the month; the imports after it update the people they touch.
    expect(await summarised()).toEqual(await live())
    await imported(
      'attendance',
      `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${a},2022-03-02,08:10,16:00,H\n${b},2022-03-01,07:30,16:00,H\n${c},2022-03-02,,,S\n${c},2022-03-03,,,TK\n`,
    )
    const after = await summarised()
    expect(after).toMatchObject({ staff: 3, workdays: 3, tlMinutes: 40 })
    expect(after).toEqual(await live())
    // New working hours (a holiday on the 2nd) re-sum the month when it is next read.
    const current = json<{ schedule: { holidays: string[] } }>(await as('admin', { method: 'GET', url: '/api/t/33.71/asn/settings' }))
    const next = { ...current, schedule: { ...current.schedule, holidays: [...current.schedule.holidays, '2022-03-02'] } }
    expect((await as('admin', { method: 'PUT', url: '/api/t/33.71/asn/settings', payload: next })).statusCode).toBe(200)
    const holiday = await summarised()
    expect(holiday).toMatchObject({ workdays: 2, tlMinutes: 0 })
    expect(holiday).toEqual(await live())
  })

  it('follows the tenant’s holidays and hours set by the admin', async () => {
    const current = json<Record<string, unknown>>(await as('admin', { method: 'GET', url: '/api/t/33.71/asn/settings' }))
    const settings = current as { schedule: { holidays: string[] } }
    const next = { ...current, schedule: { ...settings.schedule, holidays: [...settings.schedule.holidays, '2023-07-19'] } }
    expect((await as('operator', { method: 'PUT', url: '/api/t/33.71/asn/settings', payload: next })).statusCode).toBe(403)
    const backwards = { ...next, schedule: { ...next.schedule, weekdays: { '1': { start: '16:00', end: '07:30' } } } }
    expect((await as('admin', { method: 'PUT', url: '/api/t/33.71/asn/settings', payload: backwards })).statusCode).toBe(400)
    expect((await as('admin', { method: 'PUT', url: '/api/t/33.71/asn/settings', payload: next })).statusCode).toBe(200)
    const opd = await freshAgency()
    const [a, b] = [nip(), nip()]
    await imported('staff', `nip,nama,opd,jabatan\n${a},Hana,${opd.code},\n${b},Irfan,${opd.code},\n`)
    // 19 July 2023 (1 Muharram) is a holiday now: no record that day is no TK; 20 July without a record is.
    await imported('attendance', `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${a},2023-07-18,07:30,16:00,H\n${a},2023-07-19,,,\n`)
    await imported('attendance', `nip,tanggal,jam_masuk,jam_pulang,keterangan\n${b},2023-07-20,07:30,16:00,H\n`)
    const person = json<Person>(await as('admin', { method: 'GET', url: `/api/t/33.71/asn/staff/${a}?month=2023-07` }))
    expect(person.days.map((d) => [d.date, d.codes])).toEqual([
      ['2023-07-18', []],
      ['2023-07-19', []],
      ['2023-07-20', ['TK']],
    ])
  })
})
