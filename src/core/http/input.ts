import type { IncomingMessage } from 'node:http'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { Invalid } from '../errors.ts'

// Input PostgreSQL or the JSON in a response cannot hold, refused at the edge for every route before any handler
// sees it: text with NUL or an unpaired UTF-16 surrogate ("invalid byte sequence for encoding UTF8"), numbers that
// are not finite (1e309 in JSON, or in a query string a schema coerced), and JSON nested so deep that walking it
// overflows the stack.

/** How deep a JSON body may nest; real bodies (GeoJSON polygons, settings) stay well under it. */
export const MAX_JSON_DEPTH = 64

type Location = 'params' | 'querystring' | 'body'

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Text a database column and a JSON answer can hold: no NUL, no unpaired surrogate. */
export function isStorableText(text: string): boolean {
  return !text.includes('\u0000') && !UNPAIRED_SURROGATE.test(text)
}

/** Where (a dotted path, '' for the value itself) the first value `isBad` refuses lies in a parsed input, or null. */
function findValue(value: unknown, isBad: (v: unknown) => boolean): string | null {
  // Iterative, so input from any parser (XML, forms) cannot overflow the stack however deep it nests.
  const stack: { value: unknown; path: string }[] = [{ value, path: '' }]
  while (stack.length > 0) {
    const item = stack.pop() as { value: unknown; path: string }
    if (isBad(item.value)) return item.path
    if (item.value === null || typeof item.value !== 'object' || Buffer.isBuffer(item.value)) continue
    for (const [key, child] of Object.entries(item.value)) {
      const path = item.path ? `${item.path}.${key}` : key
      if (isBad(key)) return path
      stack.push({ value: child, path })
    }
  }
  return null
}

const isUnstorableText = (v: unknown) => typeof v === 'string' && !isStorableText(v)
const isNonFinite = (v: unknown) => typeof v === 'number' && !Number.isFinite(v)

function refuse(location: Location, value: unknown, isBad: (v: unknown) => boolean, what: string): void {
  const field = findValue(value, isBad)
  if (field === null) return
  throw new Invalid(field ? `${location}.${field} ${what}` : `${location} ${what}`, { location, field: field || null })
}

const TEXT = 'must not contain a NUL character or an unpaired surrogate'
const NUMBER = 'must be a finite number'

/** The deepest nesting of a JSON text exceeds `max` (counted without parsing, so the count cannot overflow). */
export function nestsDeeperThan(json: string, max: number): boolean {
  let depth = 0
  let inString = false
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i)
    if (inString) {
      if (c === 0x5c)
        i++ // backslash: skip the escaped character
      else if (c === 0x22) inString = false
    } else if (c === 0x22) inString = true
    else if (c === 0x7b || c === 0x5b) {
      depth++
      if (depth > max) return true
    } else if (c === 0x7d || c === 0x5d) depth--
  }
  return false
}

// How much of a refused body is read and dropped before answering, at most.
const DISCARD_BYTES = 64 * 1024 * 1024
const DISCARD_MS = 15_000

/**
 * Reads and drops the rest of a request body, up to a bound. A server that answers 413 and closes while the
 * client is still sending resets the connection, and the reset erases the answer before most clients read it.
 */
export function discardBody(raw: IncomingMessage): Promise<void> {
  return new Promise((resolve) => {
    if (raw.complete || raw.readableEnded || raw.destroyed) return resolve()
    let dropped = 0
    const done = () => {
      clearTimeout(timer)
      raw.off('data', onData)
      raw.off('end', done)
      raw.off('close', done)
      resolve()
    }
    const onData = (chunk: Buffer) => {
      dropped += chunk.length
      if (dropped > DISCARD_BYTES) done()
    }
    const timer = setTimeout(done, DISCARD_MS)
    raw.on('data', onData)
    raw.once('end', done)
    raw.once('close', done)
    raw.resume()
  })
}

/** Adds the guards to every route of `app` (call before any route is registered). */
export function guardInput(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser(app.initialConfig.onProtoPoisoning ?? 'error', app.initialConfig.onConstructorPoisoning ?? 'error')
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = String(body)
    if (nestsDeeperThan(text, MAX_JSON_DEPTH)) {
      done(new Invalid(`The JSON body nests deeper than ${MAX_JSON_DEPTH} levels`, { location: 'body' }), undefined)
      return
    }
    parseJson(request, text, done)
  })
  // Path and query are checked before anything else runs (the tenant of the path is looked up on request).
  app.addHook('onRequest', async (request: FastifyRequest) => {
    refuse('params', request.params, isUnstorableText, TEXT)
    refuse('querystring', request.query, isUnstorableText, TEXT)
  })
  app.addHook('preValidation', async (request: FastifyRequest) => {
    refuse('body', request.body, isUnstorableText, TEXT)
  })
  app.addHook('onSend', async (request, reply) => {
    if (reply.statusCode === 413) await discardBody(request.raw)
  })
  // After validation, because query strings become numbers only when the schema coerces them.
  app.addHook('preHandler', async (request: FastifyRequest) => {
    refuse('params', request.params, isNonFinite, NUMBER)
    refuse('querystring', request.query, isNonFinite, NUMBER)
    refuse('body', request.body, isNonFinite, NUMBER)
  })
}
