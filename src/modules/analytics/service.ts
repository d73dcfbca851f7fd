import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { Database, Queryable } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound, Unauthorized } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import { OutboundError, type OutboundPolicy } from '../../core/outbound/policy.ts'
import { signWebhook } from '../../core/outbound/webhook.ts'
import type { Secrets } from '../../core/secrets.ts'
import { wallClock } from '../../core/time.ts'
import { maskedUrl, unmaskedUrl } from '../cctv/service.ts'
import { type DetectionAlarmData, recordAnalyticsEvent } from './events.ts'
import { labelName } from './labels.ts'
import type { Observation } from './observation.ts'
import type { AnalyticsPorts } from './ports.ts'
import { chooseRule } from './rules.ts'
import type { AnalyticsRule, CameraMapping, CreateSource, RuleBody, Source, UpdateSource, WebhookEvent } from './schema.ts'
import type { StoredDetection, StoredSource } from './store.ts'
import * as store from './store.ts'

const SNAPSHOT_TIMEOUT_MS = 10_000
const MAX_SNAPSHOT_BYTES = 5 * 1024 * 1024
/** A signed webhook older or newer than this is refused as a possible replay. */
const WEBHOOK_WINDOW_SECONDS = 300
const PRIORITY: Record<AnalyticsRule['severity'], 'P1' | 'P2' | 'P3' | 'P4'> = { awas: 'P1', siaga: 'P2', waspada: 'P3', info: 'P4' }

/** What a detection became: a new alarm, a change to one, its end, or nothing (no rule, no mapped camera). */
export type Outcome = 'raised' | 'updated' | 'cleared' | 'ignored' | 'unmapped'

/** Pictures only, told by their first bytes as well as their declared type (an HTML error page is not a snapshot). */
function pictureType(contentType: string, body: Buffer): string | null {
  const declared = contentType.split(';')[0].trim().toLowerCase()
  const isJpeg = body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))
  const isPng = body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))
  const isWebp = body.subarray(0, 4).toString('latin1') === 'RIFF' && body.subarray(8, 12).toString('latin1') === 'WEBP'
  if (declared === 'image/jpeg' && isJpeg) return declared
  if (declared === 'image/png' && isPng) return declared
  if (declared === 'image/webp' && isWebp) return declared
  return null
}

/** A broker URL is refused when saved if it names a private address OUTBOUND_ALLOW does not list, as HTTP ones are. */
function checkBrokerUrl(outbound: OutboundPolicy, raw: string, field: string): void {
  outbound.checkUrl(raw.replace(/^mqtts?:/, 'http:'), field)
}

function where(d: Pick<StoredDetection, 'zoneLabel' | 'zones' | 'cameraName'>): string {
  return d.zoneLabel ?? (d.zones.length ? d.zones.join(', ') : d.cameraName)
}

function alarmData(d: StoredDetection): DetectionAlarmData {
  const label = labelName(d.label)
  return {
    name: { id: `${label.id} di ${where(d)} · ${d.cameraName}`, en: `${label.en} in ${where(d)} · ${d.cameraName}` },
    detectionId: d.id,
    cameraId: d.cameraId,
    cameraName: d.cameraName,
    label: d.label,
    zones: d.zones,
    severity: d.severity,
    status: d.status,
    action: d.action,
    score: d.score,
    location: d.location,
    incidentNumber: d.incidentNumber,
  }
}

/** Video analytics: sources (Frigate over MQTT, signed webhooks), camera mapping, rules, and the alarms they raise. */
export class AnalyticsService {
  constructor(
    private readonly events: EventLog,
    private readonly secrets: Secrets,
    private readonly outbound: OutboundPolicy,
    private readonly ports: AnalyticsPorts,
    private readonly warn: (context: Record<string, unknown>, message: string) => void,
  ) {}

  // Sources

  view(s: StoredSource): Source {
    return {
      id: s.id,
      kind: s.kind,
      name: s.name,
      brokerUrl: maskedUrl(s.brokerUrl),
      topicPrefix: s.topicPrefix,
      apiUrl: maskedUrl(s.apiUrl),
      isActive: s.isActive,
      webhookPath: s.kind === 'webhook' ? `/api/t/${s.tenant}/analytics/sources/${s.id}/events` : null,
      createdAt: s.createdAt.toISOString(),
    }
  }

