import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tenancyServices } from '../../src/modules/tenancy/index.ts'
import { loginCookie, startTestKendali, type TestServer } from '../support/server.ts'

// Every write endpoint, driven from its own OpenAPI schema, gets a bounded set of hostile inputs as a platform
// administrator (so access passes and the input reaches the handler): text PostgreSQL cannot store, numbers
// beyond any column, wrong types, unknown keys, deep JSON, broken multipart. No answer may be a 5xx, and the
// server must keep answering. The requests go to a tenant of their own, so no other test sees their rows.

const TENANT = '33.08'
// Keeps the session the fuzz runs under.
const SKIPPED = new Set(['POST /api/auth/logout'])

type Schema = {
  type?: string | string[]
  properties?: Record<string, Schema>
  items?: Schema
  enum?: unknown[]
  const?: unknown
  format?: string
  anyOf?: Schema[]
  oneOf?: Schema[]
  allOf?: Schema[]
  $ref?: string
  minimum?: number
  pattern?: string
  minLength?: number
}
type Operation = {
  parameters?: { in: string; name: string; schema?: Schema }[]
  requestBody?: { content?: Record<string, { schema?: Schema }> }
}
type OpenApi = { paths: Record<string, Record<string, Operation>>; components?: { schemas?: Record<string, Schema> } }

// JSON.stringify cannot write these numbers; markers are replaced in the JSON text.
const INF = '@@inf@@'
const BIG = '@@big@@'
const TINY = '@@tiny@@'
const MARKERS: Record<string, string> = { [`"${INF}"`]: '1e309', [`"${BIG}"`]: '99999999999999999999999', [`"${TINY}"`]: '5e-324' }
const HOSTILE_VALUES: unknown[] = ['\u0000', 'a\ud800b', INF, BIG, TINY, -1, 2 ** 31, 'x', {}, null]
const HOSTILE_PATH = ['%00', '%ED%A0%80', 'a%ud800', '1e309', '99999999999999999999', '-1', 'x'.repeat(600)]
const HOSTILE_QUERY = ['%00', '%ED%A0%80', '1e309', '1e308', '99999999999999999999', '-1', '5e-324', '']
const MAX_FIELDS = 8

const toJson = (value: unknown): string => {
  let text = JSON.stringify(value)
  for (const [marker, raw] of Object.entries(MARKERS)) text = text.replaceAll(marker, raw)
  return text
}

function resolve(doc: OpenApi, schema: Schema | undefined): Schema {
  if (!schema) return {}
  if (schema.$ref) return resolve(doc, doc.components?.schemas?.[schema.$ref.split('/').pop() as string])
  if (schema.allOf) return { type: 'object', properties: Object.assign({}, ...schema.allOf.map((s) => resolve(doc, s).properties ?? {})) }
  if (schema.anyOf ?? schema.oneOf) return resolve(doc, (schema.anyOf ?? schema.oneOf)?.find((s) => s.type !== 'null') ?? {})
  return schema
}

/** A plausible value for a schema, so that one hostile field at a time reaches as deep as it can. */
function plausible(doc: OpenApi, raw: Schema | undefined, depth = 0): unknown {
  const schema = resolve(doc, raw)
  if (schema.const !== undefined) return schema.const
  if (schema.enum) return schema.enum[0]
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type
  if (type === 'object' || schema.properties) {
    if (depth > 3) return {}
    return Object.fromEntries(Object.entries(schema.properties ?? {}).map(([k, v]) => [k, plausible(doc, v, depth + 1)]))
  }
  if (type === 'array') return depth > 3 ? [] : [plausible(doc, schema.items, depth + 1)]
  if (type === 'integer' || type === 'number') return schema.minimum !== undefined && schema.minimum > 1 ? schema.minimum : 1
  if (type === 'boolean') return true
  if (schema.format === 'uuid') return '00000000-0000-4000-8000-000000000000'
  if (schema.format === 'date-time') return '2026-01-01T00:00:00Z'
  if (schema.format === 'date') return '2026-01-01'
  if (schema.format === 'email') return 'warga@example.go.id'
  if (schema.format === 'uri') return 'https://example.go.id/'
  return 'xyz'.padEnd(schema.minLength ?? 3, 'z')
}

/** Bodies with one hostile value at a time, at the top and one level down, and whole-body attacks. */
function hostileBodies(doc: OpenApi, schema: Schema): string[] {
  const base = plausible(doc, schema)
  const bodies = [
    `${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}`,
    `${'['.repeat(10_000)}${']'.repeat(10_000)}`,
    '{"a":',
    '[]',
    'null',
    '"\\u0000"',
    toJson({ ...(base as object), unknownField: 1 }),
  ]
  if (!base || typeof base !== 'object' || Array.isArray(base)) return bodies
  const fields = Object.entries(base as Record<string, unknown>).slice(0, MAX_FIELDS)
  for (const [key, value] of fields) {
    for (const hostile of HOSTILE_VALUES) bodies.push(toJson({ ...base, [key]: hostile }))
    const inner = Array.isArray(value) ? value[0] : value
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const wrap = (x: unknown) => (Array.isArray(value) ? [x] : x)
      bodies.push(toJson({ ...base, [key]: wrap({ ...inner, unknownField: 1 }) }))
      for (const innerKey of Object.keys(inner).slice(0, MAX_FIELDS)) {
        for (const hostile of ['\u0000', INF, BIG, 'x']) bodies.push(toJson({ ...base, [key]: wrap({ ...inner, [innerKey]: hostile }) }))
      }
    }
  }
  return bodies
}

