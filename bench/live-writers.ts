import { parentPort } from 'node:worker_threads'
import { now, type WritersReply, type WritersRequest } from './live-protocol.ts'

// The operators of the paced live bench, in a thread of their own: POSTs sent on a fixed schedule
// (open loop: a slow answer does not delay the next request), each one timed from send to answer.

const port = parentPort
if (!port) throw new Error('live-writers runs as a worker thread')

async function post(url: string, cookie: string, body: unknown): Promise<number> {
  const t0 = now()
  const res = await fetch(url, { method: 'POST', headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const answer = await res.text()
  if (res.status >= 300) throw new Error(`POST ${url}: ${res.status} ${answer.slice(0, 200)}`)
  return now() - t0
}

port.on('message', (request: WritersRequest) => {
  const latencies = new Float64Array(request.count).fill(Number.NaN)
  const sent: Promise<void>[] = []
  const start = now()
  let i = 0
  const tick = () => {
    // Catch up on the schedule after a late timer, as a steady stream of callers would.
    while (i < request.count && now() - start >= (i * 1000) / request.perSecond) {
      const n = i++
      sent.push(
        post(request.url, request.cookie, request.body).then((ms) => {
          latencies[n] = ms
        }),
      )
    }
    if (i < request.count) setTimeout(tick, Math.max(0, start + (i * 1000) / request.perSecond - now()))
    else
      Promise.all(sent).then(
        () => port.postMessage({ kind: 'posted', latencies } satisfies WritersReply, [latencies.buffer as ArrayBuffer]),
        (err: unknown) =>
          port.postMessage({
            kind: 'error',
            message: err instanceof Error ? `${err.message}${err.cause ? ` (${String(err.cause)})` : ''}` : String(err),
          } satisfies WritersReply),
      )
  }
  tick()
})