  async sources(db: Queryable, tenant: string): Promise<Source[]> {
    return (await store.listSources(db, this.secrets, tenant)).map((s) => this.view(s))
  }

  async source(db: Queryable, tenant: string, id: string): Promise<StoredSource> {
    const source = await store.findSource(db, this.secrets, tenant, id)
    if (!source) throw new NotFound(`There is no analytics source ${id} in ${tenant}`)
    return source
  }

  async createSource(db: Database, tenant: string, actor: string, input: CreateSource): Promise<{ source: StoredSource; secret: string | null }> {
    if (input.kind === 'frigate' && !input.brokerUrl) throw new Invalid('A Frigate source needs its MQTT broker', { field: 'brokerUrl' })
    if (input.kind === 'webhook' && input.brokerUrl) throw new Invalid('A webhook source posts its events; it has no broker', { field: 'brokerUrl' })
    if (input.brokerUrl) checkBrokerUrl(this.outbound, input.brokerUrl, 'brokerUrl')
    if (input.apiUrl) this.outbound.checkUrl(input.apiUrl, 'apiUrl')
    const secret = input.kind === 'webhook' ? randomBytes(24).toString('base64url') : null
    return db.transaction(async (tx) => {
      const id = await store.insertSource(tx, this.secrets, tenant, {
        kind: input.kind,
        name: input.name,
        brokerUrl: input.brokerUrl ?? null,
        topicPrefix: input.topicPrefix ?? 'frigate',
        apiUrl: input.apiUrl ?? null,
        webhookSecret: secret,
      })
      await recordAnalyticsEvent(this.events, tx, tenant, actor, {
        topic: 'analytics_config',
        type: 'analytics_source.changed',
        entity: id,
        data: { name: input.name },
      })
      return { source: await this.source(tx, tenant, id), secret }
    })
  }

  async updateSource(db: Database, tenant: string, actor: string, id: string, input: UpdateSource): Promise<StoredSource> {
    return db.transaction(async (tx) => {
      const current = await this.source(tx, tenant, id)
      if (current.kind === 'webhook' && input.brokerUrl) throw new Invalid('A webhook source posts its events; it has no broker', { field: 'brokerUrl' })
      const brokerUrl = input.brokerUrl ? unmaskedUrl(input.brokerUrl, current.brokerUrl, 'brokerUrl') : current.brokerUrl
      const apiUrl = input.apiUrl === undefined ? current.apiUrl : input.apiUrl && unmaskedUrl(input.apiUrl, current.apiUrl, 'apiUrl')
      if (input.brokerUrl) checkBrokerUrl(this.outbound, input.brokerUrl, 'brokerUrl')
      if (input.apiUrl) this.outbound.checkUrl(input.apiUrl, 'apiUrl')
      const name = input.name ?? current.name
      await store.updateSource(tx, this.secrets, tenant, id, {
        name,
        brokerUrl,
        topicPrefix: input.topicPrefix ?? current.topicPrefix,
        apiUrl,
        isActive: input.isActive ?? current.isActive,
      })
      await recordAnalyticsEvent(this.events, tx, tenant, actor, { topic: 'analytics_config', type: 'analytics_source.changed', entity: id, data: { name } })
      return this.source(tx, tenant, id)
    })
  }

  async mappings(db: Queryable, tenant: string, sourceId: string): Promise<CameraMapping[]> {
    await this.source(db, tenant, sourceId)
    return store.listMappings(db, tenant, sourceId)
  }

