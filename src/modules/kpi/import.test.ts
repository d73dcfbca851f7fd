import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import type { Database } from '../../core/db/database.ts'
import type { KendaliEvent } from '../../core/events/log.ts'
import { type ImportState, SYNC_IMPORT_ROWS } from '../../core/import-runs.ts'
import { IMPORT_BATCH, MAX_IMPORT_ROWS } from '../../core/imports.ts'

let server: TestServer
let cookie: string
beforeAll(async () => {
  server = await startTestKendali()
  cookie = await loginCookie(server.kendali, 'admin')
})
afterAll(() => server.close())

const db = () => server.kendali.ctx.db
const importCsv = (csv: string, as = cookie) =>
  fetch(`${server.url}/api/t/33.71/kpi/values/import`, { method: 'POST', body: csv, headers: { cookie: as, 'content-type': 'text/csv' } })
const stateOf = async (id: string | null, as: string) => {
  const res = await fetch(`${server.url}/api/t/33.71/imports/${id}`, { headers: { cookie: as } })
  return res.status === 200 ? ((await res.json()) as ImportState) : res.status
}
const versionsOf = (key: string) =>
  db().query<{ count: number; keys: number }>(
    `SELECT count(*)::int AS count, count(DISTINCT breakdown_key)::int AS keys FROM kpi_value_history WHERE tenant = '33.71' AND breakdown_key LIKE $1`,
    [`${key}-%`],
  )
const populations = (rows: number, key = unique('kel')) =>
  ['indicator,period,value,breakdown_by,breakdown_key', ...Array.from({ length: rows }, (_, i) => `population,2019,${i},kelurahan,${key}-${i}`)].join('\n')

describe('kpi values import under load', () => {
  it('answers a large import with 202 at once and /api/health while its job writes it', async () => {
    const res = await importCsv(populations(6000))
    expect(res.status).toBe(202)
    const queued = (await res.json()) as ImportState
    expect(queued).toMatchObject({ state: 'queued', total: 6000, done: 0 })
    const finished: string[] = []
    const written = server.kendali.ctx.imports.resume(db(), '33.71', queued.id ?? '').then(() => finished.push('import'))
    const health = fetch(`${server.url}/api/health`).then((r) => {
      finished.push('health')
      return r
    })
    expect((await health).status).toBe(200)
    await written
    expect(finished).toEqual(['health', 'import'])
    expect(await stateOf(queued.id, cookie)).toMatchObject({ state: 'done', done: 6000, counts: { accepted: 6000 }, errorCount: 0 })
  })

  it('refuses a file of more rows than the limit with 413 and stores none of it', async () => {
    const key = unique('kel')
    const res = await importCsv(populations(MAX_IMPORT_ROWS + 1, key))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large', details: { maxRows: MAX_IMPORT_ROWS } } })
    const [{ count }] = await server.kendali.ctx.db.query<{ count: number }>(
      `SELECT count(*)::int AS count FROM kpi_values WHERE tenant = '33.71' AND breakdown_key LIKE $1`,
      [`${key}-%`],
    )
    expect(count).toBe(0)
  })

  it('answers a file that is not CSV with 400 naming the line', async () => {
    const res = await importCsv('indicator,period,value\npopulation,2019,1\n"population,2019,2\n')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ error: { code: 'invalid', details: { field: 'body', line: expect.any(Number) } } })
  })

  it('stores a key given twice in one file as two versions, the later row last', async () => {
    const key = unique('kel')
    const csv = ['indicator,period,value,breakdown_by,breakdown_key', `population,2019,1,kelurahan,${key}`, `population,2019,2,kelurahan,${key}`].join('\n')
    const res = await importCsv(csv)
    expect(await res.json()).toMatchObject({ accepted: 2 })
    const history = await server.kendali.ctx.db.query<{ version: number; value: number }>(
      `SELECT version, value FROM kpi_value_history WHERE tenant = '33.71' AND breakdown_key = $1 ORDER BY version`,
      [key],
    )
    expect(history).toEqual([
      { version: 1, value: 1 },
      { version: 2, value: 2 },
    ])
  })
})