const BROKEN_MULTIPART: { body: string; type: string }[] = [
  { body: '--b0\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\r\n1,', type: 'multipart/form-data; boundary=b0' },
  { body: '--b0\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\r\n--b0--\r\n', type: 'multipart/form-data' },
  { body: '--b1\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\na,b\r\n--b1--\r\n', type: 'multipart/form-data; boundary=b0' },
  { body: '--b0\r\nContent-Disposition: form-da', type: 'multipart/form-data; boundary=b0' },
  { body: '\u0000\u00ff\u0007garbage', type: 'multipart/form-data; boundary=b0' },
]

let server: TestServer
let cookie: string

beforeAll(async () => {
  // With a Midtrans key, so payment notifications reach their signature check instead of a deliberate 503.
  server = await startTestKendali({ listen: false, env: { MIDTRANS_SERVER_KEY: 'fuzz-server-key' } })
  const { ctx } = server.kendali
  const s = tenancyServices(ctx)
  if (!(await s.tenants.get(ctx.db, TENANT)))
    await s.tenants.create(ctx.db, 'system:test', { code: TENANT, name: 'Kabupaten Magelang (uji)', kind: 'kabupaten', parent: '33' })
  cookie = await loginCookie(server.kendali, 'superadmin')
})
afterAll(async () => {
  await server?.close()
})

describe('schema-driven fuzz of every write endpoint', () => {
  it('answers no hostile input with a 5xx and keeps answering', async () => {
    const { app } = server.kendali
    const doc = app.swagger() as unknown as OpenApi
    const failures: string[] = []
    let requests = 0
    const send = async (method: string, url: string, payload: string | undefined, contentType = 'application/json') => {
      requests++
      const res = await app.inject({
        method: method as 'POST',
        url,
        payload,
        headers: { cookie, ...(payload === undefined ? {} : { 'content-type': contentType }) },
      })
      if (res.statusCode >= 500) failures.push(`${method} ${url} ${(payload ?? '').slice(0, 120)} → ${res.statusCode} ${res.body.slice(0, 160)}`)
    }
    const writes = server.kendali.routes.filter(
      (r) => ['POST', 'PUT', 'PATCH', 'DELETE'].includes(r.method) && !r.websocket && !SKIPPED.has(`${r.method} ${r.url}`),
    )
    expect(writes.length).toBeGreaterThan(50)
    for (const route of writes) {
      const openApiPath = route.url.replace(/:([A-Za-z_]+)/g, '{$1}')
      const operation = doc.paths[openApiPath]?.[route.method.toLowerCase()] ?? {}
      const params = (operation.parameters ?? []).filter((p) => p.in === 'path')
      const pathWith = (hostile?: { name: string; value: string }) =>
        route.url.replace(/:([A-Za-z_]+)/g, (_, name: string) => {
          if (hostile?.name === name) return hostile.value
          if (name === 'tenant') return TENANT
          return encodeURIComponent(String(plausible(doc, params.find((p) => p.name === name)?.schema)))
        })
      const content = operation.requestBody?.content ?? {}
      const jsonSchema = content['application/json']?.schema
      const path = pathWith()

      for (const body of hostileBodies(doc, resolve(doc, jsonSchema))) await send(route.method, path, body)
      if (content['multipart/form-data']) for (const broken of BROKEN_MULTIPART) await send(route.method, path, broken.body, broken.type)
      for (const name of route.url.match(/:([A-Za-z_]+)/g)?.map((m) => m.slice(1)) ?? []) {
        for (const value of HOSTILE_PATH) await send(route.method, pathWith({ name, value }), jsonSchema ? toJson(plausible(doc, jsonSchema)) : undefined)
      }
      for (const query of (operation.parameters ?? []).filter((p) => p.in === 'query')) {
        for (const value of HOSTILE_QUERY)
          await send(route.method, `${path}?${query.name}=${value}`, jsonSchema ? toJson(plausible(doc, jsonSchema)) : undefined)
      }
      const health = await app.inject({ method: 'GET', url: '/api/health' })
      if (health.statusCode !== 200) failures.push(`after ${route.method} ${route.url}: /api/health answered ${health.statusCode}`)
    }
    console.info(`fuzz: ${requests} requests to ${writes.length} write endpoints`)
    expect(failures).toEqual([])
    // A few thousand requests: about a minute on PGlite on a busy machine.
  }, 300_000)
})
