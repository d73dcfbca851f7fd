import { createHash, randomBytes } from 'node:crypto'
import type { Database, Queryable, Tx } from '../../core/db/database.ts'
import { Conflict, Invalid, NotFound, Unauthorized } from '../../core/errors.ts'
import type { EventLog } from '../../core/events/log.ts'
import type { GeoPoint } from '../../core/geo/geojson.ts'
import { BulkOutcome, problem } from '../../core/http/bulk.ts'
import { cursorKey, encodeCursor, keysetPage } from '../../core/http/paging.ts'
import type { DeviceIdentity } from '../../core/mqtt/hub.ts'
import { type DeviceKind, mergeKinds } from './catalogue.ts'
import { recordSensorEvent } from './events.ts'
import { type IngestEntry, type IngestOutcome, IngestQueue, type IngestSource } from './ingest-queue.ts'
import { type Parsed, parsePayload, type Reading } from './payload.ts'
import { evaluateRule } from './rules.ts'
import type { Alarm, CreateDevice, CreateRule, Device, History, PutDeviceKind, Rule, UpdateDevice, UpdateRule } from './schema.ts'
import * as store from './store.ts'

/** How a device token is kept (and compared): its SHA-256, never the token. */
export const tokenHash = (token: string) => createHash('sha256').update(token).digest('hex')
const newToken = () => `kdd_${randomBytes(24).toString('base64url')}`
const newDeviceId = (kind: string) => `${kind.split('_')[0]}-${randomBytes(5).toString('hex')}`

const RAW_LIMIT_MS = 6 * 3600_000
const FIVE_MINUTE_LIMIT_MS = 7 * 86_400_000
const OPEN = ['active', 'acknowledged']

interface ParsedEntry {
  entry: IngestEntry
  device: store.DeviceRow
  payloads: Parsed[]
}

const asError = (err: unknown) => (err instanceof Error ? err : new Error(String(err)))
const UNIQUE_VIOLATION = '23505'
const sqlState = (err: unknown) => (err && typeof err === 'object' && 'code' in err ? err.code : undefined)
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

function alarmEventData(alarm: Alarm, action?: string) {
  return {
    name: alarm.deviceName,
    deviceId: alarm.deviceId,
    ruleId: alarm.ruleId,
    kind: alarm.kind,
    severity: alarm.severity,
    status: alarm.status,
    metric: alarm.metric,
    value: alarm.value,
    threshold: alarm.threshold,
    location: alarm.location,
    ...(action ? { action } : {}),
  }
}

/** Devices, their readings, threshold rules and alarms. */
export class SensorService {
  private readonly queues = new Map<Database, IngestQueue>()

  constructor(
    private readonly events: EventLog,
    /** Told how many readings each stored batch accepted and rejected (for metrics). */
    private readonly counted: (accepted: number, rejected: number) => void = () => undefined,
  ) {}

  /** Registers a device; `fixed` gives a chosen id and token (the demo's predictable credentials). */
  async createDevice(
    db: Database,
    tenant: string,
    actor: string,
    input: CreateDevice,
    fixed?: { id: string; token: string },
  ): Promise<Device & { token: string }> {
    const kind = await this.kind(db, tenant, input.kind)
    const metrics = input.metrics ?? kind.metrics.map((m) => ({ name: m.name, unit: m.unit }))
    const names = metrics.map((m) => m.name)
    if (new Set(names).size !== names.length) throw new Invalid('Each metric may be listed once', { field: 'metrics' })
    for (const m of metrics) {
      const known = kind.metrics.find((k) => k.name === m.name)
      if (known && known.unit !== m.unit) throw new Invalid(`${m.name} of a ${input.kind} is measured in ${known.unit}, not ${m.unit}`, { field: 'metrics' })
    }
    const token = fixed?.token ?? newToken()
    const id = fixed?.id ?? newDeviceId(input.kind)
    return db.transaction(async (tx) => {
      await store.insertDevice(tx, tenant, {
        id,
        name: input.name,
        kind: input.kind,
        metrics,
        location: input.location,
        agencyId: input.agencyId ?? null,
        intervalSeconds: input.intervalSeconds ?? 300,
        tokenHash: tokenHash(token),
      })
      await recordSensorEvent(this.events, tx, tenant, actor, {
        topic: 'sensors',
        type: 'device.created',
        entity: id,
        data: { name: input.name, kind: input.kind },
      })
      return { ...(await this.getDevice(tx, tenant, id)), token }
    })
  }

