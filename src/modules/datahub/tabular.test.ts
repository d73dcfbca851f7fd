import { readFileSync } from 'node:fs'
import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { formatOf, parseCsvTable, parseTable } from './tabular.ts'

const fixture = (name: string) => readFileSync(new URL(`../../../test/fixtures/datahub/${name}`, import.meta.url))

describe('reading tables', () => {
  it('reads a semicolon CSV with BOM, decimal commas and a quoted newline as Indonesian Excel saves it', async () => {
    const table = await parseCsvTable(fixture('wifi-magelang-semicolon.csv').toString('utf8'))
    expect(table.dialect).toEqual({ delimiter: ';', decimalComma: true })
    expect(table.columns).toEqual([
      { name: 'nama', type: 'text' },
      { name: 'penyedia', type: 'text' },
      { name: 'status', type: 'text' },
      { name: 'lintang', type: 'number' },
      { name: 'bujur', type: 'number' },
      { name: 'kecepatan_mbps', type: 'number' },
      { name: 'keterangan', type: 'text' },
    ])
    expect(table.rows).toHaveLength(3)
    expect(table.rows[0]).toMatchObject({ nama: 'Alun-alun Kota Magelang', lintang: -7.4773, bujur: 110.2176, kecepatan_mbps: 50.5 })
    expect(table.rows[0].keterangan).toBe('Titik utama\r\ndi sisi barat')
    expect(table.rows[2].nama).toBe('Terminal Tidar; area tunggu')
    expect(table.rows[1].keterangan).toBeNull()
    expect(table.points).toEqual([
      [110.2176, -7.4773],
      [110.215, -7.4712],
      [110.224, -7.494],
    ])
  })

  it('reads a comma CSV with dot decimals, integers, yes/no and both date spellings', async () => {
    const table = await parseCsvTable(fixture('puskesmas-comma.csv').toString('utf8'))
    expect(table.dialect?.delimiter).toBe(',')
    expect(Object.fromEntries(table.columns.map((c) => [c.name, c.type]))).toEqual({
      kode: 'text',
      nama: 'text',
      kecamatan: 'text',
      lat: 'number',
      lon: 'number',
      tempat_tidur: 'integer',
      buka_24_jam: 'boolean',
      tanggal_data: 'date',
    })
    expect(table.rows[2]).toMatchObject({ tempat_tidur: 0, buka_24_jam: false, tanggal_data: '2025-01-31' })
    expect(table.points[0]).toEqual([110.219, -7.4599])
  })

  it('reads thousands dots with a decimal comma as one number', async () => {
    const table = await parseCsvTable('wilayah;anggaran\nA;1.234.567,89\nB;12,5\n')
    expect(table.rows.map((r) => r.anggaran)).toEqual([1234567.89, 12.5])
  })

  it('reads the first sheet of an XLSX workbook with numbers, dates and formulas', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Data')
    workbook.addWorksheet('Catatan').addRow(['ignored'])
    sheet.addRow(['kelurahan', 'penduduk', 'luas_km2', 'tanggal', 'kepadatan'])
    sheet.addRow(['Kemirirejo', 9123, 1.1, new Date(Date.UTC(2024, 11, 31)), { formula: 'B2/C2', result: 8293.6 }])
    sheet.addRow(['Cacaban', 10456, 1.25, new Date(Date.UTC(2024, 11, 31)), { formula: 'B3/C3', result: 8364.8 }])
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer())
    expect(formatOf('data.xlsx', bytes)).toBe('xlsx')
    const table = await parseTable('xlsx', bytes)
    expect(table.columns.map((c) => c.type)).toEqual(['text', 'integer', 'number', 'date', 'number'])
    expect(table.rows[1]).toEqual({ kelurahan: 'Cacaban', penduduk: 10456, luas_km2: 1.25, tanggal: '2024-12-31', kepadatan: 8364.8 })
  })

  it('takes points from GeoJSON features and keeps their properties as rows', async () => {
    const bytes = fixture('fasilitas.geojson')
    expect(formatOf('fasilitas.geojson', bytes)).toBe('geojson')
    const table = await parseTable('geojson', bytes)
    expect(table.rows.map((r) => r.nama)).toEqual(['Alun-alun', 'Masjid Agung', 'Kawasan Pecinan'])
    expect(table.points).toEqual([[110.2176, -7.4773], [110.217, -7.479], null])
  })

  it('finds the array of rows in a JSON document, or at a given path', async () => {
    const doc = Buffer.from(
      JSON.stringify({
        meta: { total: 2 },
        data: {
          items: [
            { id: 1, nilai: '3,5' },
            { id: 2, nilai: '4' },
          ],
        },
      }),
    )
    const table = await parseTable('json', doc, 'data.items')
    expect(table.rows).toEqual([
      { id: 1, nilai: 3.5 },
      { id: 2, nilai: 4 },
    ])
    await expect(parseTable('json', doc, 'data.nothing')).rejects.toMatchObject({ code: 'invalid' })
    expect((await parseTable('json', Buffer.from('{"hasil":[{"a":1}]}'))).rows).toEqual([{ a: 1 }])
  })
})
