import { parentPort, workerData } from 'node:worker_threads'
import WebSocket from 'ws'

// WebSocket clients of the live channel, in a thread of their own so their work does not slow the server's.

export interface ClientsJob {
  wsUrl: string
  cookie: string
  clients: number
  events: number
}

/** Per client: the sequences received and when (monotonic milliseconds). */
export interface Receipts {
  seqs: number[][]
  times: number[][]
}

const job = workerData as ClientsJob
const port = parentPort
if (!port) throw new Error('live-clients runs as a worker thread')

// The monotonic clock is the same for every thread of the process, unlike performance.timeOrigin.
const now = () => Number(process.hrtime.bigint()) / 1e6
const seqs: number[][] = []
const times: number[][] = []
let remaining = job.clients * job.events

const opened = Array.from({ length: job.clients }, (_, i) => {
  const mySeqs: number[] = []
  const myTimes: number[] = []
  seqs.push(mySeqs)
  times.push(myTimes)
  const socket = new WebSocket(job.wsUrl, { headers: { cookie: job.cookie } })
  socket.on('message', (raw) => {
    myTimes.push(now())
    mySeqs.push((JSON.parse(String(raw)) as { seq: number }).seq)
    remaining -= 1
    if (remaining === 0) {
      const receipts: Receipts = { seqs, times }
      port.postMessage({ kind: 'done', receipts })
    }
  })
  return new Promise<WebSocket>((resolve, reject) => {
    socket.once('open', () => resolve(socket))
    socket.once('error', (err) => reject(new Error(`client ${i}: ${err.message}`)))
  })
})

Promise.all(opened).then(
  (sockets) => {
    port.postMessage({ kind: 'open' })
    port.on('message', (message: { kind: string }) => {
      if (message.kind === 'close') for (const socket of sockets) socket.close()
    })
  },
  (err: unknown) => port.postMessage({ kind: 'error', message: err instanceof Error ? err.message : String(err) }),
)
