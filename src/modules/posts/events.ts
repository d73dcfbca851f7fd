import type { Tx } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { PostKind } from './schema.ts'

/** Every role of a tenant reads posts, internal ones included. */
export const POST_TOPICS = { posts: 'any' } as const

/** What a post event carries: enough for the console's agenda and feed to update without asking again. */
export type PostSummary = {
  kind: PostKind
  agencyId: string
  title: string
  visibility: 'public' | 'internal'
  status: 'draft' | 'published' | 'archived'
  startsAt: string | null
  endsAt: string | null
  place: string | null
}

export type PostEvent = {
  topic: 'posts'
  type: 'post.created' | 'post.published' | 'post.updated' | 'post.archived' | 'post.restored'
  entity: string
  data: PostSummary
}

export function recordPostEvent(log: EventLog, tx: Tx, tenant: string, actor: string, event: PostEvent) {
  return log.record(tx, tenant, actor, event)
}
