import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD } from '../../../test/support/fixtures.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { listEvents } from '../../core/events/log.ts'

type Patrol = { id: string; name: string; status: string; team: string[]; area: string[]; checkpoints: { id: string; name: string }[] }
type Checkin = {
  id: string
  clientId: string
  withinCheckpoint: boolean
  checkpoint: { name: string } | null
  distanceM: number | null
  kelurahan: { code: string; name: string } | null
}
type Finding = {
  id: string
  number: string
  status: string
  kind: string
  nip: string | null
  agencyId: string | null
  dueAt: string | null
  overdue: boolean
  mayRespond: boolean
  mayClose: boolean
  mayReopen: boolean
  response: { action: string } | null
  photos: { id: string; url: string }[]
}
type Detail = Patrol & { checkins: Checkin[]; findings: Finding[] }
type ErrorBody = { error: { code: string; details?: { field?: string; part?: string } } }

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
const point = (lon: number, lat: number) => ({ type: 'Point', coordinates: [lon, lat] })
// Alun-alun Kota Magelang, and a point `metres` north of it.
const ALUN_ALUN: [number, number] = [110.2176, -7.4773]
const north = (metres: number) => point(ALUN_ALUN[0], ALUN_ALUN[1] + metres / 110_540)
const NIP = '198503152010011001'

async function plan(body: Record<string, unknown> = {}, who = 'operator'): Promise<Patrol> {
  const now = Date.now()
  const res = await as(who, {
    method: 'POST',
    url: '/api/t/33.71/patrols',
    payload: {
      name: unique('Rojak'),
      startsAt: new Date(now - 3_600_000).toISOString(),
      endsAt: new Date(now + 3_600_000).toISOString(),
      team: ['patrol_officer'],
      area: ['33.71.01'],
      checkpoints: [{ name: 'Alun-alun', location: point(...ALUN_ALUN), radiusM: 100 }],
      ...body,
    },
  })
  expect(res.statusCode, res.body).toBe(201)
  return json<Patrol>(res)
}

async function started(): Promise<Patrol> {
  const p = await plan()
  const res = await as('patrol_officer', { method: 'POST', url: `/api/t/33.71/patrols/${p.id}/start` })
  expect(res.statusCode, res.body).toBe(200)
  return json<Patrol>(res)
}

const checkIn = (patrol: Patrol, payload: Record<string, unknown>, who = 'patrol_officer') =>
  as(who, { method: 'POST', url: `/api/t/33.71/patrols/${patrol.id}/checkins`, payload })

const record = (payload: Record<string, unknown>, who = 'patrol_officer') => as(who, { method: 'POST', url: '/api/t/33.71/findings', payload })

async function asnFinding(patrol: Patrol, extra: Record<string, unknown> = {}): Promise<Finding> {
  const res = await record({
    clientId: randomUUID(),
    patrolId: patrol.id,
    type: 'asn_di_luar_kantor',
    location: north(50),
    description: 'ASN berbelanja di pasar pada jam kerja',
    nip: NIP,
    name: 'Bambang Sutrisno',
    agency: 'dpupr',
    ...extra,
  })
  expect(res.statusCode, res.body).toBe(201)
  return json<Finding>(res)
}

