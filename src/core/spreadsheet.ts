import { PassThrough, Readable } from 'node:stream'
import { type CsvValue, csvText } from './csv.ts'

// Tables people take to a meeting: one way to write them as XLSX or CSV, for the exports of the lists and for
// the attachments of scheduled reports. Rows come as an async iterable, so a list pages through its own service
// (with the filters the screen used) and the file streams out while the next page is read.

export type TableFormat = 'xlsx' | 'csv'

export interface Table {
  /** The sheet's name (XLSX; at most 31 characters, no []:*?/\). */
  name: string
  columns: { header: string; width?: number }[]
  rows: Iterable<CsvValue[]> | AsyncIterable<CsvValue[]>
}

export const CONTENT_TYPES: Record<TableFormat, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv; charset=utf-8',
}

// Excel refuses these in a sheet's name.
const sheetName = (name: string) => name.replace(/[[\]:*?/\\]/g, ' ').slice(0, 31) || 'Sheet'

/** The tables as one XLSX workbook, a sheet each, streamed. A text cell stays text (never a formula). */
export function xlsxStream(tables: Table[]): Readable {
  const out = new PassThrough()
  ;(async () => {
    // exceljs is heavy: loaded when a workbook is first written, not at start-up.
    const { default: ExcelJS } = await import('exceljs')
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true })
    for (const table of tables) {
      const sheet = workbook.addWorksheet(sheetName(table.name))
      sheet.columns = table.columns.map((c) => ({ header: c.header, width: c.width ?? Math.max(10, Math.min(50, c.header.length + 4)) }))
      sheet.getRow(1).font = { bold: true }
      sheet.getRow(1).commit()
      for await (const row of table.rows) sheet.addRow(row.map((v) => (v === undefined ? null : v))).commit()
      sheet.commit()
    }
    await workbook.commit()
  })().catch((err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))))
  return out
}

/** One table as CSV (RFC 4180, formula-like text neutralised, see csv.ts), streamed with a BOM so Excel reads UTF-8. */
export function csvStream(table: Table): Readable {
  return Readable.from(
    (async function* () {
      yield `\uFEFF${csvText([table.columns.map((c) => c.header)])}`
      for await (const row of table.rows) yield csvText([row])
    })(),
  )
}

/** The whole stream as one buffer (an e-mail attachment). */
export async function bufferOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk))
  return Buffer.concat(chunks)
}

/** Every item of a keyset-paged list, a page at a time (an export reads the list as the screen does). */
export async function* everyItem<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; next: string | null }>): AsyncGenerator<T> {
  let cursor: string | undefined
  do {
    const p = await page(cursor)
    yield* p.items
    cursor = p.next ?? undefined
  } while (cursor)
}
