import { randomUUID } from 'node:crypto'
import { XMLParser } from 'fast-xml-parser'
import type { Database } from '../../core/db/database.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { OutboundPolicy } from '../../core/outbound/policy.ts'
import type { AlertService } from './alerts.ts'
import { recordAlertEvent } from './events.ts'
import type { IncidentPort, TenancyLookups } from './ports.ts'
import type { CreateAlert } from './schema.ts'
import * as store from './store.ts'

// BMKG's public feeds (data.bmkg.go.id/DataMKG/TEWS/ for earthquakes, nowcast CAP for weather warnings),
// turned into an incident and a draft alert for each tenant an event concerns.

const TIMEOUT_MS = 15_000
// A CAP message is a few kilobytes; a linked document larger than this is not one.
const ACCEPT = 'application/json, application/xml, text/xml'
const MAX_LINKED_BYTES = 2 * 1024 * 1024
// Older events in a list (gempadirasakan keeps the last 15, weeks back) are history, not news.
const MAX_AGE_HOURS = 24
// A prefilled draft is valid this long unless the operator changes it.
const DRAFT_HOURS = 6
// Linked CAP messages read from one nowcast index per poll.
const MAX_CAP_MESSAGES = 30
// How long one instance may work on an event before another may take it over.
const CLAIM_SECONDS = 300
// The incident of a resumed event is looked for from a little before its claim (database and server clocks differ).
const CLOCK_SKEW_MS = 10 * 60_000
const BMKG_ACTOR = 'system:bmkg'

export type QuakeFeed = 'autogempa' | 'gempadirasakan' | 'gempaterkini'

/** One earthquake as BMKG publishes it (all fields are strings in the feed). */
export interface Quake {
  feed: QuakeFeed
  key: string
  at: Date
  lon: number
  lat: number
  magnitude: number
  depth: string
  region: string
  felt: string | null
  potential: string | null
  date: string
  time: string
}

/** A weather warning read from a CAP 1.2 message (BMKG nowcast: one <info>, one <area> with a polygon per district). */
export interface Warning {
  key: string
  identifier: string
  sender: string
  senderName: string | null
  event: string
  category: string[]
  urgency: string
  severity: string
  certainty: string
  headline: string | null
  description: string | null
  instruction: string | null
  /** BMKG's infographic of the warning. */
  web: string | null
  expires: Date | null
  areaDesc: string
  /** GeoJSON rings [lon, lat][], closed. */
  polygons: [number, number][][]
}

type Gempa = Record<string, string | undefined>

function asQuake(feed: QuakeFeed, g: Gempa): Quake | null {
  const [lat, lon] = (g.Coordinates ?? '').split(',').map(Number)
  const at = new Date(g.DateTime ?? '')
  const magnitude = Number(g.Magnitude)
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Number.isNaN(at.getTime()) || !Number.isFinite(magnitude)) return null
  return {
    feed,
    // The same quake appears in several feeds; its time and place name it.
    key: `gempa:${at.toISOString()}:${lat.toFixed(2)},${lon.toFixed(2)}`,
    at,
    lon,
    lat,
    magnitude,
    depth: g.Kedalaman ?? '',
    region: g.Wilayah ?? '',
    felt: g.Dirasakan ?? null,
    potential: g.Potensi ?? null,
    date: g.Tanggal ?? '',
    time: g.Jam ?? '',
  }
}

/** The quakes of a BMKG TEWS JSON document: `autogempa` holds one object, the lists an array. */
export function parseQuakes(feed: QuakeFeed, body: unknown): Quake[] {
  const gempa = (body as { Infogempa?: { gempa?: Gempa | Gempa[] } } | null)?.Infogempa?.gempa
  if (!gempa || typeof gempa !== 'object') throw new Error(`${feed}: no Infogempa.gempa in the document`)
  const list = Array.isArray(gempa) ? gempa : [gempa]
  return list.map((g) => asQuake(feed, g)).filter((q): q is Quake => q !== null)
}

const xml = new XMLParser({
  ignoreAttributes: false,
  removeNSPrefix: true,
  isArray: (name) => ['info', 'area', 'polygon', 'category', 'item', 'entry', 'link'].includes(name),
})

const textOf = (v: unknown): string | null => (typeof v === 'string' ? v : typeof v === 'number' ? String(v) : null)
// BMKG's descriptions are several lines, each after the first indented by one space.
const paragraphs = (v: unknown): string | null =>
  textOf(v)
    ?.split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .join('\n') ?? null

