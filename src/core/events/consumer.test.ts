import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { EventConsumer } from './consumer.ts'
import type { KendaliEvent } from './log.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

const record = (topic: string, entity: string) =>
  server.kendali.ctx.db.transaction((tx) => server.kendali.ctx.events.record(tx, '33.71', 'test', { topic, type: 'thing.happened', entity }))

function consumerOf(topic: string, handle: (event: KendaliEvent) => Promise<void>, errors: unknown[] = []) {
  const { ctx } = server.kendali
  return new EventConsumer(
    { name: `test.${topic}`, topics: [topic], handle: (_db, event) => handle(event) },
    { db: () => ctx.db, bus: ctx.bus, holdsLease: async () => true, onError: (err) => errors.push(err), pollMs: 60_000 },
  )
}

describe('durable event consumers', () => {
  it('handles events recorded while it was stopped, once, in order, and nothing from before it first started', async () => {
    const topic = `c${randomUUID().slice(0, 8)}`
    await record(topic, 'before-first-start')
    const seen: string[] = []
    const first = consumerOf(topic, async (e) => void seen.push(e.entity ?? ''))
    await first.start()
    await record(topic, 'live')
    await first.poke()
    await first.stop()
    await record(topic, 'while-stopped-1')
    await record(topic, 'while-stopped-2')
    const second = consumerOf(topic, async (e) => void seen.push(e.entity ?? ''))
    await second.start()
    await second.poke()
    await second.poke()
    await second.stop()
    expect(seen).toEqual(['live', 'while-stopped-1', 'while-stopped-2'])
  })

  it('retries an event whose handling fails, and gives it up after five attempts without stalling later ones', async () => {
    const topic = `c${randomUUID().slice(0, 8)}`
    const seen: string[] = []
    const errors: unknown[] = []
    let flaky = 2
    const consumer = consumerOf(
      topic,
      async (e) => {
        if (e.entity === 'poison') throw new Error('cannot handle this one')
        if (e.entity === 'flaky' && flaky-- > 0) throw new Error('not yet')
        seen.push(e.entity ?? '')
      },
      errors,
    )
    await consumer.start()
    await record(topic, 'flaky')
    await record(topic, 'poison')
    await record(topic, 'after')
    for (let i = 0; i < 8; i++) await consumer.poke()
    await consumer.stop()
    expect(seen).toEqual(['flaky', 'after'])
    expect(errors).toHaveLength(2 + 5)
  })

  it('leaves the work to the instance holding the lease', async () => {
    const topic = `c${randomUUID().slice(0, 8)}`
    const { ctx } = server.kendali
    const seen: string[] = []
    const idle = new EventConsumer(
      { name: `test.${topic}`, topics: [topic], handle: async (_db, e) => void seen.push(e.entity ?? '') },
      { db: () => ctx.db, bus: ctx.bus, holdsLease: async () => false, onError: () => undefined, pollMs: 60_000 },
    )
    await idle.start()
    await record(topic, 'one')
    await idle.poke()
    await idle.stop()
    expect(seen).toEqual([])
  })
})
