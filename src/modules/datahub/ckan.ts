import { createHash } from 'node:crypto'
import type { Queryable } from '../../core/db/database.ts'
import { queryResourceRows } from './datasets.ts'
import type { Lookups, Organization } from './ports.ts'
import * as store from './store.ts'
import type { ColumnType } from './tabular.ts'

// The read side of the CKAN Action API v3, answered exactly as CKAN does, so Satu Data portals, CKAN
// harvesters and client libraries (ckanapi, ckanr) read Kendali's open data unchanged.

/** One tenant's catalogue, or (tenant null) the public datasets of every tenant with names carrying the tenant. */
export interface CkanScope {
  tenant: string | null
  /** Absolute base of this API, e.g. https://kendali.example/api/3/action. */
  actionBase: string
  /** Absolute base of the tenant APIs, e.g. https://kendali.example/api/t. */
  apiBase: string
  siteTitle: string
}

export class CkanError extends Error {
  constructor(
    readonly status: number,
    readonly error: Record<string, unknown>,
  ) {
    super(String(error.message ?? error.__type))
  }
}

const notFound = (what = '') => new CkanError(404, { __type: 'Not Found Error', message: what ? `Not found: ${what}` : 'Not found' })
const missing = (field: string) => new CkanError(409, { __type: 'Validation Error', [field]: ['Missing value'] })
const invalid = (field: string, message: string) => new CkanError(409, { __type: 'Validation Error', [field]: [message] })
const badQuery = (message: string) => new CkanError(400, { __type: 'Search Query Error', message: `Search Query is invalid: ${message}` })

export const CKAN_VERSION = '2.10.4'

const LICENSES: Record<string, { title: string; url: string; isOpen: boolean }> = {
  'cc-by': { title: 'Creative Commons Attribution', url: 'http://www.opendefinition.org/licenses/cc-by', isOpen: true },
  'cc-by-sa': { title: 'Creative Commons Attribution Share-Alike', url: 'http://www.opendefinition.org/licenses/cc-by-sa', isOpen: true },
  'cc-zero': { title: 'Creative Commons CCZero', url: 'http://www.opendefinition.org/licenses/cc-zero', isOpen: true },
  'cc-nc': { title: 'Creative Commons Non-Commercial (Any)', url: 'http://creativecommons.org/licenses/by-nc/2.0/', isOpen: false },
  'odc-by': { title: 'Open Data Commons Attribution License', url: 'http://www.opendefinition.org/licenses/odc-by', isOpen: true },
  'odc-odbl': { title: 'Open Data Commons Open Database License (ODbL)', url: 'http://www.opendefinition.org/licenses/odc-odbl', isOpen: true },
  'odc-pddl': { title: 'Open Data Commons Public Domain Dedication and License (PDDL)', url: 'http://www.opendefinition.org/licenses/odc-pddl', isOpen: true },
  'other-open': { title: 'Other (Open)', url: '', isOpen: true },
  'other-pd': { title: 'Other (Public Domain)', url: '', isOpen: true },
  'other-at': { title: 'Other (Attribution)', url: '', isOpen: true },
  'other-nc': { title: 'Other (Non-Commercial)', url: '', isOpen: false },
  'other-closed': { title: 'Other (Not Open)', url: '', isOpen: false },
  notspecified: { title: 'License not specified', url: '', isOpen: false },
}

const DATASTORE_TYPES: Record<ColumnType, string> = { integer: 'int', number: 'numeric', boolean: 'bool', date: 'date', text: 'text' }

/** CKAN writes times as UTC without a zone, to the microsecond. */
function ckanTime(d: Date): string {
  return d.toISOString().replace('Z', '000')
}

