import type { CellValue } from 'exceljs'
import { Invalid } from '../../core/errors.ts'
import { csvRows, MAX_IMPORT_ROWS, TooManyRows } from '../../core/imports.ts'
import { checkWorkbook } from './workbook-limits.ts'

export type ColumnType = 'integer' | 'number' | 'boolean' | 'date' | 'text'
export type Cell = string | number | boolean | null

export interface Column {
  name: string
  type: ColumnType
}

export type Format = 'csv' | 'xlsx' | 'json' | 'geojson'

/** A parsed table: typed rows keyed by column name, and a point per row when the data has places. */
export interface Table {
  format: Format
  columns: Column[]
  rows: Record<string, Cell>[]
  points: ([number, number] | null)[]
  /** The CSV's delimiter and decimal mark, for the preview. */
  dialect?: { delimiter: string; decimalComma: boolean }
}

export const MEDIA_TYPES: Record<Format, string> = {
  csv: 'text/csv',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json',
  geojson: 'application/geo+json',
}

const LON_NAMES = ['lon', 'lng', 'long', 'longitude', 'bujur', 'x']
const LAT_NAMES = ['lat', 'latitude', 'lintang', 'y']

/** The format of an upload from its file name, falling back to its content. */
export function formatOf(filename: string, bytes: Buffer): Format {
  const ext = filename.toLowerCase().split('.').pop() ?? ''
  if (ext === 'csv' || ext === 'txt') return 'csv'
  if (ext === 'xlsx') return 'xlsx'
  if (ext === 'geojson') return 'geojson'
  if (ext === 'json') return /"type"\s*:\s*"FeatureCollection"/.test(bytes.subarray(0, 4096).toString('utf8')) ? 'geojson' : 'json'
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx'
  const head = bytes.subarray(0, 1).toString('utf8')
  if (head === '{' || head === '[') return 'json'
  return 'csv'
}

// Text never holds a NUL byte: a "CSV" or "JSON" that does is binary, refused before any slow decoding of it.
const SNIFF_BYTES = 64 * 1024
function refuseBinary(bytes: Buffer): void {
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) throw new Invalid('The file is binary, not CSV, JSON or GeoJSON', { field: 'file' })
}

export async function parseTable(format: Format, bytes: Buffer, rowsPath?: string | null, maxRows = MAX_IMPORT_ROWS): Promise<Table> {
  if (format !== 'xlsx') refuseBinary(bytes)
  switch (format) {
    case 'csv':
      return parseCsvTable(bytes, maxRows)
    case 'xlsx':
      await checkWorkbook(bytes, maxRows)
      return parseXlsx(bytes)
    case 'geojson':
      return parseGeoJson(parseJson(bytes), rowsPath, maxRows)
    case 'json':
      return tableFromRecords('json', atMost(recordsAt(parseJson(bytes), rowsPath), maxRows))
  }
}

function atMost<T>(rows: T[], maxRows: number): T[] {
  if (rows.length > maxRows) throw new TooManyRows(maxRows, 'file')
  return rows
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8').replace(/^\uFEFF/, ''))
  } catch {
    throw new Invalid('The file is not valid JSON', { field: 'file' })
  }
}

