import { Readable } from 'node:stream'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { CsvError, parse } from 'csv-parse'
import { DomainError, Invalid } from './errors.ts'

/** Most rows one import request may carry: a bigger file is split by the sender. */
export const MAX_IMPORT_ROWS = 100_000

/**
 * Rows an import writes per statement. PGlite runs each statement on the main thread in one go: 50 rows keep a
 * statement to a few tens of milliseconds, so other requests wait no longer than that (see bench/imports.ts).
 */
export const IMPORT_BATCH = 50

// Parsing is synchronous work: text is fed to the parser in slices, and the event loop turns every so
// many rows, so other requests are answered while a large file is read.
const SLICE_CHARS = 64 * 1024
const ROWS_PER_TURN = 100

export class TooManyRows extends DomainError {
  constructor(
    readonly maxRows: number,
    field = 'body',
  ) {
    super('payload_too_large', `An import may hold at most ${maxRows.toLocaleString('en')} rows: split the file`, { field, maxRows })
  }
}

export interface CsvRecord {
  /** The row number in the file as a spreadsheet shows it (the header is row 1). */
  row: number
  /** Cells by header, the header trimmed and lower-cased. */
  record: Record<string, string>
}

/** A text or its bytes as a stream of slices, so the parser reads it a slice at a time. */
function slices(whole: string | Buffer): Readable {
  return Readable.from(
    (function* () {
      for (let at = 0; at < whole.length; at += SLICE_CHARS) yield whole.slice(at, at + SLICE_CHARS)
    })(),
  )
}

export interface CsvOptions {
  /** Most data rows (after the header) the file may hold; more throw TooManyRows. */
  maxRows?: number
  delimiter?: string
  /** The field a refusal names: the request body by default, `file` for an upload. */
  field?: string
}

/**
 * The rows of a CSV as cells, the header first, read slice by slice with the event loop turning between; more
 * than `maxRows` rows after the header throw TooManyRows, a file that is not CSV throws Invalid naming the line.
 */
export async function* csvRows(source: string | Buffer | Readable, opts: CsvOptions = {}): AsyncGenerator<string[]> {
  const maxRows = opts.maxRows ?? MAX_IMPORT_ROWS
  const parser = (source instanceof Readable ? source : slices(source)).pipe(
    parse({ delimiter: opts.delimiter ?? ',', bom: true, trim: true, skip_empty_lines: true, relax_column_count: true }),
  )
  let count = 0
  try {
    for await (const cells of parser as AsyncIterable<string[]>) {
      if (count > maxRows) throw new TooManyRows(maxRows, opts.field)
      if (count % ROWS_PER_TURN === 0) await nextTurn()
      count += 1
      yield cells
    }
  } catch (err) {
    if (err instanceof CsvError)
      throw new Invalid(`The CSV cannot be read at line ${err.lines}: ${err.message}`, { field: opts.field ?? 'body', line: err.lines })
    throw err
  } finally {
    parser.destroy()
  }
}

/** The records of a CSV with a header row, by header cell trimmed and lower-cased (see csvRows). */
export async function* csvRecords(source: string | Buffer | Readable, opts: CsvOptions = {}): AsyncGenerator<CsvRecord> {
  let header: string[] | null = null
  let row = 1
  for await (const cells of csvRows(source, opts)) {
    if (!header) {
      header = cells.map((h) => h.trim().toLowerCase())
      continue
    }
    row += 1
    yield { row, record: Object.fromEntries(header.map((name, i) => [name, cells[i] ?? ''])) }
  }
}
