import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { listEvents } from '../../core/events/log.ts'
import type { IndicatorValue } from '../../core/indicators.ts'
import { tenancyServices } from '../tenancy/index.ts'
import { type PatrolsServices, patrolsServices } from './index.ts'
import { teamMember, tenantAdmin } from './patrols.ts'

// The per-tenant finding catalogue, the follow-up settings (escalation steps with a controlled clock) and the
// two indicators the kpi module reads, against hand-computed values.

type Type = { code: string; label: { id: string; en: string }; kind: string; reportCategory: string | null; incidentType: string | null; retired: boolean }
type Settings = { followUpDays: number; escalationDays: number[]; inspectorateAgencyId: string | null }
type ErrorBody = { error: { code: string; details?: { field?: string } } }

const TENANT = '33.71'
let server: TestServer
let s: PatrolsServices
const cookies: Record<string, string> = {}
const as = (who: string, opts: InjectOptions) => server.kendali.app.inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const team = teamMember('patrol_officer')
const admin = tenantAdmin('admin')
const wib = (local: string) => new Date(`${local}+07:00`)
const ALUN_ALUN = { type: 'Point' as const, coordinates: [110.2176, -7.4773] as [number, number] }
const code = () =>
  unique('temuan')
    .replace(/[^a-z0-9]/g, '_')
    .slice(0, 40)
const types = async (query = '') => json<{ items: Type[] }>(await as('admin', { method: 'GET', url: `/api/t/${TENANT}/finding-types${query}` })).items

async function runDueUntil(now: Date): Promise<void> {
  while ((await server.kendali.ctx.jobs.runDue(50, now)) > 0) {
    // keep claiming until nothing more is due at `now`
  }
}

async function freshAgency(tenant = TENANT): Promise<{ id: string; code: string }> {
  const c = code()
  const agency = await tenancyServices(server.kendali.ctx).agencies.create(server.kendali.ctx.db, tenant, 'system:test', { code: c, name: `OPD ${c}` })
  return { id: agency.id, code: c }
}

async function patrolOn(day: string) {
  const db = server.kendali.ctx.db
  const p = await s.patrols.plan(db, TENANT, team, {
    name: unique('Rojak'),
    startsAt: wib(`${day}T08:00:00`).toISOString(),
    endsAt: wib(`${day}T11:00:00`).toISOString(),
    team: ['patrol_officer'],
  })
  return s.patrols.start(db, TENANT, team, p.id, wib(`${day}T08:00:00`))
}

async function asnFinding(patrolId: string, agency: string, at: Date) {
  const input = {
    clientId: randomUUID(),
    patrolId,
    type: 'asn_di_luar_kantor',
    location: ALUN_ALUN,
    description: 'Di warung kopi pada jam kerja',
    nip: '198503152010011001',
    name: 'Budi',
    agency,
  }
  return (await s.findings.record(server.kendali.ctx.db, TENANT, team, input, at)).finding
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  s = patrolsServices(server.kendali.ctx)
  for (const who of ['admin', 'operator', 'patrol_officer', 'malang_admin', 'superadmin']) cookies[who] = await loginCookie(server.kendali, who)
})
afterAll(() => server.close())

