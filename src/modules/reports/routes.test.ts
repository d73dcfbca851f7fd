import { createHash } from 'node:crypto'
import type { InjectOptions } from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { json, loginCookie, startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { samplePhoto } from '../../core/media/sample-photo.ts'
import { reportsServices } from './index.ts'

type Report = {
  id: string
  number: string
  status: string
  agencyId: string | null
  supporters: number
  mergedInto: string | null
  incidentId: string | null
  kelurahan: { code: string; name: string } | null
  reporter: { name: string | null; phone: string | null } | null
  sla: { statusDueAt: string | null; dueAt: string | null; overdue: boolean; escalationLevel: number }
}
type Detail = Report & { timeline: { kind: string; isPublic: boolean; data: Record<string, unknown> }[]; photos: { id: string; kind: string; url: string }[] }
type Submitted = { id: string; number: string; code: string; status: string; trackUrl: string }
type Category = { code: string; agencyId: string | null; agency: { code: string } | null }
type ErrorBody = { error: { code: string; message: string; details?: { field?: string } } }

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string, opts: InjectOptions) => inject({ ...opts, headers: { ...opts.headers, cookie: cookies[who] } })
let agencies: Map<string, string>

// Near Alun-alun Kota Magelang; tests spread out so their duplicates do not meet.
const ALUN_ALUN: [number, number] = [110.2176, -7.4773]
let spot = 0
/** A fresh point inside the city, 300 m from every other test's. */
const freshPoint = (): [number, number] => {
  spot += 1
  return [ALUN_ALUN[0] + ((spot % 7) - 3) * 0.0028, ALUN_ALUN[1] + (Math.floor(spot / 7) - 3) * 0.0028]
}
const point = (coordinates: [number, number]) => ({ type: 'Point', coordinates })
/** A point `north` metres away from another. */
const north = ([lon, lat]: [number, number], metres: number): [number, number] => [lon, lat + metres / 110_540]
let address = 0
/** Each citizen comes from an address of their own, so the per-address limit does not bite other tests. */
const citizenIp = () => `10.4.${Math.floor(++address / 250)}.${address % 250}`

async function submit(body: Record<string, unknown> = {}, ip = citizenIp()): Promise<Submitted> {
  const res = await inject({
    method: 'POST',
    url: '/api/t/33.71/reports',
    remoteAddress: ip,
    payload: { category: 'jalan_rusak', description: 'Jalan berlubang besar di depan sekolah', location: point(freshPoint()), consent: true, ...body },
  })
  expect(res.statusCode, res.body).toBe(201)
  return json<Submitted>(res)
}

const act = (who: string, report: { id: string }, step: string, payload: Record<string, unknown> = {}) =>
  as(who, { method: 'POST', url: `/api/t/33.71/reports/${report.id}/${step}`, payload })
const detail = async (report: { id: string }, who = 'operator') => json<Detail>(await as(who, { method: 'GET', url: `/api/t/33.71/reports/${report.id}` }))

function multipart(photo: Buffer, field = 'photo', mime = 'image/jpeg'): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----kendali${Date.now().toString(16)}`
  const payload = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="foto.jpg"\r\nContent-Type: ${mime}\r\n\r\n`),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ])
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

async function uploadProof(who: string, report: { id: string }): Promise<string> {
  const res = await as(who, { method: 'POST', url: `/api/t/33.71/reports/${report.id}/photos?kind=proof`, ...multipart(await samplePhoto('jpeg')) })
  expect(res.statusCode, res.body).toBe(201)
  return json<{ id: string }>(res).id
}

beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  for (const who of ['admin', 'operator', 'agency_officer', 'executive', 'pemprov', 'dispatcher', 'malang_admin', 'malang_operator']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
  const categories = json<{ items: Category[] }>(await inject({ method: 'GET', url: '/api/t/33.71/report-categories' })).items
  agencies = new Map(categories.filter((c) => c.agency).map((c) => [c.agency?.code ?? '', c.agencyId ?? '']))
})
afterAll(() => server.close())

