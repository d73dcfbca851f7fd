import { EventEmitter } from 'node:events'
import type { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { type LiveClientOptions, LiveHub } from './live.ts'
import { forWall } from './routes.ts'

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

/** The messages in bytes written to a WebSocket's TCP socket (unmasked frames of at most 64 KiB, as the hub writes them). */
function messages(bytes: Buffer): string[] {
  const out: string[] = []
  for (let at = 0; at < bytes.length; ) {
    const short = bytes[at + 1] & 0x7f
    const [length, header] = short === 126 ? [bytes.readUInt16BE(at + 2), 4] : [short, 2]
    out.push(bytes.subarray(at + header, at + header + length).toString())
    at += header + length
  }
  return out
}

/** A WebSocket as the hub sees it, over a TCP socket that records what it was sent and says how far behind its reader is. */
class FakeSocket extends EventEmitter {
  readonly extensions = ''
  readyState: number = WebSocket.OPEN
  closedWith: number | null = null
  readonly wire = Object.assign(new EventEmitter(), {
    writes: [] as Buffer[],
    writableLength: 0,
    write(bytes: Buffer) {
      this.writes.push(bytes)
      return true
    },
  })
  get sent(): Buffer[] {
    return this.wire.writes
  }
  close(code: number): void {
    this.closedWith = code
    this.readyState = WebSocket.CLOSING
    this.emit('close')
  }
  seqs(): number[] {
    return this.sent.flatMap((b) => messages(b).map((m) => (JSON.parse(m) as { seq: number }).seq))
  }
}

const TENANT = '33.71'
const record = () =>
  server.kendali.ctx.db.transaction((tx) =>
    server.kendali.ctx.events.record(tx, TENANT, 'test', { topic: 'agencies', type: 'agency.updated', entity: 'live-test' }),
  )

function attach(socket: FakeSocket, options: Partial<LiveClientOptions> = {}) {
  const visibleTopics = options.visibleTopics ?? ['agencies']
  return hub.attach(socket as unknown as WebSocket, socket.wire as unknown as Writable, {
    tenant: TENANT,
    after: null,
    visibleTopics,
    recheck: async () => visibleTopics,
    recheckMs: 60_000,
    onError: (err) => console.error(err),
    ...options,
  })
}

const clear = (...sockets: FakeSocket[]) => {
  for (const s of sockets) s.sent.length = 0
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

/** Runs `work` with the reads of the event log counted. */
async function countingLogReads(work: (reads: () => number) => Promise<void>): Promise<void> {
  const { ctx } = server.kendali
  let reads = 0
  const query = ctx.db.query.bind(ctx.db)
  ctx.db.query = ((sql: string, params?: readonly unknown[]) => {
    if (sql.includes('FROM events')) reads++
    return query(sql, params)
  }) as typeof ctx.db.query
  try {
    await work(() => reads)
  } finally {
    ctx.db.query = query
  }
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
    slow.wire.writableLength = 64 * 1024 * 1024
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
    await countingLogReads(async (reads) => {
      const publish = ctx.bus.publish.bind(ctx.bus)
      ctx.bus.publish = () => undefined
      const lost = [await record(), await record()]
      ctx.bus.publish = publish
      const last = await record()
      for (const c of clients) await expect.poll(() => c.seqs().slice(-3)).toEqual([lost[0].seq, lost[1].seq, last.seq])
      expect(reads()).toBe(1)
    })
    for (const c of clients) c.close(1000)
  })

  it('writes the events of one commit to a client in one write, shared by every client reading the same topics', async () => {
    const a = new FakeSocket()
    const b = new FakeSocket()
    const agenciesOnly = new FakeSocket()
    attach(a, { visibleTopics: ['agencies', 'units'] })
    attach(b, { visibleTopics: ['units', 'agencies'] })
    attach(agenciesOnly)
    await started(a, b, agenciesOnly)
    clear(a, b, agenciesOnly)
    const { ctx } = server.kendali
    const [agency, unit] = await ctx.db.transaction(async (tx) => [
      await ctx.events.record(tx, TENANT, 'test', { topic: 'agencies', type: 'agency.updated', entity: 'live-test' }),
      await ctx.events.record(tx, TENANT, 'test', { topic: 'units', type: 'unit.updated', entity: 'live-test' }),
    ])
    await expect.poll(() => a.seqs()).toEqual([agency.seq, unit.seq])
    expect(a.sent).toHaveLength(1)
    expect(b.sent[0]).toBe(a.sent[0])
    await expect.poll(() => agenciesOnly.seqs()).toEqual([agency.seq])
    for (const s of [a, b, agenciesOnly]) s.close(1000)
  })

  it("leaves free text out of a wall's events, serialised once for every wall, and whole for the others", async () => {
    const walls = [new FakeSocket(), new FakeSocket()]
    const full = new FakeSocket()
    for (const wall of walls) attach(wall, { redact: forWall })
    attach(full)
    await started(...walls, full)
    clear(...walls, full)
    const event = await server.kendali.ctx.db.transaction((tx) =>
      server.kendali.ctx.events.record(tx, TENANT, 'test', {
        topic: 'agencies',
        type: 'agency.updated',
        entity: 'live-test',
        data: { note: 'Pak Budi', n: 1 },
      }),
    )
    await expect.poll(() => walls.map((w) => w.seqs())).toEqual([[event.seq], [event.seq]])
    expect(JSON.parse(messages(walls[0].sent[0])[0])).toMatchObject({ seq: event.seq, data: { n: 1 } })
    expect(messages(walls[0].sent[0])[0]).not.toContain('Pak Budi')
    expect(walls[1].sent[0]).toBe(walls[0].sent[0])
    await expect.poll(() => full.sent.flatMap(messages).map((m) => JSON.parse(m).data)).toEqual([{ note: 'Pak Budi', n: 1 }])
    for (const s of [...walls, full]) s.close(1000)
  })

  it('lets a client back after a short break catch up from the stream, without reading the log', async () => {
    const staying = new FakeSocket()
    attach(staying)
    await started(staying)
    const missed = [await record(), await record(), await record()]
    await expect.poll(() => staying.seqs().slice(-3)).toEqual(missed.map((e) => e.seq))
    await countingLogReads(async (reads) => {
      const back = new FakeSocket()
      attach(back, { after: missed[0].seq - 1 })
      await expect.poll(() => back.seqs()).toEqual(missed.map((e) => e.seq))
      const next = await record()
      await expect.poll(() => back.seqs().at(-1)).toBe(next.seq)
      expect(reads()).toBe(0)
      back.close(1000)
    })
    staying.close(1000)
  })

  it('lets a client catch up on history at its own pace instead of cutting it off', async () => {
    const { ctx } = server.kendali
    // More than one page of the log behind.
    const written = await ctx.db.transaction(async (tx) => {
      const events = []
      for (let i = 0; i < 1100; i++)
        events.push(await ctx.events.record(tx, TENANT, 'test', { topic: 'agencies', type: 'agency.updated', entity: 'live-test' }))
      return events
    })
    const slow = new FakeSocket()
    slow.wire.writableLength = 64 * 1024 * 1024
    attach(slow, { after: written[0].seq - 1 })
    await expect.poll(() => slow.sent.length).toBe(1)
    slow.wire.writableLength = 0
    slow.wire.emit('drain')
    await expect.poll(() => slow.seqs().slice(0, written.length)).toEqual(written.map((e) => e.seq))
    expect(slow.closedWith).toBeNull()
    slow.close(1000)
  })
})
