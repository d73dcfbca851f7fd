import { describe, expect, it } from 'vitest'
import { createKendali } from '../../src/core/app.ts'
import type { Database } from '../../src/core/db/database.ts'
import { allModules } from '../../src/modules/index.ts'
import { testDatabase } from '../support/db.ts'
import { json } from '../support/server.ts'
import { testConfig } from '../support/template.ts'

/** This worker's database, seen through a connection that can be closed without closing it for the other tests. */
async function closableDatabase(): Promise<Database> {
  const real = await testDatabase()
  let closed = false
  const refuseWhenClosed = <T>(run: () => Promise<T>) => (closed ? Promise.reject(new Error('Connection terminated')) : run())
  return {
    kind: real.kind,
    query: (sql, params) => refuseWhenClosed(() => real.query(sql, params)),
    transaction: (fn) => refuseWhenClosed(() => real.transaction(fn)),
    exec: (sql) => refuseWhenClosed(() => real.exec(sql)),
    close: async () => {
      closed = true
    },
  }
}

describe('health probes', () => {
  it('ready is 503 naming what it waits for while preparing, 200 once every check passes, 503 when the database closes; live answers 200 throughout', async () => {
    const db = await closableDatabase()
    // The whole start-up: demo seed, embedded broker (any free port), job runner.
    const kendali = await createKendali(testConfig({ DEMO: '1' }), allModules(), { db, logger: false, rateLimitPerMinute: 0, mqtt: true, background: true })
    const probe = async () => {
      const [live, ready] = await Promise.all([
        kendali.app.inject({ method: 'GET', url: '/api/health/live' }),
        kendali.app.inject({ method: 'GET', url: '/api/health/ready' }),
      ])
      expect(live.statusCode).toBe(200)
      expect(json(live)).toEqual({ status: 'live' })
      return ready
    }
    try {
      // The database is handed over already open here; what start-up still has to do is waiting.
      const starting = await probe()
      expect(starting.statusCode).toBe(503)
      expect(json(starting)).toEqual({
        status: 'unready',
        checks: { database: 'ok', migrations: 'waiting', demoSeed: 'waiting', bus: 'ok', mqtt: 'waiting', jobs: 'waiting', startup: 'waiting' },
      })

      await kendali.prepare()
      const ready = await probe()
      expect(ready.statusCode).toBe(200)
      expect(json(ready)).toEqual({
        status: 'ready',
        checks: { database: 'ok', migrations: 'ok', demoSeed: 'ok', bus: 'ok', mqtt: 'ok', jobs: 'ok', startup: 'ok' },
      })

      await db.close()
      const noDatabase = await probe()
      expect(noDatabase.statusCode).toBe(503)
      expect(json(noDatabase)).toMatchObject({ status: 'unready', checks: { database: 'down', migrations: 'ok', mqtt: 'ok', jobs: 'ok' } })
      // The older probe keeps its meaning: started, whatever happened since.
      expect((await kendali.app.inject({ method: 'GET', url: '/api/health' })).statusCode).toBe(200)
    } finally {
      await kendali.close()
    }
  })

  it('says which checks this process does not use: no demo, no broker, no background work', async () => {
    const kendali = await createKendali(testConfig(), allModules(), { db: await testDatabase(), logger: false, mqtt: false, background: false })
    try {
      await kendali.prepare()
      const ready = await kendali.app.inject({ method: 'GET', url: '/api/health/ready' })
      expect(ready.statusCode).toBe(200)
      expect(json(ready)).toMatchObject({ checks: { database: 'ok', demoSeed: 'off', mqtt: 'off', jobs: 'off' } })
    } finally {
      await kendali.close()
    }
  })
})
