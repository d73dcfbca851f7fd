// CSV written for people to open in a spreadsheet. A text cell that starts like a formula (=, +, -, @, tab, CR)
// would run as one in Excel or LibreOffice ("=HYPERLINK(…)" from a citizen's report, a pushed row): it is
// prefixed with an apostrophe so it shows as the text it is (OWASP "CSV injection"). Numbers stay numbers.
// Pure TypeScript, so the web app's downloads use it too.

export type CsvValue = string | number | boolean | null | undefined

const FORMULA_START = /^[=+\-@\t\r]/

/** One cell: formula-like text neutralised, then quoted when it holds a comma, quote or line break (RFC 4180). */
export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return ''
  const text = typeof value === 'string' && FORMULA_START.test(value) ? `'${value}` : String(value)
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text
}

/** Rows of cells as CSV text, CRLF line ends and a final one. */
export function csvText(rows: CsvValue[][]): string {
  return rows.map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')
}
