import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { XMLBuilder } from 'fast-xml-parser'
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify'
import { Type } from 'typebox'
import { zoneOffsetMinutes } from '../../core/calendar.ts'
import { DomainError, NotFound } from '../../core/errors.ts'
import type { CoreContext, KendaliApp } from '../../core/module.ts'
import type { ReportsServices } from './index.ts'
import * as store from './store.ts'
import { FINAL_STATUSES, OPEN_STATUSES, open311Status, type ReportStatus, showsContent } from './workflow.ts'

// Open311 GeoReport v2 (http://wiki.open311.org/GeoReport_v2), exactly: /open311/v2/… in XML and JSON,
// `jurisdiction_id` = the tenant code, errors as the spec's `errors` document. Only reports of public
// categories are visible here; reporters' contacts never are.

type Format = 'json' | 'xml'
type Fields = Record<string, string | number | boolean | null>

const BASE = '/open311/v2'
const FORMATS: Format[] = ['json', 'xml']
// The spec's default window and size of GET requests.
const MAX_DAYS = 90
const MAX_REQUESTS = 1000

const xml = new XMLBuilder({ format: true, indentBy: '  ', suppressEmptyNode: false, ignoreAttributes: false, attributeNamePrefix: '@_' })

/** A spec error: the HTTP status and the code in the body (usually the same). */
class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

function formatOf(request: FastifyRequest): Format {
  const path = request.url.split('?')[0]
  return path.endsWith('.xml') ? 'xml' : 'json'
}

/** `name.json` → [name, json]; the spec appends the format to every resource. */
function splitFile(file: string): [string, Format] {
  const dot = file.lastIndexOf('.')
  const ext = dot > 0 ? file.slice(dot + 1) : ''
  if (ext !== 'json' && ext !== 'xml') throw new Open311Error(400, 'Append the format to the resource: .xml or .json')
  return [decodeURIComponent(file.slice(0, dot)), ext]
}

function send(reply: FastifyReply, format: Format, root: string, item: string, items: Fields[] | Record<string, unknown>): FastifyReply {
  if (format === 'json') return reply.type('application/json; charset=utf-8').send(JSON.stringify(items))
  const nulls = (v: unknown): unknown =>
    v === null || v === undefined
      ? ''
      : Array.isArray(v)
        ? v.map(nulls)
        : typeof v === 'object'
          ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, nulls(x)]))
          : v
  const body = Array.isArray(items) ? { [root]: { [item]: nulls(items) } } : { [root]: nulls(items) }
  return reply.type('text/xml; charset=utf-8').send(xml.build({ '?xml': { '@_version': '1.0', '@_encoding': 'utf-8' }, ...body }))
}

function sendErrors(reply: FastifyReply, format: Format, status: number, description: string): FastifyReply {
  reply.status(status)
  return send(reply, format, 'errors', 'error', [{ code: status, description }])
}

