import { randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginCookie, startTestKendali, type TestServer, unique } from '../../../test/support/server.ts'
import { MAX_IMPORT_ROWS } from '../../core/imports.ts'
import { multipart } from './multipart.test-support.ts'
import { MAX_UNPACKED_BYTES } from './workbook-limits.ts'
import { zipOf } from './zip.test-support.ts'

let server: TestServer
let cookie: string
let dataset: string

beforeAll(async () => {
  server = await startTestKendali()
  cookie = await loginCookie(server.kendali, 'admin')
  dataset = unique('ds')
  const res = await fetch(`${server.url}/api/t/33.71/datasets`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'application/json' },
    body: JSON.stringify({ name: dataset, title: 'Unggahan uji' }),
  })
  expect(res.status).toBe(201)
})
afterAll(() => server.close())

function send(path: string, filename: string, bytes: Buffer) {
  const { payload, headers } = multipart(filename, bytes)
  return fetch(`${server.url}/api/t/33.71/datasets/${dataset}/resources${path}`, { method: 'POST', body: payload, headers: { ...headers, cookie } })
}

describe('data hub uploads', () => {
  it('refuses random binary uploads with 400 naming the file, whatever their name says', async () => {
    for (const filename of ['acak.csv', 'acak.json', 'acak.bin', 'acak.geojson', 'acak.xlsx']) {
      const res = await send('', filename, randomBytes(1024 * 1024))
      expect(res.status, filename).toBe(400)
      expect(await res.json()).toMatchObject({ error: { code: 'invalid', details: { field: 'file' } } })
    }
  })

  it('answers /api/health while four large uploads that turn out broken are read, then refuses each naming the line', async () => {
    const rows = Array.from({ length: 90_000 }, (_, i) => `${i},Kelurahan ${i},${i % 97}`)
    const broken = Buffer.from(['nomor,nama,nilai', ...rows, '90000,"tidak ditutup,1'].join('\n'))
    const finished: string[] = []
    const sent: Promise<void>[] = []
    const uploads = ['a', 'b', 'c', 'd'].map((name) => {
      const { payload, headers } = multipart(`${name}.csv`, broken)
      return new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = request(`${server.url}/api/t/33.71/datasets/${dataset}/resources/preview`, { method: 'POST', headers: { ...headers, cookie } }, (res) => {
          let body = ''
          res.on('data', (chunk: Buffer) => {
            body += chunk.toString()
          })
          res.on('end', () => {
            finished.push(name)
            resolve({ status: res.statusCode ?? 0, body })
          })
        })
        req.on('error', reject)
        sent.push(new Promise((done) => req.end(payload, done)))
      })
    })
    // Asked once all four bodies are on their way: the server is reading them when the probe arrives.
    await Promise.all(sent)
    const health = await fetch(`${server.url}/api/health`)
    finished.push('health')
    expect(health.status).toBe(200)
    for (const answer of await Promise.all(uploads)) {
      expect(answer.status).toBe(400)
      expect(JSON.parse(answer.body)).toMatchObject({ error: { code: 'invalid', details: { field: 'file', line: rows.length + 2 } } })
    }
    expect(finished[0]).toBe('health')
  })

  it('refuses a CSV of more rows than an import may hold with 413, storing nothing', async () => {
    const csv = ['nomor', ...Array.from({ length: MAX_IMPORT_ROWS + 1 }, (_, i) => String(i))].join('\n')
    const res = await send('', 'besar.csv', Buffer.from(csv))
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large', details: { field: 'file', maxRows: MAX_IMPORT_ROWS } } })
    const detail = await fetch(`${server.url}/api/t/33.71/datasets/${dataset}`, { headers: { cookie } })
    expect(((await detail.json()) as { resources: unknown[] }).resources).toEqual([])
  })

  it('refuses an XLSX zip bomb with 413 before parsing it', async () => {
    const bomb = zipOf([{ name: 'xl/worksheets/sheet1.xml', data: Buffer.alloc(MAX_UNPACKED_BYTES + 1024 * 1024, ' ') }])
    const res = await send('/preview', 'bom.xlsx', bomb)
    expect(res.status).toBe(413)
    expect(await res.json()).toMatchObject({ error: { code: 'payload_too_large', details: { field: 'file' } } })
  })
})