  /** Replaces a source's camera and zone mapping as a whole; every Kendali camera must be the tenant's. */
  async setMappings(db: Database, tenant: string, actor: string, sourceId: string, items: readonly CameraMapping[]): Promise<CameraMapping[]> {
    const source = await this.source(db, tenant, sourceId)
    const keys = new Set<string>()
    for (const [i, m] of items.entries()) {
      const key = `${m.camera}\u0000${m.zone ?? ''}`
      if (keys.has(key)) throw new Invalid(`Camera ${m.camera}${m.zone ? ` zone ${m.zone}` : ''} is mapped twice`, { field: `items/${i}` })
      keys.add(key)
      if (!(await this.ports.camera(db, tenant, m.cameraId)))
        throw new Invalid(`There is no camera ${m.cameraId} in ${tenant}`, { field: `items/${i}/cameraId` })
    }
    return db.transaction(async (tx) => {
      await store.replaceMappings(tx, tenant, sourceId, items)
      await recordAnalyticsEvent(this.events, tx, tenant, actor, {
        topic: 'analytics_config',
        type: 'analytics_source.changed',
        entity: sourceId,
        data: { name: source.name },
      })
      return store.listMappings(tx, tenant, sourceId)
    })
  }

  // Rules

  rules(db: Queryable, tenant: string): Promise<AnalyticsRule[]> {
    return store.listRules(db, tenant)
  }

  private async checkRule(db: Queryable, tenant: string, body: RuleBody): Promise<Required<RuleBody>> {
    const rule: Required<RuleBody> = {
      name: body.name,
      label: body.label.trim().toLowerCase(),
      zone: body.zone ?? null,
      cameraId: body.cameraId ?? null,
      minScore: body.minScore ?? 0,
      from: body.from ?? null,
      to: body.to ?? null,
      action: body.action,
      severity: body.severity,
      incidentType: body.action === 'incident' ? (body.incidentType ?? null) : null,
      isActive: body.isActive ?? true,
    }
    if ((rule.from === null) !== (rule.to === null))
      throw new Invalid('Give both the start and the end of the hours, or neither', { field: rule.from === null ? 'from' : 'to' })
    if (rule.action === 'incident') {
      if (!rule.incidentType) throw new Invalid('A rule that opens an incident names its incident type', { field: 'incidentType' })
      if (!(await this.ports.hasIncidentType(db, tenant, rule.incidentType)))
        throw new Invalid(`There is no incident type ${rule.incidentType} in ${tenant}`, { field: 'incidentType' })
    }
    if (rule.cameraId && !(await this.ports.camera(db, tenant, rule.cameraId)))
      throw new Invalid(`There is no camera ${rule.cameraId} in ${tenant}`, { field: 'cameraId' })
    return rule
  }

  async createRule(db: Database, tenant: string, actor: string, body: RuleBody): Promise<AnalyticsRule> {
    const rule = await this.checkRule(db, tenant, body)
    return db.transaction(async (tx) => {
      const id = await store.insertRule(tx, tenant, rule)
      await recordAnalyticsEvent(this.events, tx, tenant, actor, {
        topic: 'analytics_config',
        type: 'analytics_rules.changed',
        entity: id,
        data: { name: rule.name },
      })
      return { id, ...rule }
    })
  }

  async updateRule(db: Database, tenant: string, actor: string, id: string, body: RuleBody): Promise<AnalyticsRule> {
    const rule = await this.checkRule(db, tenant, body)
    return db.transaction(async (tx) => {
      if (!(await store.updateRule(tx, tenant, id, rule))) throw new NotFound(`There is no analytics rule ${id} in ${tenant}`)
      await recordAnalyticsEvent(this.events, tx, tenant, actor, {
        topic: 'analytics_config',
        type: 'analytics_rules.changed',
        entity: id,
        data: { name: rule.name },
      })
      return { id, ...rule }
    })
  }

