import { EventEmitter } from 'node:events'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { WebSocket } from 'ws'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { LiveHub } from './live.ts'

let server: TestServer
let hub: LiveHub
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
  const { ctx } = server.kendali
  hub = new LiveHub({ bus: ctx.bus, db: () => ctx.db, headCheckMs: 60_000, onError: (err) => console.error(err) })
})
afterAll(async () => {
  hub.close()
  await server.close()
})

/** A WebSocket as the hub sees it: what it was sent, and how far behind its reader is. */
class FakeSocket extends EventEmitter {
  readonly sent: Buffer[] = []
  closedWith: number | null = null
  bufferedAmount = 0
  send(data: Buffer): void {
    this.sent.push(data)
  }
  close(code: number): void {
    this.closedWith = code
    this.emit('close')
  }
  seqs(): number[] {
    return this.sent.map((b) => (JSON.parse(b.toString()) as { seq: number }).seq)
  }
}

const TENANT = '33.71'
const record = () =>
  server.kendali.ctx.db.transaction((tx) =>
    server.kendali.ctx.events.record(tx, TENANT, 'test', { topic: 'agencies', type: 'agency.updated', entity: 'live-test' }),
  )

function attach(socket: FakeSocket) {
  return hub.attach(socket as unknown as WebSocket, {
    tenant: TENANT,
    after: null,
    visibleTopics: ['agencies'],
    recheck: async () => ['agencies'],
    recheckMs: 60_000,
    onError: (err) => console.error(err),
  })
}

/** Records events until every socket has received one: from then on each has started on the stream. */
async function started(...sockets: FakeSocket[]): Promise<void> {
  await expect
    .poll(async () => {
      await record()
      await new Promise((resolve) => setTimeout(resolve, 20))
      return sockets.every((s) => s.sent.length > 0)
    })
    .toBe(true)
}

describe('the live hub', () => {
  it('hands an event to clients after the writer has moved on, as the same bytes for every client', async () => {
    const a = new FakeSocket()
    const b = new FakeSocket()
    attach(a)
    attach(b)
    await started(a, b)
    a.sent.length = 0
    b.sent.length = 0
    const event = await record()
    // The commit has returned to the writer: nothing was written to any socket on its way.
    expect(a.sent).toEqual([])
    await expect.poll(() => a.seqs()).toEqual([event.seq])
    expect(b.seqs()).toEqual([event.seq])
    expect(a.sent[0]).toBe(b.sent[0])
    a.close(1000)
    b.close(1000)
  })

  it('cuts off a client too far behind while the others go on receiving', async () => {
    const slow = new FakeSocket()
    const quick = new FakeSocket()
    attach(slow)
    attach(quick)
    await started(slow, quick)
    slow.bufferedAmount = 64 * 1024 * 1024
    const event = await record()
    await expect.poll(() => quick.seqs().at(-1)).toBe(event.seq)
    expect(slow.closedWith).toBe(1013)
    expect(slow.seqs()).not.toContain(event.seq)
    quick.close(1000)
  })

  it('reads a gap from the log once for all the clients of a tenant', async () => {
    const clients = [new FakeSocket(), new FakeSocket(), new FakeSocket()]
    for (const c of clients) attach(c)
    await started(...clients)
    const { ctx } = server.kendali
    // Two events whose bus messages are lost, then one that arrives: the hub reads the two from the log.
    let reads = 0
    const query = ctx.db.query.bind(ctx.db)
    ctx.db.query = ((sql: string, params?: readonly unknown[]) => {
      if (sql.includes('FROM events')) reads++
      return query(sql, params)
    }) as typeof ctx.db.query
    try {
      const publish = ctx.bus.publish.bind(ctx.bus)
      ctx.bus.publish = () => undefined
      const lost = [await record(), await record()]
      ctx.bus.publish = publish
      const last = await record()
      for (const c of clients) await expect.poll(() => c.seqs().slice(-3)).toEqual([lost[0].seq, lost[1].seq, last.seq])
      expect(reads).toBe(1)
    } finally {
      ctx.db.query = query
    }
    for (const c of clients) c.close(1000)
  })
})
