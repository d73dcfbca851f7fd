import { createHash } from 'node:crypto'
import type { FastifyRequest } from 'fastify'
import type { Database } from '../db/database.ts'
import { Conflict, Invalid } from '../errors.ts'
import type { KendaliApp } from '../module.ts'

export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const REPLAYED_HEADER = 'idempotent-replayed'
export const KEEP_HOURS = 24
// A first request that has given no answer after this long died with its process: a retry may run it again.
const ABANDONED_SECONDS = 60
const KEY = /^[\x21-\x7e]{1,255}$/

interface Claim {
  tenant: string
  caller: string
  key: string
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: Claim | null
  }
}

const hashOf = (request: FastifyRequest) =>
  createHash('sha256')
    .update(`${request.method} ${request.routeOptions.url}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex')

/**
 * `Idempotency-Key` on every POST of a tenant's API: the first answer (2xx) is kept per tenant, caller and key for
 * 24 hours; the same key with the same request answers it again (with `Idempotent-Replayed: true`), with another
 * request 409; while the first is still being handled, 409 too. A failed first request keeps nothing, so a retry
 * runs it again.
 */
export function idempotentCreates(app: KendaliApp, db: () => Database): void {
  app.decorateRequest('idempotency', null)
  app.addHook('preHandler', async (request, reply) => {
    const key = request.headers[IDEMPOTENCY_HEADER]
    if (request.method !== 'POST' || key === undefined || !request.tenant) return
    if (typeof key !== 'string' || !KEY.test(key)) throw new Invalid('Idempotency-Key must be 1 to 255 visible ASCII characters', { field: IDEMPOTENCY_HEADER })
    const claim: Claim = { tenant: request.tenant.code, caller: request.principal?.id ?? `address:${request.ip}`, key }
    const hash = hashOf(request)
    const claimed = await db().query(
      `INSERT INTO idempotency_keys (tenant, caller, key, request_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (tenant, caller, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = NULL, content_type = NULL, body = NULL, created_at = now()
         WHERE idempotency_keys.created_at < now() - make_interval(hours => $5)
            OR (idempotency_keys.status IS NULL AND idempotency_keys.created_at < now() - make_interval(secs => $6))
       RETURNING 1`,
      [claim.tenant, claim.caller, key, hash, KEEP_HOURS, ABANDONED_SECONDS],
    )
    if (claimed.length > 0) {
      request.idempotency = claim
      return
    }
    const [taken] = await db().query<{ request_hash: string; status: number | null; content_type: string | null; body: string | null }>(
      'SELECT request_hash, status, content_type, body FROM idempotency_keys WHERE tenant = $1 AND caller = $2 AND key = $3',
      [claim.tenant, claim.caller, key],
    )
    // Expired between the two statements: this request is a new one.
    if (!taken) throw new Conflict('This Idempotency-Key was just released; send the request again', { field: IDEMPOTENCY_HEADER })
    if (taken.request_hash !== hash)
      throw new Conflict('This Idempotency-Key was used for another request; use a new key for a new request', { field: IDEMPOTENCY_HEADER })
    if (taken.status === null)
      throw new Conflict('The first request with this Idempotency-Key is still being handled; try again shortly', { field: IDEMPOTENCY_HEADER })
    reply.code(taken.status).header(REPLAYED_HEADER, 'true')
    if (taken.content_type) reply.header('content-type', taken.content_type)
    return reply.send(taken.body)
  })
  app.addHook('onSend', async (request, reply, payload) => {
    const claim = request.idempotency
    if (!claim) return payload
    request.idempotency = null
    const where = [claim.tenant, claim.caller, claim.key]
    if (reply.statusCode >= 200 && reply.statusCode < 300 && (typeof payload === 'string' || payload === null || payload === undefined)) {
      await db().query('UPDATE idempotency_keys SET status = $4, content_type = $5, body = $6 WHERE tenant = $1 AND caller = $2 AND key = $3', [
        ...where,
        reply.statusCode,
        String(reply.getHeader('content-type') ?? ''),
        payload ?? '',
      ])
    } else {
      await db().query('DELETE FROM idempotency_keys WHERE tenant = $1 AND caller = $2 AND key = $3', where)
    }
    return payload
  })
}

/** Drops kept answers older than 24 hours (a recurring job). */
export async function expireIdempotencyKeys(db: Database): Promise<void> {
  await db.query('DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)', [KEEP_HOURS])
}
