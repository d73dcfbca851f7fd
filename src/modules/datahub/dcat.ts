import type { Queryable } from '../../core/db/database.ts'
import type { Lookups } from './ports.ts'
import * as store from './store.ts'

// The public catalogue as DCAT-AP: one list of triples, written as N-Triples (a subset of Turtle, so any
// Turtle parser reads it) and as expanded JSON-LD (no remote @context to fetch).

const NS = {
  rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#',
  dcat: 'http://www.w3.org/ns/dcat#',
  dct: 'http://purl.org/dc/terms/',
  foaf: 'http://xmlns.com/foaf/0.1/',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
}

export type Term = { iri: string } | { value: string; datatype?: string; lang?: string }
export interface Triple {
  s: string
  p: string
  o: Term
}

const LICENSE_URLS: Record<string, string> = {
  'cc-by': 'https://creativecommons.org/licenses/by/4.0/',
  'cc-by-sa': 'https://creativecommons.org/licenses/by-sa/4.0/',
  'cc-zero': 'https://creativecommons.org/publicdomain/zero/1.0/',
  'odc-odbl': 'https://opendatacommons.org/licenses/odbl/1-0/',
  'odc-by': 'https://opendatacommons.org/licenses/by/1-0/',
  'odc-pddl': 'https://opendatacommons.org/licenses/pddl/1-0/',
}

const MEDIA: Record<string, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
  geojson: 'application/geo+json',
}

/** The triples of a tenant's public catalogue. */
export async function catalogTriples(db: Queryable, lookups: Lookups, tenant: string, base: string): Promise<Triple[]> {
  const info = await lookups.tenant(tenant)
  const orgs = await lookups.organizations(db, tenant)
  const rows = await store.searchDatasets(db, { tenant, publicOnly: true, text: null, agencyIds: null, tags: [], formats: [] }, { limit: 100000, offset: 0 })
  const resources = await store.resourcesOf(
    db,
    tenant,
    rows.map((r) => r.id),
  )
  const triples: Triple[] = []
  const add = (s: string, p: string, o: Term) => triples.push({ s, p, o })
  const text = (value: string, lang = 'id'): Term => ({ value, lang })
  const time = (d: Date): Term => ({ value: d.toISOString(), datatype: `${NS.xsd}dateTime` })

  const catalog = `${base}/api/t/${tenant}/catalog`
  const city = `${base}/p/${tenant}`
  add(catalog, `${NS.rdf}type`, { iri: `${NS.dcat}Catalog` })
  add(catalog, `${NS.dct}title`, text(`Satu Data ${info?.name ?? tenant}`))
  add(catalog, `${NS.dct}description`, text(`Data terbuka ${info?.name ?? tenant}`))
  add(catalog, `${NS.dct}publisher`, { iri: city })
  add(city, `${NS.rdf}type`, { iri: `${NS.foaf}Agent` })
  add(city, `${NS.foaf}name`, text(info?.name ?? tenant))
  for (const row of rows) {
    const ds = `${base}/p/${tenant}/data/${encodeURIComponent(row.name)}`
    add(catalog, `${NS.dcat}dataset`, { iri: ds })
    add(ds, `${NS.rdf}type`, { iri: `${NS.dcat}Dataset` })
    add(ds, `${NS.dct}identifier`, { value: row.id })
    add(ds, `${NS.dct}title`, text(row.title))
    if (row.description) add(ds, `${NS.dct}description`, text(row.description))
    for (const tag of row.tags) add(ds, `${NS.dcat}keyword`, text(tag))
    add(ds, `${NS.dct}issued`, time(row.created_at))
    add(ds, `${NS.dct}modified`, time(row.updated_at))
    if (row.frequency) add(ds, `${NS.dct}accrualPeriodicity`, text(row.frequency))
    const org = orgs.find((o) => o.id === row.agency_id)
    if (org) {
      const agent = `${base}/p/${tenant}/organizations/${encodeURIComponent(org.code)}`
      add(ds, `${NS.dct}publisher`, { iri: agent })
      add(agent, `${NS.rdf}type`, { iri: `${NS.foaf}Agent` })
      add(agent, `${NS.foaf}name`, text(org.name))
    }
    for (const r of resources.filter((x) => x.dataset_id === row.id)) {
      const url = r.kind === 'link' ? (r.url ?? '') : `${base}/api/t/${tenant}/datasets/${encodeURIComponent(row.name)}/resources/${r.id}/download`
      const dist = `${base}/api/t/${tenant}/datasets/${encodeURIComponent(row.name)}/resources/${r.id}`
      add(ds, `${NS.dcat}distribution`, { iri: dist })
      add(dist, `${NS.rdf}type`, { iri: `${NS.dcat}Distribution` })
      add(dist, `${NS.dct}title`, text(r.name))
      add(dist, `${NS.dcat}accessURL`, { iri: url })
      if (r.kind !== 'link') add(dist, `${NS.dcat}downloadURL`, { iri: url })
      add(dist, `${NS.dct}format`, { value: r.format.toUpperCase() })
      if (MEDIA[r.format]) add(dist, `${NS.dcat}mediaType`, { iri: `https://www.iana.org/assignments/media-types/${MEDIA[r.format]}` })
      if (LICENSE_URLS[row.license]) add(dist, `${NS.dct}license`, { iri: LICENSE_URLS[row.license] })
      add(dist, `${NS.dct}modified`, time(r.updated_at))
    }
  }
  return triples
}

function escapeLiteral(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r')
}

function iri(s: string): string {
  // IRIs may not hold spaces, quotes or angle brackets; encode what a URL would.
  return `<${s.replace(/[\s<>"{}|^`\\]/g, (c) => encodeURIComponent(c))}>`
}

export function toNTriples(triples: Triple[]): string {
  return triples
    .map(({ s, p, o }) => {
      const object = 'iri' in o ? iri(o.iri) : `"${escapeLiteral(o.value)}"${o.lang ? `@${o.lang}` : o.datatype ? `^^${iri(o.datatype)}` : ''}`
      return `${iri(s)} ${iri(p)} ${object} .`
    })
    .join('\n')
    .concat('\n')
}

/** Expanded JSON-LD: one node per subject, predicates as full IRIs. */
export function toJsonLd(triples: Triple[]): Record<string, unknown>[] {
  const nodes = new Map<string, Record<string, unknown[]>>()
  for (const { s, p, o } of triples) {
    const node = nodes.get(s) ?? {}
    nodes.set(s, node)
    if (p === `${NS.rdf}type` && 'iri' in o) {
      node['@type'] = [...(node['@type'] ?? []), o.iri]
      continue
    }
    const value = 'iri' in o ? { '@id': o.iri } : { '@value': o.value, ...(o.lang ? { '@language': o.lang } : o.datatype ? { '@type': o.datatype } : {}) }
    node[p] = [...(node[p] ?? []), value]
  }
  return [...nodes.entries()].map(([id, node]) => ({ '@id': id, ...node }))
}
