import { randomUUID } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { listEvents } from '../../core/events/log.ts'

type Patrol = { id: string; name: string; status: string; team: string[]; checkpoints: { id: string; name: string }[] }
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
  for (const who of ['admin', 'operator', 'patrol_officer', 'agency_officer', 'executive', 'field_crew', 'malang_admin']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
})
afterAll(() => server.close())

describe('patrol plans', () => {
  it('plans a patrol for a team of patrol officers and lists it', async () => {
    const p = await plan()
    expect(p).toMatchObject({ status: 'planned', team: ['patrol_officer'], checkpoints: [{ name: 'Alun-alun' }] })
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
    expect(await view('operator')).toBe('1985031520********')
    expect(await view('executive')).toBe('1985031520********')
    expect(await view('admin')).toBe(NIP)
    expect(await view('patrol_officer')).toBe(NIP)
    // The demo agency officer heads DPUPR, the employee's OPD.
    expect(await view('agency_officer')).toBe(NIP)
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

  it('lets the OPD head respond and the inspectorate close or reopen, each step an event', async () => {
    const p = await started()
    const f = await asnFinding(p)
    const step = (who: string, name: string, payload?: Record<string, unknown>) =>
      as(who, { method: 'POST', url: `/api/t/33.71/findings/${f.id}/${name}`, payload: payload ?? {} })
    expect((await step('patrol_officer', 'respond', { action: 'teguran_lisan', note: 'Sudah ditegur' })).statusCode).toBe(403)
    expect((await step('agency_officer', 'respond', { action: 'dipecat', note: 'x' })).statusCode).toBe(400)
    expect((await step('agency_officer', 'close')).statusCode).toBe(403)
    expect((await step('patrol_officer', 'close')).statusCode).toBe(409)
    const responded = await step('agency_officer', 'respond', { action: 'teguran_lisan', note: 'Sudah ditegur lisan oleh kepala dinas' })
    expect(json<Finding>(responded)).toMatchObject({ status: 'responded', response: { action: 'teguran_lisan' } })
    const reopened = json<Finding>(await step('patrol_officer', 'reopen'))
    expect(reopened.status).toBe('open')
    await step('agency_officer', 'respond', { action: 'teguran_tertulis', note: 'Surat teguran tertulis diterbitkan' })
    expect(json<Finding>(await step('patrol_officer', 'close')).status).toBe('closed')
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
})
