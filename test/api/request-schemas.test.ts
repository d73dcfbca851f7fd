import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../support/server.ts'

// Every number a client may send has bounds its column can hold, declared in the route's schema (one source for
// validation and the OpenAPI document): an unbounded integer lets 9007199254740993 or 1e308 reach an int4 column.
// Every object a client sends refuses fields it does not know, at every depth, unless its schema says on purpose
// (`additionalProperties: true`) that it takes more (a provider's notification, a GeoJSON file).

type Schema = Record<string, unknown> & { properties?: Record<string, Schema> }
type OpenApi = {
  paths: Record<
    string,
    Record<string, { parameters?: { in: string; name: string; schema?: Schema }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>
  >
}

let server: TestServer
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  await server.kendali.app.ready()
})
afterAll(async () => {
  await server?.close()
})

// They compile on a route's first use, not at start-up (≈3 s of a restart): a broken schema must still be found here.
it("compiles every route's validators and response serializers", () => {
  expect(server.kendali.compileSchemas()).toBeGreaterThan(server.kendali.routes.length)
})

/** Every sub-schema with the path that leads to it. */
function* walk(schema: unknown, path: string): Generator<{ schema: Schema; path: string }> {
  if (!schema || typeof schema !== 'object') return
  const s = schema as Schema
  yield { schema: s, path }
  for (const [key, child] of Object.entries(s.properties ?? {})) yield* walk(child, `${path}.${key}`)
  for (const key of ['items', 'additionalProperties', 'not']) if (typeof s[key] === 'object') yield* walk(s[key], `${path}[]`)
  for (const key of ['anyOf', 'oneOf', 'allOf']) for (const child of (s[key] as unknown[] | undefined) ?? []) yield* walk(child, path)
  for (const child of Object.values((s.patternProperties as Record<string, unknown> | undefined) ?? {})) yield* walk(child, `${path}{}`)
}

/** What clients send: path and query parameters and request bodies of every operation. */
function* inputs(doc: OpenApi): Generator<{ schema: Schema; path: string }> {
  for (const [url, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      const where = `${method.toUpperCase()} ${url}`
      for (const p of op.parameters ?? []) yield* walk(p.schema, `${where} ${p.in}.${p.name}`)
      for (const [type, content] of Object.entries(op.requestBody?.content ?? {})) yield* walk(content.schema, `${where} body(${type})`)
    }
  }
}

const types = (s: Schema) => [s.type].flat()
const bounded = (s: Schema, side: 'minimum' | 'maximum') =>
  typeof s[side] === 'number' || typeof s[side === 'minimum' ? 'exclusiveMinimum' : 'exclusiveMaximum'] === 'number'

describe('request schemas', () => {
  it('bound every number and integer a client sends', () => {
    const doc = server.kendali.app.swagger() as unknown as OpenApi
    const unbounded = [...inputs(doc)]
      .filter(({ schema }) => types(schema).some((t) => t === 'number' || t === 'integer') && !(bounded(schema, 'minimum') && bounded(schema, 'maximum')))
      .map(({ path }) => path)
    expect(unbounded).toEqual([])
  })

  it('refuse unknown fields in every object of a JSON body, however deep', () => {
    const doc = server.kendali.app.swagger() as unknown as OpenApi
    const open = [...inputs(doc)]
      .filter(({ path, schema }) => path.includes('body(application/json)') && schema.properties && schema.additionalProperties === undefined)
      .map(({ path }) => path)
    expect(open).toEqual([])
  })
})