/** The spec's w3 date-time with the tenant's offset: 2026-08-12T09:00:00+07:00. */
export function w3Time(iso: string | null, offsetMinutes: number): string | null {
  if (!iso) return null
  const local = new Date(Date.parse(iso) + offsetMinutes * 60_000).toISOString().slice(0, 19)
  const sign = offsetMinutes >= 0 ? '+' : '-'
  const abs = Math.abs(offsetMinutes)
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`
}

function parseW3(value: string | undefined, field: string): Date | null {
  if (!value) return null
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(value)) {
    throw new Open311Error(400, `${field} must be a w3 date-time with a zone, e.g. 2010-01-01T00:00:00Z`)
  }
  return new Date(value)
}

/** Spec form bodies: `attribute[code]=v`, `attribute[code][]=v1&attribute[code][]=v2`. */
export function parseForm(body: string): Record<string, string | string[] | Record<string, string | string[]>> {
  const out: Record<string, string | string[] | Record<string, string | string[]>> = {}
  const attributes: Record<string, string | string[]> = {}
  for (const [key, value] of new URLSearchParams(body)) {
    const attr = /^attribute\[([^\]]+)\](\[\])?$/.exec(key)
    if (attr) {
      const current = attributes[attr[1]]
      attributes[attr[1]] = attr[2] ? [...(Array.isArray(current) ? current : current ? [current] : []), value] : value
    } else out[key] = value
  }
  if (Object.keys(attributes).length > 0) out.attribute = attributes
  return out
}

/**
 * A plausible e-mail address: one @, text before it, a dot inside the part after it, no white space. Checked
 * without a backtracking pattern, so a long adversarial string costs linear time.
 */
export function isEmailAddress(value: string): boolean {
  if (value.length > 254 || /\s/.test(value)) return false
  const at = value.indexOf('@')
  if (at <= 0 || at !== value.lastIndexOf('@')) return false
  const domain = value.slice(at + 1)
  return domain.slice(1, -1).includes('.')
}

// When the endpoint's description (URL, formats, specification) last changed; the spec's Service Discovery changeset.
const DISCOVERY_CHANGESET = '2026-12-07T00:00:00Z'
// XML first: the spec requires it, JSON is optional.
const FORMAT_TYPES = { xml: 'text/xml', json: 'application/json' } satisfies Record<Format, string>

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined)

export function open311Routes(app: KendaliApp, ctx: CoreContext, s: ReportsServices): void {
  const tags = ['open311']

  app.register(async (scope) => {
    const api = scope.withTypeProvider<TypeBoxTypeProvider>()
    // POST requests come form-encoded (the spec); only this scope parses that.
    scope.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 64 * 1024 }, (_request, body, done) => {
      done(null, parseForm(String(body)))
    })
    scope.setErrorHandler((err: FastifyError | DomainError | Open311Error, request, reply) => {
      const format = formatOf(request)
      if (err instanceof Open311Error) return sendErrors(reply, format, err.status, err.message)
      if (err instanceof DomainError) {
        const status = err.code === 'not_found' ? 404 : err.code === 'forbidden' || err.code === 'unauthorized' ? 403 : err.code === 'rate_limited' ? 429 : 400
        return sendErrors(reply, format, status, err.message)
      }
      if ('validation' in err && err.validation) return sendErrors(reply, format, 400, `Invalid request: ${err.message}`)
      if ('statusCode' in err && err.statusCode && err.statusCode < 500) return sendErrors(reply, format, err.statusCode === 413 ? 413 : 400, err.message)
      request.log.error({ err }, 'open311 request failed')
      return sendErrors(reply, format, 500, 'The Open311 service failed; it has been logged')
    })

    /** The tenant of a `jurisdiction_id`; the endpoint serves many, so it is required. */
    async function jurisdiction(id: unknown) {
      const code = text(id)
      if (!code) throw new Open311Error(400, 'jurisdiction_id was not provided (use the tenant code, e.g. 33.71)')
      const tenant = /^[0-9]{2}(\.[0-9]{2})?$/.test(code) ? await s.tenancy.tenant(code) : null
      if (!tenant) throw new Open311Error(404, `jurisdiction_id ${code} was not found`)
      return tenant
    }

    const baseUrl = (request: FastifyRequest) => (ctx.config.publicUrl ?? `${request.protocol}://${request.host}`).replace(/\/$/, '')

    async function requestFields(request: FastifyRequest, tenant: string, offset: number, rows: store.ReportRow[]): Promise<Fields[]> {
      const categories = new Map((await store.listCategories(ctx.db, tenant)).map((c) => [c.code, c]))
      const agencies = await s.tenancy.agencies(ctx.db, tenant)
      const out: Fields[] = []
      for (const r of rows) {
        const category = categories.get(r.category)
        const isShown = showsContent(r)
        const photo = isShown ? (await store.photosOf(ctx.db, tenant, r.id))[0] : undefined
        const where = [r.kelurahan?.name, r.kecamatan?.name].filter(Boolean).join(', ')
        out.push({
          service_request_id: r.number,
          status: open311Status(r.status),
          status_notes: r.status === 'merged' ? 'Duplicate request.' : r.statusNote,
          service_name: category?.label.id ?? r.category,
          service_code: category?.serviceCode ?? r.category,
          description: isShown ? r.description : null,
          agency_responsible: r.agencyId ? (agencies.get(r.agencyId)?.name ?? null) : null,
          service_notice: category?.notice ?? null,
          requested_datetime: w3Time(r.createdAt, offset),
          updated_datetime: w3Time(
            r.status === 'resolved' || FINAL_STATUSES.includes(r.status) ? (r.resolvedAt ?? r.closedAt ?? r.updatedAt) : r.updatedAt,
            offset,
          ),
          expected_datetime: w3Time(r.dueAt, offset),
          address: r.address ? [r.address, where].filter(Boolean).join(', ') : where || null,
          address_id: null,
          zipcode: null,
          lat: r.location.coordinates[1],
          long: r.location.coordinates[0],
          media_url: photo ? `${baseUrl(request)}/api/t/${tenant}/reports/${r.id}/photos/${photo.id}` : isShown ? r.mediaUrl : null,
        })
      }
      return out
    }

    const Query = Type.Object({ jurisdiction_id: Type.Optional(Type.String()) }, { additionalProperties: true })
    const RequestsQuery = Type.Object(
      {
        jurisdiction_id: Type.Optional(Type.String()),
        service_request_id: Type.Optional(Type.String()),
        service_code: Type.Optional(Type.String()),
        start_date: Type.Optional(Type.String()),
        end_date: Type.Optional(Type.String()),
        status: Type.Optional(Type.String()),
      },
      { additionalProperties: true },
    )

    for (const format of FORMATS) {
      api.get(
        `${BASE}/discovery.${format}`,
        { config: { access: 'public' }, schema: { tags, summary: `GET Service Discovery (${format})` } },
        async (request, reply) => {
          const base = baseUrl(request)
          const formats = Object.values(FORMAT_TYPES)
          const endpoint = {
            specification: 'http://wiki.open311.org/GeoReport_v2',
            url: `${base}${BASE}`,
            changeset: DISCOVERY_CHANGESET,
            type: 'production',
            formats: format === 'json' ? formats : { format: formats },
          }
          return send(reply, format, 'discovery', '', {
            changeset: DISCOVERY_CHANGESET,
            contact: ctx.config.open311Contact ?? `The command center (Diskominfo) of the jurisdiction, through ${base}`,
            key_service: `An api_key is a Kendali API token of the jurisdiction (jurisdiction_id = the tenant code, e.g. 33.71): ask the jurisdiction's administrator, who creates one with POST ${base}/api/t/{jurisdiction_id}/tokens`,
            endpoints: format === 'json' ? [endpoint] : { endpoint: [endpoint] },
          })
        },
      )

      api.get(
        `${BASE}/services.${format}`,
        { config: { access: 'public' }, schema: { tags, summary: `GET Service List (${format})`, querystring: Query } },
        async (request, reply) => {
          const tenant = await jurisdiction(request.query.jurisdiction_id)
          const services = (await store.listCategories(ctx.db, tenant.code))
            .filter((c) => c.isActive && c.isPublic)
            .map((c) => ({
              service_code: c.serviceCode,
              service_name: c.label.id,
              description: c.description,
              metadata: false,
              type: 'realtime',
              keywords: c.keywords.join(', '),
              group: c.group,
            }))
          return send(reply, format, 'services', 'service', services)
        },
      )

      api.get(
        `${BASE}/requests.${format}`,
        { config: { access: 'public' }, schema: { tags, summary: `GET Service Requests (${format})`, querystring: RequestsQuery } },
        async (request, reply) => {
          const q = request.query
          const tenant = await jurisdiction(q.jurisdiction_id)
          const ids = text(q.service_request_id)
          let filter: store.Open311Filter
          if (ids) {
            // service_request_id overrides every other argument (the spec).
            filter = { numbers: ids.split(',').map((x) => x.trim()), categories: null, start: null, end: null, statuses: null }
          } else {
            let start = parseW3(text(q.start_date), 'start_date')
            let end = parseW3(text(q.end_date), 'end_date')
            if (start && end && end.getTime() - start.getTime() > MAX_DAYS * 86_400_000)
              throw new Open311Error(400, `start_date to end_date may span at most ${MAX_DAYS} days`)
            if (start && end && start > end) throw new Open311Error(400, 'start_date must come before end_date')
            if (!start && !end) start = new Date(Date.now() - MAX_DAYS * 86_400_000)
            else if (!start && end) start = new Date(end.getTime() - MAX_DAYS * 86_400_000)
            else if (start && !end) end = new Date((start as Date).getTime() + MAX_DAYS * 86_400_000)
            const statuses = new Set<ReportStatus>()
            for (const st of text(q.status)?.split(',') ?? []) {
              if (st.trim() === 'open') for (const x of OPEN_STATUSES) statuses.add(x)
              else if (st.trim() === 'closed') for (const x of ['resolved', ...FINAL_STATUSES] as ReportStatus[]) statuses.add(x)
              else throw new Open311Error(400, `status must be open or closed, not ${st}`)
            }
            let categories: string[] | null = null
            const codes = text(q.service_code)
              ?.split(',')
              .map((x) => x.trim())
            if (codes) {
              const all = await store.listCategories(ctx.db, tenant.code)
              categories = all.filter((c) => codes.includes(c.serviceCode)).map((c) => c.code)
            }
            filter = { numbers: null, categories, start, end, statuses: statuses.size > 0 ? [...statuses] : null }
          }
          const rows = await store.open311Requests(ctx.db, tenant.code, filter, MAX_REQUESTS)
          return send(reply, format, 'service_requests', 'request', await requestFields(request, tenant.code, zoneOffsetMinutes(tenant.timezone), rows))
        },
      )

      api.post(
        `${BASE}/requests.${format}`,
        {
          config: { access: 'public' },
          schema: {
            tags,
            summary: `POST Service Request (${format}); api_key is a Kendali API token of the jurisdiction`,
            consumes: ['application/x-www-form-urlencoded', 'application/json'],
          },
        },
        async (request, reply) => {
          const body = (request.body ?? {}) as Record<string, unknown>
          const apiKey = text(body.api_key)
          if (!apiKey) throw new Open311Error(403, 'api_key is missing -- cannot create the request')
          const tenant = await jurisdiction(body.jurisdiction_id)
          const principal = await s.tenancy.principalFromApiToken(ctx.db, apiKey)
          const grants = principal?.isPlatformAdmin || principal?.grants.some((g) => g.tenant === tenant.code && g.roles.length > 0)
          if (!principal || !grants) throw new Open311Error(403, `Invalid api_key received -- can't proceed with create_request.`)
          const serviceCode = text(body.service_code)
          if (!serviceCode) throw new Open311Error(400, 'service_code was not provided')
          const category = await store.findCategoryByServiceCode(ctx.db, tenant.code, serviceCode)
          if (!category?.isActive) throw new Open311Error(404, `service_code ${serviceCode} was not found`)
          const lat = Number(text(body.lat))
          const lon = Number(text(body.long))
          if (!text(body.lat) || !text(body.long) || !Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
            throw new Open311Error(400, 'lat and long are required: every report is placed on the map (address_string or address_id alone cannot be placed)')
          }
          const name = [text(body.first_name), text(body.last_name)].filter(Boolean).join(' ')
          const email = text(body.email)
          const phone = text(body.phone)
          if (email && !isEmailAddress(email)) throw new Open311Error(400, 'email is not an e-mail address')
          if (phone && !/^[0-9+() -]{6,20}$/.test(phone)) throw new Open311Error(400, 'phone is not a phone number')
          const description = text(body.description) ?? category.label.id
          if (description.length > 4000) throw new Open311Error(400, 'description may be at most 4,000 characters')
          const mediaUrl = text(body.media_url)
          if (mediaUrl && !/^https?:\/\/\S+$/.test(mediaUrl)) throw new Open311Error(400, 'media_url must be an http(s) URL')
          const row = await s.reports.submit(
            ctx.db,
            tenant.code,
            {
              category: category.code,
              description,
              location: { type: 'Point', coordinates: [lon, lat] },
              address: text(body.address_string)?.slice(0, 300),
              reporter: { ...(name ? { name: name.slice(0, 120) } : {}), ...(phone ? { phone } : {}), ...(email ? { email } : {}) },
              consent: true,
            },
            {
              source: 'open311',
              actor: principal.actor,
              ip: request.ip,
              isTrusted: true,
              mediaUrl: mediaUrl ?? null,
              attributes: {
                ...(typeof body.attribute === 'object' && body.attribute ? { attribute: body.attribute } : {}),
                ...(text(body.device_id) ? { device_id: text(body.device_id) } : {}),
                ...(text(body.account_id) ? { account_id: text(body.account_id) } : {}),
                ...(text(body.address_id) ? { address_id: text(body.address_id) } : {}),
              },
            },
          )
          return send(reply, format, 'service_requests', 'request', [
            { service_request_id: row.number, service_notice: category.notice, account_id: text(body.account_id) ?? null },
          ])
        },
      )
    }

    api.get(
      `${BASE}/services/:file`,
      {
        config: { access: 'public' },
        schema: { tags, summary: 'GET Service Definition ({service_code}.xml or .json)', params: Type.Object({ file: Type.String() }), querystring: Query },
      },
      async (request, reply) => {
        const [serviceCode, format] = splitFile(request.params.file)
        const tenant = await jurisdiction(request.query.jurisdiction_id)
        const category = await store.findCategoryByServiceCode(ctx.db, tenant.code, serviceCode)
        if (!category?.isActive || !category.isPublic) throw new Open311Error(404, `service_code ${serviceCode} was not found`)
        // No category asks for extra attributes (metadata=false), so the definition lists none.
        return send(reply, format, 'service_definition', '', { service_code: category.serviceCode, attributes: format === 'json' ? [] : '' })
      },
    )

    api.get(
      `${BASE}/requests/:file`,
      {
        config: { access: 'public' },
        schema: { tags, summary: 'GET Service Request ({service_request_id}.xml or .json)', params: Type.Object({ file: Type.String() }), querystring: Query },
      },
      async (request, reply) => {
        const [number, format] = splitFile(request.params.file)
        const tenant = await jurisdiction(request.query.jurisdiction_id)
        const row = await store.findReportByNumber(ctx.db, tenant.code, number)
        if (!row?.isPublic) throw new Open311Error(404, `service_request_id ${number} was not found`)
        return send(reply, format, 'service_requests', 'request', await requestFields(request, tenant.code, zoneOffsetMinutes(tenant.timezone), [row]))
      },
    )

    api.get(
      `${BASE}/tokens/:file`,
      {
        config: { access: 'public' },
        schema: {
          tags,
          summary: 'GET service_request_id from a token ({token}.xml or .json; the tracking code)',
          params: Type.Object({ file: Type.String() }),
          querystring: Query,
        },
      },
      async (request, reply) => {
        const [token, format] = splitFile(request.params.file)
        const tenant = await jurisdiction(request.query.jurisdiction_id)
        let row: store.ReportRow | null = null
        if (/^[0-9A-Za-z]{4}-?[0-9A-Za-z]{4}$/.test(token)) {
          try {
            row = await s.reports.byCode(ctx.db, tenant.code, token)
          } catch (err) {
            if (!(err instanceof NotFound)) throw err
          }
        }
        if (!row) throw new Open311Error(404, `token ${token} was not found`)
        return send(reply, format, 'service_requests', 'request', [{ service_request_id: row.number, token }])
      },
    )
  })
}
