import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { ConnectorService } from './connectors.ts'
import type { Owners } from './owners.ts'
import { AlarmQuery, Connector, ConnectorAlarm, ConnectorParams, CreateConnector, Run, TenantParams, UpdateConnector } from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

export function connectorRoutes(app: KendaliApp, ctx: CoreContext, connectors: ConnectorService, owners: Owners): void {
  const tags = ['datahub']

  app.get(
    '/api/t/:tenant/connectors',
    {
      config: { action: 'datahub.connector.read' },
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
      config: { action: 'datahub.connector.write' },
      schema: {
        tags,
        summary: 'Adds a pull connector; a URL at a private, loopback or link-local address is refused unless OUTBOUND_ALLOW lists it',
        params: TenantParams,
        body: CreateConnector,
        response: { 201: Connector, ...errors },
      },
    },
    async (request, reply) => {
      await owners.dataset(request, 'datahub.connector.write', request.body.dataset)
      return reply.status(201).send(await connectors.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body))
    },
  )

  app.patch(
    '/api/t/:tenant/connectors/:id',
    {
      config: { action: 'datahub.connector.write' },
      schema: {
        tags,
        summary: 'Changes a connector; a header sent as null keeps its stored value; the URL is checked as when it was added',
        params: ConnectorParams,
        body: UpdateConnector,
        response: { 200: Connector, ...errors },
      },
    },
    async (request) => {
      await owners.connector(request, 'datahub.connector.write', request.params.id)
      return connectors.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body)
    },
  )

  app.post(
    '/api/t/:tenant/connectors/:id/run',
    {
      config: { action: 'datahub.connector.write' },
      schema: { tags, summary: 'Starts a run now; follow it in …/runs', params: ConnectorParams, response: { 202: Run, ...errors } },
    },
    async (request, reply) => {
      await owners.connector(request, 'datahub.connector.write', request.params.id)
      return reply.status(202).send(await connectors.start(ctx.db, tenantOf(request).code, request.params.id))
    },
  )

  app.get(
    '/api/t/:tenant/connectors/:id/runs',
    {
      config: { action: 'datahub.connector.read' },
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
      config: { action: 'datahub.connector.alarm.read' },
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
      config: { action: 'datahub.connector.alarm.ack' },
      schema: {
        tags,
        summary: 'Acknowledges an active connector alarm (who and when are kept)',
        params: ConnectorParams,
        response: { 200: ConnectorAlarm, ...errors },
      },
    },
    async (request) => {
      await owners.alarm(request, 'datahub.connector.alarm.ack', request.params.id)
      return connectors.acknowledge(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
    },
  )
}