/** Weather warnings of one CAP 1.2 document (the Indonesian <info>, else the first). */
export function parseCap(document: string): Warning[] {
  const alert = (xml.parse(document) as { alert?: Record<string, unknown> }).alert
  if (!alert) throw new Error('not a CAP <alert>')
  if (alert.msgType === 'Cancel' || alert.status !== 'Actual') return []
  const infos = (alert.info ?? []) as Record<string, unknown>[]
  const info = infos.find((i) => String(i.language ?? '').startsWith('id')) ?? infos[0]
  if (!info) return []
  const areas = (info.area ?? []) as Record<string, unknown>[]
  const polygons = areas.flatMap((a) =>
    ((a.polygon ?? []) as unknown[]).map((p) =>
      String(p)
        .trim()
        .split(/\s+/)
        .map((pair) => {
          const [lat, lon] = pair.split(',').map(Number)
          return [lon, lat] as [number, number]
        }),
    ),
  )
  const identifier = textOf(alert.identifier) ?? ''
  const expires = textOf(info.expires)
  return [
    {
      key: `cap:${textOf(alert.sender)}:${identifier}`,
      identifier,
      sender: textOf(alert.sender) ?? '',
      senderName: textOf(info.senderName),
      event: textOf(info.event) ?? 'Peringatan cuaca',
      category: ((info.category ?? ['Met']) as unknown[]).map(String),
      urgency: textOf(info.urgency) ?? 'Unknown',
      severity: textOf(info.severity) ?? 'Unknown',
      certainty: textOf(info.certainty) ?? 'Unknown',
      headline: textOf(info.headline),
      description: paragraphs(info.description),
      instruction: paragraphs(info.instruction),
      web: textOf(info.web),
      expires: expires ? new Date(expires) : null,
      areaDesc:
        areas
          .map((a) => textOf(a.areaDesc))
          .filter(Boolean)
          .join(', ') || 'Wilayah peringatan BMKG',
      polygons: polygons.filter((ring) => ring.length >= 4 && ring.every(([lon, lat]) => Number.isFinite(lon) && Number.isFinite(lat))),
    },
  ]
}

/** The CAP messages an RSS or Atom index links to (BMKG nowcast), or none when the document is CAP itself. */
export function capLinks(document: string): string[] {
  const parsed = xml.parse(document) as { rss?: { channel?: { item?: { link?: unknown[] }[] } }; feed?: { entry?: { link?: unknown[] }[] } }
  const rss = parsed.rss?.channel?.item?.flatMap((i) => (i.link ?? []).map(textOf)) ?? []
  const atom = parsed.feed?.entry?.flatMap((e) => (e.link ?? []).map((l) => textOf((l as Record<string, unknown>)['@_href']) ?? textOf(l))) ?? []
  return [...rss, ...atom].filter((l): l is string => !!l).slice(0, MAX_CAP_MESSAGES)
}

const SEVERITY_BY_MAGNITUDE = (m: number): CreateAlert['severity'] => (m >= 6.5 ? 'Extreme' : m >= 5.5 ? 'Severe' : m >= 4.5 ? 'Moderate' : 'Minor')
const CAP_VALUES = {
  urgency: ['Immediate', 'Expected', 'Future', 'Past', 'Unknown'],
  severity: ['Extreme', 'Severe', 'Moderate', 'Minor', 'Unknown'],
  certainty: ['Observed', 'Likely', 'Possible', 'Unlikely', 'Unknown'],
  category: ['Geo', 'Met', 'Safety', 'Security', 'Rescue', 'Fire', 'Health', 'Env', 'Transport', 'Infra', 'CBRNE', 'Other'],
}
const pick = <T extends string>(list: string[], value: string, fallback: T): T => (list.includes(value) ? (value as T) : fallback)

export interface BmkgFeeds {
  autogempaUrl: string | null
  gempadirasakanUrl: string | null
  gempaterkiniUrl: string | null
  capUrl: string | null
  nearKm: number
}

export interface IntakeOutcome {
  /** Drafts made, by tenant. */
  drafted: { tenant: string; key: string; alertId: string; incidentId: string }[]
  /** Feeds that could not be read, with why. */
  failed: { url: string; error: string }[]
}

/** Polls the configured BMKG feeds and raises an incident and a draft alert wherever an event concerns a tenant. */
export class BmkgIntake {
  constructor(
    private readonly feeds: BmkgFeeds,
    private readonly events: EventLog,
    private readonly tenancy: TenancyLookups,
    private readonly incidents: IncidentPort,
    private readonly alerts: AlertService,
    /** Links inside the CAP index go through the guard: the feed names them, not the operator. */
    private readonly outbound: OutboundPolicy,
  ) {}

