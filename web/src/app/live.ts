import { useEffect, useRef, useState } from 'react'
import { api, type KendaliEvent } from './api.ts'

export type LiveState = 'connecting' | 'open' | 'closed'

const MAX_BACKOFF_MS = 30_000

/**
 * The tenant's live channel: reconnects with growing pauses and resumes after the last sequence it saw,
 * so nothing is missed and nothing arrives twice.
 */
export class LiveConnection {
  private socket: WebSocket | null = null
  private lastSeq: number
  private backoff = 1000
  private timer: ReturnType<typeof setTimeout> | null = null
  private stopped = false

  constructor(
    private readonly tenant: string,
    after: number,
    private readonly onEvent: (event: KendaliEvent) => void,
    private readonly onState: (state: LiveState) => void,
    /** A connection attempt failed before it opened (server down, or the session is gone). */
    private readonly onRefused: () => void,
  ) {
    this.lastSeq = after
    this.connect()
  }

  private connect(): void {
    if (this.stopped) return
    this.onState('connecting')
    const protocol = location.protocol === 'https:' ? 'wss:' : 'ws:'
    const socket = new WebSocket(`${protocol}//${location.host}/api/t/${encodeURIComponent(this.tenant)}/live?after=${this.lastSeq}`)
    this.socket = socket
    let opened = false
    socket.onopen = () => {
      opened = true
      this.backoff = 1000
      this.onState('open')
    }
    socket.onmessage = (message) => {
      const event = JSON.parse(String(message.data)) as KendaliEvent
      // Volatile events (positions) carry no sequence: they are never replayed, only passed on.
      if (!event.volatile) {
        if (event.seq <= this.lastSeq) return
        this.lastSeq = event.seq
      }
      this.onEvent(event)
    }
    socket.onclose = (event) => {
      if (this.stopped) return
      // 4401: the server ended the channel because the session ended (logout elsewhere, account disabled).
      if (!opened || event.code === 4401) this.onRefused()
      this.onState('connecting')
      this.timer = setTimeout(() => this.connect(), this.backoff)
      this.backoff = Math.min(MAX_BACKOFF_MS, this.backoff * 2)
    }
  }

  close(): void {
    this.stopped = true
    if (this.timer) clearTimeout(this.timer)
    this.socket?.close()
    this.onState('closed')
  }
}

// The browser hides why a WebSocket was refused; asking who is logged in tells, and api() announces a 401 to the
// auth context, which sends the person to the login page. Other failures only mean: keep retrying.
function askSession(): void {
  api('/api/auth/me').then(
    () => undefined,
    () => undefined,
  )
}

/** Connects once `after` is known; calls onEvent for each new event. */
export function useLive(tenant: string, after: number | null, onEvent: (event: KendaliEvent) => void): LiveState {
  const [state, setState] = useState<LiveState>('connecting')
  const handler = useRef(onEvent)
  handler.current = onEvent
  useEffect(() => {
    if (after === null) return
    const connection = new LiveConnection(tenant, after, (e) => handler.current(e), setState, askSession)
    return () => connection.close()
  }, [tenant, after])
  return state
}
