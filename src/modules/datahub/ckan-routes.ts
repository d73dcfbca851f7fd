import type { FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import { type CkanApi, CkanError, type CkanScope, UnknownAction } from './ckan.ts'
import { catalogTriples, toJsonLd, toNTriples } from './dcat.ts'
import type { Lookups } from './ports.ts'

const ActionParams = Type.Object({ action: Type.String({ maxLength: 100 }) })
const TenantActionParams = Type.Object({ tenant: Type.String(), action: Type.String({ maxLength: 100 }) })

function baseUrl(ctx: CoreContext, request: FastifyRequest): string {
  return (ctx.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '')
}

/** CKAN reads parameters from the query string or a JSON body; both are merged here. */
function paramsOf(request: FastifyRequest): Record<string, unknown> {
  const query = (request.query ?? {}) as Record<string, unknown>
  const body = request.body && typeof request.body === 'object' && !Array.isArray(request.body) ? (request.body as Record<string, unknown>) : {}
  return { ...query, ...body }
}

/** The CKAN Action API v3 (read side): all tenants' public datasets, and one tenant's. */
export function ckanRoutes(app: KendaliApp, ctx: CoreContext, ckan: CkanApi): void {
  const answer = async (request: FastifyRequest, reply: FastifyReply, scope: CkanScope, action: string) => {
    reply.header('content-type', 'application/json;charset=utf-8')
    const help = `${scope.actionBase}/help_show?name=${encodeURIComponent(action)}`
    try {
      const result = await ckan.run(ctx.db, scope, action, paramsOf(request))
      return reply.status(200).send(JSON.stringify({ help, success: true, result }))
    } catch (err) {
      if (err instanceof UnknownAction) return reply.status(400).send(JSON.stringify(`Bad request - ${err.message}`))
      if (err instanceof CkanError) return reply.status(err.status).send(JSON.stringify({ help, success: false, error: err.error }))
      request.log.error({ err, action }, 'CKAN action failed')
      return reply.status(500).send(JSON.stringify({ help, success: false, error: { __type: 'Internal Server Error', message: 'Internal Server Error' } }))
    }
  }

  const schema = (params: typeof ActionParams | typeof TenantActionParams, summary: string) => ({
    tags: ['ckan'],
    summary,
    params,
    response: { 200: Type.Unknown({ description: 'CKAN envelope {help, success, result}' }) },
  })

  for (const method of ['GET', 'POST'] as const) {
    app.route({
      method,
      url: '/api/3/action/:action',
      // Open data: CKAN harvesters and portals read it without an account; only public datasets appear.
      config: { access: 'public' },
      schema: schema(ActionParams, 'CKAN Action API v3 over the public datasets of every tenant (names carry the tenant)'),
      handler: async (request, reply) => {
        const base = baseUrl(ctx, request)
        const scope = { tenant: null, actionBase: `${base}/api/3/action`, apiBase: `${base}/api/t`, siteTitle: 'Kendali Satu Data' }
        return answer(request, reply, scope, (request.params as { action: string }).action)
      },
    })
    app.route({
      method,
      url: '/api/t/:tenant/ckan/3/action/:action',
      config: { access: 'public' },
      schema: schema(TenantActionParams, 'CKAN Action API v3 over one tenant’s public datasets'),
      handler: async (request, reply) => {
        const base = baseUrl(ctx, request)
        const tenant = request.tenant
        const code = (request.params as { tenant: string }).tenant
        const scope = {
          tenant: code,
          actionBase: `${base}/api/t/${code}/ckan/3/action`,
          apiBase: `${base}/api/t`,
          siteTitle: `Satu Data ${tenant?.name ?? code}`,
        }
        return answer(request, reply, scope, (request.params as { action: string }).action)
      },
    })
  }
}

/** The tenant's public catalogue as DCAT-AP, in JSON-LD and Turtle. */
export function dcatRoutes(app: KendaliApp, ctx: CoreContext, lookups: Lookups): void {
  const params = Type.Object({ tenant: Type.String() })
  app.get(
    '/api/t/:tenant/catalog.jsonld',
    { config: { access: 'public' }, schema: { tags: ['ckan'], summary: 'The public catalogue as DCAT-AP in JSON-LD (expanded)', params } },
    async (request, reply) => {
      const code = (request.params as { tenant: string }).tenant
      const triples = await catalogTriples(ctx.db, lookups, code, baseUrl(ctx, request))
      return reply.header('content-type', 'application/ld+json').send(JSON.stringify(toJsonLd(triples)))
    },
  )
  app.get(
    '/api/t/:tenant/catalog.ttl',
    { config: { access: 'public' }, schema: { tags: ['ckan'], summary: 'The public catalogue as DCAT-AP in Turtle', params } },
    async (request, reply) => {
      const code = (request.params as { tenant: string }).tenant
      const triples = await catalogTriples(ctx.db, lookups, code, baseUrl(ctx, request))
      return reply.header('content-type', 'text/turtle; charset=utf-8').send(toNTriples(triples))
    },
  )
}
