import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, Forbidden, Invalid, NotFound } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { decodeCursor, encodeCursor } from '../../core/http/paging.ts'
import { isoInZone } from '../../core/time.ts'
import { type AcceptedAttachment, MAX_ATTACHMENTS_PER_POST } from './attachments.ts'
import { type PostEvent, recordPostEvent } from './events.ts'
import type { AgencyDirectory, AgencyRef } from './ports.ts'
import type { Attachment, CreatePost, Post, PostQuery, PublicPost, UpdatePost } from './schema.ts'
import * as store from './store.ts'

/** The tenant as this module needs it: its code, and the zone its agenda is read in. */
export interface PostTenant {
  code: string
  timezone: string
}

/** Staff see every post of their tenant; the public only published public posts. */
export type Audience = 'staff' | 'public'

/** The OPDs a writer may write for (AGENCY contract): every one (admins, operators), or the ones they work for. */
export type AgencyScope = 'all' | string[]

function mayWriteFor(scope: AgencyScope, agencyId: string): void {
  if (scope !== 'all' && !scope.includes(agencyId)) throw new Forbidden('You may write only for the OPDs you work for', { agencyId })
}

const attachmentUrl = (tenant: string, a: store.AttachmentRow) => `/api/t/${tenant}/posts/${a.postId}/attachments/${a.id}`

/** Agenda, activities, policies and announcements that OPDs publish, with their attachments. */
export class PostService {
  constructor(
    private readonly events: EventLog,
    private readonly directory: AgencyDirectory,
  ) {}

  /** Staff lists: drafts and published posts (or the status asked for), internal ones included. */
  async list(db: Queryable, tenant: PostTenant, q: PostQuery): Promise<{ items: Post[]; total: number; next: string | null }> {
    return this.page(db, tenant, q, { statuses: q.status ? [q.status] : ['draft', 'published'], visibility: q.visibility ?? null })
  }

  /** The public portal's lists: published public posts only. */
  async listPublic(db: Queryable, tenant: PostTenant, q: Omit<PostQuery, 'status' | 'visibility'>) {
    const page = await this.page(db, tenant, q, { statuses: ['published'], visibility: 'public' })
    return { ...page, items: page.items.map(toPublic) }
  }

  async get(db: Queryable, tenant: PostTenant, id: string): Promise<Post> {
    const [post] = await this.shape(db, tenant, [await this.visible(db, tenant.code, id, 'staff')])
    return post
  }

  async getPublic(db: Queryable, tenant: PostTenant, id: string): Promise<PublicPost> {
    const [post] = await this.shape(db, tenant, [await this.visible(db, tenant.code, id, 'public')])
    return toPublic(post)
  }

  async create(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, input: CreatePost): Promise<Post> {
    mayWriteFor(scope, input.agencyId)
    const fields: store.PostFields = {
      kind: input.kind,
      agencyId: input.agencyId,
      title: input.title,
      body: input.body,
      visibility: input.visibility ?? 'internal',
      startsAt: input.startsAt ?? null,
      endsAt: input.endsAt ?? null,
      place: input.place ?? null,
      location: input.location ?? null,
    }
    const publish = input.status === 'published'
    return db.transaction(async (tx) => {
      await this.check(tx, tenant.code, fields)
      const id = await store.insertPost(tx, tenant.code, actor, fields, publish)
      const post = await this.record(tx, tenant, actor, id, 'post.created')
      return publish ? this.record(tx, tenant, actor, id, 'post.published') : post
    })
  }

  async update(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, id: string, input: UpdatePost): Promise<Post> {
    if (input.agencyId) mayWriteFor(scope, input.agencyId)
    return db.transaction(async (tx) => {
      const current = await this.editable(tx, tenant.code, id, scope)
      const fields: store.PostFields = {
        kind: input.kind ?? current.kind,
        agencyId: input.agencyId ?? current.agencyId,
        title: input.title ?? current.title,
        body: input.body ?? current.body,
        visibility: input.visibility ?? current.visibility,
        startsAt: input.startsAt === undefined ? (current.startsAt?.toISOString() ?? null) : input.startsAt,
        endsAt: input.endsAt === undefined ? (current.endsAt?.toISOString() ?? null) : input.endsAt,
        place: input.place === undefined ? current.place : input.place,
        location: input.location === undefined ? current.location : input.location,
      }
      await this.check(tx, tenant.code, fields)
      await store.updatePost(tx, tenant.code, id, actor, fields)
      return this.record(tx, tenant, actor, id, 'post.updated')
    })
  }

