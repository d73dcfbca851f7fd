import { readFileSync } from 'node:fs'
import cookie from '@fastify/cookie'
import rateLimit from '@fastify/rate-limit'
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import websocket from '@fastify/websocket'
import { Ajv } from 'ajv'
import addFormats from 'ajv-formats'
import Fastify, { type FastifyRequest } from 'fastify'
import { DomainError, NotFound } from '../errors.ts'
import type { KendaliApp } from '../module.ts'
import { type Access, authorize, type Principal } from './access.ts'
import { handleError } from './errors.ts'
import { hasCredentials, type Identity, principalFromRequest, SESSION_COOKIE, type TenantInfo, usesCookie } from './identity.ts'
import { guardInput } from './input.ts'
import { compileSchemasOnFirstUse } from './lazy-schemas.ts'
import { assertSameOrigin } from './origin.ts'
import type { PermissionMatrix } from './permissions.ts'
import { type LogDestination, loggerOptions } from './request-log.ts'
import { registerSecurityHeaders } from './security-headers.ts'
import { registerWebApp } from './web-app.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route: `public`, `authenticated`, `platform_admin`; any other route names its `action`. */
    access?: Access
    /** The action of the permission matrix the route performs (e.g. `levies.tariff.write`). */
    action?: string
    /**
     * A public route whose bearer token is its own kind of credential (a device's token), which the route checks:
     * the token is not looked up as a person's or system's API token.
     */
    ownBearer?: boolean
  }
  interface FastifyRequest {
    principal: Principal | null
    /** The tenant of a /api/t/:tenant route, checked to exist. */
    tenant: TenantInfo | null
  }
}

export interface RouteAccess {
  method: string
  url: string
  access: Access
  action?: string
  websocket: boolean
}

export interface Readiness {
  ready: boolean
  waitingFor: string[]
}

export interface ServerOptions {
  logLevel: string
  bodyLimitBytes: number
  trustProxy: number | string[] | false
  publicUrl: string | null
  mapStyleUrl: string | null
  wallFrameAncestors: string[]
  /** Requests per minute of one client address without valid credentials; 0 turns every limit off. */
  rateLimitPerMinute: number
  /** Requests per minute of one logged-in caller (session or API token); 0: no limit for them. */
  rateLimitAuthenticatedPerMinute: number
  version: string
  webDist: string
  identity: () => Identity
  permissions: PermissionMatrix
  readiness: Readiness
  logger?: boolean
  /** Requests slower than this are logged at warn. */
  logSlowMs: number
  logDestination?: LogDestination
}

const TENANT_ROUTE = '/api/t/:tenant'
const READ_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export const packageVersion = (): string => (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string }).version

/**
 * Assembles the HTTP server: one error shape, OpenAPI from the route schemas, access declared and
 * checked on every /api route, the tenant of every /api/t/:tenant route checked to exist.
 */