function multipart(photo: Buffer): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kendali${Date.now().toString(16)}`
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="photo"; filename="temuan.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'patrol_officer', 'agency_officer', 'inspektorat', 'executive', 'field_crew', 'malang_admin']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
})

const agencyId = async (code: string) =>
  json<{ items: { id: string; code: string }[] }>(await as('admin', { method: 'GET', url: '/api/t/33.71/agencies?limit=100' })).items.find(
    (a) => a.code === code,
  )?.id ?? ''

/** A person of the demo city who works for these OPDs (codes), logged in under `username`. */
async function personOf(username: string, roles: string[], agencyCodes: string[]): Promise<void> {
  const agencies = await Promise.all(agencyCodes.map(agencyId))
  const res = await as('admin', {
    method: 'POST',
    url: '/api/t/33.71/users',
    payload: { username, name: `Petugas ${username}`, password: PASSWORD, roles, agencies },
  })
  expect(res.statusCode, res.body).toBe(201)
  cookies[username] = await loginCookie(server.kendali, username)
}
afterAll(() => server.close())

describe('patrol plans', () => {
  it('plans a patrol for a team of patrol officers over kecamatan and kelurahan, and lists it', async () => {
    const p = await plan({ area: ['33.71.01', '33.71.02.1003'] })
    expect(p).toMatchObject({ status: 'planned', team: ['patrol_officer'], area: ['33.71.01', '33.71.02.1003'], checkpoints: [{ name: 'Alun-alun' }] })
    const list = json<{ items: Patrol[] }>(await as('executive', { method: 'GET', url: '/api/t/33.71/patrols?limit=1000' }))
    expect(list.items.map((i) => i.id)).toContain(p.id)
  })

  it('refuses a team member who is not a patrol officer, and a window that ends before it starts', async () => {
    const before = json<{ total: number }>(await as('operator', { method: 'GET', url: '/api/t/33.71/patrols' })).total
    const res = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/patrols',
      payload: { name: 'Rojak salah tim', startsAt: '2026-11-23T08:00:00+07:00', endsAt: '2026-11-23T11:00:00+07:00', team: ['field_crew'] },
    })
    expect(res.statusCode).toBe(400)
    expect(json<ErrorBody>(res).error.details?.field).toBe('team')
    const backwards = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/patrols',
      payload: { name: 'Rojak terbalik', startsAt: '2026-11-23T11:00:00+07:00', endsAt: '2026-11-23T08:00:00+07:00', team: ['patrol_officer'] },
    })
    expect(backwards.statusCode).toBe(400)
    const badArea = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/patrols',
      payload: {
        name: 'Rojak wilayah salah',
        startsAt: '2026-11-23T08:00:00+07:00',
        endsAt: '2026-11-23T11:00:00+07:00',
        team: ['patrol_officer'],
        area: ['33.71.1'],
      },
    })
    expect(badArea.statusCode).toBe(400)
    // Well-formed codes of another city (Kota Malang) are not this city's area.
    const elsewhere = await as('operator', {
      method: 'POST',
      url: '/api/t/33.71/patrols',
      payload: {
        name: 'Rojak kota lain',
        startsAt: '2026-11-23T08:00:00+07:00',
        endsAt: '2026-11-23T11:00:00+07:00',
        team: ['patrol_officer'],
        area: ['33.71.01', '35.73.01'],
      },
    })
    expect(elsewhere.statusCode).toBe(400)
    expect(json<ErrorBody>(elsewhere).error.details?.field).toBe('area')
    expect(json<{ total: number }>(await as('operator', { method: 'GET', url: '/api/t/33.71/patrols' })).total).toBe(before)
  })

  it('lets only the team start and finish, in order', async () => {
    const p = await plan()
    expect((await as('operator', { method: 'POST', url: `/api/t/33.71/patrols/${p.id}/start` })).statusCode).toBe(403)
    expect((await as('patrol_officer', { method: 'POST', url: `/api/t/33.71/patrols/${p.id}/finish` })).statusCode).toBe(409)
    expect((await as('patrol_officer', { method: 'POST', url: `/api/t/33.71/patrols/${p.id}/start` })).statusCode).toBe(200)
    const finished = await as('patrol_officer', { method: 'POST', url: `/api/t/33.71/patrols/${p.id}/finish` })
    expect(json<Patrol>(finished).status).toBe('finished')
  })

  it('keeps other tenants and other roles out', async () => {
    const p = await plan()
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/33.71/patrols/${p.id}` })).statusCode).toBe(403)
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/35.73/patrols/${p.id}` })).statusCode).toBe(404)
    const malang = json<{ items: Patrol[] }>(await as('malang_admin', { method: 'GET', url: '/api/t/35.73/patrols?limit=1000' }))
    expect(malang.items.map((i) => i.id)).not.toContain(p.id)
    expect((await as('field_crew', { method: 'GET', url: '/api/t/33.71/patrols' })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: '/api/t/33.71/patrols' })).statusCode).toBe(401)
  })
})

describe('check-ins', () => {
  it('tells whether a check-in lies within a checkpoint, and its kelurahan', async () => {
    const p = await started()
    const inside = await checkIn(p, { clientId: randomUUID(), location: north(40), accuracy: 8 })
    expect(inside.statusCode, inside.body).toBe(201)
    expect(json<Checkin>(inside)).toMatchObject({ withinCheckpoint: true, checkpoint: { name: 'Alun-alun' }, kelurahan: { name: expect.any(String) } })
    expect(json<Checkin>(inside).distanceM).toBeGreaterThanOrEqual(35)
    const outside = json<Checkin>(await checkIn(p, { clientId: randomUUID(), location: north(400) }))
    expect(outside).toMatchObject({ withinCheckpoint: false, checkpoint: null })
    expect(outside.distanceM).toBeGreaterThan(390)
    const detail = json<Detail>(await as('operator', { method: 'GET', url: `/api/t/33.71/patrols/${p.id}` }))
    expect(detail.checkins.map((c) => c.withinCheckpoint)).toEqual([true, false])
  })

  it('stores a check-in sent twice at once only once and answers the same record', async () => {
    const p = await started()
    const clientId = randomUUID()
    const [a, b] = await Promise.all([checkIn(p, { clientId, location: north(10) }), checkIn(p, { clientId, location: north(10) })])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201])
    expect(json<Checkin>(a).id).toBe(json<Checkin>(b).id)
    const detail = json<Detail>(await as('operator', { method: 'GET', url: `/api/t/33.71/patrols/${p.id}` }))
    expect(detail.checkins).toHaveLength(1)
  })

  it('publishes the check-in as a live event of the patrol', async () => {
    const p = await started()
    await checkIn(p, { clientId: randomUUID(), location: north(20) })
    const events = await listEvents(server.kendali.ctx.db, '33.71', { topics: ['patrols'], types: ['patrol.checked_in'], order: 'desc', limit: 50 })
    expect(events.find((e) => e.entity === p.id)?.data).toMatchObject({ patrolId: p.id, name: p.name, isWithin: true, checkpoint: 'Alun-alun' })
    const live = json<{ items: { patrolId: string }[] }>(await as('operator', { method: 'GET', url: '/api/t/33.71/patrols/live' }))
    expect(live.items.map((i) => i.patrolId)).toContain(p.id)
  })

  it('refuses check-ins outside the city, on a planned patrol, by others, and in the future', async () => {
    const planned = await plan()
    expect((await checkIn(planned, { clientId: randomUUID(), location: north(10) })).statusCode).toBe(409)
    const p = await started()
    const far = await checkIn(p, { clientId: randomUUID(), location: point(112.63, -7.98) })
    expect(far.statusCode).toBe(400)
    expect(json<ErrorBody>(far).error.details?.field).toBe('location')
    expect((await checkIn(p, { clientId: randomUUID(), location: north(10), at: new Date(Date.now() + 3_600_000).toISOString() })).statusCode).toBe(400)
    expect((await checkIn(p, { clientId: randomUUID(), location: north(10) }, 'operator')).statusCode).toBe(403)
    expect((await checkIn(p, { clientId: 'x', location: north(10) })).statusCode).toBe(400)
    const detail = json<Detail>(await as('operator', { method: 'GET', url: `/api/t/33.71/patrols/${p.id}` }))
    expect(detail.checkins).toHaveLength(0)
  })
})

describe('findings', () => {
  it('offers the seeded catalogue to every tenant', async () => {
    for (const [who, tenant] of [
      ['patrol_officer', '33.71'],
      ['malang_admin', '35.73'],
    ]) {
      const res = await as(who, { method: 'GET', url: `/api/t/${tenant}/finding-types` })
      const codes = json<{ items: { code: string }[] }>(res).items.map((t) => t.code)
      // The defaults come first; types other tests of this worker add follow them.
      expect(codes.slice(0, 7)).toEqual([
        'asn_di_luar_kantor',
        'asn_tidak_di_tempat',
        'sampah_liar',
        'pkl_melanggar',
        'reklame_liar',
        'fasilitas_umum_rusak',
        'lainnya',
      ])
    }
  })

  it('records an ASN finding for the OPD head with a due date, once per clientId even when sent twice at once', async () => {
    const p = await started()
    const body = {
      clientId: randomUUID(),
      patrolId: p.id,
      type: 'asn_di_luar_kantor',
      location: north(50),
      description: 'ASN di warung kopi pada jam kerja',
      nip: NIP,
      name: 'Bambang Sutrisno',
      agency: 'dpupr',
    }
    const [a, b] = await Promise.all([record(body), record(body)])
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 201])
    const finding = json<Finding>(a)
    expect(json<Finding>(b)).toEqual(finding)
    expect(finding).toMatchObject({ status: 'open', kind: 'asn', nip: NIP, overdue: false })
    expect(finding.number).toMatch(/^T-\d{4}-\d{5}$/)
    expect(Date.parse(finding.dueAt ?? '')).toBeGreaterThan(Date.now())
    const detail = json<Detail>(await as('operator', { method: 'GET', url: `/api/t/33.71/patrols/${p.id}` }))
    expect(detail.findings.map((f) => f.id)).toEqual([finding.id])
  })

  it('refuses a bad NIP, naming the part, and stores nothing', async () => {
    const p = await started()
    for (const [nip, part] of [
      ['19850315201001100', 'length'],
      ['198502302010011001', 'birthDate'],
      ['198503152010131001', 'appointment'],
      ['198503152010013001', 'sex'],
    ]) {
      const res = await record({
        clientId: randomUUID(),
        patrolId: p.id,
        type: 'asn_tidak_di_tempat',
        location: north(5),
        description: 'Tidak di tempat',
        nip,
        name: 'X',
        agency: 'dpupr',
      })
      expect(res.statusCode).toBe(400)
      expect(json<ErrorBody>(res).error.details).toMatchObject({ field: 'nip', part })
    }
    const noAgency = await record({
      clientId: randomUUID(),
      patrolId: p.id,
      type: 'asn_tidak_di_tempat',
      location: north(5),
      description: 'Tidak di tempat',
      nip: NIP,
      name: 'X',
      agency: 'tidak_ada',
    })
    expect(json<ErrorBody>(noAgency).error.details?.field).toBe('agency')
    const detail = json<Detail>(await as('operator', { method: 'GET', url: `/api/t/33.71/patrols/${p.id}` }))
    expect(detail.findings).toEqual([])
  })

  it('masks the NIP for people who may not read it', async () => {
    const p = await started()
    const f = await asnFinding(p)
    const view = async (who: string) => json<Finding>(await as(who, { method: 'GET', url: `/api/t/33.71/findings/${f.id}` })).nip
    expect(await view('operator')).toBe('**************1001')
    expect(await view('executive')).toBe('**************1001')
    expect(await view('admin')).toBe(NIP)
    expect(await view('patrol_officer')).toBe(NIP)
    // The demo agency officer works for DPUPR, the employee's OPD (tenancy's link).
    expect(await view('agency_officer')).toBe(NIP)
    // Working for the employee's OPD without being its agency officer shows no NIP.
    const executive = unique('exec')
    await personOf(executive, ['executive'], ['dpupr'])
    expect(await view(executive)).toBe('**************1001')
  })

  it('re-encodes photos without EXIF or GPS, once per clientId', async () => {
    const p = await started()
    const f = await asnFinding(p)
    const original = await sharp({ create: { width: 80, height: 60, channels: 3, background: { r: 30, g: 90, b: 160 } } })
      .withExif({ IFD0: { Make: 'KendaliTestCam', Model: 'Secret-Model-9' }, IFD3: { GPSLatitudeRef: 'S', GPSLatitude: '7/1 28/1 38/1' } })
      .jpeg()
      .toBuffer()
    expect((await sharp(original).metadata()).exif).toBeDefined()
    const clientId = randomUUID()
    const url = `/api/t/33.71/findings/${f.id}/photos?clientId=${clientId}`
    const first = await as('patrol_officer', { method: 'POST', url, ...multipart(original) })
    expect(first.statusCode, first.body).toBe(201)
    const again = await as('patrol_officer', { method: 'POST', url, ...multipart(original) })
    expect(again.statusCode).toBe(200)
    expect(json<{ id: string }>(again).id).toBe(json<{ id: string }>(first).id)
    const stored = await as('agency_officer', { method: 'GET', url: json<{ url: string }>(first).url })
    expect(stored.statusCode).toBe(200)
    const meta = await sharp(stored.rawPayload).metadata()
    expect(meta.format).toBe('jpeg')
    expect(meta.exif).toBeUndefined()
    expect(stored.rawPayload.includes('Secret-Model-9')).toBe(false)
    const after = json<Finding>(await as('operator', { method: 'GET', url: `/api/t/33.71/findings/${f.id}` }))
    expect(after.photos).toHaveLength(1)
    const notPicture = await as('patrol_officer', { method: 'POST', url: `/api/t/33.71/findings/${f.id}/photos`, ...multipart(Buffer.from('bukan gambar')) })
    expect(notPicture.statusCode).toBe(400)
  })

  it('lets the OPD’s officer respond and the inspectorate close or reopen, each step an event', async () => {
    const p = await started()
    const f = await asnFinding(p)
    const step = (who: string, name: string, payload?: Record<string, unknown>) =>
      as(who, { method: 'POST', url: `/api/t/33.71/findings/${f.id}/${name}`, payload: payload ?? {} })
    const seen = async (who: string) => json<Finding>(await as(who, { method: 'GET', url: `/api/t/33.71/findings/${f.id}` }))
    expect((await step('patrol_officer', 'respond', { action: 'teguran_lisan', note: 'Sudah ditegur' })).statusCode).toBe(403)
    expect((await step('agency_officer', 'respond', { action: 'dipecat', note: 'x' })).statusCode).toBe(400)
    // The demo inspectorate officer works for Inspektorat, not for the employee's OPD (DPUPR).
    expect((await step('inspektorat', 'respond', { action: 'teguran_lisan', note: 'Sudah ditegur' })).statusCode).toBe(403)
    expect((await step('agency_officer', 'close')).statusCode).toBe(403)
    // Rojak teams record findings but are not the inspectorate unless they work for it.
    expect((await step('patrol_officer', 'close')).statusCode).toBe(403)
    expect((await step('inspektorat', 'close')).statusCode).toBe(409)
    expect(await seen('agency_officer')).toMatchObject({ mayRespond: true, mayClose: false, mayReopen: false })
    const responded = await step('agency_officer', 'respond', { action: 'teguran_lisan', note: 'Sudah ditegur lisan oleh kepala dinas' })
    expect(json<Finding>(responded)).toMatchObject({ status: 'responded', response: { action: 'teguran_lisan' }, mayRespond: false })
    expect(await seen('inspektorat')).toMatchObject({ mayRespond: false, mayClose: true, mayReopen: true, nip: '**************1001' })
    expect(await seen('patrol_officer')).toMatchObject({ mayClose: false, mayReopen: false })
    expect((await step('patrol_officer', 'reopen')).statusCode).toBe(403)
    const reopened = json<Finding>(await step('inspektorat', 'reopen'))
    expect(reopened.status).toBe('open')
    await step('agency_officer', 'respond', { action: 'teguran_tertulis', note: 'Surat teguran tertulis diterbitkan' })
    expect(json<Finding>(await step('inspektorat', 'close')).status).toBe('closed')
    const events = await listEvents(server.kendali.ctx.db, '33.71', { topics: ['patrol_findings'], order: 'asc', limit: 1000 })
    expect(events.filter((e) => e.entity === f.id).map((e) => e.type)).toEqual([
      'finding.recorded',
      'finding.responded',
      'finding.reopened',
      'finding.responded',
      'finding.closed',
    ])
  })

  it('shows OPD heads only their OPD’s findings, and other tenants none', async () => {
    const p = await started()
    const ours = await asnFinding(p)
    const theirs = await asnFinding(p, { agency: 'dinkes' })
    const inbox = json<{ items: Finding[] }>(await as('agency_officer', { method: 'GET', url: '/api/t/33.71/findings?status=open&limit=1000' }))
    const ids = inbox.items.map((i) => i.id)
    expect(ids).toContain(ours.id)
    expect(ids).not.toContain(theirs.id)
    expect((await as('agency_officer', { method: 'GET', url: `/api/t/33.71/findings/${theirs.id}` })).statusCode).toBe(404)
    const malang = json<{ items: Finding[] }>(await as('malang_admin', { method: 'GET', url: '/api/t/35.73/findings?limit=1000' }))
    expect(malang.items.map((i) => i.id)).not.toContain(ours.id)
    expect((await as('malang_admin', { method: 'GET', url: `/api/t/35.73/findings/${ours.id}` })).statusCode).toBe(404)
    expect((await as('malang_admin', { method: 'POST', url: `/api/t/33.71/findings/${ours.id}/close` })).statusCode).toBe(403)
    const followUps = json<{ items: { agency: string; open: number }[] }>(await as('executive', { method: 'GET', url: '/api/t/33.71/findings/follow-ups' }))
    expect(followUps.items.find((i) => i.agency?.includes('Pekerjaan Umum'))?.open).toBeGreaterThan(0)
  })

  it('gives an officer the findings of the OPDs they work for, and refuses answering another OPD’s', async () => {
    const p = await started()
    const dpupr = await asnFinding(p)
    const dinkes = await asnFinding(p, { agency: 'dinkes' })
    const officer = unique('dinkes')
    await personOf(officer, ['agency_officer'], ['dinkes'])
    const inbox = json<{ items: Finding[] }>(await as(officer, { method: 'GET', url: '/api/t/33.71/findings?status=open&limit=1000' }))
    expect(inbox.items.map((i) => i.id)).toContain(dinkes.id)
    expect(inbox.items.every((i) => i.agencyId === dinkes.agencyId)).toBe(true)
    expect(inbox.items.find((i) => i.id === dinkes.id)?.nip).toBe(NIP)
    // Asking for another OPD's findings gives none of them.
    const other = json<{ items: Finding[] }>(await as(officer, { method: 'GET', url: `/api/t/33.71/findings?agency=${dpupr.agencyId}` }))
    expect(other.items).toEqual([])
    const respond = (id: string) =>
      as(officer, { method: 'POST', url: `/api/t/33.71/findings/${id}/respond`, payload: { action: 'pembinaan', note: 'Dibina' } })
    expect((await respond(dpupr.id)).statusCode).toBe(403)
    expect(json<Finding>(await as('operator', { method: 'GET', url: `/api/t/33.71/findings/${dpupr.id}` })).status).toBe('open')
    expect((await respond(dinkes.id)).statusCode).toBe(200)
    // An agency officer linked to no OPD acts for none.
    const unlinked = unique('nolink')
    await personOf(unlinked, ['agency_officer'], [])
    expect(json<{ items: Finding[] }>(await as(unlinked, { method: 'GET', url: '/api/t/33.71/findings?limit=1000' })).items).toEqual([])
  })

  it('makes the inspectorate the people of the OPD the settings name', async () => {
    const p = await started()
    const f = await asnFinding(p)
    const url = '/api/t/33.71/patrol-settings'
    const settings = json<{ followUpDays: number; escalationDays: number[]; inspectorateAgencyId: string | null }>(await as('admin', { method: 'GET', url }))
    expect(settings.inspectorateAgencyId).toBe(await agencyId('inspektorat'))
    expect((await as('admin', { method: 'PUT', url, payload: { ...settings, inspectorateAgencyId: randomUUID() } })).statusCode).toBe(400)
    const auditor = unique('auditor')
    await personOf(auditor, ['patrol_officer'], ['dinkes'])
    const reopen = (who: string) => as(who, { method: 'POST', url: `/api/t/33.71/findings/${f.id}/reopen` })
    await as('agency_officer', { method: 'POST', url: `/api/t/33.71/findings/${f.id}/respond`, payload: { action: 'pembinaan', note: 'Dibina' } })
    expect((await reopen(auditor)).statusCode).toBe(403)
    // Closing and reopening is the inspectorate's job, not the command center's.
    expect((await reopen('operator')).statusCode).toBe(403)
    expect((await as('operator', { method: 'POST', url: `/api/t/33.71/findings/${f.id}/close` })).statusCode).toBe(403)
    try {
      const moved = await as('admin', { method: 'PUT', url, payload: { ...settings, inspectorateAgencyId: await agencyId('dinkes') } })
      expect(moved.statusCode, moved.body).toBe(200)
      // Leaving the inspectorate out of a later change keeps it.
      const kept = await as('admin', { method: 'PUT', url, payload: { followUpDays: settings.followUpDays, escalationDays: settings.escalationDays } })
      expect(json<typeof settings>(kept).inspectorateAgencyId).toBe(await agencyId('dinkes'))
      expect((await reopen('inspektorat')).statusCode).toBe(403)
      expect(json<Finding>(await reopen(auditor)).status).toBe('open')
    } finally {
      await as('admin', { method: 'PUT', url, payload: settings })
    }
  })
})