describe('finding-type catalogue', () => {
  it('adds a city type that hands to a report category, renames it and retires it', async () => {
    const c = code()
    const added = await as('admin', {
      method: 'POST',
      url: `/api/t/${TENANT}/finding-types`,
      payload: { code: c, label: { id: 'Parkir liar', en: 'Illegal parking' }, kind: 'city', reportCategory: 'sampah_liar' },
    })
    expect(added.statusCode, added.body).toBe(201)
    expect(json<Type>(added)).toMatchObject({ code: c, kind: 'city', reportCategory: 'sampah_liar', incidentType: null, retired: false })
    expect((await types()).map((t) => t.code)).toContain(c)

    const renamed = await as('admin', {
      method: 'PATCH',
      url: `/api/t/${TENANT}/finding-types/${c}`,
      payload: { label: { id: 'Parkir liar di trotoar', en: 'Parking on the pavement' } },
    })
    expect(renamed.statusCode, renamed.body).toBe(200)
    expect(json<Type>(renamed)).toMatchObject({ label: { id: 'Parkir liar di trotoar' }, reportCategory: 'sampah_liar' })

    // Re-routed to an incident type: the report category goes.
    const rerouted = await as('admin', { method: 'PATCH', url: `/api/t/${TENANT}/finding-types/${c}`, payload: { incidentType: 'public_order' } })
    expect(json<Type>(rerouted)).toMatchObject({ reportCategory: null, incidentType: 'public_order' })

    const retired = await as('admin', { method: 'PATCH', url: `/api/t/${TENANT}/finding-types/${c}`, payload: { retired: true } })
    expect(json<Type>(retired).retired).toBe(true)
    expect((await types()).map((t) => t.code)).not.toContain(c)
    expect((await types('?all=true')).find((t) => t.code === c)?.retired).toBe(true)

    // A retired type takes no new findings.
    const p = await patrolOn('2024-05-06')
    const input = { clientId: randomUUID(), patrolId: p.id, type: c, location: ALUN_ALUN, description: 'Mobil di trotoar' }
    await expect(s.findings.record(server.kendali.ctx.db, TENANT, team, input, wib('2024-05-06T09:00:00'))).rejects.toMatchObject({
      code: 'invalid',
      details: { field: 'type' },
    })

    const back = await as('admin', { method: 'PATCH', url: `/api/t/${TENANT}/finding-types/${c}`, payload: { retired: false } })
    expect(json<Type>(back).retired).toBe(false)
    expect((await s.findings.record(server.kendali.ctx.db, TENANT, team, input, wib('2024-05-06T09:00:00'))).finding.type).toBe(c)
  })

  it('turns an other type into an ASN type, dropping nothing it had', async () => {
    const c = code()
    await as('admin', { method: 'POST', url: `/api/t/${TENANT}/finding-types`, payload: { code: c, label: { id: 'Lain', en: 'Other' }, kind: 'other' } })
    const res = await as('admin', { method: 'PATCH', url: `/api/t/${TENANT}/finding-types/${c}`, payload: { kind: 'asn' } })
    expect(json<Type>(res)).toMatchObject({ kind: 'asn', reportCategory: null, incidentType: null })
  })

  it('refuses bad types with 4xx and changes nothing', async () => {
    const before = await types('?all=true')
    const c = code()
    const post = (payload: Record<string, unknown>, who = 'admin', tenant = TENANT) =>
      as(who, { method: 'POST', url: `/api/t/${tenant}/finding-types`, payload: { code: c, label: { id: 'X', en: 'X' }, ...payload } })
    const field = (res: { body: string }) => (JSON.parse(res.body) as ErrorBody).error.details?.field
    expect((await post({ kind: 'city' })).statusCode).toBe(400)
    expect((await post({ kind: 'city', reportCategory: 'sampah_liar', incidentType: 'public_order' })).statusCode).toBe(400)
    const unknownCategory = await post({ kind: 'city', reportCategory: 'tidak_ada' })
    expect([unknownCategory.statusCode, field(unknownCategory)]).toEqual([400, 'reportCategory'])
    const unknownIncident = await post({ kind: 'city', incidentType: 'tidak_ada' })
    expect([unknownIncident.statusCode, field(unknownIncident)]).toEqual([400, 'incidentType'])
    expect((await post({ kind: 'asn', reportCategory: 'sampah_liar' })).statusCode).toBe(400)
    expect((await post({ kind: 'gossip' })).statusCode).toBe(400)
    expect((await post({ kind: 'other', code: 'Bad Code' })).statusCode).toBe(400)
    expect((await post({ kind: 'other' }, 'operator')).statusCode).toBe(403)
    expect((await post({ kind: 'other' }, 'patrol_officer')).statusCode).toBe(403)
    expect((await post({ kind: 'other' }, 'malang_admin')).statusCode).toBe(403)
    expect((await post({ kind: 'other', code: 'sampah_liar' })).statusCode).toBe(409)
    const patch = (payload: Record<string, unknown>, who = 'admin', target = 'sampah_liar') =>
      as(who, { method: 'PATCH', url: `/api/t/${TENANT}/finding-types/${target}`, payload })
    expect((await patch({})).statusCode).toBe(400)
    expect((await patch({ kind: 'city', reportCategory: null })).statusCode).toBe(400)
    expect((await patch({ label: { id: '', en: 'x' } })).statusCode).toBe(400)
    expect((await patch({ retired: true }, 'operator')).statusCode).toBe(403)
    expect((await patch({ retired: true }, 'malang_admin')).statusCode).toBe(403)
    expect((await patch({ retired: true }, 'admin', 'tidak_ada')).statusCode).toBe(404)
    expect(await types('?all=true')).toEqual(before)
  })

  it('keeps each tenant its own catalogue', async () => {
    const c = code()
    await as('admin', { method: 'POST', url: `/api/t/${TENANT}/finding-types`, payload: { code: c, label: { id: 'X', en: 'X' }, kind: 'other' } })
    const malang = json<{ items: Type[] }>(await as('malang_admin', { method: 'GET', url: '/api/t/35.73/finding-types?all=true' })).items
    expect(malang.map((t) => t.code)).not.toContain(c)
    expect(malang.map((t) => t.code)).toContain('sampah_liar')
  })

  it('copies the catalogue and follow-up settings to a region being onboarded, once, without the inspectorate', async () => {
    const c = code()
    await as('admin', {
      method: 'POST',
      url: `/api/t/${TENANT}/finding-types`,
      payload: { code: c, label: { id: 'Parkir liar', en: 'Illegal parking' }, kind: 'city', incidentType: 'public_order' },
    })
    await as('admin', { method: 'PATCH', url: `/api/t/${TENANT}/finding-types/${c}`, payload: { retired: true } })
    const created = await as('superadmin', {
      method: 'POST',
      url: '/api/tenants',
      payload: { code: '33.09', name: 'Kabupaten Boyolali', kind: 'kabupaten', parent: '33', timezone: 'Asia/Jakarta' },
    })
    expect(created.statusCode, created.body).toBe(201)
    const copy = () => as('superadmin', { method: 'POST', url: '/api/t/33.09/config/copy', payload: { from: TENANT } })
    const first = await copy()
    expect(first.statusCode, first.body).toBe(200)
    const ours = json<{ items: Type[] }>(await as('admin', { method: 'GET', url: `/api/t/${TENANT}/finding-types?all=true` })).items
    // Every type and the settings row.
    expect(json<{ copied: Record<string, number> }>(first).copied.patrols).toBe(ours.length + 1)
    const theirs = json<{ items: Type[] }>(await as('superadmin', { method: 'GET', url: '/api/t/33.09/finding-types?all=true' })).items
    expect(theirs).toEqual(ours)
    expect(theirs.find((t) => t.code === c)).toMatchObject({ retired: true, incidentType: 'public_order' })
    const settings = json<Settings>(await as('superadmin', { method: 'GET', url: '/api/t/33.09/patrol-settings' }))
    const magelang = json<Settings>(await as('admin', { method: 'GET', url: `/api/t/${TENANT}/patrol-settings` }))
    expect(settings).toEqual({ ...magelang, inspectorateAgencyId: null })
    expect(json<{ copied: Record<string, number> }>(await copy()).copied.patrols).toBe(0)
  })
})