export async function buildServer(opts: ServerOptions): Promise<{ app: KendaliApp; routes: RouteAccess[]; schemas: { compileAll(): number } }> {
  const trusted = opts.trustProxy
  const app: KendaliApp = Fastify({
    ...(opts.logger === false ? { logger: false } : loggerOptions({ level: opts.logLevel, slowMs: opts.logSlowMs, destination: opts.logDestination })),
    bodyLimit: opts.bodyLimitBytes,
    // A hop count trusts that many proxies nearest to us, whatever their address (what Fastify does for a number).
    trustProxy: typeof trusted === 'number' ? (_address: string, hop: number) => hop < trusted : trusted,
  }).withTypeProvider()
  const routes: RouteAccess[] = []

  // Query strings and paths are text, so numbers there are coerced; a JSON body must already have the
  // right types (coercion would turn a null into "" and an unknown field must be refused, not dropped).
  const ajvFor = (coerceTypes: false | 'array') => {
    const ajv = new Ajv({ coerceTypes, useDefaults: true, removeAdditional: false, allErrors: false, strict: false })
    addFormats.default(ajv)
    return ajv
  }
  const strictAjv = ajvFor(false)
  const coercingAjv = ajvFor('array')
  const schemas = compileSchemasOnFirstUse(app, (httpPart) => (httpPart === 'body' ? strictAjv : coercingAjv))

  app.setErrorHandler(handleError)
  // First, so every answer carries them, the 400s and 503s of the next hooks included.
  await registerSecurityHeaders(app, opts)
  guardInput(app)
  app.decorateRequest('principal', null)
  app.decorateRequest('tenant', null)

  // While the database opens and migrates, the API answers 503 and says what it waits for.
  app.addHook('onRequest', async (request) => {
    if (opts.readiness.ready || !request.url.startsWith('/api/') || request.url.startsWith('/api/health')) return
    throw new DomainError('unavailable', `Kendali is starting: waiting for ${opts.readiness.waitingFor.join(', ')}`)
  })

  await app.register(cookie)
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } })
  // The caller is read once per request, by the rate limit (first) and the access check.
  const principals = new WeakMap<FastifyRequest, Promise<Principal | null>>()
  const callerOf = (request: FastifyRequest) => {
    let principal = principals.get(request)
    if (!principal) {
      principal = principalFromRequest(request, opts.identity())
      principals.set(request, principal)
    }
    return principal
  }
  if (opts.rateLimitPerMinute > 0) {
    const perCaller = opts.rateLimitAuthenticatedPerMinute
    await app.register(rateLimit, {
      timeWindow: '1 minute',
      // A logged-in caller (session or API token) has a budget of its own, larger than an address's: a system
      // loading data through the API is no anonymous flood, and it shares nothing with others behind its NAT.
      // Credentials that do not hold count as none: their requests share the address's budget.
      keyGenerator: async (request) => {
        // A route that reads its own bearer (a device's token) is keyed by address, its token never looked up as a caller's.
        const isCaller = hasCredentials(request) && request.url.startsWith('/api/') && request.routeOptions.config?.ownBearer !== true
        const principal = isCaller ? await callerOf(request).catch(() => null) : null
        return principal ? `caller:${principal.actor}` : `address:${request.ip}`
      },
      max: (_request, key) => (key.startsWith('caller:') ? perCaller : opts.rateLimitPerMinute),
      allowList: (_request, key) => perCaller === 0 && key.startsWith('caller:'),
    })
  }
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Kendali API',
        version: opts.version,
        description: 'Smart-city command center. Errors are always `{error:{code,message,details}}`.',
      },
      components: {
        securitySchemes: {
          session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE },
          bearer: { type: 'http', scheme: 'bearer', description: 'API token from POST /api/t/{tenant}/tokens' },
        },
      },
      security: [{ session: [] }, { bearer: [] }],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/api/docs' })

  const hasWeb = await registerWebApp(app, opts.webDist)
  app.setNotFoundHandler((request, reply) => {
    // The single-page app owns every other GET path (/login, /t/33.71/console…).
    if (hasWeb && request.method === 'GET' && !request.url.startsWith('/api/')) return reply.sendFile('index.html')
    reply.status(404).send({ error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` } })
  })

  // Added after the platform's own plugins (docs, static files), so every route a module adds must say
  // who may call it, whatever its path (/api/…, /open311/…).
  app.addHook('onRoute', (route) => {
    const action = route.config?.action
    if (action && route.config?.access) throw new Error(`Route ${route.method} ${route.url} declares both an access and an action`)
    const writes = [route.method].flat().some((method) => !READ_METHODS.has(method))
    const access = action ? opts.permissions.access(action, writes) : route.config?.access
    if (!access) throw new Error(`Route ${route.method} ${route.url} does not declare its access`)
    for (const method of [route.method].flat()) {
      if (method === 'HEAD') continue
      routes.push({ method, url: route.url, access, action, websocket: Boolean(route.websocket) })
    }
    const isTenantRoute = route.url === TENANT_ROUTE || route.url.startsWith(`${TENANT_ROUTE}/`)
    const isWebSocket = Boolean(route.websocket)
    const ownBearer = access === 'public' && route.config?.ownBearer === true
    const check = async (request: FastifyRequest) => {
      // Before anything else: a cross-site page must not act with the browser's cookie.
      if ((isWebSocket || !READ_METHODS.has(request.method)) && usesCookie(request)) assertSameOrigin(request, opts.publicUrl)
      if (isTenantRoute) {
        const code = (request.params as { tenant: string }).tenant
        request.tenant = await opts.identity().tenant(code)
        if (!request.tenant) throw new NotFound(`There is no tenant "${code}"`, { field: 'tenant' })
      }
      if (access === 'public' && (ownBearer || !hasCredentials(request))) return
      request.principal = await callerOf(request)
      authorize(request.principal, access, request.tenant, !READ_METHODS.has(request.method))
    }
    route.onRequest = [...[route.onRequest ?? []].flat(), check]
  })

  return { app, routes, schemas }
}