  async publish(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, id: string): Promise<Post> {
    return db.transaction(async (tx) => {
      const current = await this.editable(tx, tenant.code, id, scope)
      if (current.status === 'published') throw new Conflict('This post is already published', { status: current.status })
      await store.setStatus(tx, tenant.code, id, actor, 'published')
      return this.record(tx, tenant, actor, id, 'post.published')
    })
  }

  /** Takes a post off every list, the public portal included; it stays readable to staff by id. */
  async archive(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, id: string): Promise<Post> {
    return db.transaction(async (tx) => {
      await this.editable(tx, tenant.code, id, scope)
      await store.setStatus(tx, tenant.code, id, actor, 'archived')
      return this.record(tx, tenant, actor, id, 'post.archived')
    })
  }

  /** Un-archives a post: back on the lists (and the portal, if it was published and public) as it was. */
  async restore(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, id: string): Promise<Post> {
    return db.transaction(async (tx) => {
      const row = await store.findPost(tx, tenant.code, id, true)
      if (!row) throw new NotFound(`There is no post ${id} in ${tenant.code}`)
      mayWriteFor(scope, row.agencyId)
      if (row.status !== 'archived') throw new Conflict('Only an archived post can be restored', { status: row.status })
      await store.restorePost(tx, tenant.code, id, actor)
      return this.record(tx, tenant, actor, id, 'post.restored')
    })
  }

  async addAttachment(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, id: string, file: AcceptedAttachment): Promise<Attachment> {
    return db.transaction(async (tx) => {
      await this.editable(tx, tenant.code, id, scope)
      if ((await store.countAttachments(tx, tenant.code, id)) >= MAX_ATTACHMENTS_PER_POST) {
        throw new Conflict(`A post may have at most ${MAX_ATTACHMENTS_PER_POST} attachments`, { field: 'file' })
      }
      const row = await store.insertAttachment(tx, tenant.code, id, actor, file)
      await this.record(tx, tenant, actor, id, 'post.updated')
      return { id: row.id, name: row.name, mime: row.mime, size: row.size, url: attachmentUrl(tenant.code, row) }
    })
  }

  async removeAttachment(db: Database, tenant: PostTenant, actor: string, scope: AgencyScope, id: string, attachmentId: string): Promise<void> {
    await db.transaction(async (tx) => {
      await this.editable(tx, tenant.code, id, scope)
      if (!(await store.deleteAttachment(tx, tenant.code, id, attachmentId))) throw new NotFound(`There is no attachment ${attachmentId} on this post`)
      await this.record(tx, tenant, actor, id, 'post.updated')
    })
  }

  async attachment(db: Queryable, tenant: string, id: string, attachmentId: string, audience: Audience) {
    await this.visible(db, tenant, id, audience)
    const file = await store.attachmentBytes(db, tenant, id, attachmentId)
    if (!file) throw new NotFound(`There is no attachment ${attachmentId} on this post`)
    return file
  }

  private async page(db: Queryable, tenant: PostTenant, q: Omit<PostQuery, 'status' | 'visibility'>, scope: Pick<store.PostFilter, 'statuses' | 'visibility'>) {
    const order = q.order ?? 'newest'
    const limit = q.limit ?? 50
    const position = decodeCursor<{ k: string; id: string; o: string }>(q.cursor, ['k', 'id', 'o'])
    if (position && position.o !== order) throw new Invalid('cursor belongs to another order', { field: 'cursor' })
    const filter: store.PostFilter = { ...scope, kind: q.kind ?? null, agencyId: q.agency ?? null, from: q.from ?? null, to: q.to ?? null }
    const rows = await store.listPosts(db, tenant.code, filter, order, limit, position ? { key: position.k, id: position.id } : null)
    const last = rows.at(-1)
    return {
      items: await this.shape(db, tenant, rows),
      total: await store.countPosts(db, tenant.code, filter),
      next: rows.length === limit && last ? encodeCursor({ k: last.sortKey, id: last.id, o: order }) : null,
    }
  }

