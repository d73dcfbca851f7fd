import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestKendali, type TestServer } from '../../../test/support/server.ts'
import { countExactly, countOrEstimate } from './count.ts'

let server: TestServer
beforeAll(async () => {
  server = await startTestKendali({ listen: false })
})
afterAll(() => server.close())

describe('list totals', () => {
  it('counts a small set exactly, estimates a large one, and never calls a large set small', async () => {
    const db = server.kendali.ctx.db
    expect(await countOrEstimate(db, 'FROM generate_series(1, 10) g', [], 1000)).toEqual({ total: 10, isExact: true })
    // The planner knows generate_series(1, 5000) yields 5,000 rows: no row is counted.
    expect(await countOrEstimate(db, 'FROM generate_series(1, $1::int) g', [5000], 1000)).toEqual({ total: 5000, isExact: false })
    // It guesses few rows for `g % 2 = 0` (0.5 %), the count finds more than 1,000: the total says "more than 1,000".
    expect(await countOrEstimate(db, 'FROM generate_series(1, 5000) g WHERE g % 2 = 0', [], 1000)).toEqual({ total: 1001, isExact: false })
    expect(await countExactly(db, 'FROM generate_series(1, 5000) g WHERE g % 2 = 0', [])).toEqual({ total: 2500, isExact: true })
  })
})
