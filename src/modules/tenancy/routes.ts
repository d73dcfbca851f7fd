import { Type } from 'typebox'
import { Unauthorized } from '../../core/errors.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { isSecureRequest, SESSION_COOKIE } from '../../core/http/identity.ts'
import { Page, PageQuery } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { TenancyServices } from './index.ts'
import {
  Agency,
  ApiToken,
  ChangeOwnPassword,
  CreateAgency,
  CreatedToken,
  CreateTenant,
  CreateToken,
  CreateUser,
  FailedLogins,
  IdParams,
  Login,
  Me,
  MeQuery,
  PermittedActions,
  RegionImport,
  RegionImportResult,
  RegionLevel,
  RegionLookup,
  Tenant,
  TenantParams,
  UpdateAgency,
  UpdateUser,
  User,
  UserQuery,
} from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const RegionFeatures = Type.Object({
  type: Type.Literal('FeatureCollection'),
  features: Type.Array(
    Type.Object({
      type: Type.Literal('Feature'),
      id: Type.String(),
      geometry: Type.Unknown(),
      properties: Type.Object({ code: Type.String(), name: Type.String(), level: RegionLevel, parent: Type.Union([Type.String(), Type.Null()]) }),
    }),
  ),
})

export function tenancyRoutes(app: KendaliApp, ctx: CoreContext, s: TenancyServices): void {
  // Sessions

  app.post(
    '/api/auth/login',
    {
      config: { access: 'public' },
      schema: {
        tags: ['auth'],
        summary:
          'Log in with username and password; sets an httpOnly session cookie and tells of failed logins since the last one. Failures slow further attempts per account and address (429 with Retry-After).',
        body: Login,
        response: { 200: Type.Object({ user: Me, failedLogins: Type.Union([FailedLogins, Type.Null()]) }), 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const result = await s.accounts.login(ctx.db, request.body.username, request.body.password, request.ip, request.headers['user-agent'] ?? null)
      reply.setCookie(SESSION_COOKIE, result.sessionToken, {
        httpOnly: true,
        sameSite: 'lax',
        secure: isSecureRequest(request, ctx.config.publicUrl),
        path: '/',
        expires: result.expiresAt,
      })
      return { user: result.me, failedLogins: result.failedLogins }
    },
  )

  app.post(
    '/api/auth/logout',
    { config: { access: 'public' }, schema: { tags: ['auth'], summary: 'Ends the session of this browser', response: { 204: Type.Null() } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE]
      if (token) await s.accounts.logout(ctx.db, token)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/auth/password',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary:
          "Changes the logged-in person's own password (the current one is asked; a wrong one counts as a failed login); their other sessions end, this one stays",
        body: ChangeOwnPassword,
        response: { 204: Type.Null(), 400: ErrorBody, 401: ErrorBody, 429: ErrorBody },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request)
      const session = request.cookies[SESSION_COOKIE]
      if (principal.kind !== 'user' || !session) throw new Unauthorized('Only a logged-in person changes their own password')
      await s.accounts.changeOwnPassword(ctx.db, principal.id, session, request.body.currentPassword, request.body.newPassword, request.ip)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/auth/me',
    {
      config: { access: 'authenticated' },
      schema: {
        tags: ['auth'],
        summary: 'The logged-in person with their roles and permitted actions per tenant',
        querystring: MeQuery,
        response: { 200: Type.Object({ user: Me, actions: PermittedActions }), 401: ErrorBody },
      },
    },
    async (request) => {
      const principal = principalOf(request)
      if (principal.kind !== 'user') throw new Unauthorized('API tokens have no person; this is for logged-in people')
      const user = await s.accounts.me(ctx.db, principal.id)
      const codes = new Set([...user.grants.map((g) => g.tenant), ...(request.query.tenant ? [request.query.tenant] : [])])
      const actions: Record<string, string[]> = {}
      for (const code of codes) {
        const tenant = await s.tenants.info(code)
        if (tenant) actions[code] = ctx.permissions.permitted(principal, tenant)
      }
      return { user, actions }
    },
  )

  // Tenants

  app.get(
    '/api/tenants',
    {
      config: { access: 'public' },
      schema: { tags: ['tenants'], summary: 'Every tenant of this install (public fields)', response: { 200: Page(Tenant) } },
    },
    async () => {
      const items = await s.tenants.list(ctx.db)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/tenants',
    {
      config: { access: 'platform_admin' },
      schema: { tags: ['tenants'], summary: 'Adds a provinsi, kota or kabupaten', body: CreateTenant, response: { 201: Tenant, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await s.tenants.create(ctx.db, principalOf(request).actor, request.body)),
  )

  app.get(
    '/api/t/:tenant',
    { config: { access: 'public' }, schema: { tags: ['tenants'], summary: 'One tenant', params: TenantParams, response: { 200: Tenant, 404: ErrorBody } } },
    async (request) => {
      const tenant = await s.tenants.get(ctx.db, tenantOf(request).code)
      if (!tenant) throw new Error('checked tenant disappeared')
      return tenant
    },
  )

  // Regions

  app.get(
    '/api/t/:tenant/regions',
    {
      config: { access: 'public' },
      schema: {
        tags: ['regions'],
        summary: 'Region boundaries as a GeoJSON FeatureCollection (feature id = Kemendagri code)',
        params: TenantParams,
        querystring: Type.Object({ level: Type.Optional(RegionLevel) }),
        response: { 200: RegionFeatures, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request, reply) => {
      reply.header('cache-control', 'public, max-age=300')
      return s.regions.features(ctx.db, tenantOf(request).code, request.query.level)
    },
  )

  app.get(
    '/api/t/:tenant/regions/lookup',
    {
      config: { access: 'public' },
      schema: {
        tags: ['regions'],
        summary: 'The kelurahan and kecamatan containing a point; 404 outside the tenant',
        params: TenantParams,
        querystring: Type.Object({ lon: Type.Number({ minimum: -180, maximum: 180 }), lat: Type.Number({ minimum: -90, maximum: 90 }) }),
        response: { 200: RegionLookup, 400: ErrorBody, 404: ErrorBody },
      },
    },
    async (request) => s.regions.lookup(ctx.db, tenantOf(request), request.query.lon, request.query.lat),
  )

  app.post(
    '/api/t/:tenant/regions/import',
    {
      config: { action: 'tenancy.regions.import' },
      bodyLimit: 50 * 1024 * 1024,
      schema: {
        tags: ['regions'],
        summary: 'Imports or replaces boundaries from a GeoJSON FeatureCollection; answers per feature',
        params: TenantParams,
        body: RegionImport,
        response: { 200: RegionImportResult, ...errors },
      },
    },
    async (request) => s.regions.import(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body),
  )

  // Agencies (OPD)

  app.get(
    '/api/t/:tenant/agencies',
    {
      config: { access: 'public' },
      schema: {
        tags: ['agencies'],
        summary: 'Agencies (OPD), by code',
        params: TenantParams,
        querystring: PageQuery,
        response: { 200: Page(Agency), ...errors },
      },
    },
    async (request) => s.agencies.list(ctx.db, tenantOf(request).code, request.query.limit ?? 50, request.query.cursor),
  )

  app.get(
    '/api/t/:tenant/agencies/:id',
    { config: { access: 'public' }, schema: { tags: ['agencies'], summary: 'One agency', params: IdParams, response: { 200: Agency, ...errors } } },
    async (request) => s.agencies.get(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.post(
    '/api/t/:tenant/agencies',
    {
      config: { action: 'tenancy.agency.write' },
      schema: { tags: ['agencies'], summary: 'Adds an agency', params: TenantParams, body: CreateAgency, response: { 201: Agency, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await s.agencies.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.patch(
    '/api/t/:tenant/agencies/:id',
    {
      config: { action: 'tenancy.agency.write' },
      schema: { tags: ['agencies'], summary: 'Changes an agency', params: IdParams, body: UpdateAgency, response: { 200: Agency, ...errors } },
    },
    async (request) => s.agencies.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/agencies/:id',
    {
      config: { action: 'tenancy.agency.write' },
      schema: {
        tags: ['agencies'],
        summary: 'Archives an agency (records pointing at it keep it)',
        params: IdParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await s.agencies.archive(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  // People

  app.get(
    '/api/t/:tenant/users',
    {
      config: { action: 'tenancy.user.read' },
      schema: {
        tags: ['users'],
        summary: 'People of the tenant with their roles here, by username; `q` finds part of a username or name',
        params: TenantParams,
        querystring: UserQuery,
        response: { 200: Page(User), ...errors },
      },
    },
    async (request) => s.accounts.listUsers(ctx.db, tenantOf(request).code, request.query.limit ?? 50, request.query.cursor, request.query.q),
  )

  app.get(
    '/api/t/:tenant/users/:id',
    { config: { action: 'tenancy.user.read' }, schema: { tags: ['users'], summary: 'One person', params: IdParams, response: { 200: User, ...errors } } },
    async (request) => s.accounts.getUser(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.post(
    '/api/t/:tenant/users',
    {
      config: { action: 'tenancy.user.write' },
      schema: {
        tags: ['users'],
        summary: 'Adds a person with roles in this tenant',
        params: TenantParams,
        body: CreateUser,
        response: { 201: User, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await s.accounts.createUser(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.patch(
    '/api/t/:tenant/users/:id',
    {
      config: { action: 'tenancy.user.write' },
      schema: {
        tags: ['users'],
        summary: 'Changes name, password, roles here, or disables; a new password or disabling ends their sessions',
        params: IdParams,
        body: UpdateUser,
        response: { 200: User, ...errors },
      },
    },
    async (request) => s.accounts.updateUser(ctx.db, tenantOf(request).code, principalOf(request), request.params.id, request.body),
  )

  // API tokens for systems

  app.get(
    '/api/t/:tenant/tokens',
    {
      config: { action: 'tenancy.token.read' },
      schema: { tags: ['tokens'], summary: 'API tokens (never the secret)', params: TenantParams, response: { 200: Page(ApiToken), ...errors } },
    },
    async (request) => {
      const items = await s.accounts.listTokens(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/tokens',
    {
      config: { action: 'tenancy.token.write' },
      schema: {
        tags: ['tokens'],
        summary: 'Creates a bearer token for a system; the token is shown once and stored hashed',
        params: TenantParams,
        body: CreateToken,
        response: { 201: CreatedToken, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await s.accounts.createToken(ctx.db, tenantOf(request).code, principalOf(request), request.body)),
  )

  app.delete(
    '/api/t/:tenant/tokens/:id',
    {
      config: { action: 'tenancy.token.write' },
      schema: { tags: ['tokens'], summary: 'Revokes a token at once', params: IdParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await s.accounts.revokeToken(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )
}