describe('catalogue', () => {
  it('gives Kota Magelang a default catalogue routed to its real OPDs, readable without login', async () => {
    const categories = json<{ items: Category[] }>(await inject({ method: 'GET', url: '/api/t/33.71/report-categories' })).items
    const owner = (code: string) => categories.find((c) => c.code === code)?.agency?.code
    expect(owner('jalan_rusak')).toBe('dpupr')
    expect(owner('sampah_liar')).toBe('dlh')
    expect(owner('banjir')).toBe('bpbd')
    expect(owner('pkl')).toBe('satpol_pp')
    expect(owner('pelayanan_publik')).toBeUndefined()
  })

  it('lets only admins change a category, and refuses an agency of another tenant', async () => {
    const body = { label: { id: 'Tes', en: 'Test' }, agencyId: agencies.get('dlh'), slaHours: { submitted: 2 }, totalSlaHours: 10 }
    expect((await as('operator', { method: 'PUT', url: '/api/t/33.71/report-categories/uji_coba', payload: body })).statusCode).toBe(403)
    expect((await as('admin', { method: 'PUT', url: '/api/t/33.71/report-categories/uji_coba', payload: body })).statusCode).toBe(200)
    const malang = await as('malang_admin', { method: 'PUT', url: '/api/t/35.73/report-categories/uji_coba', payload: body })
    expect(malang.statusCode).toBe(400)
    expect(json<ErrorBody>(malang).error.details?.field).toBe('agencyId')
  })
})

