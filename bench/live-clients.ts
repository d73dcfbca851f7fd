import { type EventLoopUtilization, performance } from 'node:perf_hooks'
import { parentPort } from 'node:worker_threads'
import WebSocket from 'ws'
import { type ClientsReply, type ClientsRequest, now, type Receipts } from './live-protocol.ts'

// The WebSocket clients of the live-channel bench, in a thread of their own: on a small machine the
// server keeps one core and the clients' parsing is not charged to the server's throughput.

interface Measurement {
  from: number
  count: number
  times: Float64Array
  /** Per client: the seq it should receive next. */
  next: Int32Array
  pending: number
  duplicates: number
  outOfOrder: number
  problems: string[]
  stall: NodeJS.Timeout | null
  stallMs: number
  elu: EventLoopUtilization
}

const port = parentPort
if (!port) throw new Error('live-clients runs as a worker thread')
const reply = (message: ClientsReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer)

let sockets: WebSocket[] = []
/** Per client: the newest seq it has received. */
let lastSeen = new Float64Array(0)
/** Order problems seen outside a measurement, reported with the next one. */
let earlyProblems: string[] = []
let measuring: Measurement | null = null
let syncing: Set<number> | null = null

function note(m: Measurement, problem: string): void {
  if (m.problems.length < 5) m.problems.push(problem)
}

function finish(): void {
  const m = measuring
  if (!m) return
  measuring = null
  if (m.stall) clearTimeout(m.stall)
  let missing = 0
  for (const t of m.times) if (Number.isNaN(t)) missing++
  const busy = performance.eventLoopUtilization(m.elu).utilization
  const receipts: Receipts = { times: m.times, missing, duplicates: m.duplicates, outOfOrder: m.outOfOrder, problems: m.problems, busy }
  reply({ kind: 'received', receipts }, [m.times.buffer as ArrayBuffer])
}

function armStall(m: Measurement): void {
  if (m.stallMs <= 0) return
  if (m.stall) clearTimeout(m.stall)
  m.stall = setTimeout(() => {
    note(m, `no message for ${m.stallMs} ms with ${m.pending} clients still waiting`)
    finish()
  }, m.stallMs)
}

function onEvent(client: number, raw: WebSocket.RawData): void {
  const at = now()
  // Only the sequence is needed, but parsing the whole event is part of what a real client pays.
  const { seq } = JSON.parse(String(raw)) as { seq: number }
  const m = measuring
  if (seq <= lastSeen[client]) {
    // Every client must see strictly increasing sequences, whatever it is doing.
    const problem = `client ${client}: got ${seq} after ${lastSeen[client]}`
    if (!m) {
      earlyProblems.push(problem)
      return
    }
    const slot = client * m.count + (seq - m.from)
    if (seq >= m.from && Number.isNaN(m.times[slot])) {
      m.outOfOrder++
      m.times[slot] = at
    } else m.duplicates++
    note(m, problem)
    return
  }
  lastSeen[client] = seq
  if (syncing?.delete(client) && syncing.size === 0) {
    syncing = null
    reply({ kind: 'synced' })
  }
  // Events older than the measured ones are late sync events: the bench waits for one per client, not all.
  if (!m || seq < m.from || seq >= m.from + m.count) return
  if (seq !== m.next[client]) note(m, `client ${client}: got ${seq}, expected ${m.next[client]}`)
  m.times[client * m.count + (seq - m.from)] = at
  m.next[client] = seq + 1
  if (seq === m.from + m.count - 1 && --m.pending === 0) finish()
  else if (m.stallMs > 0) armStall(m)
}

async function open(url: string, cookie: string, clients: number): Promise<void> {
  lastSeen = new Float64Array(clients)
  sockets = await Promise.all(
    Array.from(
      { length: clients },
      (_, i) =>
        new Promise<WebSocket>((resolve, reject) => {
          const socket = new WebSocket(url, { headers: { cookie } })
          socket.on('message', (raw) => onEvent(i, raw))
          socket.once('open', () => resolve(socket))
          socket.once('error', (err) => reject(new Error(`client ${i}: ${err.message}`)))
          socket.once('close', (code, reason) => {
            if (measuring) note(measuring, `client ${i} closed by the server: ${code} ${String(reason)}`)
          })
        }),
    ),
  )
}

async function close(): Promise<void> {
  await Promise.all(
    sockets.map(
      (socket) =>
        new Promise<void>((resolve) => {
          if (socket.readyState === WebSocket.CLOSED) return resolve()
          socket.once('close', () => resolve())
          socket.close()
        }),
    ),
  )
  sockets = []
}

port.on('message', (request: ClientsRequest) => {
  switch (request.kind) {
    case 'open':
      open(request.url, request.cookie, request.clients).then(
        () => reply({ kind: 'opened' }),
        (err: unknown) => reply({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
      )
      break
    case 'sync':
      syncing = new Set(sockets.keys())
      break
    case 'expect':
      measuring = {
        from: request.from,
        count: request.count,
        times: new Float64Array(sockets.length * request.count).fill(Number.NaN),
        next: new Int32Array(sockets.length).fill(request.from),
        pending: sockets.length,
        duplicates: 0,
        outOfOrder: earlyProblems.length,
        problems: earlyProblems.slice(0, 5),
        stall: null,
        stallMs: 0,
        elu: performance.eventLoopUtilization(),
      }
      earlyProblems = []
      reply({ kind: 'expecting' })
      break
    case 'written':
      if (measuring) {
        measuring.stallMs = request.stallMs
        armStall(measuring)
      }
      break
    case 'close':
      void close().then(() => reply({ kind: 'closed' }))
      break
  }
})
