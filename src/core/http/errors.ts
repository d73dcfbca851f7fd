import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { DomainError, ModuleError } from '../errors.ts'

export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String(),
      message: Type.String(),
      details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    }),
  },
  { description: 'Every error: a stable machine code, a readable message, and details such as the field at fault.' },
)

const STATUS: Record<DomainError['code'], number> = {
  not_found: 404,
  conflict: 409,
  forbidden: 403,
  unauthorized: 401,
  invalid: 400,
  invalid_credentials: 401,
  rate_limited: 429,
  payload_too_large: 413,
  unavailable: 503,
  upstream_unavailable: 502,
}

// Fastify's own client errors, turned into our codes.
const FASTIFY_CODES: Record<string, { status: number; code: string; message?: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'payload_too_large', message: 'The request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'unsupported_media_type', message: 'Send the body as application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'invalid', message: 'Content-Length does not match the body' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'invalid', message: 'The JSON body is empty' },
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'invalid', message: 'The body is not valid JSON' },
  FST_ERR_CTP_EMPTY_TYPE: { status: 400, code: 'invalid', message: 'Content-Type is empty' },
  FST_ERR_CTP_INVALID_TYPE: { status: 400, code: 'invalid', message: 'Content-Type is not valid' },
}

// PostgreSQL's answers that are the request's fault whatever the route (SQLSTATE, the same on PGlite): a unique
// key another request took first (two incidents for one alarm at once) is a conflict, not a failure; a value the
// column cannot hold is bad input. Neither message reaches the client: it names tables and constraints.
const DATABASE_CODES: Record<string, { status: number; code: string; message: string }> = {
  '23505': { status: 409, code: 'conflict', message: 'Something with the same key already exists (perhaps just created by another request)' },
  '22003': { status: 400, code: 'invalid', message: 'A number in the request is out of range' },
  '22021': { status: 400, code: 'invalid', message: 'The request contains text that cannot be stored' },
  '22P05': { status: 400, code: 'invalid', message: 'The request contains text that cannot be stored' },
}

/** The SQLSTATE of a database error (pg and PGlite both put it in `code`). */
function sqlState(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined
}

export interface ErrorPayload {
  error: { code: string; message: string; details?: Record<string, unknown> }
}

function validationPayload(err: FastifyError): ErrorPayload {
  const first = err.validation?.[0]
  const location = err.validationContext ?? 'body'
  const path = (first?.instancePath ?? '').replace(/^\//, '').replaceAll('/', '.')
  const missing = first?.keyword === 'required' ? String((first.params as { missingProperty?: string }).missingProperty ?? '') : ''
  const extra = first?.keyword === 'additionalProperties' ? String((first.params as { additionalProperty?: string }).additionalProperty ?? '') : ''
  const field = [path, missing || extra].filter(Boolean).join('.')
  const what = extra ? 'is not a known field' : missing ? 'is required' : (first?.message ?? 'is not valid')
  return {
    error: {
      code: 'invalid',
      message: field ? `${location}.${field} ${what}` : `${location} ${what}`,
      details: { location, field: field || null, issues: (err.validation ?? []).map((v) => ({ path: v.instancePath, message: v.message })) },
    },
  }
}

/** The single place where anything thrown becomes an HTTP answer; internals never reach the client. */
export function handleError(err: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  if (err.validation) {
    reply.status(400).send(validationPayload(err))
    return
  }
  if (err instanceof DomainError) {
    // Rate limits and full queues say when to come back.
    if ('retryAfterSeconds' in err && typeof err.retryAfterSeconds === 'number') reply.header('retry-after', String(err.retryAfterSeconds))
    const code = err instanceof ModuleError ? err.moduleCode : err.code
    reply.status(STATUS[err.code]).send({ error: { code, message: err.message, details: err.details } })
    return
  }
  const known = err.code ? FASTIFY_CODES[err.code] : undefined
  if (known) {
    reply.status(known.status).send({ error: { code: known.code, message: known.message ?? err.message } })
    return
  }
  const database = DATABASE_CODES[sqlState(err) ?? '']
  if (database) {
    request.log.warn({ err }, 'request refused by the database')
    reply.status(database.status).send({ error: { code: database.code, message: database.message } })
    return
  }
  if (err.statusCode === 429) {
    reply.status(429).send({ error: { code: 'rate_limited', message: 'Too many requests; slow down' } })
    return
  }
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    reply.status(err.statusCode).send({ error: { code: 'invalid', message: err.message } })
    return
  }
  request.log.error({ err }, 'request failed')
  reply.status(500).send({ error: { code: 'internal', message: 'Something went wrong on the server; it has been logged', details: { requestId: request.id } } })
}
