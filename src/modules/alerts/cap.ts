import { isoInZone } from '../../core/time.ts'
import type { English } from './schema.ts'

// OASIS CAP 1.2 (http://docs.oasis-open.org/emergency/cap/v1.2/CAP-v1.2-os.html) and its Atom index.

export const CAP_NAMESPACE = 'urn:oasis:names:tc:emergency:cap:1.2'

export interface CapInfo {
  event: string
  category: string[]
  responseType: string[]
  urgency: string
  severity: string
  certainty: string
  senderName: string | null
  headline: string | null
  description: string | null
  instruction: string | null
  contact: string | null
  web: string | null
  effective: Date | null
  onset: Date | null
  expires: Date
}

export interface CapArea {
  areaDesc: string
  /** GeoJSON rings [lon, lat][] — CAP has no holes, so only exterior rings come here. */
  polygons: [number, number][][]
  circles: { center: [number, number]; radiusKm: number }[]
  geocodes: { valueName: string; value: string }[]
}

export interface CapMessage {
  identifier: string
  sender: string
  sent: Date
  msgType: 'Alert' | 'Update' | 'Cancel'
  references: string[]
  note: string | null
  incidents: string | null
  info: CapInfo
  english: English | null
  areas: CapArea[]
  timeZone: string
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' }

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c])
}

/** CAP's dateTime: local time with its offset, no fractional seconds, never `Z` (CAP 1.2 §3.3.2). */
export const capTime = isoInZone

/** A CAP polygon: "lat,lon lat,lon …", the ring closed. */
export function capPolygon(ring: [number, number][]): string {
  const closed = ring.length > 0 && (ring[0][0] !== ring[ring.length - 1][0] || ring[0][1] !== ring[ring.length - 1][1]) ? [...ring, ring[0]] : ring
  return closed.map(([lon, lat]) => `${round(lat)},${round(lon)}`).join(' ')
}

/** A CAP circle: "lat,lon radius_km". */
export function capCircle(center: [number, number], radiusKm: number): string {
  return `${round(center[1])},${round(center[0])} ${Number(radiusKm.toFixed(3))}`
}

function round(n: number): number {
  return Number(n.toFixed(6))
}

/** The exterior rings of a GeoJSON Polygon or MultiPolygon (CAP polygons have no holes). */
export function exteriorRings(geometry: { type: string; coordinates: unknown }): [number, number][][] {
  if (geometry.type === 'Polygon') return [(geometry.coordinates as [number, number][][])[0]]
  if (geometry.type === 'MultiPolygon') return (geometry.coordinates as [number, number][][][]).map((p) => p[0])
  return []
}

function element(name: string, value: string | null | undefined, indent: string): string {
  return value === null || value === undefined || value === '' ? '' : `${indent}<${name}>${escapeXml(value)}</${name}>\n`
}

function areaXml(area: CapArea): string {
  const i = '      '
  let xml = '    <area>\n'
  xml += element('areaDesc', area.areaDesc, i)
  for (const ring of area.polygons) xml += element('polygon', capPolygon(ring), i)
  for (const c of area.circles) xml += element('circle', capCircle(c.center, c.radiusKm), i)
  for (const g of area.geocodes) xml += `${i}<geocode>\n${element('valueName', g.valueName, `${i}  `)}${element('value', g.value, `${i}  `)}${i}</geocode>\n`
  return `${xml}    </area>\n`
}

function infoXml(m: CapMessage, language: string, text: CapInfo): string {
  const i = '    '
  const tz = m.timeZone
  let xml = '  <info>\n'
  xml += element('language', language, i)
  for (const c of text.category) xml += element('category', c, i)
  xml += element('event', text.event, i)
  for (const r of text.responseType) xml += element('responseType', r, i)
  xml += element('urgency', text.urgency, i)
  xml += element('severity', text.severity, i)
  xml += element('certainty', text.certainty, i)
  xml += element('effective', text.effective && capTime(text.effective, tz), i)
  xml += element('onset', text.onset && capTime(text.onset, tz), i)
  xml += element('expires', capTime(text.expires, tz), i)
  xml += element('senderName', text.senderName, i)
  xml += element('headline', text.headline, i)
  xml += element('description', text.description, i)
  xml += element('instruction', text.instruction, i)
  xml += element('web', text.web, i)
  xml += element('contact', text.contact, i)
  for (const area of m.areas) xml += areaXml(area)
  return `${xml}  </info>\n`
}

/** The CAP 1.2 XML of one message: an <info> in Bahasa Indonesia and, when given, one in English. */
export function capXml(m: CapMessage): string {
  let xml = `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${CAP_NAMESPACE}">\n`
  xml += element('identifier', m.identifier, '  ')
  xml += element('sender', m.sender, '  ')
  xml += element('sent', capTime(m.sent, m.timeZone), '  ')
  xml += element('status', 'Actual', '  ')
  xml += element('msgType', m.msgType, '  ')
  xml += element('scope', 'Public', '  ')
  xml += element('note', m.note, '  ')
  xml += element('references', m.references.length > 0 ? m.references.join(' ') : null, '  ')
  xml += element('incidents', m.incidents, '  ')
  xml += infoXml(m, 'id-ID', m.info)
  if (m.english) {
    const en = m.english
    xml += infoXml(m, 'en-US', {
      ...m.info,
      event: en.event,
      headline: en.headline ?? null,
      description: en.description ?? null,
      instruction: en.instruction ?? null,
      contact: en.contact ?? m.info.contact,
    })
  }
  return `${xml}</alert>\n`
}

export interface AtomEntry {
  identifier: string
  title: string
  summary: string | null
  updated: Date
  url: string
}

/** The Atom (RFC 4287) index of a tenant's active alerts, each entry linking its CAP message. */
export function atomFeed(feed: { id: string; title: string; selfUrl: string; updated: Date; entries: AtomEntry[] }): string {
  let xml = '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
  xml += `  <id>${escapeXml(feed.id)}</id>\n  <title>${escapeXml(feed.title)}</title>\n`
  xml += `  <updated>${feed.updated.toISOString()}</updated>\n`
  xml += `  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.selfUrl)}"/>\n`
  xml += '  <author><name>Kendali</name></author>\n'
  for (const e of feed.entries) {
    xml += '  <entry>\n'
    xml += `    <id>${escapeXml(e.url)}</id>\n    <title>${escapeXml(e.title)}</title>\n`
    xml += `    <updated>${e.updated.toISOString()}</updated>\n`
    xml += `    <link rel="alternate" type="application/cap+xml" href="${escapeXml(e.url)}"/>\n`
    if (e.summary) xml += `    <summary>${escapeXml(e.summary)}</summary>\n`
    xml += '  </entry>\n'
  }
  return `${xml}</feed>\n`
}