describe('submission and tracking', () => {
  it('takes a report without an account and tracks it by code without showing the reporter', async () => {
    const sent = await submit({ reporter: { name: 'Bu Sri', phone: '0812-3456-7001' } })
    expect(sent.number).toMatch(/^R-\d{4}-\d{5}$/)
    expect(sent.code).toMatch(/^[2-9A-Z]{4}-[2-9A-Z]{4}$/)
    // The citizen's tracking page on the public portal.
    expect(sent.trackUrl).toBe(`/p/33.71/reports/track/${sent.code}`)
    const report = await detail(sent)
    expect(report).toMatchObject({ status: 'submitted', agencyId: null, reporter: { name: 'Bu Sri', phone: '081234567001' } })
    expect(report.kelurahan?.code).toMatch(/^33\.71\.\d{2}\.\d{4}$/)
    expect(report.sla.statusDueAt).not.toBeNull()
    const track = await inject({ method: 'GET', url: `/api/t/33.71/reports/track/${sent.code.toLowerCase()}` })
    expect(track.statusCode).toBe(200)
    const body = json<{ status: string; statusLabel: { id: string }; history: { status: string }[] }>(track)
    expect(body).toMatchObject({ status: 'submitted', statusLabel: { id: 'Diajukan' }, history: [{ status: 'submitted' }] })
    expect(track.body).not.toContain('Bu Sri')
    expect(track.body).not.toContain('081234567001')
  })

  it('refuses a report without consent, outside the city, or of an unknown category, naming the field', async () => {
    const cases: [Record<string, unknown>, number, string][] = [
      [{ consent: false }, 400, 'consent'],
      [{ location: point([112.63, -7.98]) }, 400, 'location'],
      [{ category: 'ufo' }, 404, 'category'],
    ]
    for (const [body, status, field] of cases) {
      const res = await inject({
        method: 'POST',
        url: '/api/t/33.71/reports',
        remoteAddress: citizenIp(),
        payload: { category: 'jalan_rusak', description: 'Jalan berlubang besar', location: point(freshPoint()), consent: true, ...body },
      })
      expect(res.statusCode, res.body).toBe(status)
      expect(json<ErrorBody>(res).error.details?.field).toBe(field)
    }
  })

  it('limits reports per address and per phone with a clear 429', async () => {
    const ip = citizenIp()
    for (let i = 0; i < 10; i++) await submit({}, ip)
    const blocked = await inject({
      method: 'POST',
      url: '/api/t/33.71/reports',
      remoteAddress: ip,
      payload: { category: 'jalan_rusak', description: 'Jalan berlubang lagi', location: point(freshPoint()), consent: true },
    })
    expect(blocked.statusCode).toBe(429)
    expect(json<ErrorBody>(blocked).error.message).toContain('an hour from one address')
    const phone = `0813${Date.now().toString().slice(-8)}`
    for (let i = 0; i < 5; i++) await submit({ reporter: { phone } })
    const res = await inject({
      method: 'POST',
      url: '/api/t/33.71/reports',
      remoteAddress: citizenIp(),
      payload: { category: 'jalan_rusak', description: 'Jalan berlubang lagi', location: point(freshPoint()), consent: true, reporter: { phone } },
    })
    expect(res.statusCode).toBe(429)
    expect(json<ErrorBody>(res).error.message).toContain('phone')
  })

  it('keeps the reporter address only as a hash keyed with the instance key, not one anyone can recompute', async () => {
    const ip = citizenIp()
    const sent = await submit({}, ip)
    const [row] = await server.kendali.ctx.db.query<{ reporter_ip_hash: string }>('SELECT reporter_ip_hash FROM reports WHERE tenant = $1 AND id = $2', [
      '33.71',
      sent.id,
    ])
    const unkeyed = createHash('sha256').update(`kendali-reports|33.71|${ip}`).digest('hex').slice(0, 32)
    expect(row.reporter_ip_hash).toMatch(/^[0-9a-f]{32}$/)
    expect(row.reporter_ip_hash).not.toBe(unkeyed)
    expect(row.reporter_ip_hash).not.toContain(ip)
  })

  it('takes up to 3 photos, re-encoded without metadata, and refuses other files', async () => {
    const sent = await submit()
    const url = `/api/t/33.71/reports/track/${sent.code}/photos`
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const res = await inject({ method: 'POST', url, ...multipart(await samplePhoto(format)) })
      expect(res.statusCode, res.body).toBe(201)
    }
    const fourth = await inject({ method: 'POST', url, ...multipart(await samplePhoto('jpeg')) })
    expect(fourth.statusCode).toBe(409)
    const other = await submit()
    const gif = await inject({
      method: 'POST',
      url: `/api/t/33.71/reports/track/${other.code}/photos`,
      ...multipart(await samplePhoto('gif'), 'photo', 'image/gif'),
    })
    expect(gif.statusCode).toBe(400)
    expect(json<ErrorBody>(gif).error.message).toContain('JPEG, PNG or WebP')
    const huge = await inject({ method: 'POST', url: `/api/t/33.71/reports/track/${other.code}/photos`, ...multipart(Buffer.alloc(9 * 1024 * 1024, 1)) })
    expect(huge.statusCode).toBe(413)
    const notMultipart = await inject({ method: 'POST', url: `/api/t/33.71/reports/track/${other.code}/photos`, payload: { photo: 'x' } })
    expect(notMultipart.statusCode).toBe(400)

    const photos = (await detail(sent)).photos
    expect(photos).toHaveLength(3)
    const image = await as('operator', { method: 'GET', url: photos[0].url })
    expect(image.statusCode).toBe(200)
    expect(image.headers['content-type']).toBe('image/jpeg')
    expect((await sharp(image.rawPayload).metadata()).exif).toBeUndefined()
    expect(image.rawPayload.includes(Buffer.from('Secret-Model-9'))).toBe(false)
  })
})

