import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { holdLease } from './lease.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('leases', () => {
  it('lets one holder at a time work, and another take over once the lease runs out', async () => {
    const db = server.kendali.ctx.db
    const name = `test.${randomUUID()}`
    expect(await holdLease(db, name, 'instance-a', 30)).toBe(true)
    expect(await holdLease(db, name, 'instance-b', 30)).toBe(false)
    expect(await holdLease(db, name, 'instance-a', 30)).toBe(true)
    // instance-a stops renewing: its lease ends and instance-b takes over.
    await db.query(`UPDATE leases SET expires_at = now() - interval '1 second' WHERE name = $1`, [name])
    expect(await holdLease(db, name, 'instance-b', 30)).toBe(true)
    expect(await holdLease(db, name, 'instance-a', 30)).toBe(false)
  })

  it('gives two instances asking at the same moment one lease', async () => {
    const db = server.kendali.ctx.db
    const name = `test.${randomUUID()}`
    const answers = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => holdLease(db, name, holder, 30)))
    expect(answers.filter(Boolean)).toHaveLength(1)
  })
})