describe('follow-up settings', () => {
  it('reads the defaults, refuses bad settings and wrong roles, and escalates along the configured steps', async () => {
    const url = `/api/t/${TENANT}/patrol-settings`
    const defaults = json<Settings>(await as('operator', { method: 'GET', url }))
    // The demo city names its Inspektorat as the inspectorate.
    expect(defaults).toEqual({ followUpDays: 3, escalationDays: [0, 3], inspectorateAgencyId: expect.any(String) })
    const put = (payload: unknown, who = 'admin') => as(who, { method: 'PUT', url, payload: payload as Record<string, unknown> })
    expect((await put({ followUpDays: 0, escalationDays: [0] })).statusCode).toBe(400)
    expect((await put({ followUpDays: 2, escalationDays: [] })).statusCode).toBe(400)
    expect((await put({ followUpDays: 2, escalationDays: [2, 1] })).statusCode).toBe(400)
    expect((await put({ followUpDays: 2, escalationDays: [1, 1] })).statusCode).toBe(400)
    expect((await put({ followUpDays: 2, escalationDays: [1] }, 'operator')).statusCode).toBe(403)
    expect((await put({ followUpDays: 2, escalationDays: [1] }, 'malang_admin')).statusCode).toBe(403)
    expect(json<Settings>(await as('admin', { method: 'GET', url }))).toEqual(defaults)

    try {
      const res = await put({ followUpDays: 2, escalationDays: [1, 2, 4] })
      expect(res.statusCode, res.body).toBe(200)
      expect(json<Settings>(res)).toEqual({ followUpDays: 2, escalationDays: [1, 2, 4], inspectorateAgencyId: defaults.inspectorateAgencyId })
      const db = server.kendali.ctx.db
      const p = await patrolOn('2024-07-03')
      // Wednesday 09:00 + 2 working days: Friday 09:00; steps 1, 2 and 4 working days later.
      const finding = await asnFinding(p.id, 'dpupr', wib('2024-07-03T09:00:00'))
      expect(new Date(finding.dueAt ?? '').toISOString()).toBe(wib('2024-07-05T09:00:00').toISOString())
      const escalations = async () =>
        (await listEvents(db, TENANT, { topics: ['patrol_findings'], types: ['finding.escalated'], order: 'asc', limit: 1000 }))
          .filter((e) => e.entity === finding.id)
          .map((e) => e.data.level)
      await runDueUntil(wib('2024-07-08T08:59:00'))
      expect(await escalations()).toEqual([])
      await runDueUntil(wib('2024-07-08T09:01:00'))
      expect(await escalations()).toEqual([1])
      await runDueUntil(wib('2024-07-10T09:01:00'))
      expect(await escalations()).toEqual([1, 2])
      await runDueUntil(wib('2024-07-11T09:01:00'))
      expect(await escalations()).toEqual([1, 2, 3])
      await runDueUntil(wib('2024-08-30T09:00:00'))
      expect((await s.findings.get(db, TENANT, finding.id)).escalationLevel).toBe(3)
    } finally {
      // Other files of this worker rely on the defaults.
      expect((await put(defaults)).statusCode).toBe(200)
    }
  })
})

