import type { DeviceMessage } from '../../core/mqtt/hub.ts'

type Flush = (tenant: string, deviceId: string, bodies: unknown[], unreadable: number) => Promise<void>

/**
 * Gathers device messages for a moment and hands each device's messages over together, so a busy broker
 * means fewer, larger transactions instead of one per reading.
 */
export class MqttIntake {
  private pending = new Map<string, { tenant: string; deviceId: string; bodies: unknown[]; unreadable: number }>()
  private timer: NodeJS.Timeout | null = null
  private flushing: Promise<void> = Promise.resolve()

  constructor(
    private readonly flush: Flush,
    private readonly onError: (err: unknown) => void,
    private readonly gatherMs = 200,
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
    this.timer ??= setTimeout(() => this.drain(), this.gatherMs)
  }

  /** Writes everything gathered so far; resolves when it is stored. */
  drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    const batch = [...this.pending.values()]
    this.pending = new Map()
    this.flushing = this.flushing.then(async () => {
      for (const entry of batch) {
        await this.flush(entry.tenant, entry.deviceId, entry.bodies, entry.unreadable).catch(this.onError)
      }
    })
    return this.flushing
  }
}