/** The value at a dotted path (`data.items`); an object with one array property yields that array. */
export function valueAt(value: unknown, path: string | null | undefined): unknown {
  if (!path) return value
  let current = value
  for (const key of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

function recordsAt(doc: unknown, rowsPath: string | null | undefined): Record<string, unknown>[] {
  let rows = valueAt(doc, rowsPath)
  if (!Array.isArray(rows) && rows && typeof rows === 'object' && !rowsPath) {
    rows = Object.values(rows).find(Array.isArray)
  }
  if (!Array.isArray(rows))
    throw new Invalid(rowsPath ? `There is no array of rows at ${rowsPath}` : 'The JSON holds no array of rows', { field: rowsPath ? 'rowsPath' : 'file' })
  return rows.filter((r): r is Record<string, unknown> => r !== null && typeof r === 'object' && !Array.isArray(r))
}

function parseGeoJson(doc: unknown, rowsPath: string | null | undefined, maxRows: number): Table {
  const { records, points } = parseGeoJsonRecords(doc, rowsPath, maxRows)
  return { ...tableFromRecords('geojson', records), points }
}

function parseGeoJsonRecords(doc: unknown, rowsPath: string | null | undefined, maxRows: number) {
  const features = valueAt(doc, rowsPath || 'features')
  if (!Array.isArray(features)) throw new Invalid('The GeoJSON is not a FeatureCollection', { field: 'file' })
  atMost(features, maxRows)
  const records: Record<string, unknown>[] = []
  const points: ([number, number] | null)[] = []
  for (const f of features as { geometry?: { type?: string; coordinates?: unknown }; properties?: Record<string, unknown> | null }[]) {
    records.push({ ...(f.properties ?? {}) })
    const c = f.geometry?.type === 'Point' ? f.geometry.coordinates : null
    points.push(Array.isArray(c) && typeof c[0] === 'number' && typeof c[1] === 'number' ? [c[0], c[1]] : null)
  }
  return { records, points }
}

/** `;` or `,`, whichever splits the header line into more fields. */
function delimiterOf(head: string): string {
  const firstLine = head.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? ''
  const count = (ch: string) => firstLine.split(ch).length - 1
  return count(';') > count(',') ? ';' : ','
}

async function csvRecords(bytes: Buffer, maxRows: number): Promise<{ records: Record<string, string>[]; delimiter: string }> {
  const delimiter = delimiterOf(bytes.subarray(0, SNIFF_BYTES).toString('utf8'))
  let names: string[] | null = null
  const records: Record<string, string>[] = []
  for await (const cells of csvRows(bytes, { delimiter, maxRows, field: 'file' })) {
    if (!names) names = uniqueNames(cells)
    else records.push(Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ''])))
  }
  if (!names || names.length === 0) throw new Invalid('The CSV has no header row', { field: 'file' })
  return { records, delimiter }
}

export async function parseCsvTable(csv: string | Buffer, maxRows = MAX_IMPORT_ROWS): Promise<Table> {
  const { records, delimiter } = await csvRecords(typeof csv === 'string' ? Buffer.from(csv) : csv, maxRows)
  const table = tableFromRecords('csv', records)
  return { ...table, dialect: { delimiter, decimalComma: records.some((r) => Object.values(r).some((v) => /^-?\d+,\d+$/.test(v))) } }
}

/** The untyped records of a fetched document (and the points of GeoJSON features), before any field mapping. */
export async function readRecords(
  format: 'csv' | 'json' | 'geojson',
  bytes: Buffer,
  rowsPath: string | null,
  maxRows = MAX_IMPORT_ROWS,
): Promise<{ records: Record<string, unknown>[]; points: ([number, number] | null)[] | null }> {
  refuseBinary(bytes)
  if (format === 'csv') return { records: (await csvRecords(bytes, maxRows)).records, points: null }
  if (format === 'json') return { records: atMost(recordsAt(parseJson(bytes), rowsPath), maxRows), points: null }
  return parseGeoJsonRecords(parseJson(bytes), rowsPath, maxRows)
}

async function parseXlsx(bytes: Buffer): Promise<Table> {
  // Loaded when a workbook arrives: exceljs is the heaviest import of the server's start-up.
  const { default: ExcelJS } = await import('exceljs')
  const workbook = new ExcelJS.Workbook()
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    throw new Invalid('The file is not a readable XLSX workbook', { field: 'file' })
  }
  const sheet = workbook.worksheets[0]
  if (!sheet) throw new Invalid('The workbook has no sheet', { field: 'file' })
  const grid: unknown[][] = []
  sheet.eachRow({ includeEmpty: false }, (row) => {
    const cells: unknown[] = []
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellValue(cell.value)
    })
    grid.push(cells)
  })
  const [header, ...body] = grid
  if (!header) throw new Invalid('The first sheet is empty', { field: 'file' })
  const names = uniqueNames(header.map((h) => String(h ?? '')))
  return tableFromRecords(
    'xlsx',
    body.map((cells) => Object.fromEntries(names.map((n, i) => [n, cells[i] ?? null]))),
  )
}

function cellValue(value: CellValue): unknown {
  if (value === null || value === undefined) return null
  if (value instanceof Date) return value.toISOString().slice(0, 10)
  if (typeof value === 'object') {
    if ('result' in value) return cellValue(value.result as CellValue)
    if ('richText' in value) return value.richText.map((t) => t.text).join('')
    if ('text' in value) return String(value.text)
    return null
  }
  return value
}

function uniqueNames(header: string[]): string[] {
  const seen = new Map<string, number>()
  return header.map((h, i) => {
    const base = h.trim() || `column_${i + 1}`
    const n = seen.get(base) ?? 0
    seen.set(base, n + 1)
    return n === 0 ? base : `${base}_${n + 1}`
  })
}

