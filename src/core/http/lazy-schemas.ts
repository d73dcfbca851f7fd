import type { Ajv, ValidateFunction } from 'ajv'
import fastJson from 'fast-json-stringify'
import type { KendaliApp } from '../module.ts'

/**
 * Compiles each route's validators and response serializers on the route's first use instead of at start-up:
 * compiling all of them (≈300 routes) took ~3 s of a restart, while most routes are not called for minutes.
 * `compileAll` compiles every one now, so a test finds a broken schema without walking the routes.
 */
export function compileSchemasOnFirstUse(app: KendaliApp, ajvFor: (httpPart: string | undefined) => Ajv): { compileAll(): number } {
  const pending: Array<() => unknown> = []

  app.setValidatorCompiler(({ schema, httpPart }) => {
    let validate: ValidateFunction | undefined
    const compile = () => {
      validate ??= ajvFor(httpPart).compile(schema)
      return validate
    }
    // Fastify reads `.errors` from the function it was given after a failed check.
    const check = (data: unknown) => {
      const ok = compile()(data)
      check.errors = compile().errors
      return ok
    }
    check.errors = null as ValidateFunction['errors']
    pending.push(compile)
    return check
  })

  app.setSerializerCompiler(({ schema }) => {
    let serialize: ((data: unknown) => string) | undefined
    const compile = () => {
      serialize ??= fastJson(schema as Parameters<typeof fastJson>[0]) as (data: unknown) => string
      return serialize
    }
    pending.push(compile)
    return (data: unknown) => compile()(data)
  })

  return {
    compileAll() {
      for (const compile of pending) compile()
      return pending.length
    },
  }
}
