import { Type } from 'typebox'
import { type Access, authorize, type Principal, readableRoles, type TenantRef } from '../http/access.ts'
import { ErrorBody } from '../http/errors.ts'
import { type Identity, principalFromRequest } from '../http/identity.ts'
import { decodeCursor, encodeCursor, Page } from '../http/paging.ts'
import { principalOf, tenantOf } from '../http/request.ts'
import { Int8 } from '../http/schema.ts'
import type { CoreContext, KendaliApp } from '../module.ts'
import { LiveHub } from './live.ts'
import { countEvents, type KendaliEvent, listEvents } from './log.ts'

export const EventSchema = Type.Object(
  {
    seq: Type.Integer(),
    tenant: Type.String(),
    topic: Type.String(),
    type: Type.String(),
    entity: Type.Union([Type.String(), Type.Null()]),
    actor: Type.Union([Type.String(), Type.Null()]),
    at: Type.String({ format: 'date-time' }),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  {},
)

const TenantParams = Type.Object({ tenant: Type.String({ pattern: '^[0-9]{2}(\\.[0-9]{2})?$' }) })
const Seq = Int8({ minimum: 0 })
const Topics = Type.String({ pattern: '^[a-z_]+(,[a-z_]+)*$', description: 'Comma-separated topics' })

/**
 * Free text in events (a note on an incident, a reason, what an officer wrote) may name people: a wall screen, in a
 * room anyone may walk through, gets its events without it.
 */
const WALL_HIDDEN_FIELDS = ['text', 'note', 'reason', 'description', 'outcome', 'error']
export function forWall(event: KendaliEvent): KendaliEvent {
  if (!WALL_HIDDEN_FIELDS.some((field) => field in event.data)) return event
  return { ...event, data: Object.fromEntries(Object.entries(event.data).filter(([field]) => !WALL_HIDDEN_FIELDS.includes(field))) }
}

/** The topics the caller reads: its roles', narrowed to a wall screen's own when it is one. */
function topicsOf(ctx: CoreContext, principal: Principal, tenant: TenantRef): string[] {
  const visible = ctx.topics.visibleTo(readableRoles(principal, tenant))
  return principal.wall ? visible.filter((topic) => principal.wall?.topics.includes(topic)) : visible
}

/** The event log over HTTP (paged, filtered to what the caller's roles may read) and the live WebSocket. */
export function eventRoutes(app: KendaliApp, ctx: CoreContext, identity: () => Identity): void {
  app.get(
    '/api/t/:tenant/events',
    {
      config: { access: { roles: 'any' } },
      schema: {
        tags: ['events'],
        summary: 'Pages the event log (the audit trail); ascending after `after`, or newest first with order=desc',
        params: TenantParams,
        querystring: Type.Object({
          after: Type.Optional(Seq),
          order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { default: 'asc' })),
          topic: Type.Optional(Topics),
          type: Type.Optional(Type.String({ maxLength: 500 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
          cursor: Type.Optional(Type.String({ maxLength: 200 })),
        }),
        response: { 200: Page(EventSchema), 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => {
      const tenant = tenantOf(request)
      const q = request.query
      const visible = topicsOf(ctx, principalOf(request), tenant)
      const wanted = q.topic ? new Set(q.topic.split(',')) : null
      const topics = wanted ? visible.filter((t) => wanted.has(t)) : visible
      const types = q.type ? q.type.split(',') : undefined
      const order = q.order ?? 'asc'
      const limit = q.limit ?? 50
      const position = decodeCursor<{ seq: number }>(q.cursor, ['seq'])
      const items = await listEvents(ctx.db, tenant.code, {
        after: order === 'asc' ? (position?.seq ?? q.after) : q.after,
        before: order === 'desc' ? position?.seq : undefined,
        topics,
        types,
        order,
        limit,
      })
      const total = await countEvents(ctx.db, tenant.code, topics, types)
      const next = items.length === limit ? encodeCursor({ seq: items[items.length - 1].seq }) : null
      return { items, total, next }
    },
  )

  // The wall's screens follow their panels live (on their own topics only).
  const LIVE_ACCESS: Access = { roles: 'any', wall: true }
  const hub = new LiveHub({
    bus: ctx.bus,
    db: () => ctx.db,
    headCheckMs: ctx.config.liveRecheckSeconds * 1000,
    onError: (err, tenant) => ctx.log.error({ err, tenant }, 'live channel failed'),
  })
  app.addHook('onClose', async () => hub.close())
  app.get(
    '/api/t/:tenant/live',
    {
      websocket: true,
      config: { access: LIVE_ACCESS },
      schema: {
        tags: ['events'],
        summary: 'WebSocket: one JSON event per message, every event after `after` (exclusive) in order; send {"subscribe":[topics]} to narrow',
        params: TenantParams,
        querystring: Type.Object({ after: Type.Optional(Seq) }),
      },
    },
    (socket, request) => {
      const tenant = tenantOf(request)
      ctx.metrics.liveClients.inc()
      socket.on('close', () => ctx.metrics.liveClients.dec())
      hub.attach(socket, request.raw.socket, {
        tenant: tenant.code,
        after: request.query.after ?? null,
        visibleTopics: topicsOf(ctx, principalOf(request), tenant),
        recheck: async () => {
          try {
            const principal = await principalFromRequest(request, identity())
            authorize(principal, LIVE_ACCESS, tenant, false)
            return topicsOf(ctx, principal as Principal, tenant)
          } catch {
            return null
          }
        },
        recheckMs: ctx.config.liveRecheckSeconds * 1000,
        ...(principalOf(request).wall ? { redact: forWall } : {}),
        onError: (err) => request.log.error({ err, tenant: tenant.code }, 'live channel failed'),
      })
    },
  )
}
