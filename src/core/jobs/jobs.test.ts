import { randomUUID } from 'node:crypto'
import { beforeAll, describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/support/db.ts'
import type { Database } from '../db/database.ts'
import { type Job, JobQueue } from './jobs.ts'

let db: Database
const failOnError = (err: unknown) => {
  throw err
}
// Each test uses its own job kind, so queues never pick up another test's jobs.
const kind = () => `test_${randomUUID().slice(0, 8)}`
const rowsOf = (k: string) =>
  db.query<{ attempts: number; done_at: Date | null; failed_at: Date | null; last_error: string | null; run_at: Date }>(
    'SELECT attempts, done_at, failed_at, last_error, run_at FROM jobs WHERE kind = $1',
    [k],
  )

beforeAll(async () => {
  db = await testDatabase()
})

describe('durable jobs', () => {
  it('exists only if the enqueueing transaction commits', async () => {
    const k = kind()
    const queue = new JobQueue(() => db, failOnError)
    await expect(
      db.transaction(async (tx) => {
        await queue.enqueue(tx, '33.71', k)
        throw new Error('rolled back')
      }),
    ).rejects.toThrow()
    expect(await rowsOf(k)).toEqual([])
  })

  it('survives a restart: a job enqueued by one process runs in the next', async () => {
    const k = kind()
    await new JobQueue(() => db, failOnError).enqueue(db, '33.71', k, { kelurahan: '33.71.03.1001' })
    const seen: Job[] = []
    const restarted = new JobQueue(() => db, failOnError)
    restarted.handle(k, async (job) => {
      seen.push(job)
    })
    expect(await restarted.runDue()).toBe(1)
    expect(seen.map((j) => j.payload)).toEqual([{ kelurahan: '33.71.03.1001' }])
    expect((await rowsOf(k))[0].done_at).not.toBeNull()
    expect(await restarted.runDue()).toBe(0)
  })

  it('runs each job once when several workers poll at the same time', async () => {
    const k = kind()
    const ran: string[] = []
    const workers = [0, 1, 2].map(() => {
      const q = new JobQueue(() => db, failOnError)
      q.handle(k, async (job) => {
        ran.push(job.id)
      })
      return q
    })
    for (let i = 0; i < 30; i++) await workers[0].enqueue(db, '33.71', k, { i })
    await Promise.all(workers.map((w) => w.runDue(10)))
    await Promise.all(workers.map((w) => w.runDue(10)))
    expect(ran).toHaveLength(30)
    expect(new Set(ran).size).toBe(30)
  })

  it('retries a failing job later with its error kept, and gives up after its attempts', async () => {
    const k = kind()
    const queue = new JobQueue(() => db, failOnError)
    queue.handle(k, async () => {
      throw new Error('gateway SMS tidak menjawab')
    })
    await queue.enqueue(db, '33.71', k, {}, { maxAttempts: 2 })
    // A moment after the enqueue by any clock (the database's has microseconds, JavaScript's milliseconds).
    const start = new Date(Date.now() + 1000)
    expect(await queue.runDue(10, start)).toBe(1)
    let [row] = await rowsOf(k)
    expect(row).toMatchObject({ attempts: 1, last_error: 'gateway SMS tidak menjawab', failed_at: null })
    expect(row.run_at.getTime()).toBeGreaterThan(start.getTime())
    expect(await queue.runDue(10, start)).toBe(0)
    const later = new Date(row.run_at.getTime() + 1000)
    expect(await queue.runDue(10, later)).toBe(1)
    ;[row] = await rowsOf(k)
    expect(row.attempts).toBe(2)
    expect(row.failed_at).not.toBeNull()
    expect(await queue.runDue(10, new Date(later.getTime() + 86_400_000))).toBe(0)
  })

  it('adds a job with a dedupe key only once while it is pending', async () => {
    const k = kind()
    const queue = new JobQueue(() => db, failOnError)
    await queue.enqueue(db, '33.71', k, {}, { dedupeKey: 'sla:report-1' })
    await queue.enqueue(db, '33.71', k, {}, { dedupeKey: 'sla:report-1' })
    expect(await rowsOf(k)).toHaveLength(1)
  })
  it('keeps exactly one pending run of a recurring job and schedules the next after each run', async () => {
    const k = kind()
    let runs = 0
    const queue = new JobQueue(() => db, failOnError)
    queue.every(k, 60, async () => {
      runs++
    })
    await queue.scheduleRecurring()
    await queue.scheduleRecurring()
    expect(await rowsOf(k)).toHaveLength(1)
    const now = new Date(Date.now() + 1000)
    expect(await queue.runDue(10, now)).toBe(1)
    expect(runs).toBe(1)
    const pending = (await rowsOf(k)).filter((r) => r.done_at === null)
    expect(pending).toHaveLength(1)
    expect(pending[0].run_at.getTime()).toBe(now.getTime() + 60_000)
  })
})
