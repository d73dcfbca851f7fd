import { Type } from 'typebox'
import { Unauthorized } from '../../core/errors.ts'
import { BulkBody, BulkResult } from '../../core/http/bulk.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page, PageQuery } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import {
  Alarm,
  AlarmQuery,
  CreateDevice,
  CreateRule,
  Device,
  DeviceKind,
  DeviceParams,
  DeviceWithToken,
  History,
  IngestResult,
  KindParams,
  PutDeviceKind,
  ReadingsQuery,
  Rule,
  TenantParams,
  UpdateDevice,
  UpdateRule,
  UuidParams,
} from './schema.ts'
import { type SensorService, tokenHash } from './service.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

export function sensorRoutes(app: KendaliApp, ctx: CoreContext, sensors: SensorService): void {
  app.get(
    '/api/t/:tenant/device-kinds',
    {
      config: { action: 'sensors.kind.read' },
      schema: {
        tags: ['sensors'],
        summary: 'Device kinds of this tenant: the built-in ones (as changed) and its own, with metrics, units, valid ranges, icon and colour',
        params: TenantParams,
        response: { 200: Page(DeviceKind), ...errors },
      },
    },
    async (request) => {
      const items = await sensors.kinds(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.put(
    '/api/t/:tenant/device-kinds/:code',
    {
      config: { action: 'sensors.kind.write' },
      schema: {
        tags: ['sensors'],
        summary: 'Adds or changes a device kind; its default rules are created for the kind once each (by name)',
        params: KindParams,
        body: PutDeviceKind,
        response: { 200: DeviceKind, ...errors },
      },
    },
    async (request) => sensors.putKind(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.code, request.body),
  )

  app.post(
    '/api/t/:tenant/devices',
    {
      config: { action: 'sensors.device.write' },
      schema: {
        tags: ['sensors'],
        summary: 'Registers a device; its token (MQTT password, HTTP bearer) is shown once and stored hashed',
        params: TenantParams,
        body: CreateDevice,
        response: { 201: DeviceWithToken, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await sensors.createDevice(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.post(
    '/api/t/:tenant/devices/bulk',
    {
      config: { action: 'sensors.device.write' },
      schema: {
        tags: ['sensors'],
        summary: 'Registers many devices (each new one answered with its token, shown once) and changes those named by id, each item answered on its own',
        params: TenantParams,
        body: BulkBody(
          Type.Object(
            {
              id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$', description: 'A device to change; left out: a new device' })),
              ...CreateDevice.properties,
            },
            {
              additionalProperties: false,
            },
          ),
          'Devices',
        ),
        response: { 200: BulkResult(Type.Object({ token: Type.String({ description: 'A new device’s token, shown once' }) })), ...errors },
      },
    },
    async (request) => sensors.bulkSaveDevices(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.items),
  )

  app.get(
    '/api/t/:tenant/devices',
    {
      config: { action: 'sensors.device.read' },
      schema: {
        tags: ['sensors'],
        summary: 'Devices with their latest value per metric and status',
        params: TenantParams,
        querystring: PageQuery,
        response: { 200: Page(Device), ...errors },
      },
    },
    async (request) => sensors.listDevices(ctx.db, tenantOf(request).code, request.query.limit ?? 50, request.query.cursor),
  )

  app.get(
    '/api/t/:tenant/devices/:id',
    {
      config: { action: 'sensors.device.read' },
      schema: {
        tags: ['sensors'],
        summary: 'One device with its latest value per metric and status',
        params: DeviceParams,
        response: { 200: Device, ...errors },
      },
    },
    async (request) => sensors.getDevice(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.patch(
    '/api/t/:tenant/devices/:id',
    {
      config: { action: 'sensors.device.write' },
      schema: {
        tags: ['sensors'],
        summary: "Changes a device's name, place, agency or reporting interval",
        params: DeviceParams,
        body: UpdateDevice,
        response: { 200: Device, ...errors },
      },
    },
    async (request) => sensors.updateDevice(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/devices/:id',
    {
      config: { action: 'sensors.device.write' },
      schema: {
        tags: ['sensors'],
        summary: 'Archives a device: its token stops working and its open alarms clear',
        params: DeviceParams,
        response: { 204: Type.Null(), ...errors },
      },
    },
    async (request, reply) => {
      await sensors.archiveDevice(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.post(
    '/api/t/:tenant/devices/:id/token',
    {
      config: { action: 'sensors.device.write' },
      schema: {
        tags: ['sensors'],
        summary: 'Gives the device a new token; the old one stops working at once',
        params: DeviceParams,
        response: { 200: DeviceWithToken, ...errors },
      },
    },
    async (request) => sensors.rotateToken(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id),
  )

  app.post(
    '/api/t/:tenant/devices/:id/readings',
    {
      // The device's own token is the credential here, checked below, not a person's or system's role.
      config: { access: 'public', ownBearer: true },
      bodyLimit: 1024 * 1024,
      schema: {
        tags: ['sensors'],
        summary: 'Readings from a device (bearer = device token): {"ts","values"} objects or a SenML pack; answers per item',
        params: DeviceParams,
        body: Type.Unknown({ description: 'JSON {"ts":…, "values":{…}}, an array of those, or a SenML (RFC 8428) array' }),
        response: { 200: IngestResult, ...errors, 503: ErrorBody },
      },
    },
    async (request) => {
      const tenant = tenantOf(request).code
      const header = request.headers.authorization
      const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : ''
      if (!token) throw new Unauthorized('Send the device token as a bearer token')
      // The token is checked by the batch the payload joins (401 if wrong); answered once that batch has committed,
      // or at once with 503 and Retry-After when the queue is full.
      return sensors.submit(ctx.db, tenant, request.params.id, request.body, { tokenHash: tokenHash(token), whenFull: 'refuse' })
    },
  )

  app.get(
    '/api/t/:tenant/devices/:id/readings',
    {
      config: { action: 'sensors.device.read' },
      schema: {
        tags: ['sensors'],
        summary: 'History of one metric: raw points up to 6 hours, 5-minute buckets up to 7 days, hourly beyond',
        params: DeviceParams,
        querystring: ReadingsQuery,
        response: { 200: History, ...errors },
      },
    },
    async (request) =>
      sensors.history(ctx.db, tenantOf(request).code, request.params.id, request.query.metric, new Date(request.query.from), new Date(request.query.to)),
  )

  app.post(
    '/api/t/:tenant/rules',
    {
      config: { action: 'sensors.rule.write' },
      schema: {
        tags: ['sensors'],
        summary: 'A threshold rule for a device kind or one device',
        params: TenantParams,
        body: CreateRule,
        response: { 201: Rule, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await sensors.createRule(ctx.db, tenantOf(request).code, request.body)),
  )

  app.get(
    '/api/t/:tenant/rules',
    {
      config: { action: 'sensors.rule.read' },
      schema: { tags: ['sensors'], summary: 'Threshold rules', params: TenantParams, response: { 200: Page(Rule), ...errors } },
    },
    async (request) => {
      const items = await sensors.listRules(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.patch(
    '/api/t/:tenant/rules/:id',
    {
      config: { action: 'sensors.rule.write' },
      schema: {
        tags: ['sensors'],
        summary: 'Changes a rule’s threshold, timing, level, action or whether it is on (what it watches stays)',
        params: UuidParams,
        body: UpdateRule,
        response: { 200: Rule, ...errors },
      },
    },
    async (request) => sensors.updateRule(ctx.db, tenantOf(request).code, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/rules/:id',
    {
      config: { action: 'sensors.rule.write' },
      schema: { tags: ['sensors'], summary: 'Deletes a rule; its open alarms clear', params: UuidParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await sensors.deleteRule(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id)
      return reply.status(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/alarms',
    {
      config: { action: 'sensors.alarm.read' },
      schema: {
        tags: ['sensors'],
        summary: 'Alarms, newest first (default: open ones)',
        params: TenantParams,
        querystring: AlarmQuery,
        response: { 200: Page(Alarm), ...errors },
      },
    },
    async (request) => sensors.listAlarms(ctx.db, tenantOf(request).code, request.query.status, request.query.limit ?? 50, request.query.cursor),
  )

  app.post(
    '/api/t/:tenant/alarms/:id/ack',
    {
      config: { action: 'sensors.alarm.ack' },
      schema: { tags: ['sensors'], summary: 'Acknowledges an active alarm (who and when are kept)', params: UuidParams, response: { 200: Alarm, ...errors } },
    },
    async (request) => sensors.acknowledge(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id),
  )
}
