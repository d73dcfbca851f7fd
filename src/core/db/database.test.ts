import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('database', () => {
  it('lets other work run while a long chain of awaited queries goes on', async () => {
    const db = server.kendali.ctx.db
    const total = 3000
    let done = 0
    // A timer due at once stands for another request waiting for the event loop.
    const doneWhenTimerFired = new Promise<number>((resolve) => setTimeout(() => resolve(done), 0))
    for (; done < total; done++) await db.query('SELECT $1::int AS n', [done])
    expect(await doneWhenTimerFired).toBeLessThan(total)
  })

  it('lets other work run while a long transaction goes on', async () => {
    const db = server.kendali.ctx.db
    const total = 3000
    let done = 0
    const doneWhenTimerFired = new Promise<number>((resolve) => setTimeout(() => resolve(done), 0))
    await db.transaction(async (tx) => {
      for (; done < total; done++) await tx.query('SELECT $1::int AS n', [done])
    })
    expect(await doneWhenTimerFired).toBeLessThan(total)
  })
})
