import type { DeviceMessage } from '../../core/mqtt/hub.ts'

type Flush = (tenant: string, deviceId: string, bodies: unknown[], unreadable: number) => Promise<void>

interface Pending {
  tenant: string
  deviceId: string
  bodies: unknown[]
  unreadable: number
}

/**
 * Hands device messages to storage, one device's messages together. An idle intake writes a message at
 * once; while a write runs, new messages gather and go in the next one: low latency when quiet, few large
 * transactions when busy.
 */
export class MqttIntake {
  private pending = new Map<string, Pending>()
  private scheduled = false
  private writing: Promise<void> = Promise.resolve()

  constructor(
    private readonly flush: Flush,
    private readonly onError: (err: unknown) => void,
  ) {}

  add(message: DeviceMessage): void {
    if (message.channel !== 'up') return
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
    for (const entry of batch) await this.flush(entry.tenant, entry.deviceId, entry.bodies, entry.unreadable).catch(this.onError)
  }

  /** Resolves once everything received so far is stored. */
  drain(): Promise<void> {
    this.writing = this.writing.then(() => this.writePending())
    return this.writing
  }
}
