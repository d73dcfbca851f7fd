import { describe, expect, it } from 'vitest'
import { testDatabase } from '../../../test/support/db.ts'
import { dropOldPartitions, ensureReadingPartitions } from './store.ts'

const partitionOf = async (at: string) => {
  const db = await testDatabase()
  const [row] = await db.query<{ part: string }>(
    `SELECT tableoid::regclass::text AS part FROM readings WHERE tenant = '33.71' AND device_id = 'partition-probe' AND at = $1`,
    [at],
  )
  return row?.part
}

describe('readings partitions', () => {
  it('moves a month out of the default partition into its own, keeping its rows, and drops months past retention', async () => {
    const db = await testDatabase()
    const at = '2031-03-15T00:00:00.000Z'
    const old = '1999-01-15T00:00:00.000Z'
    await db.query(
      `INSERT INTO readings (tenant, device_id, metric, at, value) VALUES ('33.71', 'partition-probe', 'water_level', $1, 1), ('33.71', 'partition-probe', 'water_level', $2, 2)`,
      [at, old],
    )
    expect(await partitionOf(at)).toBe('readings_default')
    await ensureReadingPartitions(db, new Date('2031-02-10T00:00:00Z'), 2)
    await ensureReadingPartitions(db, new Date('2031-02-10T00:00:00Z'), 2)
    expect(await partitionOf(at)).toBe('readings_2031_03')
    await ensureReadingPartitions(db, new Date('1999-01-10T00:00:00Z'), 0)
    expect(await partitionOf(old)).toBe('readings_1999_01')
    // A horizon long past, so partitions the running platform made for this month stay.
    const dropped = await dropOldPartitions(db, new Date('1999-06-01T00:00:00Z'))
    expect(dropped).toEqual(['readings_1999_01'])
    expect(await partitionOf(old)).toBeUndefined()
    expect(await partitionOf(at)).toBe('readings_2031_03')
  })
})
