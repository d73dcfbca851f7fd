import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { ConnectorService } from './connectors.ts'
import { WRITERS } from './routes.ts'
import { AlarmQuery, Connector, ConnectorAlarm, ConnectorParams, CreateConnector, Run, TenantParams, UpdateConnector } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const READERS = ['admin', 'operator', 'agency_officer', 'executive'] as const

export function connectorRoutes(app: KendaliApp, ctx: CoreContext, connectors: ConnectorService): void {
  const tags = ['datahub']

  app.get(
    '/api/t/:tenant/connectors',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags,
        summary: 'Pull connectors (header values never leave the server)',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(Connector) }), ...errors },
      },
    },
    async (request) => ({ items: await connectors.list(ctx.db, tenantOf(request).code) }),
  )

  app.post(
    '/api/t/:tenant/connectors',
    {
      config: { access: { roles: WRITERS } },
      schema: {
        tags,
        summary: 'Adds a pull connector; a URL at a private, loopback or link-local address is refused unless OUTBOUND_ALLOW lists it',
        params: TenantParams,
        body: CreateConnector,
        response: { 201: Connector, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await connectors.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.patch(
    '/api/t/:tenant/connectors/:id',
    {
      config: { access: { roles: WRITERS } },
      schema: {
        tags,
        summary: 'Changes a connector; a header sent as null keeps its stored value; the URL is checked as when it was added',
        params: ConnectorParams,
        body: UpdateConnector,
        response: { 200: Connector, ...errors },
      },
    },
    async (request) => connectors.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.post(
    '/api/t/:tenant/connectors/:id/run',
    {
      config: { access: { roles: WRITERS } },
      schema: { tags, summary: 'Starts a run now; follow it in …/runs', params: ConnectorParams, response: { 202: Run, ...errors } },
    },
    async (request, reply) => reply.status(202).send(await connectors.start(ctx.db, tenantOf(request).code, request.params.id)),
  )

  app.get(
    '/api/t/:tenant/connectors/:id/runs',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags,
        summary: 'Runs of a connector, newest first: status, rows, bytes so far, error, duration',
        params: ConnectorParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })) }),
        response: { 200: Type.Object({ items: Type.Array(Run) }), ...errors },
      },
    },
    async (request) => ({ items: await connectors.runs(ctx.db, tenantOf(request).code, request.params.id, request.query.limit ?? 50) }),
  )

  app.get(
    '/api/t/:tenant/connector-alarms',
    {
      config: { access: { roles: READERS } },
      schema: {
        tags,
        summary: 'Alarms of connectors whose runs failed, newest first (default: open ones); a good run clears its alarm',
        params: TenantParams,
        querystring: AlarmQuery,
        response: { 200: Page(ConnectorAlarm), ...errors },
      },
    },
    async (request) => connectors.alarms(ctx.db, tenantOf(request).code, request.query.status ?? 'open', request.query.limit ?? 50, request.query.cursor),
  )

  app.post(
    '/api/t/:tenant/connector-alarms/:id/ack',
    {
      config: { access: { roles: WRITERS } },
      schema: {
        tags,
        summary: 'Acknowledges an active connector alarm (who and when are kept)',
        params: ConnectorParams,
        response: { 200: ConnectorAlarm, ...errors },
      },
    },
    async (request) => connectors.acknowledge(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id),
  )
}