  /** The post if this audience may read it; the public gets the same 404 for internal, draft and missing posts. */
  private async visible(db: Queryable, tenant: string, id: string, audience: Audience): Promise<store.PostRow> {
    const row = await store.findPost(db, tenant, id)
    if (!row || (audience === 'public' && (row.status !== 'published' || row.visibility !== 'public'))) {
      throw new NotFound(`There is no post ${id} in ${tenant}`)
    }
    return row
  }

  /** The post locked for a change by this writer; never an archived one. */
  private async editable(tx: Tx, tenant: string, id: string, scope: AgencyScope): Promise<store.PostRow> {
    const row = await store.findPost(tx, tenant, id, true)
    if (!row) throw new NotFound(`There is no post ${id} in ${tenant}`)
    mayWriteFor(scope, row.agencyId)
    if (row.status === 'archived') throw new Conflict('This post is archived', { status: row.status })
    return row
  }

  private async check(db: Queryable, tenant: string, f: store.PostFields): Promise<void> {
    if (!(await this.directory.agencies(db, tenant)).has(f.agencyId)) throw new Invalid(`There is no agency ${f.agencyId} in ${tenant}`, { field: 'agencyId' })
    if (f.kind === 'agenda' && !f.startsAt) throw new Invalid('An agenda item needs its start time', { field: 'startsAt' })
    if (f.kind === 'agenda' && !f.place) throw new Invalid('An agenda item needs its place', { field: 'place' })
    if (f.endsAt && !f.startsAt) throw new Invalid('An end time needs a start time', { field: 'endsAt' })
    if (f.endsAt && f.startsAt && Date.parse(f.endsAt) < Date.parse(f.startsAt)) throw new Invalid('The end is before the start', { field: 'endsAt' })
  }

  private async record(tx: Tx, tenant: PostTenant, actor: string, id: string, type: PostEvent['type']): Promise<Post> {
    const row = await store.findPost(tx, tenant.code, id)
    if (!row) throw new NotFound(`There is no post ${id} in ${tenant.code}`)
    const [post] = await this.shape(tx, tenant, [row])
    await recordPostEvent(this.events, tx, tenant.code, actor, {
      topic: 'posts',
      type,
      entity: id,
      data: {
        kind: post.kind,
        agencyId: post.agency.id,
        title: post.title,
        visibility: post.visibility,
        status: post.status,
        startsAt: post.startsAt,
        endsAt: post.endsAt,
        place: post.place,
      },
    })
    return post
  }

  private async shape(db: Queryable, tenant: PostTenant, rows: store.PostRow[]): Promise<Post[]> {
    if (rows.length === 0) return []
    const agencies = await this.directory.agencies(db, tenant.code)
    const attachments = await store.attachmentsOf(
      db,
      tenant.code,
      rows.map((r) => r.id),
    )
    const zoned = (at: Date | null) => (at ? isoInZone(at, tenant.timezone) : null)
    return rows.map((r) => {
      const agency: AgencyRef | undefined = agencies.get(r.agencyId)
      return {
        id: r.id,
        kind: r.kind,
        agency: { id: r.agencyId, name: agency?.name ?? null, shortName: agency?.shortName ?? null },
        title: r.title,
        body: r.body,
        startsAt: zoned(r.startsAt),
        endsAt: zoned(r.endsAt),
        place: r.place,
        location: r.location,
        publishedAt: zoned(r.publishedAt),
        attachments: attachments
          .filter((a) => a.postId === r.id)
          .map((a) => ({ id: a.id, name: a.name, mime: a.mime, size: a.size, url: attachmentUrl(tenant.code, a) })),
        visibility: r.visibility,
        status: r.status,
        createdBy: r.createdBy,
        updatedBy: r.updatedBy,
        createdAt: isoInZone(r.createdAt, tenant.timezone),
        updatedAt: isoInZone(r.updatedAt, tenant.timezone),
      }
    })
  }
}

function toPublic(p: Post): PublicPost {
  const { id, kind, agency, title, body, startsAt, endsAt, place, location, publishedAt, attachments } = p
  return { id, kind, agency, title, body, startsAt, endsAt, place, location, publishedAt, attachments }
}