  async rotateToken(db: Database, tenant: string, actor: string, id: string): Promise<Device & { token: string }> {
    const token = newToken()
    return db.transaction(async (tx) => {
      if (!(await store.setTokenHash(tx, tenant, id, tokenHash(token)))) throw new NotFound(`There is no device ${id} in ${tenant}`)
      const device = await this.getDevice(tx, tenant, id)
      await recordSensorEvent(this.events, tx, tenant, actor, {
        topic: 'sensors',
        type: 'device.token_rotated',
        entity: id,
        data: { name: device.name, kind: device.kind },
      })
      return { ...device, token }
    })
  }

  async updateDevice(db: Database, tenant: string, actor: string, id: string, input: UpdateDevice): Promise<Device> {
    return db.transaction(async (tx) => {
      if (!(await store.updateDevice(tx, tenant, id, input))) throw new NotFound(`There is no device ${id} in ${tenant}`)
      const device = await this.getDevice(tx, tenant, id)
      await recordSensorEvent(this.events, tx, tenant, actor, {
        topic: 'sensors',
        type: 'device.updated',
        entity: id,
        data: { name: device.name, kind: device.kind },
      })
      return device
    })
  }

  /**
   * Registers devices (an item without `id`, answered with its new id and token) and changes those named by `id`
   * (name, place, agency, interval; the kind must be theirs), each item answered on its own.
   */
  async bulkSaveDevices(db: Database, tenant: string, actor: string, items: (CreateDevice & { id?: string })[]) {
    const out = new BulkOutcome<{ token: string }>()
    const kinds = new Map((await this.kinds(db, tenant)).filter((k) => k.isActive).map((k) => [k.code, k]))
    const existing = await store.kindsOfDevices(db, tenant, [...new Set(items.flatMap((i) => (i.id ? [i.id] : [])))])
    const created: (store.NewDevice & { index: number; token: string })[] = []
    const updated: { index: number; id: string; name: string; location: GeoPoint; agencyId: string | null; intervalSeconds: number }[] = []
    out.firstOfEach(
      items.map((i, index) => i.id ?? `#${index}`),
      'id',
      { id: 'Perangkat', en: 'Device' },
    )
    /** What is wrong with an item, or null when it may be stored. */
    const wrongWith = (item: CreateDevice & { id?: string }, kind: DeviceKind | undefined) => {
      if (!kind) return problem('invalid', 'kind', `${item.kind} bukan jenis perangkat di ${tenant}`, `${item.kind} is not a device kind of ${tenant}`)
      if (item.id) {
        const kindOf = existing.get(item.id)
        if (!kindOf) return problem('not_found', 'id', `Perangkat ${item.id} tidak ada di ${tenant}`, `There is no device ${item.id} in ${tenant}`)
        if (kindOf !== item.kind)
          return problem('conflict', 'kind', `Perangkat ${item.id} berjenis ${kindOf}; jenisnya tetap`, `Device ${item.id} is a ${kindOf}; its kind stays`)
        return null
      }
      const metrics = item.metrics ?? []
      if (new Set(metrics.map((m) => m.name)).size !== metrics.length)
        return problem('invalid', 'metrics', 'Setiap metrik hanya boleh disebut sekali', 'Each metric may be listed once')
      const wrong = metrics.find((m) => kind.metrics.some((k) => k.name === m.name && k.unit !== m.unit))
      if (wrong)
        return problem('invalid', 'metrics', `Satuan ${wrong.name} bukan ${wrong.unit}`, `${wrong.name} of a ${item.kind} is not measured in ${wrong.unit}`)
      return null
    }
    for (const [index, item] of items.entries()) {
      if (out.isFailed(index)) continue
      const kind = kinds.get(item.kind)
      const wrong = wrongWith(item, kind)
      if (wrong || !kind) {
        if (wrong) out.fail(index, wrong)
        continue
      }
      const base = { name: item.name, location: item.location, agencyId: item.agencyId ?? null, intervalSeconds: item.intervalSeconds ?? 300 }
      if (item.id) updated.push({ index, id: item.id, ...base })
      else {
        const token = newToken()
        const metrics = item.metrics ?? kind.metrics.map((m) => ({ name: m.name, unit: m.unit }))
        created.push({ index, token, id: newDeviceId(item.kind), kind: item.kind, metrics, tokenHash: tokenHash(token), ...base })
      }
    }
    if (created.length + updated.length === 0) return out.answer(items.length)
    await db.transaction(async (tx) => {
      if (created.length > 0) await store.insertDevices(tx, tenant, created)
      if (updated.length > 0) await store.updateDevices(tx, tenant, updated)
      await recordSensorEvent(this.events, tx, tenant, actor, {
        topic: 'sensors',
        type: 'device.bulk_saved',
        entity: null,
        data: { created: created.length, updated: updated.length },
      })
    })
    for (const d of created) out.stored(d.index, d.id, true, { token: d.token })
    for (const d of updated) out.stored(d.index, d.id, false)
    return out.answer(items.length)
  }

