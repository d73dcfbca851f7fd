import type { DeviceMessage } from '../../core/mqtt/hub.ts'

type Flush = (tenant: string, deviceId: string, bodies: unknown[], unreadable: number) => Promise<void>

interface Pending {
  tenant: string
  deviceId: string
  bodies: unknown[]
  unreadable: number
}

/** Messages waiting for the next write at most; beyond, new messages are dropped until a write takes them. */
export const MAX_PENDING_MESSAGES = 10_000

/**
 * Hands device messages to storage, one device's messages together. An idle intake writes a message at
 * once; while a write runs, new messages gather and go in the next one: low latency when quiet, few large
 * transactions when busy. What gathers is bounded: when the database falls behind, messages are dropped
 * (and counted) rather than held in memory without end.
 */
export class MqttIntake {
  private pending = new Map<string, Pending>()
  private pendingCount = 0
  private scheduled = false
  private writing: Promise<void> = Promise.resolve()
  /** Messages dropped because the intake was full, since start. */
  dropped = 0
  private droppedReported = 0

  constructor(
    private readonly flush: Flush,
    private readonly onError: (err: unknown) => void,
    private readonly maxPending = MAX_PENDING_MESSAGES,
  ) {}

  add(message: DeviceMessage): void {
    if (message.channel !== 'up') return
    if (this.pendingCount >= this.maxPending) {
      this.dropped += 1
      return
    }
    this.pendingCount += 1
    const key = `${message.tenant}/${message.device}`
    let entry = this.pending.get(key)
    if (!entry) {
      entry = { tenant: message.tenant, deviceId: message.device, bodies: [], unreadable: 0 }
      this.pending.set(key, entry)
    }
    try {
      entry.bodies.push(JSON.parse(message.payload.toString('utf8')))
    } catch {
      entry.unreadable += 1
    }
    if (!this.scheduled) {
      this.scheduled = true
      this.writing = this.writing.then(() => this.writePending())
    }
  }

  private async writePending(): Promise<void> {
    this.scheduled = false
    const batch = [...this.pending.values()]
    this.pending = new Map()
    this.pendingCount = 0
    if (this.dropped > this.droppedReported) {
      this.onError(new Error(`${this.dropped - this.droppedReported} MQTT messages dropped: the intake was full while the database caught up`))
      this.droppedReported = this.dropped
    }
    for (const entry of batch) await this.flush(entry.tenant, entry.deviceId, entry.bodies, entry.unreadable).catch(this.onError)
  }

  /** Resolves once everything received so far is stored. */
  drain(): Promise<void> {
    this.writing = this.writing.then(() => this.writePending())
    return this.writing
  }
}
