import { readFileSync } from 'node:fs'
import type { InjectOptions } from 'fastify'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PASSWORD } from '../../../test/support/fixtures.ts'
import { json, loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { samplePhoto } from '../../core/media/sample-photo.ts'
import { tenancyServices } from '../tenancy/index.ts'
import { MAX_PDF_BYTES } from './attachments.ts'

const PDF = readFileSync(new URL('../../../test/fixtures/posts/surat-edaran.pdf', import.meta.url))

interface PostBody {
  id: string
  kind: string
  status: string
  visibility: string
  startsAt: string | null
  endsAt: string | null
  agency: { id: string; name: string | null }
  attachments: { id: string; name: string; mime: string; size: number; url: string }[]
  createdBy?: string
}
type PageBody = { items: PostBody[]; total: number; next: string | null }

let server: TestServer
const cookies: Record<string, string> = {}
const inject = (opts: InjectOptions) => server.kendali.app.inject(opts)
const as = (who: string) => ({ cookie: cookies[who] })

/** A fresh OPD of the tenant, so counts and pages see only this test's posts. */
async function freshAgency(tenant = '33.71'): Promise<string> {
  const agency = await tenancyServices(server.kendali.ctx).agencies.create(server.kendali.ctx.db, tenant, 'system:test', {
    code: unique('opd').toLowerCase().slice(0, 40),
    name: 'Dinas Uji',
  })
  return agency.id
}

/** Signs in a new agency officer who works for these OPDs (AGENCY contract); returns the name of their cookie. */
async function officerOf(...agencies: string[]): Promise<string> {
  const username = unique('opd')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
  const res = await inject({
    method: 'POST',
    url: '/api/t/33.71/users',
    headers: as('admin'),
    payload: { username, name: 'Petugas OPD Uji', password: PASSWORD, roles: ['agency_officer'], agencies },
  })
  expect(res.statusCode, res.body).toBe(201)
  cookies[username] = await loginCookie(server.kendali, username)
  return username
}

async function create(who: string, body: Record<string, unknown>, tenant = '33.71'): Promise<PostBody> {
  const res = await inject({ method: 'POST', url: `/api/t/${tenant}/posts`, headers: as(who), payload: body })
  expect(res.statusCode, res.body).toBe(201)
  return json<PostBody>(res)
}

const announcement = (agencyId: string, extra: Record<string, unknown> = {}) => ({
  kind: 'announcement',
  agencyId,
  title: unique('Pengumuman'),
  body: 'Pelayanan KTP-el tutup sementara.',
  ...extra,
})

function multipart(filename: string, bytes: Buffer, contentType = 'application/octet-stream') {
  const boundary = `----kendali${Date.now()}`
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  return { payload: Buffer.concat([head, bytes, tail]), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

async function upload(who: string, postId: string, filename: string, bytes: Buffer, contentType?: string) {
  const body = multipart(filename, bytes, contentType)
  return inject({ method: 'POST', url: `/api/t/33.71/posts/${postId}/attachments`, headers: { ...body.headers, ...as(who) }, payload: body.payload })
}

beforeAll(async () => {
  server = await startTestKendali({ listen: true })
  for (const who of ['admin', 'operator', 'agency_officer', 'executive', 'dispatcher', 'pemprov', 'malang_operator', 'malang_admin']) {
    cookies[who] = await loginCookie(server.kendali, who)
  }
})
afterAll(async () => {
  await server?.close()
})

describe('agency posts', () => {
  it('keeps an agenda item in the tenant’s zone and records its events', async () => {
    const agencyId = await freshAgency()
    const post = await create('operator', {
      kind: 'agenda',
      agencyId,
      title: 'Rapat koordinasi DBD',
      body: 'Koordinasi lintas puskesmas.',
      startsAt: '2026-11-24T02:00:00Z',
      endsAt: '2026-11-24T11:00:00+07:00',
      place: 'Aula Dinkes',
      location: { type: 'Point', coordinates: [110.2177, -7.4771] },
      status: 'published',
    })
    expect(post).toMatchObject({ status: 'published', visibility: 'internal', startsAt: '2026-11-24T09:00:00+07:00', endsAt: '2026-11-24T11:00:00+07:00' })
    expect(post.agency).toMatchObject({ id: agencyId, name: 'Dinas Uji' })
    const events = json<{ items: { type: string; entity: string; actor: string }[] }>(
      await inject({ method: 'GET', url: '/api/t/33.71/events?topic=posts&limit=1000&order=desc', headers: as('admin') }),
    )
    const mine = events.items.filter((e) => e.entity === post.id).map((e) => e.type)
    expect(mine.sort()).toEqual(['post.created', 'post.published'])
  })

  it('lets admins, operators and the OPD’s own officers write, and refuses other roles and province readers', async () => {
    const agencyId = await freshAgency()
    const officer = await officerOf(agencyId)
    for (const who of ['admin', 'operator', officer]) await create(who, announcement(agencyId))
    for (const who of ['executive', 'dispatcher', 'pemprov']) {
      const res = await inject({ method: 'POST', url: '/api/t/33.71/posts', headers: as(who), payload: announcement(agencyId) })
      expect(res.statusCode, who).toBe(403)
    }
    const post = await create(officer, announcement(agencyId))
    for (const [method, url] of [
      ['PATCH', `/api/t/33.71/posts/${post.id}`],
      ['POST', `/api/t/33.71/posts/${post.id}/publish`],
      ['POST', `/api/t/33.71/posts/${post.id}/archive`],
    ] as const) {
      const res = await inject({ method, url, headers: as('executive'), payload: method === 'PATCH' ? { title: 'Diubah eksekutif' } : undefined })
      expect(res.statusCode, url).toBe(403)
    }
    // Readers of the tenant and of its province see every post.
    for (const who of ['executive', 'pemprov']) {
      const list = json<PageBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts?agency=${agencyId}`, headers: as(who) }))
      expect(list.total, who).toBe(4)
    }
    expect(json<PostBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts/${post.id}`, headers: as(officer) })).status).toBe('draft')
  })

  it('lets an agency officer write only for the OPDs they work for', async () => {
    const own = await freshAgency()
    const other = await freshAgency()
    const officer = await officerOf(own)
    const unlinked = await officerOf()
    // The demo officer works for DPUPR only.
    for (const who of [officer, unlinked, 'agency_officer']) {
      const res = await inject({ method: 'POST', url: '/api/t/33.71/posts', headers: as(who), payload: announcement(other) })
      expect(res.statusCode, who).toBe(403)
    }
    const theirs = await create('operator', announcement(other, { visibility: 'public' }))
    const mine = await create(officer, announcement(own))
    for (const [method, url, payload] of [
      ['PATCH', `/api/t/33.71/posts/${theirs.id}`, { title: 'Bukan milik saya' }],
      ['POST', `/api/t/33.71/posts/${theirs.id}/publish`, undefined],
      ['POST', `/api/t/33.71/posts/${theirs.id}/archive`, undefined],
      ['DELETE', `/api/t/33.71/posts/${theirs.id}/attachments/00000000-0000-4000-8000-000000000000`, undefined],
      // Nor may a post of theirs move to an OPD they do not work for.
      ['PATCH', `/api/t/33.71/posts/${mine.id}`, { agencyId: other }],
    ] as const) {
      const res = await inject({ method, url, headers: as(officer), payload })
      expect(res.statusCode, `${method} ${url}`).toBe(403)
    }
    expect((await upload(officer, theirs.id, 'surat.pdf', PDF, 'application/pdf')).statusCode).toBe(403)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${theirs.id}/archive`, headers: as('operator') })).statusCode).toBe(200)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${theirs.id}/restore`, headers: as(officer) })).statusCode).toBe(403)
    const after = json<PostBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts/${theirs.id}`, headers: as('admin') }))
    expect(after).toMatchObject({ status: 'archived', attachments: [] })
    // Their own OPD's posts are theirs to change.
    const changed = await inject({ method: 'PATCH', url: `/api/t/33.71/posts/${mine.id}`, headers: as(officer), payload: { title: 'Diubah petugas' } })
    expect(changed.statusCode, changed.body).toBe(200)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${mine.id}/publish`, headers: as(officer) })).statusCode).toBe(200)
  })

  it('keeps each city’s posts to itself', async () => {
    const magelang = await create('operator', announcement(await freshAgency()))
    const malangAgency = await freshAgency('35.73')
    const malang = await create('malang_operator', announcement(malangAgency, { visibility: 'public', status: 'published' }), '35.73')
    expect((await inject({ method: 'GET', url: '/api/t/33.71/posts', headers: as('malang_admin') })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/posts/${magelang.id}`, headers: as('malang_admin') })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: `/api/t/35.73/posts/${magelang.id}`, headers: as('malang_admin') })).statusCode).toBe(404)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${magelang.id}/publish`, headers: as('malang_admin') })).statusCode).toBe(403)
    expect((await inject({ method: 'GET', url: `/api/t/33.71/posts/public/${malang.id}` })).statusCode).toBe(404)
    const list = json<PageBody>(await inject({ method: 'GET', url: '/api/t/33.71/posts?limit=1000', headers: as('admin') }))
    expect(list.items.map((p) => p.id)).not.toContain(malang.id)
    // An OPD of another city cannot sign a post here.
    const res = await inject({ method: 'POST', url: '/api/t/33.71/posts', headers: as('operator'), payload: announcement(malangAgency) })
    expect(res.statusCode).toBe(400)
    expect(json<{ error: { details: { field: string } } }>(res).error.details.field).toBe('agencyId')
  })

  it('shows the public only published public posts, and takes archived ones off', async () => {
    const agencyId = await freshAgency()
    const internal = await create('operator', announcement(agencyId, { status: 'published' }))
    const draft = await create('operator', announcement(agencyId, { visibility: 'public' }))
    const publicList = async () => json<PageBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts/public?agency=${agencyId}` })).items.map((p) => p.id)
    expect(await publicList()).toEqual([])
    for (const id of [internal.id, draft.id]) expect((await inject({ method: 'GET', url: `/api/t/33.71/posts/public/${id}` })).statusCode).toBe(404)
    // The staff list does not open to anonymous callers either.
    expect((await inject({ method: 'GET', url: '/api/t/33.71/posts' })).statusCode).toBe(401)

    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/publish`, headers: as(await officerOf(agencyId)) })).statusCode).toBe(200)
    expect(await publicList()).toEqual([draft.id])
    const shown = json<Record<string, unknown>>(await inject({ method: 'GET', url: `/api/t/33.71/posts/public/${draft.id}` }))
    expect(shown).toMatchObject({ id: draft.id, kind: 'announcement' })
    expect(shown).not.toHaveProperty('createdBy')
    expect(shown).not.toHaveProperty('visibility')

    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/publish`, headers: as('operator') })).statusCode).toBe(409)
    expect(
      (await inject({ method: 'PATCH', url: `/api/t/33.71/posts/${draft.id}`, headers: as('operator'), payload: { visibility: 'internal' } })).statusCode,
    ).toBe(200)
    expect(await publicList()).toEqual([])
    expect(
      (await inject({ method: 'PATCH', url: `/api/t/33.71/posts/${draft.id}`, headers: as('operator'), payload: { visibility: 'public' } })).statusCode,
    ).toBe(200)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/archive`, headers: as('operator') })).statusCode).toBe(200)
    expect(await publicList()).toEqual([])
    expect(
      (await inject({ method: 'PATCH', url: `/api/t/33.71/posts/${draft.id}`, headers: as('operator'), payload: { title: 'Terlambat' } })).statusCode,
    ).toBe(409)
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/archive`, headers: as('operator') })).statusCode).toBe(409)

    // Restored as it was: published and public again, with its first publication date; a draft stays a draft.
    const before = json<PostBody & { publishedAt: string }>(await inject({ method: 'GET', url: `/api/t/33.71/posts/${draft.id}`, headers: as('admin') }))
    const restored = await inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/restore`, headers: as('operator') })
    expect(restored.statusCode, restored.body).toBe(200)
    expect(json<PostBody & { publishedAt: string }>(restored)).toMatchObject({ status: 'published', publishedAt: before.publishedAt })
    expect(await publicList()).toEqual([draft.id])
    expect((await inject({ method: 'POST', url: `/api/t/33.71/posts/${draft.id}/restore`, headers: as('operator') })).statusCode).toBe(409)
    const neverPublished = await create('operator', announcement(agencyId))
    await inject({ method: 'POST', url: `/api/t/33.71/posts/${neverPublished.id}/archive`, headers: as('operator') })
    const back = await inject({ method: 'POST', url: `/api/t/33.71/posts/${neverPublished.id}/restore`, headers: as('operator') })
    expect(json<PostBody>(back).status).toBe('draft')
    const events = await server.kendali.ctx.db.query<{ type: string }>(`SELECT type FROM events WHERE tenant = '33.71' AND entity = $1 ORDER BY seq`, [
      draft.id,
    ])
    expect(events.map((e) => e.type).slice(-2)).toEqual(['post.archived', 'post.restored'])
  })

  it('refuses incomplete or inconsistent posts without storing them', async () => {
    const agencyId = await freshAgency()
    const bad = [
      { kind: 'agenda', agencyId, title: 'Tanpa waktu', body: 'x', place: 'Aula' },
      { kind: 'agenda', agencyId, title: 'Tanpa tempat', body: 'x', startsAt: '2026-11-24T09:00:00+07:00' },
      { kind: 'agenda', agencyId, title: 'Terbalik', body: 'x', place: 'Aula', startsAt: '2026-11-24T09:00:00+07:00', endsAt: '2026-11-24T08:00:00+07:00' },
      { kind: 'agenda', agencyId, title: 'Tanpa zona', body: 'x', place: 'Aula', startsAt: '2026-11-24 09:00' },
      { kind: 'rumor', agencyId, title: 'Jenis asing', body: 'x' },
      { ...announcement(agencyId), secret: true },
      { ...announcement(agencyId), agencyId: '00000000-0000-4000-8000-000000000000' },
    ]
    for (const payload of bad) {
      const res = await inject({ method: 'POST', url: '/api/t/33.71/posts', headers: as('operator'), payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(json<{ error: { code: string } }>(res).error.code).toBe('invalid')
    }
    expect(json<PageBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts?agency=${agencyId}`, headers: as('admin') })).total).toBe(0)
  })

  it('pages through posts newest first and agenda by start time, without gaps or repeats', async () => {
    const agencyId = await freshAgency()
    const starts = [
      '2026-12-03T08:00:00+07:00',
      '2026-12-01T08:00:00+07:00',
      '2026-12-05T08:00:00+07:00',
      '2026-12-02T08:00:00+07:00',
      '2026-12-04T08:00:00+07:00',
    ]
    const created: PostBody[] = []
    for (const [i, startsAt] of starts.entries()) {
      created.push(await create('operator', { kind: 'agenda', agencyId, title: `Agenda ${i}`, body: 'x', place: 'Aula', startsAt, status: 'published' }))
    }
    const walk = async (query: string) => {
      const seen: PostBody[] = []
      let next: string | null = null
      do {
        const url: string = `/api/t/33.71/posts?agency=${agencyId}&limit=2&${query}${next ? `&cursor=${next}` : ''}`
        const page: PageBody = json<PageBody>(await inject({ method: 'GET', url, headers: as('executive') }))
        expect(page.total).toBe(5)
        expect(page.items.length).toBeLessThanOrEqual(2)
        seen.push(...page.items)
        next = page.next
      } while (next)
      return seen
    }
    expect((await walk('order=newest')).map((p) => p.id)).toEqual(created.map((p) => p.id).reverse())
    expect((await walk('order=upcoming')).map((p) => p.startsAt)).toEqual([...starts].sort())
    // One day of agenda in the tenant's zone.
    const day = json<PageBody>(
      await inject({
        method: 'GET',
        url: `/api/t/33.71/posts?agency=${agencyId}&kind=agenda&order=upcoming&from=${encodeURIComponent('2026-12-02T00:00:00+07:00')}&to=${encodeURIComponent('2026-12-03T00:00:00+07:00')}`,
        headers: as('executive'),
      }),
    )
    expect(day.items.map((p) => p.startsAt)).toEqual(['2026-12-02T08:00:00+07:00'])
    const res = await inject({ method: 'GET', url: '/api/t/33.71/posts?cursor=bm90LWEtY3Vyc29y', headers: as('executive') })
    expect(res.statusCode).toBe(400)
  })
})

describe('post attachments', () => {
  it('stores a PDF as sent and serves it as a download, to the public once the post is public', async () => {
    const agencyId = await freshAgency()
    const officer = await officerOf(agencyId)
    const post = await create(officer, announcement(agencyId, { kind: 'policy', visibility: 'public' }))
    const res = await upload(officer, post.id, '..\\..\\Surat <Edaran>.pdf', PDF, 'application/pdf')
    expect(res.statusCode, res.body).toBe(201)
    const attachment = json<{ url: string; name: string; mime: string; size: number }>(res)
    expect(attachment).toMatchObject({ mime: 'application/pdf', size: PDF.length, name: 'Surat Edaran.pdf' })
    // Still a draft: hidden from the public, open to staff.
    expect((await inject({ method: 'GET', url: attachment.url })).statusCode).toBe(404)
    const staff = await inject({ method: 'GET', url: attachment.url, headers: as('executive') })
    expect(staff.statusCode).toBe(200)
    await inject({ method: 'POST', url: `/api/t/33.71/posts/${post.id}/publish`, headers: as('operator') })
    const download = await inject({ method: 'GET', url: attachment.url })
    expect(download.statusCode).toBe(200)
    expect(download.headers['content-type']).toBe('application/pdf')
    expect(download.headers['content-disposition']).toMatch(/^attachment;/)
    expect(download.rawPayload.equals(PDF)).toBe(true)
    expect(json<PostBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts/public/${post.id}` })).attachments).toHaveLength(1)
    expect((await inject({ method: 'GET', url: attachment.url.replace('/33.71/', '/35.73/'), headers: as('malang_admin') })).statusCode).toBe(404)
  })

  it('re-encodes pictures without their metadata', async () => {
    const post = await create('operator', announcement(await freshAgency()))
    const res = await upload('operator', post.id, 'foto-kegiatan.png', await samplePhoto('png'))
    expect(res.statusCode, res.body).toBe(201)
    const attachment = json<{ url: string; name: string; mime: string }>(res)
    expect(attachment).toMatchObject({ mime: 'image/jpeg', name: 'foto-kegiatan.jpg' })
    const image = await inject({ method: 'GET', url: attachment.url, headers: as('operator') })
    expect(image.headers['content-type']).toBe('image/jpeg')
    expect((await sharp(image.rawPayload).metadata()).exif).toBeUndefined()
    expect(image.rawPayload.includes(Buffer.from('Secret-Model-9'))).toBe(false)
  })

  it('refuses files of the wrong type or too big, whatever their name, and stores nothing', async () => {
    const post = await create('operator', announcement(await freshAgency()))
    const wrong = [
      ['undangan.pdf', Buffer.from('<html><script>alert(1)</script></html>')],
      ['gambar.svg', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')],
      ['animasi.gif', await samplePhoto('gif')],
      ['dokumen.docx', Buffer.from('PK\u0003\u0004 not a pdf')],
    ] as const
    for (const [name, bytes] of wrong) {
      const res = await upload('operator', post.id, name, Buffer.from(bytes), 'application/pdf')
      expect(res.statusCode, name).toBe(400)
      expect(json<{ error: { code: string } }>(res).error.code).toBe('invalid')
    }
    const big = Buffer.concat([PDF, Buffer.alloc(MAX_PDF_BYTES + 1 - PDF.length, 0x20)])
    const tooBig = await upload('operator', post.id, 'besar.pdf', big, 'application/pdf')
    expect(tooBig.statusCode).toBe(413)
    expect(json<{ error: { code: string } }>(tooBig).error.code).toBe('payload_too_large')
    expect((await upload('executive', post.id, 'surat.pdf', PDF)).statusCode).toBe(403)
    expect(json<PostBody>(await inject({ method: 'GET', url: `/api/t/33.71/posts/${post.id}`, headers: as('operator') })).attachments).toEqual([])
  })

  it('removes an attachment', async () => {
    const post = await create('operator', announcement(await freshAgency()))
    const attachment = json<{ id: string; url: string }>(await upload('operator', post.id, 'surat.pdf', PDF))
    expect((await inject({ method: 'DELETE', url: attachment.url, headers: as('executive') })).statusCode).toBe(403)
    expect((await inject({ method: 'DELETE', url: attachment.url, headers: as('operator') })).statusCode).toBe(204)
    expect((await inject({ method: 'GET', url: attachment.url, headers: as('operator') })).statusCode).toBe(404)
  })
})

describe('public post stream', () => {
  it('tells an open portal when a public post is published, and nothing of internal ones', async () => {
    const agencyId = await freshAgency()
    const controller = new AbortController()
    const res = await fetch(`${server.url}/api/t/33.71/posts/public/live`, { signal: controller.signal })
    expect(res.headers.get('content-type')).toContain('text/event-stream')
    const reader = res.body?.getReader()
    if (!reader) throw new Error('no stream')
    const decoder = new TextDecoder()
    let text = ''
    const readUntil = async (needle: string, times = 1) => {
      while (text.split(needle).length - 1 < times) {
        const { value, done } = await reader.read()
        if (done) throw new Error('stream ended')
        text += decoder.decode(value)
      }
    }
    await readUntil(': posts')
    await create('operator', announcement(agencyId, { status: 'published' }))
    const open = await create('operator', announcement(agencyId, { visibility: 'public', status: 'published' }))
    // Created and published, of the public post only: the internal post's events came first and said nothing.
    await readUntil('event: changed', 2)
    expect(text.split('event: changed').length - 1).toBe(2)
    expect(text).not.toContain(open.id)
    controller.abort()
  })
})