  get isConfigured(): boolean {
    const f = this.feeds
    return !!(f.autogempaUrl || f.gempadirasakanUrl || f.gempaterkiniUrl || f.capUrl)
  }

  /** A configured feed: the operator set its URL (BMKG_*_URL), so it is trusted as ROUTING_URL is. */
  private async fetchFeed(url: string): Promise<string> {
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: ACCEPT } })
    if (!res.ok) throw new Error(`answered ${res.status}`)
    return res.text()
  }

  private async fetchLinked(url: string): Promise<string> {
    const res = await this.outbound.fetch(url, { timeoutMs: TIMEOUT_MS, maxBytes: MAX_LINKED_BYTES, headers: { accept: ACCEPT } })
    return res.body.toString('utf8')
  }

  /** One poll of every feed. A feed that fails is reported and does not stop the others. */
  async poll(db: Database, now: Date = new Date()): Promise<IntakeOutcome> {
    const outcome: IntakeOutcome = { drafted: [], failed: [] }
    const quakeFeeds: [QuakeFeed, string | null][] = [
      ['autogempa', this.feeds.autogempaUrl],
      ['gempadirasakan', this.feeds.gempadirasakanUrl],
      ['gempaterkini', this.feeds.gempaterkiniUrl],
    ]
    for (const [feed, url] of quakeFeeds) {
      if (!url) continue
      try {
        const quakes = parseQuakes(feed, JSON.parse(await this.fetchFeed(url)))
        for (const quake of quakes) outcome.drafted.push(...(await this.takeQuake(db, quake, now)))
      } catch (err) {
        outcome.failed.push({ url, error: err instanceof Error ? err.message : String(err) })
      }
    }
    if (this.feeds.capUrl) {
      const url = this.feeds.capUrl
      try {
        const document = await this.fetchFeed(url)
        const links = capLinks(document)
        const documents = links.length > 0 ? [] : [document]
        for (const link of links) {
          try {
            documents.push(await this.fetchLinked(link))
          } catch (err) {
            outcome.failed.push({ url: link, error: err instanceof Error ? err.message : String(err) })
          }
        }
        for (const d of documents) for (const w of parseCap(d)) outcome.drafted.push(...(await this.takeWarning(db, w, now)))
      } catch (err) {
        outcome.failed.push({ url, error: err instanceof Error ? err.message : String(err) })
      }
    }
    return outcome
  }

  /** The tenants a quake concerns: felt there by name, or its epicentre near their area. */
  private async concerned(db: Database, quake: Quake): Promise<{ tenant: string; name: string; regions: string[]; km: number | null }[]> {
    const out: { tenant: string; name: string; regions: string[]; km: number | null }[] = []
    for (const city of await this.tenancy.cities(db)) {
      const regions = await this.tenancy.regions(db, city.code)
      if (regions.length === 0) continue
      const km = await store.distanceKm(db, JSON.stringify(regions.map((r) => JSON.stringify(r.geometry))), quake.lon, quake.lat)
      const feltHere = quake.felt?.toLowerCase().includes(city.name.toLowerCase()) === true
      if (feltHere || (km !== null && km <= this.feeds.nearKm)) {
        out.push({ tenant: city.code, name: city.name, regions: regions.filter((r) => r.level === 'kecamatan').map((r) => r.code), km })
      }
    }
    return out
  }

  private async takeQuake(db: Database, quake: Quake, now: Date): Promise<IntakeOutcome['drafted']> {
    if (now.getTime() - quake.at.getTime() > MAX_AGE_HOURS * 3_600_000) return []
    const drafted: IntakeOutcome['drafted'] = []
    for (const c of await this.concerned(db, quake)) {
      const headline = `Gempa M${quake.magnitude} ${quake.felt ? 'dirasakan' : 'terjadi'} dekat ${c.name}`
      const description = [
        `${quake.date} ${quake.time}, magnitudo ${quake.magnitude}, kedalaman ${quake.depth}. ${quake.region}.`,
        quake.felt ? `Dirasakan: ${quake.felt}.` : null,
        quake.potential,
      ]
        .filter(Boolean)
        .join(' ')
      const made = await this.raise(db, c.tenant, quake.key, quake.feed, c.km, { type: 'Point', coordinates: [quake.lon, quake.lat] }, description, {
        event: 'Gempa bumi',
        category: ['Geo'],
        urgency: 'Past',
        severity: SEVERITY_BY_MAGNITUDE(quake.magnitude),
        certainty: 'Observed',
        senderName: 'BMKG',
        headline: headline.slice(0, 160),
        description,
        instruction: 'Tetap tenang. Periksa kerusakan bangunan sebelum masuk kembali, waspadai gempa susulan, dan ikuti informasi resmi BMKG.',
        web: 'https://www.bmkg.go.id/',
        expires: new Date(now.getTime() + DRAFT_HOURS * 3_600_000).toISOString(),
        english: { event: 'Earthquake', headline: `M${quake.magnitude} earthquake near ${c.name}`.slice(0, 160) },
        ...(c.regions.length > 0 ? { regions: c.regions } : { area: circleAround(quake, Math.max(10, c.km ?? 10)) }),
      })
      if (made) drafted.push(made)
    }
    return drafted
  }

  private async takeWarning(db: Database, w: Warning, now: Date): Promise<IntakeOutcome['drafted']> {
    if (w.polygons.length === 0 || (w.expires && w.expires <= now)) return []
    const area = { type: 'MultiPolygon' as const, coordinates: w.polygons.map((ring) => [ring]) }
    const geometry = JSON.stringify(area)
    const drafted: IntakeOutcome['drafted'] = []
    for (const city of await this.tenancy.cities(db)) {
      const regions = await this.tenancy.regions(db, city.code)
      if (regions.length === 0) continue
      // Weather warnings name the area they cover: only an overlap (or a few km of it) concerns the city.
      if (!(await store.nearArea(db, JSON.stringify(regions.map((r) => JSON.stringify(r.geometry))), geometry, 2))) continue
      const [lon, lat] = await store.centroid(db, geometry)
      const expires = w.expires ?? new Date(now.getTime() + DRAFT_HOURS * 3_600_000)
      const made = await this.raise(db, city.code, w.key, 'cap', null, { type: 'Point', coordinates: [lon, lat] }, w.headline ?? w.event, {
        event: w.event.slice(0, 200),
        category: w.category.filter((c) => CAP_VALUES.category.includes(c)) as CreateAlert['category'],
        urgency: pick(CAP_VALUES.urgency, w.urgency, 'Unknown'),
        severity: pick(CAP_VALUES.severity, w.severity, 'Unknown'),
        certainty: pick(CAP_VALUES.certainty, w.certainty, 'Unknown'),
        senderName: (w.senderName ?? 'BMKG').slice(0, 200),
        headline: w.headline?.slice(0, 160),
        description: w.description?.slice(0, 4000),
        instruction: w.instruction?.slice(0, 4000),
        ...(w.web ? { web: w.web.slice(0, 500) } : {}),
        expires: expires.toISOString(),
        area,
        areaDesc: w.areaDesc.slice(0, 500),
      })
      if (made) drafted.push(made)
    }
    return drafted
  }

  /**
   * Raises the event for the tenant once, whatever the number of instances or failures: the claim keeps the alert
   * id chosen first, the incident carries that id, and the draft has it as its own. A poll after a failure between
   * the two steps finds the incident by that id and only drafts the alert.
   */
  private async raise(
    db: Database,
    tenant: string,
    key: string,
    kind: string,
    km: number | null,
    location: { type: 'Point'; coordinates: [number, number] },
    description: string,
    draft: CreateAlert,
  ): Promise<IntakeOutcome['drafted'][number] | null> {
    const claimKey = `${tenant}|${key}`
    const claim = await store.claimBmkg(db, claimKey, randomUUID(), CLAIM_SECONDS)
    if (!claim) return null
    const alertId = claim.alertId
    try {
      const since = new Date(claim.seenAt.getTime() - CLOCK_SKEW_MS)
      const incident =
        (await this.incidents.raisedFor(db, tenant, alertId, since)) ??
        (await this.incidents.raiseFromBmkg(db, tenant, { type: 'other_disaster', location, description: description.slice(0, 4000), alertId }))
      if (!(await store.findAlert(db, tenant, alertId))) {
        await this.alerts.create(db, tenant, BMKG_ACTOR, { ...draft, incidentId: incident.id }, { source: 'bmkg', sourceKey: key, id: alertId })
      }
      await db.transaction(async (tx) => {
        if (!(await store.finishBmkg(tx, claimKey))) return
        await recordAlertEvent(this.events, tx, tenant, BMKG_ACTOR, {
          topic: 'alerts',
          type: 'alert.bmkg_received',
          entity: alertId,
          data: { key, kind, incidentId: incident.id, distanceKm: km === null ? null : Math.round(km) },
        })
      })
      return { tenant, key, alertId, incidentId: incident.id }
    } catch (err) {
      // Not finished: the next poll resumes it with the same alert id.
      await store.releaseBmkg(db, claimKey)
      throw err
    }
  }
}

function circleAround(q: Quake, km: number): CreateAlert['area'] {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: [q.lon, q.lat] }, properties: { radius: Math.round(km * 1000) } }
}