describe('indicators', () => {
  const march = { key: '2024-03', frequency: 'monthly' as const, start: wib('2024-03-01T00:00:00'), end: wib('2024-04-01T00:00:00') }
  const byKey = (values: IndicatorValue[]) => Object.fromEntries(values.map((v) => [v.breakdown?.key ?? 'city', v.value]))

  it('findings_closed_on_time_pct: follow-ups due in the month, answered by the due date and closed', async () => {
    const db = server.kendali.ctx.db
    const [a, b] = [await freshAgency(), await freshAgency()]
    const p = await patrolOn('2024-03-04')
    // Monday 09:00 + 3 working days: due Thursday 7 March 09:00.
    const onTime = await asnFinding(p.id, a.code, wib('2024-03-04T09:00:00'))
    const late = await asnFinding(p.id, a.code, wib('2024-03-04T09:10:00'))
    await asnFinding(p.id, a.code, wib('2024-03-04T09:20:00'))
    const other = await asnFinding(p.id, b.code, wib('2024-03-04T09:30:00'))
    const april = await patrolOn('2024-03-28')
    // Due in April: not March's.
    const next = await asnFinding(april.id, a.code, wib('2024-03-28T09:00:00'))
    await s.findings.respond(db, TENANT, admin, onTime.id, { action: 'teguran_lisan', note: 'Sudah ditegur' }, wib('2024-03-06T10:00:00'))
    await s.findings.respond(db, TENANT, admin, late.id, { action: 'pembinaan', note: 'Pembinaan' }, wib('2024-03-08T10:00:00'))
    await s.findings.respond(db, TENANT, admin, other.id, { action: 'teguran_lisan', note: 'Ditegur' }, wib('2024-03-05T10:00:00'))
    await s.findings.respond(db, TENANT, admin, next.id, { action: 'teguran_lisan', note: 'Ditegur' }, wib('2024-03-29T10:00:00'))
    for (const f of [onTime, late, other, next]) await s.findings.close(db, TENANT, admin, f.id, wib('2024-03-11T10:00:00'))

    const indicator = server.kendali.ctx.indicators.get('findings_closed_on_time_pct')
    const values = await indicator?.compute({ tenant: TENANT, period: march, entered: async () => [] })
    // a: 1 of 3 on time; b: 1 of 1; the city: 2 of 4.
    expect(byKey(values ?? [])).toEqual({ city: 50, [a.id]: 33.3, [b.id]: 100 })
    const malang = await indicator?.compute({ tenant: '35.73', period: march, entered: async () => [] })
    expect(malang).toEqual([])
  })

  it('asn_on_time_pct: person-days on time over working days the imports cover', async () => {
    const db = server.kendali.ctx.db
    const tenant = await freshTenant()
    const [a, b] = [await freshAgency(tenant), await freshAgency(tenant)]
    const [a1, a2, b1] = ['198503152010011001', '199002142015032002', '198807072012121003']
    const load = async (kind: 'staff' | 'attendance', csv: string) => {
      const result = await s.asn.importNow(server.kendali.ctx.imports, db, tenant, 'system:test', kind, csv)
      expect(result.rejected).toEqual([])
    }
    await load('staff', `nip,nama,opd,jabatan\n${a1},Andi,${a.code},Analis\n${a2},Ani,${a.code},Analis\n${b1},Budi,${b.code},Analis\n`)
    await load(
      'attendance',
      [
        'nip,tanggal,jam_masuk,jam_pulang,keterangan',
        // Monday 2 June: everyone on time.
        `${a1},2025-06-02,07:30,16:00,H`,
        `${a2},2025-06-02,07:25,16:00,H`,
        `${b1},2025-06-02,07:30,16:00,H`,
        // Tuesday: a1 late (TL1), a2 absent without a row (TK), b1 on time.
        `${a1},2025-06-03,07:45,16:00,H`,
        `${b1},2025-06-03,07:30,16:05,H`,
        // Friday (until 16:30): a1 on time, a2 leaves early (PSW1), b1 on time.
        `${a1},2025-06-06,07:20,16:30,H`,
        `${a2},2025-06-06,07:30,16:10,H`,
        `${b1},2025-06-06,07:30,16:30,H`,
        // Saturday is no working day.
        `${a1},2025-06-07,09:00,10:00,H`,
      ].join('\n'),
    )
    const june = { key: '2025-06', frequency: 'monthly' as const, start: wib('2025-06-01T00:00:00'), end: wib('2025-07-01T00:00:00') }
    const values = await server.kendali.ctx.indicators.get('asn_on_time_pct')?.compute({ tenant, period: june, entered: async () => [] })
    // a: 3 of 6 person-days; b: 3 of 3; the city: 6 of 9.
    expect(byKey(values ?? [])).toEqual({ city: 66.7, [a.id]: 50, [b.id]: 100 })
    const empty = await server.kendali.ctx.indicators.get('asn_on_time_pct')?.compute({ tenant, period: march, entered: async () => [] })
    expect(empty).toEqual([])
  })
})

/** A city of its own, so the city-wide numbers are this test's. */
async function freshTenant(): Promise<string> {
  const tenants = tenancyServices(server.kendali.ctx).tenants
  for (let attempt = 0; attempt < 50; attempt += 1) {
    // 33.40–33.69 are no real kabupaten/kota: other test files onboard real ones (Kendal 33.24) on this database.
    const code = `33.${String(40 + Math.floor(Math.random() * 30))}`
    if (await tenants.get(server.kendali.ctx.db, code)) continue
    await tenants.create(server.kendali.ctx.db, 'system:test', { code, name: `Kota Uji ${code}`, kind: 'kota', parent: '33' })
    return code
  }
  throw new Error('no free tenant code')
}

describe('patrol officers', () => {
  it('lists the tenant’s patrol officers to planners only', async () => {
    const res = await as('operator', { method: 'GET', url: `/api/t/${TENANT}/patrols/officers` })
    expect(json<{ items: string[] }>(res).items).toContain('patrol_officer')
    expect(json<{ items: string[] }>(res).items).not.toContain('operator')
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/${TENANT}/patrols/officers` })).statusCode).toBe(403)
  })
})