/** A stable UUID-shaped id for things Kendali keeps no id for (tags). */
function stableId(text: string): string {
  const h = createHash('sha1').update(text).digest('hex')
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`
}

function tenantSlug(tenant: string): string {
  return tenant.replaceAll('.', '')
}

type Params = Record<string, unknown>

function str(p: Params, key: string): string | undefined {
  const v = p[key]
  if (v === undefined || v === null) return undefined
  return Array.isArray(v) ? String(v[0]) : String(v)
}

function int(p: Params, key: string, fallback: number, max: number): number {
  const raw = str(p, key)
  if (raw === undefined || raw === '') return fallback
  const n = Number(raw)
  if (!Number.isInteger(n) || n < 0) throw invalid(key, 'Invalid integer')
  return Math.min(n, max)
}

function bool(p: Params, key: string): boolean {
  const v = str(p, key)?.toLowerCase()
  return v === 'true' || v === '1' || v === 'yes'
}

function list(p: Params, key: string): string[] {
  const v = p[key]
  if (v === undefined || v === null || v === '') return []
  if (Array.isArray(v)) return v.map(String)
  const s = String(v)
  if (s.startsWith('[')) {
    try {
      const parsed = JSON.parse(s) as unknown
      if (Array.isArray(parsed)) return parsed.map(String)
    } catch {
      throw invalid(key, 'Invalid JSON list')
    }
  }
  return s.split(',').map((x) => x.trim())
}

interface Org extends Organization {
  ckanName: string
  packageCount: number
}

/** Field:value terms of a Solr-style query (`organization:dinkes tags:"air bersih" +res_format:CSV`). */
export function parseTerms(query: string): { terms: { field: string; value: string }[]; text: string } {
  const terms: { field: string; value: string }[] = []
  const rest = query.replace(/\+?([a-z_]+):(?:"([^"]*)"|(\S+))/gi, (_m, field: string, quoted: string | undefined, bare: string | undefined) => {
    terms.push({ field: field.toLowerCase(), value: quoted ?? bare ?? '' })
    return ' '
  })
  const text = rest
    .replace(/\bAND\b/g, ' ')
    .replace(/\*:\*/g, ' ')
    .trim()
  return { terms, text }
}

/** The CKAN Action API over the data hub's public datasets. */
export class CkanApi {
  constructor(private readonly lookups: Lookups) {}

  private packageName(scope: CkanScope, row: { tenant: string; name: string }): string {
    return scope.tenant ? row.name : `${tenantSlug(row.tenant)}-${row.name}`
  }

  private async organizations(db: Queryable, scope: CkanScope): Promise<Org[]> {
    const owners = await store.publicOwners(db, scope.tenant)
    const tenants = scope.tenant ? [scope.tenant] : [...new Set(owners.map((o) => o.tenant))]
    const orgs: Org[] = []
    for (const tenant of tenants.sort()) {
      for (const o of await this.lookups.organizations(db, tenant)) {
        const count = owners.find((w) => w.tenant === tenant && w.agency_id === o.id)?.count ?? 0
        // Every tenant's catalogue lists its OPDs; the all-tenant catalogue lists those that publish.
        if (!scope.tenant && count === 0) continue
        orgs.push({ ...o, ckanName: `${tenantSlug(tenant)}-${o.code.replaceAll('_', '-')}`, packageCount: count })
      }
    }
    return orgs
  }

  private orgDict(o: Org) {
    return {
      approval_status: 'approved',
      created: ckanTime(new Date(o.createdAt)),
      description: '',
      display_name: o.name,
      id: o.id,
      image_display_url: '',
      image_url: '',
      is_organization: true,
      name: o.ckanName,
      num_followers: 0,
      package_count: o.packageCount,
      state: 'active',
      title: o.name,
      type: 'organization',
    }
  }

  private resourceDict(scope: CkanScope, dataset: store.DatasetRow, r: store.ResourceRow, position: number) {
    const base = `${scope.apiBase}/${dataset.tenant}/datasets/${dataset.name}/resources/${r.id}`
    return {
      cache_last_updated: null,
      cache_url: null,
      created: ckanTime(r.created_at),
      datastore_active: r.kind !== 'link' && r.current_version !== null,
      description: '',
      format: r.format.toUpperCase(),
      hash: '',
      id: r.id,
      last_modified: ckanTime(r.updated_at),
      metadata_modified: ckanTime(r.updated_at),
      mimetype:
        r.kind === 'link'
          ? null
          : r.format === 'csv'
            ? 'text/csv'
            : r.format === 'xlsx'
              ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'
              : 'application/json',
      mimetype_inner: null,
      name: r.name,
      package_id: dataset.id,
      position,
      resource_type: null,
      size: r.kind === 'link' ? null : r.size,
      state: 'active',
      url: r.kind === 'link' ? (r.url ?? '') : `${base}/download`,
      url_type: r.kind === 'link' ? null : 'upload',
    }
  }

  private packageDict(scope: CkanScope, row: store.DatasetRow, resources: store.ResourceRow[], orgs: Org[]) {
    const org = orgs.find((o) => o.id === row.agency_id)
    const license = LICENSES[row.license] ?? { title: row.license, url: '', isOpen: false }
    const extras = [
      ['frequency', row.frequency],
      ['temporal_coverage', row.temporal_coverage],
      ['spatial_coverage', row.spatial_coverage],
      ['produsen_data', row.producer],
      ['walidata', row.steward],
      ['kendali_tenant', row.tenant],
    ]
      .filter((e): e is [string, string] => typeof e[1] === 'string' && e[1] !== '')
      .map(([key, value]) => ({ key, value }))
    const own = resources.filter((r) => r.dataset_id === row.id)
    return {
      author: row.producer,
      author_email: null,
      creator_user_id: stableId(`kendali:${row.tenant}`),
      extras,
      groups: [],
      id: row.id,
      isopen: license.isOpen,
      license_id: row.license,
      license_title: license.title,
      ...(license.url ? { license_url: license.url } : {}),
      maintainer: row.steward,
      maintainer_email: row.contact && /^[^@\s]+@[^@\s]+$/.test(row.contact) ? row.contact : null,
      metadata_created: ckanTime(row.created_at),
      metadata_modified: ckanTime(row.updated_at),
      name: this.packageName(scope, row),
      notes: row.description,
      num_resources: own.length,
      num_tags: row.tags.length,
      organization: org
        ? {
            approval_status: 'approved',
            created: ckanTime(new Date(org.createdAt)),
            description: '',
            id: org.id,
            image_url: '',
            is_organization: true,
            name: org.ckanName,
            state: 'active',
            title: org.name,
            type: 'organization',
          }
        : null,
      owner_org: org?.id ?? null,
      private: false,
      relationships_as_object: [],
      relationships_as_subject: [],
      resources: own.map((r, i) => this.resourceDict(scope, row, r, i)),
      state: 'active',
      tags: row.tags.map((t) => ({ display_name: t, id: stableId(`tag:${t}`), name: t, state: 'active', vocabulary_id: null })),
      title: row.title,
      type: 'dataset',
      url: '',
      version: null,
    }
  }

  /** Runs one action; throws CkanError for answers CKAN gives as errors, and `unknown` for actions it does not know. */
  async run(db: Queryable, scope: CkanScope, action: string, p: Params): Promise<unknown> {
    switch (action) {
      case 'status_show':
        return {
          ckan_version: CKAN_VERSION,
          error_emails_to: null,
          extensions: ['datastore'],
          locale_default: 'id',
          site_description: '',
          site_title: scope.siteTitle,
          site_url: scope.actionBase.replace(/\/api\/.*$/, ''),
        }
      case 'package_list': {
        const rows = await store.searchDatasets(db, this.filter(scope), {
          limit: int(p, 'limit', 100000, 100000),
          offset: int(p, 'offset', 0, Number.MAX_SAFE_INTEGER),
          sort: [{ field: 'name', desc: false }],
        })
        return rows.map((r) => this.packageName(scope, r)).sort()
      }
      case 'package_show':
        return this.packageShow(db, scope, p)
      case 'package_search':
        return this.packageSearch(db, scope, p)
      case 'organization_list': {
        const orgs = await this.organizations(db, scope)
        const sort = str(p, 'sort') ?? 'title asc'
        const byName = sort.startsWith('name')
        orgs.sort((a, b) => (byName ? a.ckanName.localeCompare(b.ckanName) : a.name.localeCompare(b.name)))
        if (sort.endsWith('desc')) orgs.reverse()
        const page = orgs.slice(int(p, 'offset', 0, 100000), int(p, 'offset', 0, 100000) + int(p, 'limit', 1000, 1000))
        return bool(p, 'all_fields') ? page.map((o) => this.orgDict(o)) : page.map((o) => o.ckanName)
      }
      case 'organization_show': {
        const id = str(p, 'id')
        if (!id) throw missing('id')
        const org = (await this.organizations(db, scope)).find((o) => o.id === id || o.ckanName === id)
        if (!org) throw notFound('Organization was not found.')
        const dict = { ...this.orgDict(org), extras: [], groups: [], tags: [], users: [] }
        if (!bool(p, 'include_datasets')) return dict
        const rows = await store.searchDatasets(db, { ...this.filter(scope), tenant: org.tenant, agencyIds: [org.id] }, { limit: 1000, offset: 0 })
        const resources = await store.resourcesOf(
          db,
          null,
          rows.map((r) => r.id),
        )
        const orgs = await this.organizations(db, scope)
        return { ...dict, packages: rows.map((r) => this.packageDict(scope, r, resources, orgs)) }
      }
      case 'tag_list': {
        const query = str(p, 'query')?.toLowerCase()
        const tags = (await store.publicTags(db, scope.tenant)).filter((t) => !query || t.toLowerCase().includes(query))
        return bool(p, 'all_fields') ? tags.map((t) => ({ display_name: t, id: stableId(`tag:${t}`), name: t, vocabulary_id: null })) : tags
      }
      case 'group_list':
        return []
      case 'resource_show': {
        const id = str(p, 'id')
        if (!id) throw missing('id')
        const { dataset, resource } = await this.publicResource(db, scope, id)
        const siblings = await store.resourcesOf(db, dataset.tenant, [dataset.id])
        return this.resourceDict(
          scope,
          dataset,
          resource,
          siblings.findIndex((r) => r.id === resource.id),
        )
      }
      case 'datastore_search':
        return this.datastoreSearch(db, scope, p)
      default:
        throw new UnknownAction(action)
    }
  }

  private filter(scope: CkanScope): store.DatasetFilter {
    return { tenant: scope.tenant, publicOnly: true, text: null, agencyIds: null, tags: [], formats: [] }
  }

  private async findPackage(db: Queryable, scope: CkanScope, id: string): Promise<store.DatasetRow | null> {
    if (/^[0-9a-f-]{36}$/i.test(id)) {
      const row = await store.findDatasetById(db, scope.tenant, id)
      return row?.is_public ? row : null
    }
    let tenant = scope.tenant
    let name = id
    if (!scope.tenant) {
      const owners = await store.publicOwners(db, null)
      const tenants = [...new Set(owners.map((o) => o.tenant))]
      tenant = tenants.find((t) => id.startsWith(`${tenantSlug(t)}-`)) ?? null
      if (!tenant) return null
      name = id.slice(tenantSlug(tenant).length + 1)
    }
    const row = tenant ? await store.findDataset(db, tenant, name) : null
    return row?.is_public ? row : null
  }

  private async packageShow(db: Queryable, scope: CkanScope, p: Params) {
    const id = str(p, 'id') ?? str(p, 'name_or_id')
    if (!id) throw missing('id')
    const row = await this.findPackage(db, scope, id)
    if (!row) throw notFound()
    const resources = await store.resourcesOf(db, row.tenant, [row.id])
    return this.packageDict(scope, row, resources, await this.organizations(db, scope))
  }

  private async packageSearch(db: Queryable, scope: CkanScope, p: Params) {
    const q = parseTerms(str(p, 'q') ?? '')
    const fq = parseTerms(str(p, 'fq') ?? '')
    const terms = [...q.terms, ...fq.terms]
    const orgs = await this.organizations(db, scope)
    const filter: store.DatasetFilter = { ...this.filter(scope), text: q.text || null }
    const names: string[] = []
    for (const { field, value } of terms) {
      if (field === 'organization') {
        const ids = orgs.filter((o) => o.ckanName === value || o.id === value).map((o) => o.id)
        filter.agencyIds = filter.agencyIds ? filter.agencyIds.filter((x) => ids.includes(x)) : ids
      } else if (field === 'tags') filter.tags.push(value)
      else if (field === 'res_format') filter.formats.push(value)
      else if (field === 'name') names.push(scope.tenant ? value : value.replace(/^\d+-/, ''))
      else if (field === 'text') filter.text = value
      else if (field === 'capacity' || field === 'dataset_type' || field === 'type' || field === 'state' || field === '+state') continue
      else throw badQuery(`undefined field ${field}`)
    }
    if (names.length > 0) filter.names = names
    const rows = int(p, 'rows', 10, 1000)
    const start = int(p, 'start', 0, Number.MAX_SAFE_INTEGER)
    const sortText = str(p, 'sort') ?? 'score desc, metadata_modified desc'
    const sort = sortText
      .split(',')
      .map((s) => s.trim().split(/\s+/))
      .map(([field, dir]) => ({ field: field === 'title_string' ? 'title' : field, desc: (dir ?? 'asc').toLowerCase() === 'desc' }))
    const found = await store.searchDatasets(db, filter, { limit: rows, offset: start, sort })
    const count = await store.countDatasets(db, filter)
    const resources = await store.resourcesOf(
      db,
      null,
      found.map((r) => r.id),
    )
    const facetFields = list(p, 'facet.field')
    const facetLimit = int(p, 'facet.limit', 50, 1000)
    const facets: Record<string, Record<string, number>> = {}
    const searchFacets: Record<string, { title: string; items: { count: number; display_name: string; name: string }[] }> = {}
    for (const field of facetFields) {
      if (field !== 'organization' && field !== 'tags' && field !== 'res_format') throw badQuery(`undefined facet field ${field}`)
      const counts = await store.facetCounts(db, filter, field)
      const items = counts
        .map((c) => {
          if (field !== 'organization') return { count: c.count, display_name: c.value, name: c.value }
          const org = orgs.find((o) => o.id === c.value)
          return org ? { count: c.count, display_name: org.name, name: org.ckanName } : null
        })
        .filter((i): i is { count: number; display_name: string; name: string } => i !== null)
        .slice(0, facetLimit)
      facets[field] = Object.fromEntries(items.map((i) => [i.name, i.count]))
      searchFacets[field] = { title: field, items }
    }
    return {
      count,
      facets,
      results: found.map((r) => this.packageDict(scope, r, resources, orgs)),
      sort: sortText,
      search_facets: searchFacets,
    }
  }

  private async publicResource(db: Queryable, scope: CkanScope, id: string) {
    const resource = /^[0-9a-f-]{36}$/i.test(id) ? await store.findResource(db, scope.tenant, id) : null
    const dataset = resource ? await store.findDatasetById(db, resource.tenant, resource.dataset_id) : null
    if (!resource || !dataset?.is_public) throw notFound('Resource was not found.')
    return { dataset, resource }
  }

  private async datastoreSearch(db: Queryable, scope: CkanScope, p: Params) {
    const resourceId = str(p, 'resource_id') ?? str(p, 'id')
    if (!resourceId) throw missing('resource_id')
    const { resource } = await this.publicResource(db, scope, resourceId)
    if (resource.current_version === null) throw notFound(`Resource "${resourceId}" was not found.`)
    let filters: Record<string, unknown> = {}
    const rawFilters = p.filters
    if (typeof rawFilters === 'string' && rawFilters !== '') {
      try {
        filters = JSON.parse(rawFilters) as Record<string, unknown>
      } catch {
        throw invalid('filters', 'Cannot parse JSON')
      }
    } else if (rawFilters && typeof rawFilters === 'object') filters = rawFilters as Record<string, unknown>
    for (const field of Object.keys(filters)) if (!resource.columns.some((c) => c.name === field)) throw invalid('filters', `field "${field}" not in table`)
    const limit = int(p, 'limit', 100, 32000)
    const offset = int(p, 'offset', 0, Number.MAX_SAFE_INTEGER)
    const sortText = str(p, 'sort')
    const sort = sortText
      ? sortText.split(',').map((s) => {
          const [field, dir] = s.trim().replace(/^"|"$/g, '').split(/\s+/)
          if (!resource.columns.some((c) => c.name === field)) throw invalid('sort', `field "${field}" not in table`)
          return { field, desc: dir?.toLowerCase() === 'desc' }
        })
      : []
    const wanted = list(p, 'fields')
    for (const f of wanted) if (f !== '_id' && !resource.columns.some((c) => c.name === f)) throw invalid('fields', `field "${f}" not in table`)
    const q = str(p, 'q')
    const page = await queryResourceRows(db, resource, { filters, text: q ?? null, limit, offset, sort })
    const columns = [{ id: '_id', type: 'int' }, ...resource.columns.map((c) => ({ id: c.name, type: DATASTORE_TYPES[c.type] }))]
    const fields = wanted.length > 0 ? columns.filter((c) => wanted.includes(c.id)) : columns
    const records = page.items.map((r) => Object.fromEntries(fields.map((f) => [f.id, (r as Record<string, unknown>)[f.id] ?? null])))
    const base = `/api/3/action/datastore_search?resource_id=${resource.id}`
    return {
      include_total: true,
      limit,
      records_format: 'objects',
      resource_id: resource.id,
      total_estimation_threshold: null,
      ...(Object.keys(filters).length > 0 ? { filters } : {}),
      ...(q ? { q } : {}),
      ...(sortText ? { sort: sortText } : {}),
      ...(p.offset !== undefined ? { offset } : {}),
      fields,
      records,
      _links: { start: base, next: `${base}&offset=${offset + limit}` },
      total: page.total,
      total_was_estimated: false,
    }
  }
}

export class UnknownAction extends Error {
  constructor(readonly action: string) {
    super(`Action name not known: ${action}`)
  }
}
