import type { FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { FeatureCollection } from '../../core/geo/geojson.ts'
import { rolesIn } from '../../core/http/access.ts'
import { BulkBody, BulkResult } from '../../core/http/bulk.ts'
import { ErrorBody } from '../../core/http/errors.ts'
import { EstimatedPage, Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { IncidentsServices } from './index.ts'
import { INCIDENT_ACTIONS } from './permissions.ts'
import {
  AttachCall,
  CodeParams,
  CreateFacility,
  CreateIncident,
  CreateUnit,
  Dispatch,
  DispatchBody,
  DuplicateQuery,
  Facility,
  FacilityQuery,
  IdParams,
  Incident,
  IncidentDetail,
  IncidentQuery,
  IncidentType,
  MapQuery,
  Metrics,
  MetricsQuery,
  Note,
  PositionBody,
  PutIncidentType,
  PutTargets,
  Recommendation,
  Reopen,
  TargetsSchema,
  TenantParams,
  TimelineEntry,
  TrackPoint,
  TrackQuery,
  Unit,
  UnitQuery,
  UnitStatusBody,
  UpdateCapacity,
  UpdateIncident,
  UpdateUnit,
} from './schema.ts'
import type { UnitCaller } from './units.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }

const IncidentFeatures = FeatureCollection(
  Type.Object({
    id: Type.String(),
    number: Type.String(),
    type: Type.String(),
    priority: Type.String(),
    status: Type.String(),
    createdAt: Type.String(),
    kelurahan: Type.Union([Type.String(), Type.Null()]),
    overdue: Type.Boolean(),
  }),
)
const UnitFeatures = FeatureCollection(
  Type.Object({
    id: Type.String(),
    callsign: Type.String(),
    kind: Type.String(),
    status: Type.String(),
    incidentId: Type.Union([Type.String(), Type.Null()]),
    positionAt: Type.Union([Type.String(), Type.Null()]),
  }),
)

/** Callers' names and numbers are for the people who take calls and send units; other readers see them masked. */
function handlesCalls(request: FastifyRequest): boolean {
  const principal = principalOf(request)
  const { direct } = rolesIn(principal, tenantOf(request))
  return principal.isPlatformAdmin || INCIDENT_ACTIONS['incidents.dispatch'].roles.some((r) => direct.has(r))
}

function unitCaller(request: FastifyRequest): UnitCaller {
  const principal = principalOf(request)
  return {
    actor: principal.actor,
    username: principal.kind === 'user' ? principal.actor : null,
    mayMoveAnyUnit: handlesCalls(request),
  }
}

export function incidentRoutes(app: KendaliApp, ctx: CoreContext, s: IncidentsServices): void {
  const tags = ['incidents']

  // Catalogue and targets

  app.get(
    '/api/t/:tenant/incident-types',
    {
      config: { action: 'incidents.type.read' },
      schema: {
        tags,
        summary: 'Incident types of this tenant with the unit kinds each needs',
        params: TenantParams,
        response: { 200: Page(IncidentType), ...errors },
      },
    },
    async (request) => {
      const items = await s.incidents.types(ctx.db, tenantOf(request).code)
      return { items, total: items.length, next: null }
    },
  )

  app.put(
    '/api/t/:tenant/incident-types/:code',
    {
      config: { action: 'incidents.type.write' },
      schema: {
        tags,
        summary: 'Adds or changes an incident type of this tenant',
        params: CodeParams,
        body: PutIncidentType,
        response: { 200: IncidentType, ...errors },
      },
    },
    async (request) => s.incidents.putType(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.code, request.body),
  )

  app.get(
    '/api/t/:tenant/incidents/targets',
    {
      config: { action: 'incidents.incident.read' },
      schema: {
        tags,
        summary: 'Time targets per priority (call → dispatch, call → on scene)',
        params: TenantParams,
        response: { 200: Type.Array(TargetsSchema), ...errors },
      },
    },
    async (request) => s.incidents.targets(ctx.db, tenantOf(request).code),
  )

  app.put(
    '/api/t/:tenant/incidents/targets',
    {
      config: { action: 'incidents.target.write' },
      schema: {
        tags,
        summary: 'Sets time targets for some priorities',
        params: TenantParams,
        body: PutTargets,
        response: { 200: Type.Array(TargetsSchema), ...errors },
      },
    },
    async (request) => s.incidents.putTargets(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body),
  )

  // Incidents

  app.get(
    '/api/t/:tenant/incidents',
    {
      config: { action: 'incidents.incident.list' },
      schema: {
        tags,
        summary: 'Incidents, newest first, filtered by status, type, priority, bbox and since',
        params: TenantParams,
        querystring: IncidentQuery,
        response: { 200: EstimatedPage(Incident), ...errors },
      },
    },
    async (request) => {
      const page = await s.incidents.list(ctx.db, tenantOf(request).code, request.query, handlesCalls(request))
      // A wall screen shows where and how urgent, never who called or what they said.
      return principalOf(request).wall ? { ...page, items: page.items.map((i) => ({ ...i, caller: null, description: null })) } : page
    },
  )

  app.get(
    '/api/t/:tenant/incidents/geojson',
    {
      config: { action: 'incidents.incident.list' },
      schema: {
        tags,
        summary: 'Incidents as GeoJSON for the map (open ones by default)',
        params: TenantParams,
        querystring: MapQuery,
        response: { 200: IncidentFeatures, ...errors },
      },
    },
    async (request) => s.incidents.features(ctx.db, tenantOf(request).code, request.query),
  )

  app.get(
    '/api/t/:tenant/incidents/duplicates',
    {
      config: { action: 'incidents.dispatch' },
      schema: {
        tags,
        summary: 'Possible duplicates of a call before saving it: the same type within 300 m and 30 minutes',
        params: TenantParams,
        querystring: DuplicateQuery,
        response: { 200: Page(Type.Intersect([Incident, Type.Object({ distanceM: Type.Integer() })])), ...errors },
      },
    },
    async (request) => s.incidents.duplicates(ctx.db, tenantOf(request).code, request.query.type, request.query.lon, request.query.lat),
  )

  app.get(
    '/api/t/:tenant/incidents/metrics',
    {
      config: { action: 'incidents.metrics.read' },
      schema: {
        tags,
        summary: 'Counts and median/p90 seconds of each interval per type and priority (rows with null type or priority sum over it)',
        params: TenantParams,
        querystring: MetricsQuery,
        response: { 200: Metrics, ...errors },
      },
    },
    async (request) => s.incidents.metrics(ctx.db, tenantOf(request).code, new Date(request.query.from), new Date(request.query.to)),
  )

  app.post(
    '/api/t/:tenant/incidents',
    {
      config: { action: 'incidents.incident.write' },
      schema: {
        tags,
        summary: 'Records an incident; kelurahan and kecamatan come from the point',
        params: TenantParams,
        body: CreateIncident,
        response: { 201: Incident, ...errors },
      },
    },
    async (request, reply) => reply.status(201).send(await s.incidents.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.get(
    '/api/t/:tenant/incidents/:id',
    {
      config: { action: 'incidents.incident.read' },
      schema: { tags, summary: 'One incident with its timeline and dispatched units', params: IdParams, response: { 200: IncidentDetail, ...errors } },
    },
    async (request) => s.incidents.detail(ctx.db, tenantOf(request).code, request.params.id, handlesCalls(request)),
  )

  app.patch(
    '/api/t/:tenant/incidents/:id',
    {
      config: { action: 'incidents.incident.write' },
      schema: {
        tags,
        summary: 'Changes an incident; a status moves only along the allowed moves (closing needs an outcome)',
        params: IdParams,
        body: UpdateIncident,
        response: { 200: Incident, ...errors },
      },
    },
    async (request) => s.incidents.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.post(
    '/api/t/:tenant/incidents/:id/reopen',
    {
      config: { action: 'incidents.incident.reopen' },
      schema: { tags, summary: 'Reopens a closed or cancelled incident (operators)', params: IdParams, body: Reopen, response: { 200: Incident, ...errors } },
    },
    async (request) => s.incidents.reopen(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body.note),
  )

  app.post(
    '/api/t/:tenant/incidents/:id/notes',
    {
      config: { action: 'incidents.note.write' },
      schema: { tags, summary: 'Adds a note to the timeline', params: IdParams, body: Note, response: { 201: TimelineEntry, ...errors } },
    },
    async (request, reply) =>
      reply.status(201).send(await s.incidents.note(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body.text)),
  )

  app.post(
    '/api/t/:tenant/incidents/:id/calls',
    {
      config: { action: 'incidents.incident.write' },
      schema: {
        tags,
        summary: 'Attaches another call about this incident (instead of a duplicate)',
        params: IdParams,
        body: AttachCall,
        response: { 201: TimelineEntry, ...errors },
      },
    },
    async (request, reply) =>
      reply.status(201).send(await s.incidents.attachCall(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body)),
  )

  app.get(
    '/api/t/:tenant/incidents/:id/recommendations',
    {
      config: { action: 'incidents.dispatch' },
      schema: {
        tags,
        summary: 'The nearest available units of the kinds the type needs, fastest first, with distance and ETA',
        params: IdParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50, default: 5 })) }),
        response: { 200: Page(Recommendation), ...errors },
      },
    },
    async (request) => {
      const items = await s.dispatch.recommend(ctx.db, tenantOf(request).code, request.params.id, request.query.limit ?? 5)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/incidents/:id/dispatch',
    {
      config: { action: 'incidents.dispatch' },
      schema: {
        tags,
        summary: 'Sends an available unit; 409 when the unit was taken meanwhile (it serves one incident at a time)',
        params: IdParams,
        body: DispatchBody,
        response: { 201: Dispatch, ...errors },
      },
    },
    async (request, reply) =>
      reply
        .status(201)
        .send(
          await s.dispatch.dispatch(
            ctx.db,
            tenantOf(request).code,
            principalOf(request).actor,
            request.params.id,
            request.body.unitId,
            request.body.destinationId ?? null,
          ),
        ),
  )

  // Units

  app.get(
    '/api/t/:tenant/units',
    {
      config: { action: 'incidents.unit.list' },
      schema: {
        tags: ['units'],
        summary: 'Units by callsign, filtered by kind and status',
        params: TenantParams,
        querystring: UnitQuery,
        response: { 200: Page(Unit), ...errors },
      },
    },
    async (request) => s.units.list(ctx.db, tenantOf(request).code, request.query),
  )

  app.get(
    '/api/t/:tenant/units/geojson',
    {
      config: { action: 'incidents.unit.list' },
      schema: { tags: ['units'], summary: 'Units with a position, as GeoJSON for the map', params: TenantParams, response: { 200: UnitFeatures, ...errors } },
    },
    async (request) => s.units.features(ctx.db, tenantOf(request).code),
  )

  app.get(
    '/api/t/:tenant/units/mine',
    {
      config: { action: 'incidents.unit.crew' },
      schema: {
        tags: ['units'],
        summary: 'The units the logged-in crew member is listed on (field page)',
        params: TenantParams,
        response: { 200: Page(Unit), ...errors },
      },
    },
    async (request) => {
      const items = await s.units.mine(ctx.db, tenantOf(request).code, principalOf(request).actor)
      return { items, total: items.length, next: null }
    },
  )

  app.post(
    '/api/t/:tenant/units',
    {
      config: { action: 'incidents.unit.write' },
      schema: { tags: ['units'], summary: 'Registers a unit', params: TenantParams, body: CreateUnit, response: { 201: Unit, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await s.units.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.post(
    '/api/t/:tenant/units/bulk',
    {
      config: { action: 'incidents.unit.write' },
      schema: {
        tags: ['units'],
        summary: 'Registers many units, or updates those whose callsign exists (agency, base, crew), each answered on its own',
        params: TenantParams,
        body: BulkBody(CreateUnit, 'Units; a position is set only on a new unit, and fields left out keep their value'),
        response: { 200: BulkResult(), ...errors },
      },
    },
    async (request) => s.units.bulkSave(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body.items),
  )

  app.get(
    '/api/t/:tenant/units/:id',
    {
      config: { action: 'incidents.unit.read' },
      schema: { tags: ['units'], summary: 'One unit', params: IdParams, response: { 200: Unit, ...errors } },
    },
    async (request) => s.units.get(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.patch(
    '/api/t/:tenant/units/:id',
    {
      config: { action: 'incidents.unit.write' },
      schema: {
        tags: ['units'],
        summary: 'Changes a unit’s callsign, agency, home or crew',
        params: IdParams,
        body: UpdateUnit,
        response: { 200: Unit, ...errors },
      },
    },
    async (request) => s.units.update(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.post(
    '/api/t/:tenant/units/:id/status',
    {
      config: { action: 'incidents.unit.crew' },
      schema: {
        tags: ['units'],
        summary: 'Moves a unit to its next status (the crew’s buttons); drives its incident; field crews move only their own unit',
        params: IdParams,
        body: UnitStatusBody,
        response: { 200: Unit, ...errors },
      },
    },
    async (request) => s.units.setStatus(ctx.db, tenantOf(request).code, unitCaller(request), request.params.id, request.body),
  )

  app.post(
    '/api/t/:tenant/units/:id/position',
    {
      config: { action: 'incidents.unit.crew' },
      schema: {
        tags: ['units'],
        summary: 'A position of the unit (field page geolocation, tracker)',
        params: IdParams,
        body: PositionBody,
        response: { 200: Unit, ...errors },
      },
    },
    async (request) => s.units.position(ctx.db, tenantOf(request).code, unitCaller(request), request.params.id, request.body),
  )

  app.get(
    '/api/t/:tenant/units/:id/track',
    {
      config: { action: 'incidents.unit.read' },
      schema: {
        tags: ['units'],
        summary: 'The positions of a unit over a time range',
        params: IdParams,
        querystring: TrackQuery,
        response: { 200: Page(TrackPoint), ...errors },
      },
    },
    async (request) => {
      const items = await s.units.track(ctx.db, tenantOf(request).code, request.params.id, new Date(request.query.from), new Date(request.query.to))
      return { items, total: items.length, next: null }
    },
  )

  // Facilities

  app.get(
    '/api/t/:tenant/facilities',
    {
      config: { action: 'incidents.facility.read' },
      schema: {
        tags: ['facilities'],
        summary: 'Hospitals, puskesmas, stations and evacuation points, by code',
        params: TenantParams,
        querystring: FacilityQuery,
        response: { 200: Page(Facility), ...errors },
      },
    },
    async (request) => s.facilities.list(ctx.db, tenantOf(request).code, request.query),
  )

  app.post(
    '/api/t/:tenant/facilities',
    {
      config: { action: 'incidents.facility.write' },
      schema: { tags: ['facilities'], summary: 'Registers a facility', params: TenantParams, body: CreateFacility, response: { 201: Facility, ...errors } },
    },
    async (request, reply) => reply.status(201).send(await s.facilities.create(ctx.db, tenantOf(request).code, principalOf(request).actor, request.body)),
  )

  app.get(
    '/api/t/:tenant/facilities/:id',
    {
      config: { action: 'incidents.facility.read' },
      schema: { tags: ['facilities'], summary: 'One facility', params: IdParams, response: { 200: Facility, ...errors } },
    },
    async (request) => s.facilities.get(ctx.db, tenantOf(request).code, request.params.id),
  )

  app.put(
    '/api/t/:tenant/facilities/:id/capacity',
    {
      config: { action: 'incidents.facility.capacity' },
      schema: {
        tags: ['facilities'],
        summary: 'The emergency room’s free beds now',
        params: IdParams,
        body: UpdateCapacity,
        response: { 200: Facility, ...errors },
      },
    },
    async (request) => s.facilities.updateCapacity(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )
}