  async deleteRule(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const rule = await store.findRule(tx, tenant, id)
      if (!rule || !(await store.deleteRule(tx, tenant, id))) throw new NotFound(`There is no analytics rule ${id} in ${tenant}`)
      await recordAnalyticsEvent(this.events, tx, tenant, actor, {
        topic: 'analytics_config',
        type: 'analytics_rules.changed',
        entity: id,
        data: { name: rule.name },
      })
    })
  }

  // Detections

  async detections(db: Queryable, tenant: string, status: 'open' | 'all' | StoredDetection['status'], limit: number): Promise<StoredDetection[]> {
    const statuses = status === 'open' ? ['active', 'acknowledged'] : status === 'all' ? ['active', 'acknowledged', 'cleared'] : [status]
    return store.listDetections(db, tenant, statuses, limit)
  }

  async detection(db: Queryable, tenant: string, id: string): Promise<StoredDetection> {
    const found = await store.findDetection(db, tenant, id)
    if (!found) throw new NotFound(`There is no detection ${id} in ${tenant}`)
    return found
  }

  async snapshot(db: Queryable, tenant: string, id: string): Promise<{ body: Buffer; contentType: string }> {
    await this.detection(db, tenant, id)
    const picture = await store.snapshotOf(db, tenant, id)
    if (!picture) throw new NotFound('This detection has no snapshot')
    return picture
  }

  async acknowledge(db: Database, tenant: string, actor: string, id: string): Promise<StoredDetection> {
    return db.transaction(async (tx) => {
      const outcome = await store.acknowledgeDetection(tx, tenant, id, actor)
      if (outcome === 'missing') throw new NotFound(`There is no detection ${id} in ${tenant}`)
      if (outcome === 'not_active') throw new Conflict('Only an active alarm can be acknowledged')
      const detection = await this.detection(tx, tenant, id)
      await recordAnalyticsEvent(this.events, tx, tenant, actor, { topic: 'analytics', type: 'alarm.acknowledged', entity: id, data: alarmData(detection) })
      return detection
    })
  }

  // What the sources report

  /**
   * One message about a tracked object. The first one a rule matches raises the alarm (and the incident the rule
   * asks for); later ones update it and `end` clears it. The source's event id is unique per source, so a
   * duplicate delivery or a replay after a restart updates the one alarm instead of raising another.
   */
  async observe(db: Database, source: StoredSource, seen: Observation): Promise<Outcome> {
    const tenant = source.tenant
    const ended = seen.type === 'end' || seen.endedAt !== null
    const existing = await store.findDetectionByEvent(db, tenant, source.id, seen.eventId)
    if (existing) return this.update(db, existing, seen, ended, tenant)

    const mappings = await store.listMappings(db, tenant, source.id)
    const ofCamera = mappings.filter((m) => m.camera === seen.camera)
    const mapping = ofCamera.find((m) => m.zone !== null && seen.zones.includes(m.zone)) ?? ofCamera.find((m) => m.zone === null)
    const camera = mapping && (await this.ports.camera(db, tenant, mapping.cameraId))
    if (!mapping || !camera) return 'unmapped'
    const clock = wallClock(seen.startedAt, await this.ports.timezone(db, tenant))
    const rule = chooseRule(await store.listRules(db, tenant), seen, camera.id, Number(clock.hour) * 60 + Number(clock.minute))
    if (!rule) return 'ignored'

    const raised = await db.transaction(async (tx) => {
      const detection = await store.insertDetection(tx, tenant, {
        sourceId: source.id,
        seen: { ...seen, endedAt: ended ? (seen.endedAt ?? new Date()) : null },
        rule,
        cameraId: camera.id,
        cameraName: camera.name,
        location: camera.location,
        zoneLabel: mapping.zone !== null ? mapping.zoneLabel : null,
      })
      if (detection) {
        await recordAnalyticsEvent(this.events, tx, tenant, null, {
          topic: 'analytics',
          type: 'alarm.raised',
          entity: detection.id,
          data: alarmData(detection),
        })
        if (ended)
          await recordAnalyticsEvent(this.events, tx, tenant, null, {
            topic: 'analytics',
            type: 'alarm.cleared',
            entity: detection.id,
            data: alarmData(detection),
          })
      }
      return detection
    })
    if (!raised) {
      // Another delivery of the same event raised it between the look and the insert.
      const other = await store.findDetectionByEvent(db, tenant, source.id, seen.eventId)
      return other ? this.update(db, other, seen, ended, tenant) : 'ignored'
    }
    await this.afterwards(db, tenant, raised, seen)
    return 'raised'
  }

  private async update(db: Database, existing: StoredDetection, seen: Observation, ended: boolean, tenant: string): Promise<Outcome> {
    const cleared = await db.transaction(async (tx) => {
      const didClear = await store.updateDetection(tx, tenant, existing.id, seen, ended)
      if (didClear) {
        const now = await this.detection(tx, tenant, existing.id)
        await recordAnalyticsEvent(this.events, tx, tenant, null, { topic: 'analytics', type: 'alarm.cleared', entity: existing.id, data: alarmData(now) })
      }
      return didClear
    })
    await this.afterwards(db, tenant, existing, seen)
    return cleared ? 'cleared' : 'updated'
  }

  /** The picture and the incident, outside the alarm's transaction; both are retried by the event's next message. */
  private async afterwards(db: Database, tenant: string, detection: StoredDetection, seen: Observation): Promise<void> {
    if (!detection.hasSnapshot && seen.snapshotUrl) await this.fetchSnapshot(db, tenant, detection.id, seen.snapshotUrl)
    if (detection.action === 'incident' && detection.incidentType && !detection.incidentId) {
      const label = labelName(detection.label)
      const incident = await this.ports.raiseIncident(db, tenant, {
        type: detection.incidentType,
        priority: PRIORITY[detection.severity],
        location: detection.location,
        address: detection.zoneLabel ? `${detection.cameraName} — ${detection.zoneLabel}` : detection.cameraName,
        description:
          `Analitik video: ${label.id} di ${where(detection)} (kamera ${detection.cameraName}), keyakinan ${Math.round(detection.score * 100)}%, ` +
          `aturan "${detection.ruleName}". Foto deteksi: /api/t/${tenant}/detections/${detection.id}/snapshot`,
        alarmId: `analytics:${detection.id}`,
      })
      await store.linkIncident(db, tenant, detection.id, incident)
    }
  }

  private async fetchSnapshot(db: Database, tenant: string, id: string, url: string): Promise<void> {
    try {
      const res = await this.outbound.fetch(url, {
        timeoutMs: SNAPSHOT_TIMEOUT_MS,
        maxBytes: MAX_SNAPSHOT_BYTES,
        headers: { accept: 'image/jpeg, image/png, image/webp' },
      })
      const type = pictureType(res.contentType, res.body)
      if (!type) {
        this.warn({ tenant, detection: id, contentType: res.contentType }, 'analytics snapshot refused: not a picture')
        return
      }
      await store.saveSnapshot(db, tenant, id, res.body, type)
    } catch (err) {
      if (!(err instanceof OutboundError)) throw err
      // The alarm stands without its picture; the event's next message tries again.
      this.warn({ tenant, detection: id, reason: err.reason }, 'analytics snapshot not fetched')
    }
  }

  /**
   * A vendor's signed webhook: `x-kendali-signature: sha256=<HMAC-SHA256 of "{timestamp}.{raw body}">` with the
   * source's secret, `x-kendali-timestamp` within five minutes (the scheme of Kendali's own webhooks).
   */
  async receiveWebhook(
    db: Database,
    tenant: string,
    sourceId: string,
    signed: { raw: string; timestamp: string | undefined; signature: string | undefined; now?: number },
    body: WebhookEvent,
  ): Promise<Outcome> {
    const source = await store.findSource(db, this.secrets, tenant, sourceId)
    if (source?.kind !== 'webhook' || !source.isActive || !source.webhookSecret) throw new NotFound(`There is no webhook source ${sourceId} in ${tenant}`)
    const now = (signed.now ?? Date.now()) / 1000
    const timestamp = Number(signed.timestamp)
    if (!signed.timestamp || !/^\d{1,12}$/.test(signed.timestamp) || Math.abs(now - timestamp) > WEBHOOK_WINDOW_SECONDS)
      throw new Unauthorized('x-kendali-timestamp is missing or more than five minutes off')
    const expected = Buffer.from(signWebhook(source.webhookSecret, signed.timestamp, signed.raw))
    const given = Buffer.from(signed.signature ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Unauthorized('x-kendali-signature does not match the body')
    return this.observe(db, source, {
      eventId: body.id,
      type: body.type,
      camera: body.camera,
      label: body.label.toLowerCase(),
      score: body.score,
      zones: body.zones ?? [],
      startedAt: new Date(body.startTime),
      endedAt: body.endTime ? new Date(body.endTime) : null,
      snapshotUrl: body.snapshotUrl ?? null,
    })
  }
}
