import { Type } from 'typebox'
import { ErrorBody } from '../../core/http/errors.ts'
import { Page } from '../../core/http/paging.ts'
import { principalOf, tenantOf } from '../../core/http/request.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { PlacesServices } from './index.ts'
import {
  ListQuery,
  NamedParams,
  NamedPlace,
  PointQuery,
  RefreshAnswer,
  ReverseAnswer,
  SaveNamedPlace,
  SearchAnswer,
  SearchQuery,
  SourceSummary,
  TenantParams,
} from './schema.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody }
const tags = ['places']

export function placeRoutes(app: KendaliApp, ctx: CoreContext, s: PlacesServices): void {
  app.get(
    '/api/t/:tenant/places',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'Search places by name (streets, POIs, kelurahan, facilities, markets, named places): typos and word order forgiven, nearer first',
        params: TenantParams,
        querystring: SearchQuery,
        response: { 200: SearchAnswer, ...errors },
      },
    },
    async (request) => s.places.search(ctx.db, tenantOf(request).code, request.query),
  )

  app.get(
    '/api/t/:tenant/places/reverse',
    {
      config: { access: 'public' },
      schema: {
        tags,
        summary: 'A point in words: nearest street, a landmark near it, its kelurahan and kecamatan',
        params: TenantParams,
        querystring: PointQuery,
        response: { 200: ReverseAnswer, ...errors },
      },
    },
    async (request) => s.places.reverse(ctx.db, tenantOf(request).code, request.query.lon, request.query.lat),
  )

  app.get(
    '/api/t/:tenant/places/named',
    {
      config: { action: 'places.named.read' },
      schema: {
        tags,
        summary: "The city's own named places, by name",
        params: TenantParams,
        querystring: ListQuery,
        response: { 200: Page(NamedPlace), ...errors },
      },
    },
    async (request) => s.places.listNamed(ctx.db, tenantOf(request).code, request.query),
  )

  app.post(
    '/api/t/:tenant/places/named',
    {
      config: { action: 'places.named.write' },
      schema: {
        tags,
        summary: 'Add a named place ("Alun-alun Kota Magelang") with its aliases',
        params: TenantParams,
        body: SaveNamedPlace,
        response: { 201: NamedPlace, ...errors },
      },
    },
    async (request, reply) => {
      const saved = await s.places.saveNamed(ctx.db, tenantOf(request).code, principalOf(request).actor, null, request.body)
      return reply.code(201).send(saved)
    },
  )

  app.put(
    '/api/t/:tenant/places/named/:id',
    {
      config: { action: 'places.named.write' },
      schema: { tags, summary: 'Change a named place', params: NamedParams, body: SaveNamedPlace, response: { 200: NamedPlace, ...errors } },
    },
    async (request) => s.places.saveNamed(ctx.db, tenantOf(request).code, principalOf(request).actor, request.params.id, request.body),
  )

  app.delete(
    '/api/t/:tenant/places/named/:id',
    {
      config: { action: 'places.named.write' },
      schema: { tags, summary: 'Remove a named place', params: NamedParams, response: { 204: Type.Null(), ...errors } },
    },
    async (request, reply) => {
      await s.places.deleteNamed(ctx.db, tenantOf(request).code, request.params.id)
      return reply.code(204).send(null)
    },
  )

  app.get(
    '/api/t/:tenant/places/sources',
    {
      config: { action: 'places.index.refresh' },
      schema: {
        tags,
        summary: 'What the place index holds per source and when it was read',
        params: TenantParams,
        response: { 200: Type.Object({ items: Type.Array(SourceSummary) }), ...errors },
      },
    },
    async (request) => ({ items: await s.places.sourcesOf(ctx.db, tenantOf(request).code) }),
  )

  app.post(
    '/api/t/:tenant/places/refresh',
    {
      config: { action: 'places.index.refresh' },
      schema: {
        tags,
        summary: 'Read regions, facilities, markets and the basemap into the place index again (the basemap even when unchanged)',
        params: TenantParams,
        response: { 200: RefreshAnswer, ...errors },
      },
    },
    async (request) => ({ places: await s.places.refresh(ctx.db, tenantOf(request).code, { force: true }) }),
  )
}