describe('workflow', () => {
  it('shows the public a report’s description and photos only once the command center has verified it', async () => {
    const sent = await submit({ description: 'Tulisan warga yang belum diperiksa' })
    expect((await inject({ method: 'POST', url: `/api/t/33.71/reports/track/${sent.code}/photos`, ...multipart(await samplePhoto('jpeg')) })).statusCode).toBe(
      201,
    )
    const [photo] = (await detail(sent)).photos
    const seen = async () => {
      const track = json<{ description: string | null; photos: { url: string }[] }>(
        await inject({ method: 'GET', url: `/api/t/33.71/reports/track/${sent.code}` }),
      )
      const open311 = json<{ description: string | null; media_url: string | null }[]>(
        await inject({ method: 'GET', url: `/open311/v2/requests/${sent.number}.json?jurisdiction_id=33.71` }),
      )[0]
      return {
        track: [track.description, track.photos.length],
        open311: [open311.description, open311.media_url !== null],
        photo: (await inject({ method: 'GET', url: photo.url })).statusCode,
        trackPhoto: (await inject({ method: 'GET', url: `/api/t/33.71/reports/track/${sent.code}/photos/${photo.id}` })).statusCode,
      }
    }
    expect(await seen()).toEqual({ track: [null, 0], open311: [null, false], photo: 404, trackPhoto: 404 })
    // Staff see it all the while.
    expect((await as('operator', { method: 'GET', url: photo.url })).statusCode).toBe(200)
    expect((await act('operator', sent, 'verify')).statusCode).toBe(200)
    expect(await seen()).toEqual({
      track: ['Tulisan warga yang belum diperiksa', 1],
      open311: ['Tulisan warga yang belum diperiksa', true],
      photo: 200,
      trackPhoto: 200,
    })
  })

  it('goes from submission to the OPD and back to the citizen as selesai, each step in the log', async () => {
    const sent = await submit()
    expect((await act('operator', sent, 'verify')).statusCode).toBe(200)
    const assigned = await act('operator', sent, 'assign', { note: 'Mohon segera' })
    expect(json<Report>(assigned)).toMatchObject({ status: 'assigned', agencyId: agencies.get('dpupr') })
    // The demo officer works for DPUPR and sees it in the inbox.
    const inbox = json<{ items: Report[] }>(await as('agency_officer', { method: 'GET', url: '/api/t/33.71/reports?status=open&limit=1000' }))
    expect(inbox.items.map((r) => r.id)).toContain(sent.id)
    expect(inbox.items.every((r) => r.agencyId === agencies.get('dpupr'))).toBe(true)
    expect((await act('agency_officer', sent, 'start', { note: 'Tim berangkat' })).statusCode).toBe(200)
    const noProof = await act('agency_officer', sent, 'resolve', { note: 'Sudah ditambal', proofPhotoId: '00000000-0000-4000-8000-000000000000' })
    expect(noProof.statusCode).toBe(400)
    const proof = await uploadProof('agency_officer', sent)
    const resolved = await act('agency_officer', sent, 'resolve', { note: 'Sudah ditambal', proofPhotoId: proof })
    expect(json<Report>(resolved).status).toBe('resolved')

    const track = json<{ status: string; statusLabel: { id: string }; statusNote: string; history: { status: string | null }[]; photos: unknown[] }>(
      await inject({ method: 'GET', url: `/api/t/33.71/reports/track/${sent.code}` }),
    )
    expect(track).toMatchObject({ status: 'resolved', statusLabel: { id: 'Selesai' }, statusNote: 'Sudah ditambal' })
    expect(track.history.map((h) => h.status).filter(Boolean)).toEqual(['submitted', 'verified', 'assigned', 'in_progress', 'resolved'])
    expect(track.photos).toHaveLength(1)

    const events = json<{ items: { type: string; entity: string }[] }>(
      await as('operator', { method: 'GET', url: '/api/t/33.71/events?topic=reports&limit=1000' }),
    )
    const mine = events.items.filter((e) => e.entity === sent.id).map((e) => e.type)
    expect(mine).toEqual(expect.arrayContaining(['report.submitted', 'report.status_changed', 'report.routed', 'report.photo_added']))
    expect(mine.filter((t) => t === 'report.status_changed')).toHaveLength(4)
    expect((await act('operator', sent, 'close')).statusCode).toBe(200)
  })

  it('shows the reporter whole to the command center and the assigned OPD, masked to executives and the province', async () => {
    const sent = await submit({ reporter: { name: 'Sri Rahayu', phone: '081234567890', email: 'sri@example.test' } })
    await act('operator', sent, 'verify')
    await act('operator', sent, 'assign')
    const whole = { name: 'Sri Rahayu', phone: '081234567890', email: 'sri@example.test' }
    const masked = { name: 'S*** R***', phone: '0812*****890', email: 's***@example.test' }
    for (const [who, reporter] of [
      ['admin', whole],
      ['operator', whole],
      ['agency_officer', whole],
      ['executive', masked],
      ['pemprov', masked],
    ] as const) {
      const detail = await as(who, { method: 'GET', url: `/api/t/33.71/reports/${sent.id}` })
      expect([who, json<Report>(detail).reporter]).toEqual([who, reporter])
      const list = json<{ items: Report[] }>(await as(who, { method: 'GET', url: '/api/t/33.71/reports?status=open&limit=1000' }))
      expect([who, list.items.find((r) => r.id === sent.id)?.reporter]).toEqual([who, reporter])
    }
  })

  it('erases the contacts of reporters and supporters once a closed report passes the retention time, and logs it', async () => {
    const db = server.kendali.ctx.db
    const { reports } = reportsServices(server.kendali.ctx)
    const sent = await submit({ reporter: { name: 'Sri Rahayu', phone: '081298765432', email: 'sri@example.test' } })
    const supported = await inject({
      method: 'POST',
      url: `/api/t/33.71/reports/${sent.id}/support`,
      remoteAddress: citizenIp(),
      payload: { reporter: { name: 'Joko', phone: '081211122233' }, consent: true },
    })
    expect(supported.statusCode, supported.body).toBe(200)
    expect((await act('operator', sent, 'reject', { reason: 'Bukan wewenang kota' })).statusCode).toBe(200)
    const contacts = async () => ({
      reporter: (await db.query('SELECT reporter_name, reporter_phone, reporter_email FROM reports WHERE tenant = $1 AND id = $2', ['33.71', sent.id]))[0],
      supporters: await db.query('SELECT name, phone, email FROM report_supporters WHERE tenant = $1 AND report_id = $2', ['33.71', sent.id]),
    })
    // Closed just now: kept for the retention time.
    await reports.eraseExpiredContacts(db, 30)
    expect((await contacts()).reporter).toEqual({ reporter_name: 'Sri Rahayu', reporter_phone: '081298765432', reporter_email: 'sri@example.test' })

    await reports.eraseExpiredContacts(db, 30, new Date(Date.now() + 31 * 86_400_000))
    expect(await contacts()).toEqual({
      reporter: { reporter_name: null, reporter_phone: null, reporter_email: null },
      supporters: [{ name: null, phone: null, email: null }],
    })
    const events = json<{ items: { type: string; data: { reports: number } }[] }>(
      await as('admin', { method: 'GET', url: '/api/t/33.71/events?topic=report_config&limit=1000' }),
    )
    expect(events.items.filter((e) => e.type === 'report_contacts.erased').at(-1)?.data.reports).toBeGreaterThanOrEqual(1)
  })

  it('refuses forbidden moves with 409 and the wrong party with 403', async () => {
    const sent = await submit()
    expect((await act('agency_officer', sent, 'start')).statusCode).toBe(404)
    expect((await act('operator', sent, 'assign')).statusCode).toBe(409)
    expect((await act('agency_officer', sent, 'verify')).statusCode).toBe(403)
    expect((await act('executive', sent, 'verify')).statusCode).toBe(403)
    expect((await act('dispatcher', sent, 'verify')).statusCode).toBe(403)
    await act('operator', sent, 'verify')
    expect((await act('operator', sent, 'verify')).statusCode).toBe(409)
    await act('operator', sent, 'assign')
    expect((await act('operator', sent, 'start')).statusCode).toBe(403)
    expect((await act('operator', sent, 'close')).statusCode).toBe(409)
    const reopen = await inject({ method: 'POST', url: `/api/t/33.71/reports/track/${sent.code}/reopen`, payload: { reason: 'Belum beres' } })
    expect(reopen.statusCode).toBe(409)
  })

  it('rejects with a reason the citizen reads', async () => {
    const sent = await submit()
    expect((await act('operator', sent, 'reject', { reason: 'Lokasi di luar kewenangan kota' })).statusCode).toBe(200)
    const track = json<{ status: string; statusNote: string }>(await inject({ method: 'GET', url: `/api/t/33.71/reports/track/${sent.code}` }))
    expect(track).toMatchObject({ status: 'rejected', statusNote: 'Lokasi di luar kewenangan kota' })
    expect((await act('operator', sent, 'verify')).statusCode).toBe(409)
  })

  it('lets the OPD hand back with a reason and the operator re-route to another OPD', async () => {
    const sent = await submit()
    await act('operator', sent, 'verify')
    await act('operator', sent, 'assign')
    const back = await act('agency_officer', sent, 'hand-back', { reason: 'Ini saluran, bukan jalan' })
    expect(json<Report>(back)).toMatchObject({ status: 'verified', agencyId: null })
    const rerouted = await act('operator', sent, 'assign', { agencyId: agencies.get('dlh') })
    expect(json<Report>(rerouted)).toMatchObject({ status: 'assigned', agencyId: agencies.get('dlh') })
    // Now with DLH: the DPUPR officer no longer sees it.
    expect((await as('agency_officer', { method: 'GET', url: `/api/t/33.71/reports/${sent.id}` })).statusCode).toBe(404)
    const timeline = (await detail(sent)).timeline.map((e) => e.kind)
    expect(timeline).toEqual(expect.arrayContaining(['handed_back', 'routed']))
  })

  it('lets the reporter reopen a resolved report by its code', async () => {
    const sent = await submit()
    await act('operator', sent, 'verify')
    await act('operator', sent, 'assign')
    await act('agency_officer', sent, 'start')
    await act('agency_officer', sent, 'resolve', { note: 'Selesai ditambal', proofPhotoId: await uploadProof('agency_officer', sent) })
    const reopened = await inject({ method: 'POST', url: `/api/t/33.71/reports/track/${sent.code}/reopen`, payload: { reason: 'Lubangnya muncul lagi' } })
    expect(reopened.statusCode, reopened.body).toBe(200)
    expect(json<{ status: string; statusLabel: { id: string } }>(reopened)).toMatchObject({ status: 'reopened', statusLabel: { id: 'Dibuka kembali' } })
    expect((await act('agency_officer', sent, 'start')).statusCode).toBe(200)
  })

  it('raises an incident from a report, linked both ways', async () => {
    const sent = await submit({ category: 'pohon_tumbang', description: 'Pohon besar tumbang menutup jalan' })
    const res = await act('operator', sent, 'incident', { type: 'fallen_tree' })
    expect(res.statusCode, res.body).toBe(201)
    const { incident, report } = json<{ incident: { id: string; number: string }; report: Report }>(res)
    expect(report.incidentId).toBe(incident.id)
    const inc = json<{ reportId: string; source: string }>(await as('operator', { method: 'GET', url: `/api/t/33.71/incidents/${incident.id}` }))
    expect(inc).toMatchObject({ reportId: sent.id, source: 'report' })
    expect((await act('operator', sent, 'incident', { type: 'fallen_tree' })).statusCode).toBe(409)
  })
})