const INTEGER = /^-?\d+$/
const DOT_NUMBER = /^-?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?$/
const COMMA_NUMBER = /^-?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?$/
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(\.\d+)?(Z|[+-]\d{2}:?\d{2})?)?$/
const ID_DATE = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/
const TRUE = new Set(['true', 'ya', 'yes', 'y'])
const FALSE = new Set(['false', 'tidak', 'no', 'n'])

/** Reads a written number; `decimalComma` is the Indonesian way (1.234,5). */
export function readNumber(text: string, decimalComma: boolean): number | null {
  const t = text.trim()
  if (decimalComma ? !COMMA_NUMBER.test(t) : !DOT_NUMBER.test(t)) return null
  const n = Number(decimalComma ? t.replaceAll('.', '').replace(',', '.') : t.replaceAll(',', ''))
  return Number.isFinite(n) ? n : null
}

function readDate(text: string): string | null {
  if (ISO_DATE.test(text)) return text
  const m = ID_DATE.exec(text)
  if (!m) return null
  return `${m[3]}-${m[2].padStart(2, '0')}-${m[1].padStart(2, '0')}`
}

/** The type of a column from every value it holds; a column is numeric only if all its values are. */
function detect(values: unknown[]): { type: ColumnType; decimalComma: boolean } {
  const present = values.filter((v) => v !== null && v !== undefined && v !== '')
  if (present.length === 0) return { type: 'text', decimalComma: false }
  if (present.every((v) => typeof v === 'boolean' || TRUE.has(String(v).toLowerCase()) || FALSE.has(String(v).toLowerCase())))
    return { type: 'boolean', decimalComma: false }
  const texts = present.map((v) => (typeof v === 'number' ? String(v) : v))
  if (texts.every((v) => typeof v === 'string' && INTEGER.test(v.trim())) || present.every((v) => typeof v === 'number' && Number.isInteger(v)))
    return { type: 'integer', decimalComma: false }
  const decimalComma = texts.some((v) => typeof v === 'string' && v.includes(','))
  if (present.every((v) => typeof v === 'number' || readNumber(String(v), decimalComma) !== null)) return { type: 'number', decimalComma }
  if (present.every((v) => typeof v === 'string' && readDate(v.trim()) !== null)) return { type: 'date', decimalComma: false }
  return { type: 'text', decimalComma: false }
}

/** Converts a value to a column's type; undefined when it does not fit. */
export function convert(value: unknown, type: ColumnType, decimalComma = false): Cell | undefined {
  if (value === null || value === undefined || value === '') return null
  switch (type) {
    case 'text':
      return typeof value === 'object' ? JSON.stringify(value) : String(value)
    case 'boolean': {
      if (typeof value === 'boolean') return value
      const t = String(value).toLowerCase()
      return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined
    }
    case 'integer': {
      const n = typeof value === 'number' ? value : INTEGER.test(String(value).trim()) ? Number(String(value).trim()) : Number.NaN
      return Number.isInteger(n) ? n : undefined
    }
    case 'number': {
      if (typeof value === 'number') return value
      if (typeof value !== 'string') return undefined
      return readNumber(value, decimalComma || (value.includes(',') && !value.includes('.'))) ?? undefined
    }
    case 'date':
      return typeof value === 'string' ? (readDate(value.trim()) ?? undefined) : undefined
  }
}

/** Types the columns of plain records and converts every value to its column's type. */
export function tableFromRecords(format: Format, records: Record<string, unknown>[]): Table {
  const seen = new Set<string>()
  for (const r of records) for (const k of Object.keys(r)) seen.add(k)
  const names = [...seen]
  const detected = names.map((name) => ({ name, ...detect(records.map((r) => r[name])) }))
  const rows = records.map((r) => Object.fromEntries(detected.map((c) => [c.name, convert(r[c.name], c.type, c.decimalComma) ?? null])))
  const columns = detected.map(({ name, type }) => ({ name, type }))
  return { format, columns, rows, points: pointsOf(columns, rows) }
}

/** Points from a lon/lat pair of numeric columns (bujur/lintang too), when the table has one. */
export function pointsOf(columns: Column[], rows: Record<string, Cell>[]): ([number, number] | null)[] {
  const numeric = columns.filter((c) => c.type === 'number' || c.type === 'integer')
  const lon = numeric.find((c) => LON_NAMES.includes(c.name.toLowerCase()))
  const lat = numeric.find((c) => LAT_NAMES.includes(c.name.toLowerCase()))
  return rows.map((r) => {
    if (!lon || !lat) return null
    const x = r[lon.name]
    const y = r[lat.name]
    return typeof x === 'number' && typeof y === 'number' && Math.abs(x) <= 180 && Math.abs(y) <= 90 ? [x, y] : null
  })
}
