import WebSocket from 'ws'
import type { KendaliEvent } from '../../src/core/events/log.ts'

/** A live-channel client that records what it receives and can wait for a count of events. */
export class LiveProbe {
  readonly events: KendaliEvent[] = []
  private waiters: { count: number; resolve: () => void }[] = []
  private constructor(readonly socket: WebSocket) {
    socket.on('message', (raw) => {
      this.events.push(JSON.parse(String(raw)) as KendaliEvent)
      this.waiters = this.waiters.filter((w) => {
        if (this.events.length < w.count) return true
        w.resolve()
        return false
      })
    })
  }

  static open(baseUrl: string, tenant: string, cookie: string, after?: number): Promise<LiveProbe> {
    const url = `${baseUrl.replace(/^http/, 'ws')}/api/t/${tenant}/live${after === undefined ? '' : `?after=${after}`}`
    const socket = new WebSocket(url, { headers: { cookie } })
    const probe = new LiveProbe(socket)
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(probe))
      socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)))
      socket.once('error', reject)
    })
  }

  /** Resolves once `count` events in all have arrived. */
  waitFor(count: number): Promise<void> {
    if (this.events.length >= count) return Promise.resolve()
    return new Promise((resolve) => this.waiters.push({ count, resolve }))
  }

  /** Sends a message and resolves once the server has handled it (a ping's pong comes after it). */
  async send(message: unknown): Promise<void> {
    this.socket.send(JSON.stringify(message))
    await new Promise<void>((resolve) => {
      this.socket.once('pong', () => resolve())
      this.socket.ping()
    })
  }

  /** Resolves with the close code once the server ends the connection. */
  closedByServer(): Promise<number> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve(-1)
    return new Promise((resolve) => this.socket.once('close', (code) => resolve(code)))
  }

  close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return Promise.resolve()
    return new Promise((resolve) => {
      this.socket.once('close', () => resolve())
      this.socket.close()
    })
  }
}
