import ExcelJS from 'exceljs'
import { describe, expect, it } from 'vitest'
import { MAX_IMPORT_ROWS } from '../../core/imports.ts'
import { parseTable } from './tabular.ts'
import { MAX_UNPACKED_BYTES } from './workbook-limits.ts'
import { sheetXml, zipOf } from './zip.test-support.ts'

const huge = () => Buffer.alloc(MAX_UNPACKED_BYTES + 1024 * 1024, ' ')

describe('XLSX limits, checked before the workbook is parsed', () => {
  it('refuses a workbook whose directory declares more unpacked bytes than the limit', async () => {
    const bomb = zipOf([{ name: 'xl/worksheets/sheet1.xml', data: huge() }])
    expect(bomb.length).toBeLessThan(1024 * 1024)
    await expect(parseTable('xlsx', bomb)).rejects.toMatchObject({
      code: 'payload_too_large',
      details: { field: 'file', maxUnpackedBytes: MAX_UNPACKED_BYTES },
    })
  })

  it('refuses a part that unpacks to more than its directory declared', async () => {
    const liar = zipOf([{ name: 'xl/sharedStrings.xml', data: huge(), declaredSize: 1000 }])
    await expect(parseTable('xlsx', liar)).rejects.toMatchObject({ code: 'payload_too_large', details: { field: 'file' } })
  })

  it('refuses sheets of more rows than an import may hold', async () => {
    const tall = zipOf([{ name: 'xl/worksheets/sheet1.xml', data: sheetXml(MAX_IMPORT_ROWS + 2) }])
    await expect(parseTable('xlsx', tall)).rejects.toMatchObject({ code: 'payload_too_large', details: { field: 'file', maxRows: MAX_IMPORT_ROWS } })
  })

  it('reads a workbook of exactly the row limit', async () => {
    const workbook = new ExcelJS.Workbook()
    const sheet = workbook.addWorksheet('Data')
    sheet.addRow(['nomor'])
    for (let i = 0; i < 1000; i++) sheet.addRow([i])
    const bytes = Buffer.from(await workbook.xlsx.writeBuffer())
    expect((await parseTable('xlsx', bytes, null, 1000)).rows).toHaveLength(1000)
    await expect(parseTable('xlsx', bytes, null, 999)).rejects.toMatchObject({ code: 'payload_too_large' })
  })
})