  async archiveDevice(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const name = await store.archiveDevice(tx, tenant, id)
      if (name === null) throw new NotFound(`There is no device ${id} in ${tenant}`)
      await recordSensorEvent(this.events, tx, tenant, actor, { topic: 'sensors', type: 'device.archived', entity: id, data: { name } })
      await this.clearAll(tx, tenant, actor, await store.openAlarmIds(tx, tenant, { deviceId: id }))
    })
  }

  /** Clears alarms nothing watches any more (their device or rule is gone), live for the console. */
  private async clearAll(tx: Tx, tenant: string, actor: string, ids: string[]): Promise<void> {
    for (const open of ids) {
      const cleared = await store.clearAlarm(tx, tenant, open, new Date())
      if (cleared)
        await recordSensorEvent(this.events, tx, tenant, actor, { topic: 'sensors', type: 'alarm.cleared', entity: cleared.id, data: alarmEventData(cleared) })
    }
  }

  async getDevice(db: Queryable, tenant: string, id: string): Promise<Device> {
    const device = await store.findDevice(db, tenant, id)
    if (!device) throw new NotFound(`There is no device ${id} in ${tenant}`)
    return device
  }

  // Device kinds

  async kinds(db: Queryable, tenant: string): Promise<DeviceKind[]> {
    return mergeKinds(await store.tenantKinds(db, tenant))
  }

  async kind(db: Queryable, tenant: string, code: string, field = 'kind'): Promise<DeviceKind> {
    const found = (await this.kinds(db, tenant)).find((k) => k.code === code && k.isActive)
    if (!found) throw new Invalid(`${code} is not a device kind of ${tenant} (see /device-kinds)`, { field })
    return found
  }

  /** Adds or changes a kind; its default rules become kind-wide rules (once each, by name). */
  async putKind(db: Database, tenant: string, actor: string, code: string, input: PutDeviceKind): Promise<DeviceKind> {
    const names = input.metrics.map((m) => m.name)
    if (new Set(names).size !== names.length) throw new Invalid('Each metric may be listed once', { field: 'metrics' })
    for (const m of input.metrics)
      if (m.min !== null && m.max !== null && m.min >= m.max)
        throw new Invalid(`${m.name}: the lowest valid value must be below the highest`, { field: 'metrics' })
    const defaultRules = input.defaultRules ?? []
    for (const r of defaultRules)
      if (!names.includes(r.metric)) throw new Invalid(`Rule ${r.name} watches ${r.metric}, which this kind does not measure`, { field: 'defaultRules' })
    const kind: DeviceKind = {
      code,
      label: input.label,
      metrics: input.metrics,
      defaultRules,
      icon: input.icon,
      color: input.color.toLowerCase(),
      isActive: input.isActive ?? true,
    }
    await db.transaction(async (tx) => {
      await store.upsertKind(tx, tenant, kind)
      if (kind.isActive) await store.ensureKindRules(tx, tenant, code, defaultRules)
      await recordSensorEvent(this.events, tx, tenant, actor, {
        topic: 'sensors',
        type: 'device_kind.changed',
        entity: code,
        data: { code, name: kind.label.id },
      })
    })
    return kind
  }

  /** Onboarding: the template's own kinds, each with its default rules. */
  async copyKinds(db: Tx, from: string, to: string): Promise<number> {
    const copied = await store.copyKinds(db, from, to)
    const kinds = await this.kinds(db, to)
    for (const code of copied) {
      const kind = kinds.find((k) => k.code === code)
      if (kind?.isActive) await store.ensureKindRules(db, to, code, kind.defaultRules)
    }
    return copied.length
  }

  async listDevices(db: Queryable, tenant: string, limit: number, cursor?: string) {
    const items = await store.listDevices(db, tenant, limit, cursorKey(cursor))
    return keysetPage(items, await store.countDevices(db, tenant), limit, (d) => d.id)
  }

  /** Checks a device's credentials (MQTT username/password, or the HTTP bearer token). */
  async authenticate(db: Queryable, deviceId: string, token: string): Promise<DeviceIdentity | null> {
    const device = await store.deviceForAuth(db, deviceId)
    if (!device || device.token_hash !== tokenHash(token)) return null
    return { tenant: device.tenant, device: device.id }
  }

  /** One payload of one device, written at once (not through the queue). */
  async ingest(db: Database, tenant: string, deviceId: string, body: unknown, now: Date = new Date()): Promise<IngestOutcome> {
    return (await this.ingestBatch(db, tenant, deviceId, [body], now))[0]
  }

  /** Several payloads of one device in one transaction. */
  async ingestBatch(db: Database, tenant: string, deviceId: string, bodies: unknown[], now: Date = new Date()): Promise<IngestOutcome[]> {
    const [result] = await this.ingestMany(db, [{ tenant, deviceId, bodies, unreadable: 0 }], now)
    if (result instanceof Error) throw result
    return result
  }

  /**
   * Queues a payload for the next group commit (see IngestQueue); resolves once it is stored, its bad items
   * counted. MQTT acknowledges a QoS 1 publish, and HTTP answers, only then.
   */
  submit(db: Database, tenant: string, deviceId: string, body: unknown, source: IngestSource = {}): Promise<IngestOutcome> {
    let queue = this.queues.get(db)
    if (!queue) {
      // PostgreSQL takes a second write while one commits (the pool has the connections); PGlite has one.
      const concurrency = db.kind === 'postgres' ? 2 : 1
      queue = new IngestQueue((entries) => this.ingestMany(db, entries), { maxQueued: 20_000, maxBatch: 5_000, lingerMs: 2, concurrency })
      this.queues.set(db, queue)
    }
    return queue.submit(tenant, deviceId, body, source)
  }

  /** Resolves once every payload submitted so far is written. */
  async drain(): Promise<void> {
    await Promise.all([...this.queues.values()].map((queue) => queue.drain()))
  }

  /**
   * Many devices' payloads in one transaction: readings, latest values, online states and the rules they trip,
   * each a statement for the whole batch. Bad items are counted, never stored. Should the transaction fail, each
   * device's payloads are tried alone, so one device cannot sink the others.
   */
  async ingestMany(db: Database, entries: IngestEntry[], now: Date = new Date()): Promise<(IngestOutcome[] | Error)[]> {
    const devices = new Map((await store.devicesForIngest(db, [...new Set(entries.map((e) => e.deviceId))])).map((d) => [d.id, d]))
    const kinds = new Map<string, DeviceKind[]>()
    for (const tenant of new Set(entries.map((e) => e.tenant))) kinds.set(tenant, await this.kinds(db, tenant))
    const parsed = entries.map((entry): ParsedEntry | Error => {
      const device = devices.get(entry.deviceId)
      // A request's token is checked here, with the batch's one look-up of its devices, not one query per request.
      if (entry.tokenHash !== undefined && (!device || device.tenant !== entry.tenant || device.token_hash !== entry.tokenHash))
        return new Unauthorized('Send the device token as a bearer token')
      if (!device || device.tenant !== entry.tenant) return new NotFound(`There is no device ${entry.deviceId} in ${entry.tenant}`)
      const ranges = new Map(
        kinds
          .get(entry.tenant)
          ?.find((k) => k.code === device.kind)
          ?.metrics.map((m) => [m.name, m]) ?? [],
      )
      const metrics = new Map(device.metrics.map((m) => [m.name, { unit: m.unit, min: ranges.get(m.name)?.min, max: ranges.get(m.name)?.max }]))
      return { entry, device, payloads: entry.bodies.map((body) => parsePayload(body, metrics, now)) }
    })
    const ready = parsed.filter((p): p is ParsedEntry => !(p instanceof Error))
    const failed = new Map<ParsedEntry, Error>()
    // Readings go in with a plain insert; a reading sent again (a QoS 1 redelivery after a lost PUBACK) breaks the
    // key, and then the batch is written again skipping what is stored (ON CONFLICT costs a third of the insert).
    const commit = (batch: ParsedEntry[]) =>
      db
        .transaction((tx) => this.write(tx, batch, now, false))
        .catch((err: unknown) => (sqlState(err) === UNIQUE_VIOLATION ? db.transaction((tx) => this.write(tx, batch, now, true)) : Promise.reject(err)))
    try {
      if (ready.length > 0) await commit(ready)
    } catch (err) {
      if (ready.length === 1) failed.set(ready[0], asError(err))
      else for (const one of ready) await commit([one]).catch((alone: unknown) => failed.set(one, asError(alone)))
    }
    const stored = ready.filter((p) => !failed.has(p)).flatMap((p) => p.payloads)
    this.counted(
      stored.reduce((n, p) => n + p.readings.length, 0),
      stored.reduce((n, p) => n + p.rejected.length, 0),
    )
    return parsed.map((p) =>
      p instanceof Error ? p : (failed.get(p) ?? p.payloads.map((payload) => ({ accepted: payload.readings.length, rejected: payload.rejected }))),
    )
  }

  rejections(db: Queryable, tenant: string, deviceId: string): Promise<Record<string, number>> {
    return store.rejectionCounts(db, tenant, deviceId)
  }

  private async write(tx: Tx, batch: ParsedEntry[], now: Date, isResent: boolean): Promise<void> {
    const counts: { tenant: string; deviceId: string; reason: string; count: number }[] = []
    for (const { entry, payloads } of batch) {
      const reasons = new Map<string, number>(entry.unreadable > 0 ? [['payload', entry.unreadable]] : [])
      for (const r of payloads.flatMap((p) => p.rejected)) {
        const reason = r.reason ?? r.field.split('.')[0]
        reasons.set(reason, (reasons.get(reason) ?? 0) + 1)
      }
      for (const [reason, count] of reasons) counts.push({ tenant: entry.tenant, deviceId: entry.deviceId, reason, count })
    }
    await store.countRejections(tx, now.toISOString().slice(0, 10), counts)

    const reporting = batch
      .map(({ device, payloads }) => ({ device, readings: payloads.flatMap((p) => p.readings).sort((a, b) => a.at.getTime() - b.at.getTime()) }))
      .filter((d) => d.readings.length > 0)
      // Key order, so concurrent batches lock devices in the same order.
      .sort((a, b) => (a.device.tenant === b.device.tenant ? cmp(a.device.id, b.device.id) : cmp(a.device.tenant, b.device.tenant)))
    if (reporting.length === 0) return
    const all = reporting.flatMap(({ device, readings }) => readings.map((r) => ({ ...r, tenant: device.tenant, deviceId: device.id })))
    await store.insertReadings(tx, all, isResent)
    // Each device's readings are in time order, so the last of a metric is its newest.
    const latest = new Map(all.map((r) => [`${r.tenant}/${r.deviceId}/${r.metric}`, r]))
    await store.upsertLatest(tx, [...latest.values()])
    const newest = new Map(reporting.map(({ device, readings }) => [device.id, readings[readings.length - 1].at]))
    const back = await store.markSeen(
      tx,
      reporting.map(({ device }) => ({ tenant: device.tenant, id: device.id, at: newest.get(device.id) as Date })),
    )
    for (const device of back) await this.cameBack(tx, device.tenant, device.id, newest.get(device.id) as Date)
    const rules = new Map<string, store.RuleWithState[]>()
    for (const rule of await store.rulesForDevices(
      tx,
      reporting.map(({ device }) => device),
    ))
      rules.set(rule.device_id, [...(rules.get(rule.device_id) ?? []), rule])
    for (const { device, readings } of reporting) {
      const watching = rules.get(device.id)
      if (watching) await this.applyRules(tx, device.tenant, device, readings, watching)
    }
  }

  private async cameBack(tx: Tx, tenant: string, deviceId: string, at: Date): Promise<void> {
    const open = await store.openOfflineAlarm(tx, tenant, deviceId)
    const cleared = open ? await store.clearAlarm(tx, tenant, open, at) : null
    const device = await this.getDevice(tx, tenant, deviceId)
    await recordSensorEvent(this.events, tx, tenant, null, { topic: 'sensors', type: 'device.online', entity: deviceId, data: { name: device.name } })
    if (cleared)
      await recordSensorEvent(this.events, tx, tenant, null, { topic: 'sensors', type: 'alarm.cleared', entity: cleared.id, data: alarmEventData(cleared) })
  }

  private async applyRules(tx: Tx, tenant: string, device: store.DeviceRow, readings: Reading[], rules: store.RuleWithState[]): Promise<void> {
    for (const rule of rules) {
      let since = rule.breach_since
      let open = rule.open_alarm
      const threshold = { comparison: rule.comparison, threshold: rule.threshold, durationSeconds: rule.duration_seconds, hysteresis: rule.hysteresis }
      for (const reading of readings) {
        if (reading.metric !== rule.metric) continue
        const step = evaluateRule(threshold, reading.value, reading.at, since, open !== null)
        since = step.breachSince
        if (step.raise) {
          const alarm = await store.insertAlarm(tx, tenant, {
            kind: 'threshold',
            ruleId: rule.id,
            deviceId: device.id,
            severity: rule.severity,
            metric: rule.metric,
            value: reading.value,
            threshold: rule.threshold,
            at: reading.at,
          })
          if (alarm) {
            open = alarm.id
            await recordSensorEvent(this.events, tx, tenant, null, {
              topic: 'sensors',
              type: 'alarm.raised',
              entity: alarm.id,
              data: alarmEventData(alarm, rule.action),
            })
          }
        }
        if (step.clear && open) {
          const cleared = await store.clearAlarm(tx, tenant, open, reading.at)
          open = null
          if (cleared)
            await recordSensorEvent(this.events, tx, tenant, null, {
              topic: 'sensors',
              type: 'alarm.cleared',
              entity: cleared.id,
              data: alarmEventData(cleared),
            })
        }
      }
      if (since?.getTime() !== rule.breach_since?.getTime()) await store.saveRuleState(tx, tenant, rule.id, device.id, since)
    }
  }

  /** Raises an offline alarm for every device silent for twice its interval (all tenants). */
  async markSilentDevices(db: Database, now: Date = new Date()): Promise<number> {
    const silent = await store.silentDevices(db, now)
    for (const { tenant, id } of silent) {
      await db.transaction(async (tx) => {
        if (!(await store.markOffline(tx, tenant, id))) return
        const device = await this.getDevice(tx, tenant, id)
        await recordSensorEvent(this.events, tx, tenant, null, { topic: 'sensors', type: 'device.offline', entity: id, data: { name: device.name } })
        const alarm = await store.insertAlarm(tx, tenant, {
          kind: 'offline',
          ruleId: null,
          deviceId: id,
          severity: 'waspada',
          metric: null,
          value: null,
          threshold: null,
          at: now,
        })
        if (alarm)
          await recordSensorEvent(this.events, tx, tenant, null, { topic: 'sensors', type: 'alarm.raised', entity: alarm.id, data: alarmEventData(alarm) })
      })
    }
    return silent.length
  }

  async history(db: Queryable, tenant: string, deviceId: string, metric: string, from: Date, to: Date): Promise<History> {
    const device = await this.getDevice(db, tenant, deviceId)
    const unit = device.metrics.find((m) => m.name === metric)?.unit
    if (!unit) throw new Invalid(`Device ${deviceId} has no metric ${metric}`, { field: 'metric' })
    const span = to.getTime() - from.getTime()
    if (span <= 0) throw new Invalid('from must be before to', { field: 'from' })
    if (span <= RAW_LIMIT_MS) return { metric, unit, resolution: 'raw', points: await store.rawHistory(db, tenant, deviceId, metric, from, to), buckets: [] }
    const fiveMinutes = span <= FIVE_MINUTE_LIMIT_MS
    const buckets = await store.bucketHistory(db, tenant, deviceId, metric, from, to, fiveMinutes ? 300 : 3600)
    return { metric, unit, resolution: fiveMinutes ? '5m' : '1h', points: [], buckets }
  }

  async createRule(db: Database, tenant: string, input: CreateRule): Promise<Rule> {
    if (Boolean(input.deviceKind) === Boolean(input.deviceId)) throw new Invalid('A rule watches either a deviceKind or one deviceId', { field: 'deviceId' })
    if (input.deviceKind) await this.kind(db, tenant, input.deviceKind, 'deviceKind')
    if (input.deviceId) {
      const device = await this.getDevice(db, tenant, input.deviceId)
      if (!device.metrics.some((m) => m.name === input.metric)) throw new Invalid(`Device ${input.deviceId} has no metric ${input.metric}`, { field: 'metric' })
    }
    return store.insertRule(db, tenant, input)
  }

  async updateRule(db: Database, tenant: string, id: string, input: UpdateRule): Promise<Rule> {
    const rule = await store.updateRule(db, tenant, id, input)
    if (!rule) throw new NotFound(`There is no rule ${id} in ${tenant}`)
    return rule
  }

  async deleteRule(db: Database, tenant: string, actor: string, id: string): Promise<void> {
    await db.transaction(async (tx) => {
      const open = await store.openAlarmIds(tx, tenant, { ruleId: id })
      if (!(await store.deleteRule(tx, tenant, id))) throw new NotFound(`There is no rule ${id} in ${tenant}`)
      await this.clearAll(tx, tenant, actor, open)
    })
  }

  listRules(db: Queryable, tenant: string): Promise<Rule[]> {
    return store.listRules(db, tenant)
  }

  async listAlarms(db: Queryable, tenant: string, status: 'open' | 'active' | 'acknowledged' | 'cleared' | undefined, limit: number, cursor?: string) {
    const statuses = !status || status === 'open' ? OPEN : [status]
    const items = await store.listAlarms(db, tenant, statuses, limit, cursorKey(cursor))
    const total = await store.countAlarms(db, tenant, statuses)
    const last = items[items.length - 1]
    return { items, total, next: items.length === limit && last ? encodeCursor({ k: `${last.raisedAt}${last.id}` }) : null }
  }

  async acknowledge(db: Database, tenant: string, actor: string, id: string): Promise<Alarm> {
    return db.transaction(async (tx) => {
      const outcome = await store.acknowledgeAlarm(tx, tenant, id, actor)
      if (outcome === 'missing') throw new NotFound(`There is no alarm ${id} in ${tenant}`)
      if (outcome === 'not_active') throw new Conflict('Only an active alarm can be acknowledged')
      const alarm = await store.findAlarm(tx, tenant, id)
      if (!alarm) throw new NotFound(`There is no alarm ${id} in ${tenant}`)
      await recordSensorEvent(this.events, tx, tenant, actor, { topic: 'sensors', type: 'alarm.acknowledged', entity: id, data: alarmEventData(alarm) })
      return alarm
    })
  }
}
