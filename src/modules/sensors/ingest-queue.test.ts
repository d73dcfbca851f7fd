import { describe, expect, it } from 'vitest'
import { IngestBusy, type IngestEntry, type IngestOutcome, IngestQueue } from './ingest-queue.ts'

const ok = (entry: IngestEntry): IngestOutcome[] => entry.bodies.map(() => ({ accepted: 1, rejected: [] }))

function gate() {
  let open = () => {}
  const opened = new Promise<void>((resolve) => {
    open = resolve
  })
  return { open, opened }
}

describe('ingest queue (group commit)', () => {
  it("writes many devices' payloads together, and settles each only once its write is done", async () => {
    const writes: IngestEntry[][] = []
    const first = gate()
    const queue = new IngestQueue(
      async (entries) => {
        writes.push(entries)
        await first.opened
        return entries.map(ok)
      },
      { maxQueued: 1000, maxBatch: 1000, lingerMs: 5 },
    )
    const settled: string[] = []
    const all = []
    for (let i = 0; i < 30; i++) {
      const device = `awlr-${i % 10}`
      all.push(queue.submit('33.71', device, { values: { water_level: i } }).then(() => settled.push(device)))
    }
    await expect.poll(() => writes.length).toBe(1)
    expect(writes[0]).toHaveLength(10)
    expect(writes[0].every((e) => e.bodies.length === 3)).toBe(true)
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(settled).toEqual([])
    first.open()
    await Promise.all(all)
    expect(settled).toHaveLength(30)
    expect([queue.writes, queue.written]).toEqual([1, 30])
  })

  it('holds at most its bound: beyond it a submit waits for room, nothing is dropped', async () => {
    const stuck = gate()
    const written: number[] = []
    const queue = new IngestQueue(
      async (entries) => {
        await stuck.opened
        written.push(entries.reduce((n, e) => n + e.bodies.length, 0))
        return entries.map(ok)
      },
      { maxQueued: 100, maxBatch: 50, lingerMs: 1 },
    )
    let entered = 0
    const all = Array.from({ length: 250 }, (_, i) =>
      queue.submit('33.71', `awlr-${i % 7}`, { values: { water_level: i } }).then(() => {
        entered += 1
      }),
    )
    await new Promise((resolve) => setTimeout(resolve, 20))
    expect(entered).toBe(0)
    stuck.open()
    await Promise.all(all)
    expect(entered).toBe(250)
    expect(written.reduce((a, b) => a + b, 0)).toBe(250)
    expect(Math.max(...written)).toBeLessThanOrEqual(100)
  })

  it('refuses only the payloads of a device whose write failed, and counts an unreadable payload as refused', async () => {
    const queue = new IngestQueue(async (entries) => entries.map((e) => (e.deviceId === 'gone' ? new Error('There is no device gone') : ok(e))), {
      maxQueued: 100,
      maxBatch: 100,
      lingerMs: 1,
    })
    const [good, gone, unreadable] = await Promise.allSettled([
      queue.submit('33.71', 'awlr-1', { values: { water_level: 1 } }),
      queue.submit('33.71', 'gone', { values: { water_level: 1 } }),
      queue.submit('33.71', 'awlr-1', null, { unreadable: true }),
    ])
    expect(good).toEqual({ status: 'fulfilled', value: { accepted: 1, rejected: [] } })
    expect(gone).toMatchObject({ status: 'rejected', reason: new Error('There is no device gone') })
    expect(unreadable).toMatchObject({ status: 'fulfilled', value: { accepted: 0, rejected: [{ field: 'payload' }] } })
    await queue.drain()
  })

  it('refuses at once, instead of waiting, a payload whose sender asked not to wait when the queue is full', async () => {
    const stuck = gate()
    const queue = new IngestQueue(
      async (entries) => {
        await stuck.opened
        return entries.map(ok)
      },
      { maxQueued: 2, maxBatch: 2, lingerMs: 1 },
    )
    const held = [queue.submit('33.71', 'awlr-1', { values: { water_level: 1 } }), queue.submit('33.71', 'awlr-2', { values: { water_level: 2 } })]
    await expect(queue.submit('33.71', 'awlr-3', { values: { water_level: 3 } }, { whenFull: 'refuse' })).rejects.toBeInstanceOf(IngestBusy)
    stuck.open()
    await Promise.all(held)
    await expect(queue.submit('33.71', 'awlr-3', { values: { water_level: 3 } }, { whenFull: 'refuse' })).resolves.toEqual({ accepted: 1, rejected: [] })
  })

  it('with two writes in flight, keeps a device out of the second while the first holds it, so its payloads commit in order', async () => {
    const gates = [gate(), gate(), gate()]
    const writes: string[][] = []
    const queue = new IngestQueue(
      async (entries) => {
        const n = writes.push(entries.map((e) => `${e.deviceId}:${e.bodies.length}`))
        await gates[n - 1].opened
        return entries.map(ok)
      },
      { maxQueued: 100, maxBatch: 1, lingerMs: 1, concurrency: 2 },
    )
    const first = queue.submit('33.71', 'awlr-1', { values: { water_level: 1 } })
    await expect.poll(() => writes.length).toBe(1)
    // awlr-1 is in the first write: its next payload waits; awlr-2 goes into the second write at once.
    const later = queue.submit('33.71', 'awlr-1', { values: { water_level: 2 } })
    const other = queue.submit('33.71', 'awlr-2', { values: { water_level: 3 } })
    await expect.poll(() => writes.length).toBe(2)
    expect(writes[1]).toEqual(['awlr-2:1'])
    gates[1].open()
    await other
    expect(writes).toHaveLength(2)
    gates[0].open()
    gates[2].open()
    await Promise.all([first, later])
    expect(writes[2]).toEqual(['awlr-1:1'])
    await queue.drain()
  })
})
