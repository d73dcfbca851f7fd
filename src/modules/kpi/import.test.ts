import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { MAX_IMPORT_ROWS } from '../../core/imports.ts'

let server: TestServer
let cookie: string
beforeAll(async () => {
  server = await startTestKendali()
  cookie = await loginCookie(server.kendali, 'admin')
})
afterAll(() => server.close())

const importCsv = (csv: string) =>
  fetch(`${server.url}/api/t/33.71/kpi/values/import`, { method: 'POST', body: csv, headers: { cookie, 'content-type': 'text/csv' } })
const populations = (rows: number, key = unique('kel')) =>
  ['indicator,period,value,breakdown_by,breakdown_key', ...Array.from({ length: rows }, (_, i) => `population,2019,${i},kelurahan,${key}-${i}`)].join('\n')

describe('kpi values import under load', () => {
  it('answers /api/health while a large import is being written', async () => {
    const finished: string[] = []
    const imported = importCsv(populations(6000)).then(async (res) => {
      finished.push('import')
      return res
    })
    // Asked once the import is under way, answered before it ends.
    const health = new Promise((resolve) => setTimeout(resolve, 50)).then(async () => {
      const res = await fetch(`${server.url}/api/health`)
      finished.push('health')
      return res
    })
    const [importRes, healthRes] = await Promise.all([imported, health])
    expect(healthRes.status).toBe(200)
    expect(importRes.status).toBe(200)
    expect(await importRes.json()).toMatchObject({ accepted: 6000, rejected: [] })
    expect(finished).toEqual(['health', 'import'])
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
