import type { Queryable } from '../../core/db/database.ts'
import { GEOM_FROM_GEOJSON, GEOM_TO_GEOJSON, type GeoPoint } from '../../core/geo/geojson.ts'
import type { PostKind } from './schema.ts'

// This module's SQL and nothing else.

export type PostStatus = 'draft' | 'published' | 'archived'
export type Visibility = 'public' | 'internal'

export interface PostRow {
  id: string
  kind: PostKind
  agencyId: string
  title: string
  body: string
  visibility: Visibility
  status: PostStatus
  startsAt: Date | null
  endsAt: Date | null
  place: string | null
  location: GeoPoint | null
  publishedAt: Date | null
  createdBy: string | null
  updatedBy: string | null
  createdAt: Date
  updatedAt: Date
}

/** What a post is made of, as written. */
export interface PostFields {
  kind: PostKind
  agencyId: string
  title: string
  body: string
  visibility: Visibility
  startsAt: string | null
  endsAt: string | null
  place: string | null
  location: GeoPoint | null
}

export interface PostFilter {
  kind: PostKind | null
  agencyId: string | null
  statuses: PostStatus[]
  visibility: Visibility | null
  from: string | null
  to: string | null
}

export type PostOrder = 'newest' | 'upcoming'

const POST = `p.id, p.kind, p.agency_id AS "agencyId", p.title, p.body, p.visibility, p.status, p.starts_at AS "startsAt",
  p.ends_at AS "endsAt", p.place, ${GEOM_TO_GEOJSON('p.location')} AS location, p.published_at AS "publishedAt",
  p.created_by AS "createdBy", p.updated_by AS "updatedBy", p.created_at AS "createdAt", p.updated_at AS "updatedAt"`

// `newest`: by publication (drafts by creation); `upcoming`: by when it happens (agenda), else by publication.
const SORT_KEY: Record<PostOrder, string> = {
  newest: 'coalesce(p.published_at, p.created_at)',
  upcoming: 'coalesce(p.starts_at, p.published_at, p.created_at)',
}

// A post happens over [starts_at, ends_at]; posts without a time happen when published (or written).
const FILTER = `p.tenant = $1 AND ($2::text IS NULL OR p.kind = $2) AND ($3::uuid IS NULL OR p.agency_id = $3)
  AND p.status = ANY($4::text[]) AND ($5::text IS NULL OR p.visibility = $5)
  AND ($6::timestamptz IS NULL OR coalesce(p.ends_at, p.starts_at, p.published_at, p.created_at) >= $6)
  AND ($7::timestamptz IS NULL OR coalesce(p.starts_at, p.published_at, p.created_at) < $7)`

const filterParams = (tenant: string, f: PostFilter) => [tenant, f.kind, f.agencyId, f.statuses, f.visibility, f.from, f.to]

export async function insertPost(db: Queryable, tenant: string, actor: string, p: PostFields, publish: boolean): Promise<string> {
  const [row] = await db.query<{ id: string }>(
    `INSERT INTO posts (tenant, kind, agency_id, title, body, visibility, status, starts_at, ends_at, place, location, published_at, created_by, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, ${GEOM_FROM_GEOJSON('$11')}, CASE WHEN $12 THEN now() END, $13, $13) RETURNING id`,
    [
      tenant,
      p.kind,
      p.agencyId,
      p.title,
      p.body,
      p.visibility,
      publish ? 'published' : 'draft',
      p.startsAt,
      p.endsAt,
      p.place,
      p.location ? JSON.stringify(p.location) : null,
      publish,
      actor,
    ],
  )
  return row.id
}

export async function findPost(db: Queryable, tenant: string, id: string, forUpdate = false): Promise<PostRow | null> {
  const [row] = await db.query<PostRow>(`SELECT ${POST} FROM posts p WHERE p.tenant = $1 AND p.id = $2${forUpdate ? ' FOR UPDATE' : ''}`, [tenant, id])
  return row ?? null
}

