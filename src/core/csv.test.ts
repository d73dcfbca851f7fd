import { describe, expect, it } from 'vitest'
import { csvCell, csvText } from './csv.ts'

describe('CSV cells', () => {
  it('neutralises text that a spreadsheet would run as a formula', () => {
    expect(csvCell('=HYPERLINK("http://x","klik")')).toBe(`"'=HYPERLINK(""http://x"",""klik"")"`)
    for (const start of ['+', '-', '@', '\t']) expect(csvCell(`${start}1+1`)).toBe(`'${start}1+1`)
    expect(csvCell('\r=1')).toBe(`"'\r=1"`)
  })

  it('keeps numbers, plain text and empty cells as they are', () => {
    expect(csvCell(-5)).toBe('-5')
    expect(csvCell('Jalan Pemuda, Magelang')).toBe('"Jalan Pemuda, Magelang"')
    expect(csvCell('a=b')).toBe('a=b')
    expect(csvCell(null)).toBe('')
    expect(
      csvText([
        ['kode', 'nilai'],
        ['-x', 3],
      ]),
    ).toBe(`kode,nilai\r\n'-x,3\r\n`)
  })
})