describe('duplicates', () => {
  it('offers open reports of the same category within 100 m and 7 days, and counts supporters instead', async () => {
    const at = freshPoint()
    const first = await submit({ location: point(at), reporter: { phone: '0812999000111' } })
    const ask = (category: string, p: [number, number]) =>
      inject({ method: 'GET', url: `/api/t/33.71/reports/nearby?category=${category}&lon=${p[0]}&lat=${p[1]}` })
    const close = json<{ items: { id: string; distanceM: number; description: string }[] }>(await ask('jalan_rusak', north(at, 60)))
    expect(close.items.find((r) => r.id === first.id)?.distanceM).toBeCloseTo(60, -1)
    expect(JSON.stringify(close)).not.toContain('0812999000111')
    expect(json<{ items: { id: string }[] }>(await ask('jalan_rusak', north(at, 160))).items.map((r) => r.id)).not.toContain(first.id)
    expect(json<{ items: { id: string }[] }>(await ask('sampah_liar', north(at, 10))).items.map((r) => r.id)).not.toContain(first.id)

    const support = (phone: string) =>
      inject({ method: 'POST', url: `/api/t/33.71/reports/${first.id}/support`, remoteAddress: citizenIp(), payload: { reporter: { phone }, consent: true } })
    const res = await support('0812000222333')
    expect(res.statusCode, res.body).toBe(200)
    expect(json<{ supporters: number }>(res).supporters).toBe(1)
    expect((await support('0812000222333')).statusCode).toBe(409)
  })

  it('lets operators merge a duplicate: it closes as merged and its people count on the other', async () => {
    const at = freshPoint()
    const a = await submit({ location: point(at) })
    const b = await submit({ location: point(north(at, 30)), reporter: { name: 'Pak Joko', phone: '0812555000111' } })
    expect((await act('agency_officer', b, 'merge', { into: a.id })).statusCode).toBe(403)
    const merged = await act('operator', b, 'merge', { into: a.id })
    expect(merged.statusCode, merged.body).toBe(200)
    expect(json<Report>(merged)).toMatchObject({ status: 'merged', mergedInto: a.id })
    expect((await detail(a)).supporters).toBe(1)
    expect((await act('operator', a, 'merge', { into: b.id })).statusCode).toBe(409)
    const track = json<{ status: string }>(await inject({ method: 'GET', url: `/api/t/33.71/reports/track/${b.code}` }))
    expect(track.status).toBe('merged')
  })
})