export async function updatePost(db: Queryable, tenant: string, id: string, actor: string, p: PostFields): Promise<void> {
  await db.query(
    `UPDATE posts SET kind = $3, agency_id = $4, title = $5, body = $6, visibility = $7, starts_at = $8, ends_at = $9, place = $10,
       location = ${GEOM_FROM_GEOJSON('$11')}, updated_by = $12, updated_at = now()
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, p.kind, p.agencyId, p.title, p.body, p.visibility, p.startsAt, p.endsAt, p.place, p.location ? JSON.stringify(p.location) : null, actor],
  )
}

export async function setStatus(db: Queryable, tenant: string, id: string, actor: string, status: 'published' | 'archived'): Promise<void> {
  await db.query(
    `UPDATE posts SET status = $3, published_at = CASE WHEN $3 = 'published' THEN now() ELSE published_at END, updated_by = $4, updated_at = now()
     WHERE tenant = $1 AND id = $2`,
    [tenant, id, status, actor],
  )
}

/** Brings an archived post back as it was: published if it had been, else a draft (its publication date kept). */
export async function restorePost(db: Queryable, tenant: string, id: string, actor: string): Promise<void> {
  await db.query(
    `UPDATE posts SET status = CASE WHEN published_at IS NULL THEN 'draft' ELSE 'published' END, updated_by = $3, updated_at = now()
     WHERE tenant = $1 AND id = $2 AND status = 'archived'`,
    [tenant, id, actor],
  )
}

/** A page of posts after the cursor position (`key` is the sort key as exact text, `id` breaks ties). */
export async function listPosts(
  db: Queryable,
  tenant: string,
  f: PostFilter,
  order: PostOrder,
  limit: number,
  after: { key: string; id: string } | null,
): Promise<(PostRow & { sortKey: string })[]> {
  const key = SORT_KEY[order]
  const [direction, beyond] = order === 'newest' ? ['DESC', '<'] : ['ASC', '>']
  return db.query<PostRow & { sortKey: string }>(
    `SELECT ${POST}, to_json(${key}) #>> '{}' AS "sortKey" FROM posts p
     WHERE ${FILTER} AND ($8::timestamptz IS NULL OR (${key}, p.id) ${beyond} ($8::timestamptz, $9::uuid))
     ORDER BY ${key} ${direction}, p.id ${direction} LIMIT $10`,
    [...filterParams(tenant, f), after?.key ?? null, after?.id ?? null, limit],
  )
}

export async function countPosts(db: Queryable, tenant: string, f: PostFilter): Promise<number> {
  const [row] = await db.query<{ n: number }>(`SELECT count(*) AS n FROM posts p WHERE ${FILTER}`, filterParams(tenant, f))
  return row.n
}

export interface AttachmentRow {
  id: string
  postId: string
  name: string
  mime: string
  size: number
}

export async function attachmentsOf(db: Queryable, tenant: string, postIds: string[]): Promise<AttachmentRow[]> {
  if (postIds.length === 0) return []
  return db.query<AttachmentRow>(
    `SELECT id, post_id AS "postId", name, mime, size FROM post_attachments WHERE tenant = $1 AND post_id = ANY($2::uuid[]) ORDER BY created_at, id`,
    [tenant, postIds],
  )
}

export async function countAttachments(db: Queryable, tenant: string, postId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*) AS n FROM post_attachments WHERE tenant = $1 AND post_id = $2', [tenant, postId])
  return row.n
}

export async function insertAttachment(
  db: Queryable,
  tenant: string,
  postId: string,
  actor: string,
  a: { name: string; mime: string; bytes: Buffer },
): Promise<AttachmentRow> {
  const [row] = await db.query<AttachmentRow>(
    `INSERT INTO post_attachments (tenant, post_id, name, mime, size, bytes, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING id, post_id AS "postId", name, mime, size`,
    [tenant, postId, a.name, a.mime, a.bytes.length, a.bytes, actor],
  )
  return row
}

export async function attachmentBytes(
  db: Queryable,
  tenant: string,
  postId: string,
  id: string,
): Promise<{ name: string; mime: string; bytes: Buffer } | null> {
  const [row] = await db.query<{ name: string; mime: string; bytes: Buffer | Uint8Array }>(
    'SELECT name, mime, bytes FROM post_attachments WHERE tenant = $1 AND post_id = $2 AND id = $3',
    [tenant, postId, id],
  )
  return row ? { name: row.name, mime: row.mime, bytes: Buffer.from(row.bytes) } : null
}

export async function deleteAttachment(db: Queryable, tenant: string, postId: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM post_attachments WHERE tenant = $1 AND post_id = $2 AND id = $3 RETURNING id', [tenant, postId, id])
  return rows.length > 0
}