describe('large kpi values imports as jobs', () => {
  // Every 700th row is not a number: refused by its line (row i is line i + 2, the header being line 1).
  const withBadRows = (rows: number, key: string) =>
    [
      'indicator,period,value,breakdown_by,breakdown_key',
      ...Array.from({ length: rows }, (_, i) => `population,2019,${i % 700 === 3 ? 'abc' : i},kelurahan,${key}-${i}`),
    ].join('\n')

  it('writes a queued import in its job with live progress, counts matching the file and errors by line', async () => {
    const key = unique('kel')
    const rows = SYNC_IMPORT_ROWS + 500
    const res = await importCsv(withBadRows(rows, key))
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as ImportState
    expect(await versionsOf(key)).toEqual([{ count: 0, keys: 0 }])
    const seen: KendaliEvent[] = []
    const stop = server.kendali.ctx.bus.subscribe((e) => {
      if (e.entity === id) seen.push(e)
    })
    try {
      // Due jobs run until none is left: the import's job among them.
      let ran = 1
      while (ran > 0) ran = await server.kendali.ctx.jobs.runDue()
    } finally {
      stop()
    }
    const bad = Array.from({ length: rows }, (_, i) => i).filter((i) => i % 700 === 3)
    const state = await stateOf(id, cookie)
    expect(state).toMatchObject({ state: 'done', total: rows, done: rows, counts: { accepted: rows - bad.length }, errorCount: bad.length })
    expect(typeof state === 'object' && state.errors.map((e) => [e.row, e.field])).toEqual(bad.map((i) => [i + 2, 'value']))
    expect(await versionsOf(key)).toEqual([{ count: rows - bad.length, keys: rows - bad.length }])
    const progress = seen.filter((e) => e.type === 'import.progressed').map((e) => e.data.done)
    expect(progress).toEqual(Array.from({ length: Math.ceil(rows / IMPORT_BATCH) }, (_, i) => Math.min(rows, (i + 1) * IMPORT_BATCH)))
    expect(seen.at(-1)).toMatchObject({ type: 'import.finished', topic: 'kpi', data: { state: 'done', counts: { accepted: rows - bad.length } } })
  })

  it('resumes an import stopped after one batch where it stopped, storing no row twice', async () => {
    const key = unique('kel')
    const rows = SYNC_IMPORT_ROWS + 1
    const res = await importCsv(populations(rows, key))
    const { id } = (await res.json()) as ImportState
    // The process stops after its first batch has committed.
    let commits = 0
    const real = db()
    const stopsAfterOneBatch: Database = {
      kind: real.kind,
      query: (sql, params) => real.query(sql, params),
      exec: (sql) => real.exec(sql),
      close: () => real.close(),
      transaction: async (fn) => {
        if (commits === 1) throw new Error('the process stopped')
        const result = await real.transaction(fn)
        commits += 1
        return result
      },
    }
    await expect(server.kendali.ctx.imports.resume(stopsAfterOneBatch, '33.71', id ?? '')).rejects.toThrow('the process stopped')
    expect(await stateOf(id, cookie)).toMatchObject({ state: 'running', done: IMPORT_BATCH, counts: { accepted: IMPORT_BATCH } })
    expect(await versionsOf(key)).toEqual([{ count: IMPORT_BATCH, keys: IMPORT_BATCH }])
    // Restarted: the job runs again from the next row.
    await server.kendali.ctx.imports.resume(real, '33.71', id ?? '')
    expect(await stateOf(id, cookie)).toMatchObject({ state: 'done', done: rows, counts: { accepted: rows } })
    expect(await versionsOf(key)).toEqual([{ count: rows, keys: rows }])
  })

  it("shows an import to the person who sent it and the tenant's admins, not to another OPD officer", async () => {
    const officer = await loginCookie(server.kendali, 'agency_officer')
    const other = await loginCookie(server.kendali, 'inspektorat')
    const res = await importCsv(populations(SYNC_IMPORT_ROWS + 1), officer)
    expect(res.status).toBe(202)
    const { id } = (await res.json()) as ImportState
    expect(await stateOf(id, officer)).toMatchObject({ id, actor: 'agency_officer', state: 'queued' })
    expect(await stateOf(id, cookie)).toMatchObject({ id })
    expect(await stateOf(id, other)).toBe(404)
    expect(await stateOf('not-an-id', officer)).toBe(404)
    const malang = await loginCookie(server.kendali, 'malang_admin')
    expect(await stateOf(id, malang)).toBe(403)
  })
})