describe('tenant isolation', () => {
  it('keeps one city’s reports out of another’s API', async () => {
    const sent = await submit()
    expect((await as('malang_operator', { method: 'GET', url: `/api/t/35.73/reports/${sent.id}` })).statusCode).toBe(404)
    expect((await as('malang_operator', { method: 'GET', url: `/api/t/33.71/reports/${sent.id}` })).statusCode).toBe(403)
    expect((await as('malang_operator', { method: 'POST', url: `/api/t/33.71/reports/${sent.id}/verify`, payload: {} })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: `/api/t/35.73/reports/track/${sent.code}` })).statusCode).toBe(404)
    const list = json<{ items: Report[] }>(await as('malang_operator', { method: 'GET', url: '/api/t/35.73/reports?limit=1000' }))
    expect(list.items.map((r) => r.id)).not.toContain(sent.id)
  })

  it('needs a login for the staff list and keeps reporter contacts out of the public map', async () => {
    expect((await inject({ method: 'GET', url: '/api/t/33.71/reports' })).statusCode).toBe(401)
    await submit({ reporter: { phone: '0812777000999' } })
    const map = await inject({ method: 'GET', url: '/api/t/33.71/reports/public' })
    expect(map.statusCode).toBe(200)
    expect(map.body).not.toContain('0812777000999')
    expect(json<{ features: unknown[] }>(map).features.length).toBeGreaterThan(0)
  })
})
